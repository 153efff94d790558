/**
 * The sparsification regulariser of the KAN paper and pykan's `fit`:
 *   reg = Σ_l [ λ_L1·Σ_ij A_lij + λ_ent·(H_row(A_l) + H_col(A_l)) ] + λ_coef·Σ_l Σ_ij mean_m |c_lijm|
 *         + λ_coefdiff·Σ_l Σ_ij mean_m |c_lij(m+1) − c_lijm|,
 * where A_lij = mean_n |φ_lij(x_ni)| is the activation scale of edge (i → j) of layer l over the
 * batch (pykan's acts_scale), and the entropies use pykan's normalisation p = A/(Σ A + 1) along
 * the inputs of each output (row) and along the outputs of each input (column), H = −mean Σ p·log2(p + 1e−4).
 * The loss adds λ·reg. Everything is differentiable through the per-edge kernel (edgeKernel.ts);
 * none of it runs when λ = 0.
 */
import * as tf from '../tf.js';
import { KanpinnInputError, describe } from '../errors.js';
import { kanLayerEdges } from '../kan/kanLayer.js';
import type { KanModel } from '../kan/model.js';
import type { ModelBase } from '../model/types.js';

/** Weights of the regulariser (pykan's lamb, lamb_l1, lamb_entropy, lamb_coef, lamb_coefdiff). */
export interface RegularizationOptions {
  /** λ: overall weight; 0 turns the regulariser off (and costs nothing). */
  readonly lamb: number;
  readonly lambL1: number;
  readonly lambEntropy: number;
  readonly lambCoef: number;
  readonly lambCoefDiff: number;
}

/** pykan's defaults: λ = 0 (off), λ_L1 = 1, λ_ent = 2, no coefficient penalties. */
export const REGULARIZATION_DEFAULTS: RegularizationOptions = { lamb: 0, lambL1: 1, lambEntropy: 2, lambCoef: 0, lambCoefDiff: 0 };

/** Fills defaults and checks every weight is a finite number ≥ 0. */
export function resolveRegularization(partial: Partial<RegularizationOptions> = {}): RegularizationOptions {
  const o = { ...REGULARIZATION_DEFAULTS, ...Object.fromEntries(Object.entries(partial).filter(([, v]) => v !== undefined)) } as RegularizationOptions;
  for (const key of Object.keys(REGULARIZATION_DEFAULTS) as (keyof RegularizationOptions)[]) {
    const v = o[key];
    if (typeof v !== 'number' || !Number.isFinite(v) || v < 0) throw new KanpinnInputError(`regularization.${key}: expected a finite number >= 0, found ${describe(v)}`);
  }
  return o;
}

/** The network output [N, nOut] and every layer's activation scales A_l [nIn, nOut], differentiably. Inside tf.tidy. */
export function edgeForward(model: KanModel, points: tf.Tensor2D, count: number): { output: tf.Tensor2D; scales: tf.Tensor2D[] } {
  let x: tf.Tensor = points;
  const scales: tf.Tensor2D[] = [];
  model.layers.forEach((layer, l) => {
    const edges = kanLayerEdges(layer, x, count, l > 0); // [N, nIn, nOut]
    scales.push(tf.mean(tf.abs(edges), 0) as tf.Tensor2D);
    x = tf.sum(edges, 1); // [N, nOut]
  });
  return { output: x as tf.Tensor2D, scales };
}

/** H = −mean over the other axis of Σ_axis p·log2(p + 1e−4), p = A/(Σ_axis A + 1). */
function entropy(scale: tf.Tensor2D, axis: 0 | 1): tf.Scalar {
  const p = tf.div(scale, tf.add(tf.sum(scale, axis, true), 1));
  const plogp = tf.mul(p, tf.div(tf.log(tf.add(p, 1e-4)), Math.LN2));
  return tf.neg(tf.mean(tf.sum(plogp, axis))) as tf.Scalar;
}

/** reg (without λ) from activation scales and the spline coefficients. Inside tf.tidy. */
export function sparsityPenalty(model: KanModel, scales: readonly tf.Tensor2D[], options: RegularizationOptions): tf.Scalar {
  let reg: tf.Tensor = tf.scalar(0);
  for (const scale of scales) {
    if (options.lambL1 > 0) reg = tf.add(reg, tf.mul(tf.sum(scale), options.lambL1));
    if (options.lambEntropy > 0) reg = tf.add(reg, tf.mul(tf.add(entropy(scale, 0), entropy(scale, 1)), options.lambEntropy));
  }
  for (const layer of model.layers) {
    if (options.lambCoef > 0) reg = tf.add(reg, tf.mul(tf.sum(tf.mean(tf.abs(layer.coef), 2)), options.lambCoef));
    if (options.lambCoefDiff > 0 && layer.coef.shape[2]! > 1) {
      const n = layer.coef.shape[2]!;
      const diff = tf.sub(tf.slice(layer.coef, [0, 0, 1], [-1, -1, n - 1]), tf.slice(layer.coef, [0, 0, 0], [-1, -1, n - 1]));
      reg = tf.add(reg, tf.mul(tf.sum(tf.mean(tf.abs(diff), 2)), options.lambCoefDiff));
    }
  }
  return reg as tf.Scalar;
}

/** λ·reg at the points (row-major [count, inputs]); a KAN's regulariser for the trainer's hook. Inside tf.tidy. */
export function regularizationLoss(model: KanModel, points: Float32Array, count: number, options: RegularizationOptions): tf.Scalar {
  const x = tf.tensor2d(model.transforms.embedPoints(points, count), [count, model.layers[0]!.nIn]);
  const { scales } = edgeForward(model, x, count);
  return tf.mul(sparsityPenalty(model, scales, options), options.lamb) as tf.Scalar;
}

/**
 * The trainer hook (`TrainOptions.regularization`) for the given weights: λ·reg of a KAN at the
 * training points; returns undefined when λ = 0, so training keeps its plain path.
 */
export function sparsityRegularizer(partial: Partial<RegularizationOptions>): ((model: ModelBase, points: Float32Array, count: number) => tf.Scalar) | undefined {
  const options = resolveRegularization(partial);
  if (options.lamb === 0) return undefined;
  return (model, points, count) => {
    if (!('layers' in model) || (model as { kind?: string }).kind !== 'kan') throw new KanpinnInputError('regularization: the sparsity regulariser needs a KAN model');
    return regularizationLoss(model as KanModel, points, count, options);
  };
}
