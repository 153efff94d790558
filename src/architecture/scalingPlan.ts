/**
 * Input and output scaling from a problem (`--scale`, and the automatic recipe); the maps themselves
 * live in src/model/scaling.ts.
 *
 * - Inputs: every variable (time included) from the domain's bounding box to [−1, 1].
 * - Outputs: per unknown, the largest scale the problem states for it: |value| of Dirichlet and
 *   initial values and observed data, and |g|/(|α| + |β|/h) of a Robin or Neumann condition
 *   αu + β∂u/∂n = g (h the half-widths the inputs are scaled by: a slope g over a half-width h is
 *   a change of g·h; `statedScales`), read at sampled points of those conditions (the conditions'
 *   own points, as training draws them). The exact solution and reference data are not read: they are
 *   the test set, and a scale taken from them would let the answer leak into the model. A problem
 *   whose stated values are all zero (say a Poisson problem with u = 0 on the boundary) gives no
 *   scale: 1, and the message says so.
 */
import * as tf from '../tf.js';
import { buildScaling, type ScalingConfig } from '../model/scaling.js';
import type { ScaleChoice } from '../options/training.js';
import type { LossTerm, Problem, Scope } from '../problem/types.js';
import { createRng } from '../random.js';
import { parseDerivativeName, type DerivativeName } from '../jet/names.js';

/** Points per condition at which the stated values are read. */
const VALUE_SAMPLES = 256;
/** Stated values at most this in size count as zero: sin(πx) at x = 1 is 1.2e-16, not a scale (helmholtz2d's boundary). */
export const ZERO_VALUE = 1e-6;

/** The auto rule's tolerance: an input range counts as [−1, 1] when both ends are within this of ±1. */
export const UNIT_RANGE_TOLERANCE = 0.05;
/** The auto rule's output band: an output scale within [1/R, R] counts as unit. */
export const UNIT_SCALE_BAND = 2;

/** Terms that state a value of their unknown: u = g. */
const VALUE_KINDS: ReadonlySet<LossTerm['kind']> = new Set(['dirichlet', 'initial', 'data']);
/** Terms that state a value of a linear operator on their unknown's value and first derivatives: ∂u/∂n = g, αu + β∂u/∂n = g. */
const DERIVATIVE_KINDS: ReadonlySet<LossTerm['kind']> = new Set(['neumann', 'robin']);

/** Derivative names a term reads, parsed (undefined for what is not an output or its derivative, or does not parse). */
function parsedReads(problem: Problem, term: LossTerm): (DerivativeName | undefined)[] {
  return term.derivatives.map((name) => {
    try {
      return parseDerivativeName(name, problem.variables, problem.unknowns);
    } catch {
      return undefined;
    }
  });
}

/**
 * The output scale each point of a condition term states for its unknown, or null when it states
 * none (a PDE or periodic term, a term over several unknowns, a nonlinear one).
 *
 * - u = g (Dirichlet, initial value, data): |g|.
 * - αu + β·∂u/∂n = g (Robin; Neumann is α = 0): the scale s at which a function of unit size in
 *   the model's own units, u = s·N(x̂) with x̂ = (x − c)/h and N, ∂N/∂x̂ of order one, meets the
 *   condition: then u is of size s and ∂u/∂x_a of size s/h_a, so the operator's gain is
 *   |α| + |β|·‖(n_a/h_a)_a‖ and s = |g| / (|α| + |β|·‖(n_a/h_a)_a‖). A Neumann value g thus gives
 *   s = |g|·h along the normal (a slope g over the half-width h), and a Robin value with |β|/h ≪
 *   |α| gives s ≈ |g/α|, a value condition again.
 *
 * The coefficients are read from the term's own residual, which is affine in the channels it is
 * given: with the unknown's value and first derivatives all 0 it is −g; with one channel 1 it is
 * −g plus that channel's coefficient (α, or β·n_a). A residual that is not affine in them is no
 * such condition: null. Other reads (the rate u_t of an initial condition, another unknown) are
 * NaN, so the entries that need them drop out.
 */
