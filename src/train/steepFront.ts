/**
 * Whether a problem's PDE makes a front steeper than a KAN's knots can follow (the automatic
 * recipe's steep-front rule, `autoRecipe`), read from the PDE itself, not from its solution.
 *
 * A PDE term with a nonlinear advection c·u·∂u/∂x_a and a diffusion ν·∂²u/∂x_a² along the same
 * axis (viscous Burgers and its kin) steepens its data into fronts of width about ν/(|c|·U) (the
 * viscous shock width of Burgers' equation, Whitham 1974, ch. 4; U the unknown's scale from its
 * stated values), and into shocks without diffusion. The coefficients are read by probing the residual, as `statedScales`
 * reads a condition's: every channel the term reads at 0 except the unknown's value u, its first
 * derivative u_a and its second u_aa; c is the mixed difference r(1, 1) − r(1, 0) − r(0, 1) +
 * r(0, 0) in (u, u_a) (zero for any term affine in them: linear advection, heat, waves), and ν the
 * change of r with u_aa. The rule reports a front when its width is below the knot spacing of the
 * finest grid, (max_a − min_a)/G.
 */
import * as tf from '../tf.js';
import { parseDerivativeName, type DerivativeName } from '../jet/names.js';
import type { LossTerm, Problem, Scope } from '../problem/types.js';
import { createRng } from '../random.js';
import { outputScales } from '../architecture/scalingPlan.js';

/** Points of the PDE term at which the coefficients are read. */
const PROBE_SAMPLES = 64;

/** A front the PDE makes: along which axis, of which unknown, its width against the knot spacing, and why. */
export interface SteepFront {
  unknown: string;
  axis: string;
  /** Largest |c| over the probe points (coefficient of u·u_a). */
  advection: number;
  /** Largest |ν| over the probe points (coefficient of u_aa). */
  diffusion: number;
  /** ν/(|c|·U): the viscous front width (0 without diffusion). */
  width: number;
  /** The finest grid's knot spacing along the axis. */
  spacing: number;
  why: string;
}

/**
 * The steepest front any PDE term of `problem` makes (narrowest relative to the knot spacing of a
 * `finestGrid` grid), or null when none is narrower than that spacing, or the residual cannot be
 * probed (it needs an inverse problem's parameter, say).
 */
export function steepFront(problem: Problem, finestGrid: number): SteepFront | null {
  const scales = outputScales(problem).scales;
  let found: SteepFront | null = null;
  for (const term of problem.terms) {
    if (term.kind !== 'pde') continue;
    const reads: (DerivativeName | undefined)[] = term.derivatives.map((name) => {
      try {
        return parseDerivativeName(name, problem.variables, problem.unknowns);
      } catch {
        return undefined;
      }
    });
    const channel = (output: number, axes: number[]): number =>
      reads.findIndex((r) => r !== undefined && r.output === output && r.axes.length === axes.length && r.axes.every((a, i) => a === axes[i]));
    for (let output = 0; output < problem.unknowns.length; output++) {
      const value = channel(output, []);
      if (value < 0) continue;
      problem.spatial.forEach((name) => {
        const axis = problem.variables.indexOf(name);
        const first = channel(output, [axis]);
        if (first < 0) return;
        const second = channel(output, [axis, axis]);
        const coefficients = probeAdvection(problem, term, value, first, second);
        if (!coefficients || !(coefficients.advection > 1e-9)) return;
        const scale = scales[output]!;
        const width = coefficients.diffusion / (coefficients.advection * scale);
        const spacing = (problem.bounds.max[axis]! - problem.bounds.min[axis]!) / finestGrid;
        if (!(width < spacing) || (found && width / spacing >= found.width / found.spacing)) return;
        const u = problem.unknowns[output]!;
        found = {
          unknown: u,
          axis: name,
          ...coefficients,
          width,
          spacing,
          why: `the PDE advects ${u} by itself along ${name} (${u}·${u}_${name}, coefficient ${fmt(coefficients.advection)}) against a diffusion ${fmt(coefficients.diffusion)}: fronts of width ν/(c·U) ≈ ${fmt(width)} (U = ${fmt(scale)}), below the knot spacing ${fmt(spacing)} of grid ${finestGrid}`,
        };
      });
    }
  }
  return found;
}

