/**
 * Gradient-norm weighting of the loss terms (Wang, Sankaran, Wang & Perdikaris 2023, "An expert's
 * guide to training physics-informed neural networks", §2.3, Algorithm 1): with g_i = ‖∇_θ L_i‖
 * the norm of each unweighted term's gradient,
 *   λ̂_i = (Σ_j g_j) / g_i,   λ_i ← α·λ_i + (1 − α)·λ̂_i   (α = 0.9),
 * so that every weighted term pulls the parameters with the same gradient norm Σ_j g_j, whatever
 * the scale of its residual (the Helmholtz failure of issue 14: the Dirichlet term dominated the
 * loss while the PDE term's gradient was drowned). Unlike learning-rate annealing (`annealing.ts`)
 * it weighs every term, the PDE's included. Costs one gradient per term per update.
 */
import * as tf from '../tf.js';
import type { ModelBase } from '../model/types.js';
import { flattenGrads } from './params.js';
import { termLosses, type TermData } from './termData.js';

/**
 * The update rule alone, on plain numbers: `norms` are the unweighted terms' gradient norms,
 * `previous` their current weights. A term whose norm is zero or not finite keeps its weight (there
 * is nothing to balance it against), as does every term when the norms sum to zero.
 */
export function gradNormWeights(norms: readonly number[], previous: readonly number[], alpha: number): number[] {
  const usable = norms.map((g) => Number.isFinite(g) && g > 0);
  const total = norms.reduce((s, g, i) => (usable[i] ? s + g : s), 0);
  return previous.map((w, i) => {
    if (!usable[i] || !(total > 0)) return w;
    const next = alpha * w + (1 - alpha) * (total / norms[i]!);
    return Number.isFinite(next) && next > 0 ? next : w;
  });
}

/**
 * ‖∇_θ L_i‖₂ of each term's unweighted mean squared residual (causal weights included, as trained).
 * `gradient`: the gradient of the loss at the given term weights, when the caller evaluates it
 * otherwise (the trainer's chunked evaluation, chunking.ts); default one `termLosses` over all points.
 */
export function termGradientNorms(model: ModelBase, data: readonly TermData[], gradient?: (weights: number[]) => Float64Array): number[] {
  return data.map((_, t) => {
    const unit = data.map((__, s) => (s === t ? 1 : 0));
    if (gradient) return Math.hypot(...gradient(unit));
    const { value, grads } = tf.variableGrads(() => termLosses(model, data as TermData[], unit).total, model.variables());
    const flat = flattenGrads(model, grads);
    tf.dispose([value, ...Object.values(grads)]);
    let sum = 0;
    for (const v of flat) sum += v * v;
    return Math.sqrt(sum);
  });
}

/** One update of the weights (new array): `gradNormWeights` of the terms' gradient norms at the model's parameters (`gradient`: see `termGradientNorms`). */
export function balanceWeights(model: ModelBase, data: readonly TermData[], weights: readonly number[], alpha: number, gradient?: (weights: number[]) => Float64Array): number[] {
  if (data.length < 2) return [...weights];
  return gradNormWeights(termGradientNorms(model, data, gradient), weights, alpha);
}
