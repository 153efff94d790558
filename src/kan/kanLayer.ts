/**
 * A KAN layer's state (knots in JS, parameters as tf.Variables) and the tfjs op that runs the
 * fused jet kernel with its hand-written gradient (tf.customGrad), so the loss can be
 * differentiated with respect to the parameters by ordinary first-order tfjs autodiff.
 */
import * as tf from '@tensorflow/tfjs';
import type { JetPlan } from '../jet.js';
import type { BaseFunction } from './baseFunctions.js';
import { kanLayerBackward, kanLayerForward, type LayerGeometry, type LayerParams } from './layerKernel.js';
import type { Knots } from './spline.js';
import { splineTable } from './splineTables.js';

/** One layer of a KAN: G intervals, degree k, knots per input, parameters per edge. */
export interface KanLayer {
  nIn: number;
  nOut: number;
  k: number;
  grid: number;
  base: BaseFunction;
  /** Knots per input, length G + 2k + 1 each. Replaced (not mutated) by grid updates. */
  knots: Knots[];
  coef: tf.Variable; // [nIn, nOut, G + k]
  scaleBase: tf.Variable; // [nIn, nOut]
  scaleSp: tf.Variable; // [nIn, nOut]
  /** 1 for a live edge, 0 for a pruned one; [nIn, nOut]. */
  mask: Float32Array;
}

/** The kernel's static view of a layer (knots and whether each input's grid is uniform). */
export function layerGeometry(layer: KanLayer): LayerGeometry {
  const tables = layer.knots.map((t) => splineTable(t, layer.k));
  return { nIn: layer.nIn, nOut: layer.nOut, k: layer.k, nBasis: layer.grid + layer.k, base: layer.base, tables };
}

/** Reads a layer's parameters into flat arrays (one copy each). */
export function readLayerParams(layer: KanLayer): LayerParams {
  return {
    coef: layer.coef.dataSync() as Float32Array,
    scaleBase: layer.scaleBase.dataSync() as Float32Array,
    scaleSp: layer.scaleSp.dataSync() as Float32Array,
    mask: layer.mask,
  };
}

/**
 * Jets through one layer as a differentiable tfjs op: x [C, N, nIn] → y [C, N, nOut].
 * `inputNeedsGrad` is false for the network input (its jets are constants).
 */
export function kanLayerJet(layer: KanLayer, plan: JetPlan, x: tf.Tensor, count: number, inputNeedsGrad: boolean): tf.Tensor {
  const geometry = layerGeometry(layer);
  const mask = layer.mask;
  const channels = plan.channels.length;
  const op = tf.customGrad((...args: unknown[]) => {
    const [xIn, coef, scaleBase, scaleSp] = args as tf.Tensor[];
    const X = xIn!.dataSync() as Float32Array;
    const params: LayerParams = {
      coef: coef!.dataSync() as Float32Array,
      scaleBase: scaleBase!.dataSync() as Float32Array,
      scaleSp: scaleSp!.dataSync() as Float32Array,
      mask,
    };
    const Y = kanLayerForward(geometry, plan, X, count, params);
    const xShape = xIn!.shape;
    const coefShape = coef!.shape;
    const edgeShape = scaleBase!.shape;
    return {
      value: tf.tensor3d(Y, [channels, count, layer.nOut]),
      gradFunc: (dy: tf.Tensor) => {
        const grads = kanLayerBackward(geometry, plan, X, count, params, dy.dataSync() as Float32Array, inputNeedsGrad);
        return [
          grads.dX ? tf.tensor(grads.dX, xShape) : tf.zeros(xShape),
          tf.tensor(grads.dCoef, coefShape),
          tf.tensor(grads.dScaleBase, edgeShape),
          tf.tensor(grads.dScaleSp, edgeShape),
        ];
      },
    };
  });
  return op(x, layer.coef, layer.scaleBase, layer.scaleSp);
}