const fmt = (v: number): string => Number(v.toPrecision(2)).toString();

/** |c| and |ν| of one term at its sample points (the largest over them), or null when the residual cannot be probed. */
function probeAdvection(problem: Problem, term: LossTerm, value: number, first: number, second: number): { advection: number; diffusion: number } | null {
  try {
    const points = term.sample(PROBE_SAMPLES, createRng(13), 'halton');
    if (points.count === 0) return null;
    const d = problem.variables.length;
    // r with the channels in `set` at their values, every other channel read by the term at 0.
    const probe = (set: Record<number, number>): Float32Array => tf.tidy(() => {
      const scope: Scope = {};
      problem.variables.forEach((name, a) => (scope[name] = tf.tensor1d(Float32Array.from({ length: points.count }, (_, n) => points.coords[n * d + a]!))));
      for (const [name, column] of Object.entries(points.extra ?? {})) scope[name] = tf.tensor1d(column);
      term.derivatives.forEach((name, i) => (scope[name] = tf.fill([points.count], set[i] ?? 0)));
      return term.residual(scope).dataSync() as Float32Array;
    });
    const base = probe({});
    const withValue = probe({ [value]: 1 });
    const withSlope = probe({ [first]: 1 });
    const withBoth = probe({ [value]: 1, [first]: 1 });
    const withCurvature = second >= 0 ? probe({ [second]: 1 }) : null;
    let advection = 0;
    let diffusion = 0;
    for (let n = 0; n < points.count; n++) {
      advection = Math.max(advection, Math.abs(withBoth[n]! - withValue[n]! - withSlope[n]! + base[n]!));
      if (withCurvature) diffusion = Math.max(diffusion, Math.abs(withCurvature[n]! - base[n]!));
    }
    return Number.isFinite(advection) && Number.isFinite(diffusion) ? { advection, diffusion } : null;
  } catch {
    return null;
  }
}

/** Points of an initial condition at which its slope is read (dense: a steep front is narrow). */
const SLOPE_SAMPLES = 2048;

/**
 * The length over which the initial data of `unknown` change by their own scale: U / the largest
 * slope |Δu0|/|Δx| between each of the initial term's sample points and its nearest neighbour (u0
 * read as −r with every channel at 0; the values are the term's own, computed where it samples).
 * Infinity without an initial condition of that unknown or with flat data; null when it cannot be read.
 */
export function initialLength(problem: Problem, unknown: string): number | null {
  const output = problem.unknowns.indexOf(unknown);
  const scale = outputScales(problem).scales[output]!;
  const d = problem.variables.length;
  const axes = problem.spatial.map((name) => problem.variables.indexOf(name));
  let slope = 0;
  for (const term of problem.terms) {
    if (term.kind !== 'initial') continue;
    const reads = term.derivatives.map((name) => {
      try {
        return parseDerivativeName(name, problem.variables, problem.unknowns);
      } catch {
        return undefined;
      }
    });
    if (!reads.some((r) => r?.output === output && r.axes.length === 0)) continue;
    try {
      const points = term.sample(SLOPE_SAMPLES, createRng(17), 'halton');
      const values = tf.tidy(() => {
        const scope: Scope = {};
        problem.variables.forEach((name, b) => (scope[name] = tf.tensor1d(Float32Array.from({ length: points.count }, (_, n) => points.coords[n * d + b]!))));
        for (const [name, column] of Object.entries(points.extra ?? {})) scope[name] = tf.tensor1d(column);
        term.derivatives.forEach((name) => (scope[name] = tf.zeros([points.count])));
        return term.residual(scope).dataSync() as Float32Array;
      });
      for (let i = 0; i < points.count; i++) {
        let nearest = Infinity;
        let change = 0;
        for (let j = 0; j < points.count; j++) {
          if (j === i) continue;
          let dist = 0;
          for (const a of axes) dist += (points.coords[i * d + a]! - points.coords[j * d + a]!) ** 2;
          if (dist > 0 && dist < nearest) {
            nearest = dist;
            change = Math.abs(values[i]! - values[j]!);
          }
        }
        if (nearest < Infinity) slope = Math.max(slope, change / Math.sqrt(nearest));
      }
    } catch {
      return null;
    }
  }
  return Number.isFinite(slope) ? (slope > 0 ? scale / slope : Infinity) : null;
}
