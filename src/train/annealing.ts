/**
 * Learning-rate annealing of the loss weights (Wang, Teng & Perdikaris 2021, "Understanding and
 * mitigating gradient pathologies in PINNs"): with the PDE terms as reference,
 *   λ̂_i = max_θ |∇_θ L_pde| / mean_θ |∇_θ (λ_i L_i)| · λ_i,   λ_i ← (1 − α)·λ_i + α·λ̂_i,
 * so that no condition term's gradient is drowned by the residual's. Costs one gradient per term.
 */
import * as tf from '../tf.js';
import type { ModelBase } from '../model/types.js';
import { flattenGrads } from './params.js';
import { termLosses, type TermData } from './termData.js';

/** Gradient of each term's mean squared residual (unweighted), flattened; `gradient`: as in `annealWeights`. */
function termGradients(model: ModelBase, data: TermData[], gradient?: (weights: number[]) => Float64Array): Float64Array[] {
  return data.map((_, t) => {
    const unit = data.map((__, s) => (s === t ? 1 : 0));
    if (gradient) return gradient(unit);
    const { grads } = tf.variableGrads(() => termLosses(model, data, unit).total, model.variables());
    const flat = flattenGrads(model, grads);
    tf.dispose(Object.values(grads));
    return flat;
  });
}

/**
 * Updated weights (new array). Terms of kind 'pde' keep theirs and set the scale; a term whose
 * gradient vanishes keeps its weight. Returns the input weights when there is no PDE term.
 * `gradient`: the loss gradient at the given term weights when the caller evaluates it otherwise
 * (the trainer's chunked evaluation, chunking.ts); default one `termLosses` over all points.
 */
export function annealWeights(model: ModelBase, data: TermData[], weights: readonly number[], alpha: number, gradient?: (weights: number[]) => Float64Array): number[] {
  const pde = data.map((d, t) => (d.term.kind === 'pde' ? t : -1)).filter((t) => t >= 0);
  if (pde.length === 0 || pde.length === data.length) return [...weights];
  const grads = termGradients(model, data, gradient);
  let maxPde = 0;
  for (const t of pde) for (const v of grads[t]!) maxPde = Math.max(maxPde, Math.abs(v * weights[t]!));
  return weights.map((w, t) => {
    if (data[t]!.term.kind === 'pde') return w;
    const g = grads[t]!;
    let mean = 0;
    for (const v of g) mean += Math.abs(v);
    mean /= Math.max(1, g.length);
    if (!(mean > 0) || !(maxPde > 0)) return w;
    const target = maxPde / mean;
    const next = (1 - alpha) * w + alpha * target;
    return Number.isFinite(next) && next > 0 ? next : w;
  });
}
