/**
 * Automatic weighting of the loss terms: the update of Wang, Sankaran, Wang & Perdikaris 2023 ("An
 * expert's guide to training physics-informed neural networks", §2.3, Algorithm 1),
 *   λ̂_i = (Σ_j s_j) / s_i,   λ_i ← α·λ_i + (1 − α)·λ̂_i   (α = 0.9),
 * with one of three measures s_i of how strongly the parameters move term i:
 * - `gradnorm`: the expert's guide's s_i = ‖∇_θ L_i‖. Since ∇L_i = (2/N) Σ r_i(x) ∇r_i(x), it grows
 *   with the term's residual as it is now: a term that already holds gets a large weight, one that
 *   fails a small one. On PINNacle's Poisson 2d-C (u = 1 on the square, u = 0 on four small holes)
 *   the network starts near 0, so the holes' condition holds and the square's fails (L = 2e-3 and
 *   1.1): weights 1.9e3 (holes), 68 (square), 1.1 (PDE) at the end, the square's loss stuck at 0.6
 *   and rel. L2 0.901 (the hand-tuned weights are 1, 1, 2e-4).
 * - `trace`: the term's neural-tangent-kernel trace per point, s_i = mean_x ‖∇_θ r_i(x)‖² (Wang, Yu
 *   & Perdikaris 2022, "When and why PINNs fail to train: a neural tangent kernel perspective",
 *   weights Tr K / Tr K_ii), which does not read the residual: Poisson 2d-C 0.052. But a PDE's
 *   second derivatives move 1e4–1e8× more per parameter than a value, more with every grid
 *   extension (about G⁴), and the PDE is starved: helmholtz2d 0.214 (gradient norm 0.056), its
 *   PDE loss 3× the gradient norm's; Wave 1d-C 1.12 (0.420).
 * - `geomean` (the default of the automatic recipe for steady problems, recipe.ts): the geometric
 *   mean of the two rules' targets, λ̂_i = √(λ̂_i^norm · λ̂_i^trace). With ‖∇L_i‖ ≈ √(L_i·K_i) it is
 *   λ̂_i ∝ K_i^(−3/4)·L_i^(−1/4): still scale-free (a residual multiplied by c gets its weight
 *   divided by c², as with either rule), the current loss read at half the gradient norm's
 *   strength and the trace at three quarters of its own. Measured (KAN, seed 0, auto recipe):
 *   Poisson 2d-C 0.082, helmholtz2d 0.011 (better than either rule). Not on time-dependent
 *   problems: Wave 1d-C 1.15, its causal PDE term starved as with the trace.
 * The trace costs TRACE_POINTS single-point gradients per term per update. A causally weighted PDE
 * term's trace is of its plain residual (the causal weights gate which times count, not how
 * strongly the parameters move them).
 */
import * as tf from '../tf.js';
import type { ModelBase } from '../model/types.js';
import { inputJetTensor } from '../model/evaluate.js';
import { flattenGrads } from './params.js';
import { termLosses, termScope, type TermData } from './termData.js';
import type { BalanceRule } from '../options/training.js';

/**
 * λ̂_i = Σ_j s_j / s_i over the terms whose size s_i is positive and finite; NaN for the others
 * (there is nothing to balance them against), and for every term when the sizes sum to zero.
 */
export function balanceTargets(sizes: readonly number[]): number[] {
  const usable = sizes.map((g) => Number.isFinite(g) && g > 0);
  const total = sizes.reduce((s, g, i) => (usable[i] ? s + g : s), 0);
  return sizes.map((g, i) => (usable[i] && total > 0 && Number.isFinite(total) ? total / g : Number.NaN));
}

/** λ ← α·λ + (1 − α)·λ̂ per term; a term whose target or result is not a positive finite number keeps its weight. */
function averaged(targets: readonly number[], previous: readonly number[], alpha: number): number[] {
  return previous.map((w, i) => {
    const target = targets[i]!;
    if (!(Number.isFinite(target) && target > 0)) return w;
    const next = alpha * w + (1 - alpha) * target;
    return Number.isFinite(next) && next > 0 ? next : w;
  });
}

/**
 * The update rule alone, on plain numbers: `sizes` are the terms' gradient norms or NTK traces per
 * point (any positive measure of how strongly the parameters move each term), `previous` their
 * current weights. A term whose size is zero or not finite keeps its weight (there is nothing to
 * balance it against), as does every term when the sizes sum to zero.
 */
export function gradNormWeights(sizes: readonly number[], previous: readonly number[], alpha: number): number[] {
  return averaged(balanceTargets(sizes), previous, alpha);
}

/**
 * The default rule (`geomean`) on plain numbers: the target is the geometric mean of the two rules'
 * targets, λ̂_i = (λ̂_i^norm)^(1−m)·(λ̂_i^trace)^m with m = `mix` (½), then the same moving average.
 * A term either measure cannot balance keeps its weight.
 */