function statedScales(problem: Problem, term: LossTerm): { unknown: number; values: number[] } | null {
  const derivativeKind = DERIVATIVE_KINDS.has(term.kind);
  if (!VALUE_KINDS.has(term.kind) && !derivativeKind) return null;
  const reads = parsedReads(problem, term);
  // The channels the scale is read through: the unknown's value, and with a derivative condition its first derivatives.
  const channels = reads.flatMap((r, i) => (r && (r.axes.length === 0 || (derivativeKind && r.axes.length === 1)) ? [{ index: i, read: r }] : []));
  const unknowns = new Set(channels.map((c) => c.read.output));
  if (unknowns.size !== 1) return null;
  // A value condition must read its unknown's value (u = g); a derivative condition some first derivative.
  if (!derivativeKind && !channels.some((c) => c.read.axes.length === 0)) return null;
  if (derivativeKind && !channels.some((c) => c.read.axes.length === 1)) return null;
  const unknown = channels[0]!.read.output;
  const halfWidths = problem.bounds.min.map((lo, a) => (problem.bounds.max[a]! - lo) / 2);
  try {
    const points = term.sample(VALUE_SAMPLES, createRng(11), 'halton');
    if (points.count === 0) return null;
    // probe(c, v): the residual with channel c (an index into `channels`) at v and every other channel at 0; c = −1: all at 0.
    const probe = (c: number, v: number): Float32Array => tf.tidy(() => {
      const d = problem.variables.length;
      const scope: Scope = {};
      problem.variables.forEach((name, a) => (scope[name] = tf.tensor1d(Float32Array.from({ length: points.count }, (_, n) => points.coords[n * d + a]!))));
      for (const [name, column] of Object.entries(points.extra ?? {})) scope[name] = tf.tensor1d(column);
      term.derivatives.forEach((name, i) => {
        const k = channels.findIndex((ch) => ch.index === i);
        scope[name] = k < 0 ? tf.fill([points.count], Number.NaN) : tf.fill([points.count], k === c ? v : 0);
      });
      return term.residual(scope).dataSync() as Float32Array;
    });
    const base = probe(-1, 0);
    const coefficients = channels.map((_, c) => {
      const one = probe(c, 1);
      const two = probe(c, 2);
      return Array.from(one, (r, n) => {
        const k = r - base[n]!;
        // Affine in the channel: twice the channel, twice the change (float32 rounding allowed).
        if (Math.abs(two[n]! - base[n]! - 2 * k) > 1e-3 * (Math.abs(k) + Math.abs(base[n]!) + 1)) throw new NotAffine();
        return k;
      });
    });
    const values: number[] = [];
    base.forEach((r0, n) => {
      let value = 0;
      let slope = 0;
      channels.forEach((ch, c) => {
        const k = coefficients[c]![n]!;
        if (ch.read.axes.length === 0) value += Math.abs(k);
        else slope += (k / halfWidths[ch.read.axes[0]!]!) ** 2;
      });
      const gain = value + Math.sqrt(slope);
      const s = Math.abs(r0) / gain;
      if (gain > 0 && Number.isFinite(s)) values.push(s);
    });
    return { unknown, values };
  } catch {
    // A residual that needs what is not here (an inverse problem's parameter), or one not affine in the unknown: no stated scale.
    return null;
  }
}

/** Thrown inside `statedScales` when a residual is not affine in a channel. */
class NotAffine extends Error {}

