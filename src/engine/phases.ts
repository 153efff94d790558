/**
 * Opt-in wall-clock totals of named phases of a loss+gradient evaluation (the KAN network's
 * kernels, the pool's dispatch and wait, copies), read by benchmarks (`bench/threads-scaling.mjs
 * --phases`) to find what stays serial when the kernels run on several threads.
 *
 * Off by default: then `phaseStart` returns 0 and `phaseEnd` returns at once, so a hook costs a
 * branch. Nothing here prints; a benchmark reads `phaseTotals()`.
 */

let on = false;
const totals = new Map<string, { ms: number; calls: number }>();

/** Turns phase timing on or off; either way the totals start afresh. */
export function setPhaseTiming(enabled: boolean): void {
  on = enabled;
  totals.clear();
}

/** Whether phase timing is on. */
export function phaseTiming(): boolean {
  return on;
}

/** The start of a phase: the clock now when timing is on, else 0. */
export function phaseStart(): number {
  return on ? performance.now() : 0;
}

/** Adds the time since `t0` (from `phaseStart`) to the phase `name`; returns the clock now (the next phase's start), 0 when off. */
export function phaseEnd(name: string, t0: number): number {
  if (!on) return 0;
  const now = performance.now();
  const hit = totals.get(name);
  if (hit === undefined) totals.set(name, { ms: now - t0, calls: 1 });
  else {
    hit.ms += now - t0;
    hit.calls += 1;
  }
  return now;
}

/** The totals since timing was turned on (or last reset), by phase, in the order phases first ended. */
export function phaseTotals(): Record<string, { ms: number; calls: number }> {
  const out: Record<string, { ms: number; calls: number }> = {};
  for (const [name, value] of totals) out[name] = { ...value };
  return out;
}

/** Clears the totals (timing stays as it is). */
export function resetPhaseTotals(): void {
  totals.clear();
}