export function geomeanWeights(norms: readonly number[], traces: readonly number[], previous: readonly number[], alpha: number, mix = GEOMEAN_MIX): number[] {
  const byNorm = balanceTargets(norms);
  const byTrace = balanceTargets(traces);
  return averaged(byNorm.map((a, i) => a ** (1 - mix) * byTrace[i]! ** mix), previous, alpha);
}

/** The trace's share m of the `geomean` rule's target (½: the plain geometric mean). */
export const GEOMEAN_MIX = 0.5;

/** Points per term at which `termTraces` takes single-point gradients: 16 spread over the term's points (the moving average smooths what they miss). */
export const TRACE_POINTS = 16;

/** `count` indices spread evenly over 0 … n − 1 (all of them when n ≤ count). */
function spread(n: number, count: number): number[] {
  if (n <= count) return Array.from({ length: n }, (_, i) => i);
  return Array.from({ length: count }, (_, i) => Math.floor(((i + 0.5) * n) / count));
}

/** A term's data at its point n alone (tensors owned by the caller's tidy). */
function pointData(data: TermData, n: number): TermData {
  const dim = data.points.coords.length / data.points.count;
  const coords = data.points.coords.slice(n * dim, (n + 1) * dim);
  const extra = data.points.extra ? Object.fromEntries(Object.entries(data.points.extra).map(([k, v]) => [k, Float32Array.of(v[n]!)])) : undefined;
  const columns = Object.fromEntries(Object.entries(data.columns).map(([k, v]) => [k, tf.slice(v, [n], [1])]));
  return { term: data.term, points: { coords, count: 1, ...(extra ? { extra } : {}) }, columns, named: data.named, input: inputJetTensor(data.named.plan, coords, 1) };
}

/**
 * Per term, mean_x ‖∇_θ r(x)‖² over TRACE_POINTS of its points (its NTK block's trace per point),
 * each from the residual at that point alone. A periodic term pairs its points, so its residual is
 * computed on all of them and entry n taken; a term without points gives 0.
 */
export function termTraces(model: ModelBase, data: readonly TermData[]): number[] {
  return data.map((d) => {
    if (d.points.count === 0) return 0;
    const picks = spread(d.points.count, TRACE_POINTS);
    const paired = d.term.kind === 'periodic';
    let sum = 0;
    for (const n of picks) {
      tf.tidy(() => {
        const { value, grads } = tf.variableGrads(() => {
          if (!paired) return tf.sum(d.term.residual(termScope(model, pointData(d, n)))) as tf.Scalar;
          const r = d.term.residual(termScope(model, d));
          return tf.sum(tf.slice(r, [Math.min(n, r.shape[0] - 1)], [1])) as tf.Scalar;
        }, model.variables());
        for (const v of flattenGrads(model, grads)) sum += v * v;
        tf.dispose([value, ...Object.values(grads)]);
      });
    }
    return sum / picks.length;
  });
}

/**
 * ‖∇_θ L_i‖₂ of each term's unweighted mean squared residual (causal weights included, as trained):
 * the expert's guide's own measure. `termGradient(unit)`, when given, is the gradient of Σ unit_i·L_i
 * computed chunk by chunk (the trainer's chunked evaluations, chunking.ts), so that large point
 * counts stay within memory.
 */
export function termGradientNorms(model: ModelBase, data: readonly TermData[], termGradient?: (unit: number[]) => Float64Array): number[] {
  return data.map((_, t) => {
    const unit = data.map((__, s) => (s === t ? 1 : 0));
    let flat: ArrayLike<number>;
    if (termGradient) flat = termGradient(unit);
    else {
      const { value, grads } = tf.variableGrads(() => termLosses(model, data as TermData[], unit).total, model.variables());
      flat = flattenGrads(model, grads);
      tf.dispose([value, ...Object.values(grads)]);
    }
    let sum = 0;
    for (let k = 0; k < flat.length; k++) sum += flat[k]! * flat[k]!;
    return Math.sqrt(sum);
  });
}

/**
 * One update of the weights (new array) at the model's parameters, by `rule`: `gradnorm` on the
 * terms' gradient norms, `trace` on their NTK traces, `geomean` (the default) on both
 * (`geomeanWeights`). `termGradient`: the chunked gradient for the gradient norms (see
 * `termGradientNorms`).
 */
export function balanceWeights(
  model: ModelBase,
  data: readonly TermData[],
  weights: readonly number[],
  alpha: number,
  rule: BalanceRule = 'geomean',
  termGradient?: (unit: number[]) => Float64Array,
): number[] {
  if (data.length < 2) return [...weights];
  if (rule === 'trace') return gradNormWeights(termTraces(model, data), weights, alpha);
  const norms = termGradientNorms(model, data, termGradient);
  if (rule === 'gradnorm') return gradNormWeights(norms, weights, alpha);
  return geomeanWeights(norms, termTraces(model, data), weights, alpha);
}