/** Per unknown, the largest scale its conditions state (`statedScales`; 1 where they state none but zeros), and where it came from. */
export function outputScales(problem: Problem): { scales: number[]; source: string } {
  const largest = problem.unknowns.map(() => 0);
  const from = problem.unknowns.map(() => ({ values: [] as string[], derivatives: [] as string[] }));
  for (const term of problem.terms) {
    const stated = statedScales(problem, term);
    if (!stated || stated.values.length === 0) continue;
    const top = stated.values.reduce((m, v) => Math.max(m, v), 0);
    if (top <= ZERO_VALUE) continue;
    if (top > largest[stated.unknown]!) largest[stated.unknown] = top;
    from[stated.unknown]![DERIVATIVE_KINDS.has(term.kind) ? 'derivatives' : 'values'].push(term.name);
  }
  const scales = largest.map((v) => (v > 0 ? Number(v.toPrecision(3)) : 1));
  const source = problem.unknowns
    .map((u, j) => {
      if (!(largest[j]! > 0)) return `${u}: 1 (no nonzero Dirichlet, initial, data, Neumann or Robin value)`;
      const { values, derivatives } = from[j]!;
      const parts = [...(values.length > 0 ? [`|value| of ${values.join(', ')}`] : []), ...(derivatives.length > 0 ? [`|g|/(|α| + |β|/h) of ${derivatives.join(', ')}`] : [])];
      return `${u}: ${scales[j]} (max ${parts.join('; ')})`;
    })
    .join('; ');
  return { scales, source };
}

/**
 * Whether the automatic rule scales the problem, and why (one line): on unless the problem is in
 * unit form already (every input range [−1, 1], every output scale within [1/2, 2]), where scaling
 * changes nothing or little. Measured (README, "Input and output scaling", 30-step runs, KAN and
 * MLP): rel. L2 fell 2× on heat1d and wave1d (x, t in [0, 1]), 2.5× (KAN) on NS 2d-C, 4–15× on a
 * heat problem on [0, 20] × [0, 10], 2–44× with an output of scale 50; 18 wins, 7 ties, 8
 * losses over 33 pairs, 4 of the losses reversed by another seed. Heat 2d-CG lost 20–50 % while
 * its Robin values did not count; with them (scale 4.62) it gains: KAN, full budget, 0.533 off,
 * 0.345 on.
 */
export function scalingNeeded(problem: Problem): { on: boolean; why: string } {
  const far: string[] = [];
  problem.variables.forEach((v, a) => {
    const lo = problem.bounds.min[a]!;
    const hi = problem.bounds.max[a]!;
    if (Math.abs(lo + 1) > UNIT_RANGE_TOLERANCE || Math.abs(hi - 1) > UNIT_RANGE_TOLERANCE) far.push(`${v} in [${Number(lo.toPrecision(4))}, ${Number(hi.toPrecision(4))}]`);
  });
  const { scales } = outputScales(problem);
  problem.unknowns.forEach((u, j) => {
    const s = scales[j]!;
    if (s > UNIT_SCALE_BAND || s < 1 / UNIT_SCALE_BAND) far.push(`${u} of scale ${s}`);
  });
  return far.length > 0
    ? { on: true, why: `${far.join(', ')}: not unit, so inputs to [−1, 1] and outputs to unit scale inside the model` }
    : { on: false, why: `every input in [−1, 1] and every output scale within [1/${UNIT_SCALE_BAND}, ${UNIT_SCALE_BAND}]: already unit` };
}

/** The scaling that `--scale` (`on`, `off`, `auto`) gives for the problem, with why. */
export function scalingFor(problem: Problem, choice: ScaleChoice, where = '--scale'): { config: ScalingConfig | null; why: string } {
  if (choice === 'off') return { config: null, why: 'off' };
  let prefix = 'on';
  if (choice === 'auto') {
    const rule = scalingNeeded(problem);
    if (!rule.on) return { config: null, why: `auto: off (${rule.why})` };
    prefix = `auto: on (${rule.why})`;
  }
  const { scales, source } = outputScales(problem);
  return { config: buildScaling(problem.bounds, scales, source, problem.variables, where), why: `${prefix}; output scale ${source}` };
}
