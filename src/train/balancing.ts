/**
 * Automatic weighting of the loss terms: the update of Wang, Sankaran, Wang & Perdikaris 2023 ("An
 * expert's guide to training physics-informed neural networks", §2.3, Algorithm 1),
 *   λ̂_i = (Σ_j s_j) / s_i,   λ_i ← α·λ_i + (1 − α)·λ̂_i   (α = 0.9),
 * with s_i the term's neural-tangent-kernel trace per point, s_i = mean_x ‖∇_θ r_i(x)‖² (Wang, Yu &
 * Perdikaris 2022, "When and why PINNs fail to train: a neural tangent kernel perspective", whose
 * weights are Tr K / Tr K_ii), so that every weighted term's residual moves at the same rate under
 * gradient flow, whatever the scale of its operator.
 *
 * Why not the expert's guide's s_i = ‖∇_θ L_i‖ (this module's rule until the Poisson 2d-C
 * measurement): ∇L_i = (2/N) Σ r_i(x) ∇r_i(x) scales with the term's residual as it is now, so a
 * term that happens to hold gets the largest weight. On PINNacle's Poisson 2d-C (u = 1 on the
 * square, u = 0 on four small holes) the network starts near 0, the holes' condition holds at
 * initialisation, its gradient norm is 30× below the outer boundary's, and it got weight 1.9e3
 * against 68: the fit kept u ≈ 0 on the holes and missed the square (rel. L2 0.901). The trace does
 * not read the residual: the two Dirichlet conditions get the same weight, and the PDE, whose
 * second derivatives move about 1e4–1e7× more per parameter than a value, a weight that small (the
 * problem's hand-tuned PDE weight is 2e-4): 0.052. Costs TRACE_POINTS single-point gradients per
 * term per update. A causally weighted PDE term's trace is of its plain residual (the causal weights
 * gate which times count, not how strongly the parameters move them).
 */
import * as tf from '../tf.js';
import type { ModelBase } from '../model/types.js';
import { inputJetTensor } from '../model/evaluate.js';
import { flattenGrads } from './params.js';
import { termLosses, termScope, type TermData } from './termData.js';

/**
 * The update rule alone, on plain numbers: `sizes` are the terms' NTK traces per point (any
 * positive measure of how strongly the parameters move each term), `previous` their current
 * weights. A term whose size is zero or not finite keeps its weight (there is nothing to balance it
 * against), as does every term when the sizes sum to zero.
 */
export function gradNormWeights(sizes: readonly number[], previous: readonly number[], alpha: number): number[] {
  const usable = sizes.map((g) => Number.isFinite(g) && g > 0);
  const total = sizes.reduce((s, g, i) => (usable[i] ? s + g : s), 0);
  return previous.map((w, i) => {
    if (!usable[i] || !(total > 0)) return w;
    const next = alpha * w + (1 - alpha) * (total / sizes[i]!);
    return Number.isFinite(next) && next > 0 ? next : w;
  });
}

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
 * One update of the weights (new array): `gradNormWeights` of the terms' sizes at the model's
 * parameters — their gradient norms (`rule` `gradnorm`, the default) or NTK traces (`trace`).
 * `termGradient`: the chunked gradient for the gradient norms (see `termGradientNorms`).
 */
export function balanceWeights(
  model: ModelBase,
  data: readonly TermData[],
  weights: readonly number[],
  alpha: number,
  rule: 'gradnorm' | 'trace' = 'gradnorm',
  termGradient?: (unit: number[]) => Float64Array,
): number[] {
  if (data.length < 2) return [...weights];
  const sizes = rule === 'trace' ? termTraces(model, data) : termGradientNorms(model, data, termGradient);
  return gradNormWeights(sizes, weights, alpha);
}
