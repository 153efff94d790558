/**
 * Whether a time-dependent problem's initial data agree with its boundary conditions at t0 (the
 * compatibility condition of a parabolic problem, e.g. Evans, "Partial Differential Equations",
 * §7.1; Thomée, "Galerkin Finite Element Methods for Parabolic Problems", ch. 3). Where they disagree
 * (PINNacle Heat 2d-CG: u = 0 at t = 0, but u + ∂u/∂n = 5 on the holes), the solution is not smooth
 * at t0 on the boundary: a layer of width √(t − t0) forms there, and a network that is smooth in t
 * can meet the initial condition or the boundary condition near t0, not both. The automatic recipe
 * reads this to decide how time is treated (recipe.ts).
 *
 * The check reads only the loss terms: u0 (and its first spatial derivatives, by central
 * differences) from the initial term's residual, which is u − u0; then the boundary term's residual
 * at t0 with those values in place of the unknown's channels. Nonzero means incompatible.
 */
import * as tf from '../tf.js';
import type { LossTerm, Problem, Scope } from '../problem/types.js';
import { createRng } from '../random.js';

/** Boundary points per condition at which the check is made. */
const CHECK_POINTS = 128;
/** Step of the central differences, relative to the axis' span (float32: 1e-3 keeps rounding near 1e-4 of the slope). */
const DIFFERENCE_STEP = 1e-3;
/** A mismatch counts when it exceeds this share of the data's own size (max |u0|, max |g|, 1). */
export const MISMATCH_TOLERANCE = 1e-2;

/** One boundary condition that disagrees with the initial data at t0. */
export interface Incompatibility {
  /** The boundary condition's term name, e.g. `conditions[1].robin`. */
  condition: string;
  /** The initial condition's term name. */
  initial: string;
  /** Largest |residual of the boundary condition| at t0 with u = u0 there. */
  mismatch: number;
}

const BOUNDARY_KINDS: ReadonlySet<LossTerm['kind']> = new Set(['dirichlet', 'neumann', 'robin']);

/**
 * The boundary conditions of `problem` that disagree with its initial value at t0, with the size of
 * the disagreement. Empty for a steady problem, a problem without an initial value, or where every
 * condition agrees. Conditions that read what the check cannot supply (another unknown, a time
 * derivative, an inferred parameter) are skipped.
 */
export function initialBoundaryMismatches(problem: Problem): Incompatibility[] {
  if (!problem.time) return [];
  const t0 = problem.time[0];
  const tAxis = problem.variables.indexOf('t');
  if (tAxis < 0) return [];
  const found: Incompatibility[] = [];
  for (const initial of problem.terms.filter((t) => t.kind === 'initial')) {
    const unknown = problem.unknowns.find((u) => initial.derivatives.includes(u));
    if (unknown === undefined) continue;
    for (const condition of problem.terms.filter((t) => BOUNDARY_KINDS.has(t.kind))) {
      const own = new Set([unknown, ...problem.spatial.map((v) => `${unknown}_${v}`)]);
      if (!condition.derivatives.includes(unknown) && !problem.spatial.some((v) => condition.derivatives.includes(`${unknown}_${v}`))) continue;
      if (condition.derivatives.some((d) => !own.has(d))) continue;
      try {
        const mismatch = mismatchAt(problem, initial, condition, unknown, t0, tAxis);
        if (mismatch !== null) found.push({ condition: condition.name, initial: initial.name, mismatch });
      } catch {
        // A residual that needs what the check does not supply: no verdict for this pair.
      }
    }
  }
  return found;
}

/** The largest mismatch of `condition` at t0 with u = u0, or null when it is within the tolerance. */
function mismatchAt(problem: Problem, initial: LossTerm, condition: LossTerm, unknown: string, t0: number, tAxis: number): number | null {
  const points = condition.sample(CHECK_POINTS, createRng(13), 'halton');
  const n = points.count;
  if (n === 0) return null;
  const d = problem.variables.length;
  const coords = Float64Array.from(points.coords);
  for (let i = 0; i < n; i++) coords[i * d + tAxis] = t0;
  // u0 at the points, and along each spatial axis at ± a small step.
  const u0 = initialValue(problem, initial, unknown, coords, n);
  const channels: Record<string, Float32Array> = { [unknown]: u0 };
  problem.spatial.forEach((v, a) => {
    const name = `${unknown}_${v}`;
    if (!condition.derivatives.includes(name)) return;
    const h = DIFFERENCE_STEP * Math.max(1e-12, problem.bounds.max[a]! - problem.bounds.min[a]!);
    const shifted = (sign: number): Float32Array => {
      const c = Float64Array.from(coords);
      for (let i = 0; i < n; i++) c[i * d + a] = c[i * d + a]! + sign * h;
      return initialValue(problem, initial, unknown, c, n);
    };
    const plus = shifted(1);
    const minus = shifted(-1);
    channels[name] = Float32Array.from(plus, (p, i) => (p - minus[i]!) / (2 * h));
  });
  // The condition at t0: its own columns (normals) kept, its precomputed values ('__'-named, read at the sampled times) recomputed at t0.
  const extra = Object.fromEntries(Object.entries(points.extra ?? {}).filter(([k]) => !k.startsWith('__')));
  const residual = evaluate(problem, condition, coords, n, extra, channels);
  const stated = evaluate(problem, condition, coords, n, extra, Object.fromEntries(Object.keys(channels).map((k) => [k, new Float32Array(n)])));
  let mismatch = 0;
  let size = 1;
  residual.forEach((r, i) => {
    if (Number.isFinite(r)) mismatch = Math.max(mismatch, Math.abs(r));
    size = Math.max(size, Math.abs(u0[i]!), Math.abs(stated[i]!));
  });
  return mismatch > MISMATCH_TOLERANCE * size ? mismatch : null;
}

/** u0 at float64 coords: minus the initial term's residual with u = 0 (its first `count` entries: the value part). */
function initialValue(problem: Problem, initial: LossTerm, unknown: string, coords: Float64Array, count: number): Float32Array {
  const channels = Object.fromEntries(initial.derivatives.map((name) => [name, name === unknown ? new Float32Array(count) : new Float32Array(count).fill(Number.NaN)]));
  const r = evaluate(problem, initial, coords, count, {}, channels);
  return Float32Array.from(r.subarray(0, count), (v) => -v);
}

/** A term's residual at coords with the given channel values (a channel not given is NaN). */
function evaluate(problem: Problem, term: LossTerm, coords: Float64Array, count: number, extra: Record<string, Float32Array>, channels: Record<string, Float32Array>): Float32Array {
  return tf.tidy(() => {
    const d = problem.variables.length;
    const scope: Scope = {};
    problem.variables.forEach((name, a) => (scope[name] = tf.tensor1d(Float32Array.from({ length: count }, (_, i) => coords[i * d + a]!))));
    for (const [name, column] of Object.entries(extra)) scope[name] = tf.tensor1d(column);
    for (const name of term.derivatives) scope[name] = tf.tensor1d(channels[name] ?? new Float32Array(count).fill(Number.NaN));
    return term.residual(scope).dataSync() as Float32Array;
  });
}
