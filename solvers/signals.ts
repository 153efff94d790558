/**
 * Ctrl-C (SIGINT) and SIGTERM (sent by `timeout`, container stops and job schedulers) end a run
 * the same way: training stops at the next step, the best parameters are restored, the outputs
 * are written, and the exit code says which signal it was. A second signal stops at once.
 */

/** Exit code after a signal: 128 + its number, as shells report a process killed by it. */
export const SIGNAL_EXIT_CODES = { SIGINT: 130, SIGTERM: 143 } as const;
export type StopSignal = keyof typeof SIGNAL_EXIT_CODES;

/** A run's view of the stop signals. */
export interface Interrupts {
  /** Aborted when the first signal arrives; hand it to the trainer. */
  signal: AbortSignal;
  /** The signal received so far, or null. */
  received(): StopSignal | null;
  /** The exit code for the signal received, or null when none came. */
  exitCode(): number | null;
  /** Restores the default handling (idempotent). */
  dispose(): void;
}

let active: Interrupts | null = null;

/**
 * Catches SIGINT and SIGTERM for one command run. Replaces the previous run's handlers, so a
 * command that ended by an exception leaves none behind for the next in-process run (tests).
 */
export function catchInterrupts(): Interrupts {
  active?.dispose();
  const controller = new AbortController();
  let received: StopSignal | null = null;
  const on = (name: StopSignal) => (): void => {
    // A second signal means "stop now"; the outputs are written atomically, so none is left half-written.
    if (received !== null) process.exit(SIGNAL_EXIT_CODES[name]);
    received = name;
    controller.abort();
  };
  const onInt = on('SIGINT');
  const onTerm = on('SIGTERM');
  process.on('SIGINT', onInt);
  process.on('SIGTERM', onTerm);
  const interrupts: Interrupts = {
    signal: controller.signal,
    received: () => received,
    exitCode: () => (received === null ? null : SIGNAL_EXIT_CODES[received]),
    dispose() {
      process.removeListener('SIGINT', onInt);
      process.removeListener('SIGTERM', onTerm);
      if (active === interrupts) active = null;
    },
  };
  active = interrupts;
  return interrupts;
}
