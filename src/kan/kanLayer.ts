/**
 * A KAN layer's state (knots in JS, parameters as tf.Variables) and the tfjs ops that run the
 * fused kernels with their hand-written gradients (tf.customGrad), so the loss can be
 * differentiated with respect to the parameters by ordinary first-order tfjs autodiff.
 */
import * as tf from '../tf.js';
import type { JetPlan } from '../jet/plan.js';
import type { BaseFunction } from '../jet/baseFunctions.js';
import { kanEdgeBackward, kanEdgeForward } from './edgeKernel.js';
import { edgePolynomials, kanLayerBackward, kanLayerForward, type LayerGeometry, type LayerGradients, type LayerParams } from './layerKernel.js';
import type { Knots } from './spline.js';
import { splineTable } from './splineTables.js';
import type { SymbolicDerivatives, SymbolicLayerParams } from './symbolicEdge.js';
import { usesOpsKernels } from '../computePath.js';
import { kanLayerEdgesOps, kanLayerJetOps, kanLayerOpsSupported } from './kanOps.js';

/** A library function as a layer holds it: its name (for files and formulas) and derivatives. */
export interface SymbolicEdgeFunction extends SymbolicDerivatives {
  readonly name: string;
}

/** The symbolic edges of a layer: φ_ij(x) = c·f(a·x + b) + d where symbolic mask_ij = 1. */
export interface SymbolicLayerState {
  /** 1 where the edge is symbolic (spline branch off), 0 where numeric; [nIn, nOut]. */
  mask: Float32Array;
  /** The function of each symbolic edge (null where numeric); [nIn·nOut]. */
  functions: (SymbolicEdgeFunction | null)[];
  /** (a, b, c, d) per edge, trainable; [nIn, nOut, 4]. */
  affine: tf.Variable;
}

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
  /** Symbolic edges, created by the first `fixSymbolic` on the layer; absent otherwise. */
  symbolic?: SymbolicLayerState;
}

/** The kernel's static view of a layer (knots and whether each input's grid is uniform). */
export function layerGeometry(layer: KanLayer): LayerGeometry {
  const tables = layer.knots.map((t) => splineTable(t, layer.k));
  return { nIn: layer.nIn, nOut: layer.nOut, k: layer.k, nBasis: layer.grid + layer.k, base: layer.base, tables };
}

/** True when at least one edge of the layer is symbolic (the kernels then take the symbolic branch). */
export function hasSymbolicEdges(layer: KanLayer): boolean {
  return layer.symbolic !== undefined && layer.symbolic.mask.some((m) => m !== 0);
}

function symbolicParams(layer: KanLayer, affine: Float32Array): SymbolicLayerParams {
  const sym = layer.symbolic!;
  return { mask: sym.mask, functions: sym.functions, affine };
}

/** Reads a layer's parameters into flat arrays (one copy each). */
export function readLayerParams(layer: KanLayer): LayerParams {
  return {
    coef: layer.coef.dataSync() as Float32Array,
    scaleBase: layer.scaleBase.dataSync() as Float32Array,
    scaleSp: layer.scaleSp.dataSync() as Float32Array,
    mask: layer.mask,
    symbolic: hasSymbolicEdges(layer) ? symbolicParams(layer, layer.symbolic!.affine.dataSync() as Float32Array) : null,
  };
}

type KernelRun = (params: LayerParams) => { value: Float32Array; backward: (dy: Float32Array) => LayerGradients };

/**
 * Wraps a kernel as a differentiable tfjs op over (x, coef, scaleBase, scaleSp[, affine]); the affine
 * input is passed only when the layer has symbolic edges, so a spline-only layer's op is unchanged.
 */
function layerOp(layer: KanLayer, x: tf.Tensor, outShape: number[], run: KernelRun): tf.Tensor {
  const symbolic = hasSymbolicEdges(layer);
  const mask = layer.mask;
  const op = tf.customGrad((...args: unknown[]) => {
    const [xIn, coef, scaleBase, scaleSp, affine] = args as tf.Tensor[];
    const params: LayerParams = {
      coef: coef!.dataSync() as Float32Array,
      scaleBase: scaleBase!.dataSync() as Float32Array,
      scaleSp: scaleSp!.dataSync() as Float32Array,
      mask,
      symbolic: symbolic ? symbolicParams(layer, affine!.dataSync() as Float32Array) : null,
    };
    const { value, backward } = run(params);
    const xShape = xIn!.shape;
    const coefShape = coef!.shape;
    const edgeShape = scaleBase!.shape;
    return {
      value: tf.tensor(value, outShape),
      gradFunc: (dy: tf.Tensor) => {
        const grads = backward(dy.dataSync() as Float32Array);
        const out = [
          grads.dX ? tf.tensor(grads.dX, xShape) : tf.zeros(xShape),
          tf.tensor(grads.dCoef, coefShape),
          tf.tensor(grads.dScaleBase, edgeShape),
          tf.tensor(grads.dScaleSp, edgeShape),
        ];
        if (symbolic) out.push(tf.tensor(grads.dAffine!, [layer.nIn, layer.nOut, 4]));
        return out;
      },
    };
  });
  const inputs = [x, layer.coef, layer.scaleBase, layer.scaleSp];
  if (symbolic) inputs.push(layer.symbolic!.affine);
  return op(...inputs);
}

/**
 * Jets through one layer as a differentiable tfjs op: x [C, N, nIn] → y [C, N, nOut].
 * `inputNeedsGrad` is false for the network input (its jets are constants).
 */
export function kanLayerJet(layer: KanLayer, plan: JetPlan, x: tf.Tensor, count: number, inputNeedsGrad: boolean): tf.Tensor {
  // On device backends (or when forced) the layer runs as tfjs ops (kanOps.ts); a symbolic edge
  // without a tensor form (a user function) keeps the JS kernel.
  if (usesOpsKernels() && kanLayerOpsSupported(layer, plan.maxOrder)) return kanLayerJetOps(layer, plan, x, count, inputNeedsGrad);
  const geometry = layerGeometry(layer);
  return layerOp(layer, x, [plan.channels.length, count, layer.nOut], (params) => {
    const X = x.dataSync() as Float32Array;
    return {
      value: kanLayerForward(geometry, plan, X, count, params),
      backward: (dy) => kanLayerBackward(geometry, plan, X, count, params, dy, inputNeedsGrad),
    };
  });
}

/**
 * Jets through all layers of a network as a differentiable tfjs op: x [C, N, nIn] → y [C, N, nOut]
 * of the last layer. The input x is data (the points' jets, possibly embedded): no gradient flows
 * to it. Where every layer runs the JS kernels the whole network is one op (one `customGrad`):
 * the hidden layers' jets and their gradients stay in plain arrays between the layers, and each
 * layer's per-interval polynomials are built once for both passes. Against one op per layer this
 * saves, per hidden layer, a tensor made of its output, two `dataSync` copies, the op's
 * bookkeeping and the zero or full dL/dX tensor, which at a few hundred points are a visible part
 * of an evaluation. Layers on the tfjs-ops path (device backends) keep one op per layer.
 */
export function kanNetworkJet(layers: readonly KanLayer[], plan: JetPlan, x: tf.Tensor, count: number): tf.Tensor {
  if (usesOpsKernels() && layers.some((layer) => kanLayerOpsSupported(layer, plan.maxOrder))) {
    return layers.reduce((h, layer, l) => kanLayerJet(layer, plan, h, count, l > 0), x);
  }
  const C = plan.channels.length;
  const geometries = layers.map(layerGeometry);
  const symbolic = layers.map(hasSymbolicEdges);
  const inputs = layers.flatMap((layer, l) => (symbolic[l] ? [layer.coef, layer.scaleBase, layer.scaleSp, layer.symbolic!.affine] : [layer.coef, layer.scaleBase, layer.scaleSp]));
  const op = tf.customGrad((...args: unknown[]) => {
    const tensors = args.slice(0, inputs.length) as tf.Tensor[];
    // the tensors of each layer in `inputs` order
    const own: tf.Tensor[][] = [];
    let at = 0;
    for (let l = 0; l < layers.length; l++) {
      const n = symbolic[l] ? 4 : 3;
      own.push(tensors.slice(at, at + n));
      at += n;
    }
    const params: LayerParams[] = layers.map((layer, l) => {
      const [coef, scaleBase, scaleSp, affine] = own[l]!;
      return {
        coef: coef!.dataSync() as Float32Array,
        scaleBase: scaleBase!.dataSync() as Float32Array,
        scaleSp: scaleSp!.dataSync() as Float32Array,
        mask: layer.mask,
        symbolic: symbolic[l] ? symbolicParams(layer, affine!.dataSync() as Float32Array) : null,
      };
    });
    const raws = layers.map((_, l) => edgePolynomials(geometries[l]!, params[l]!.coef));
    // each layer's input jets, kept for the backward pass
    const xs: Float32Array[] = [x.dataSync() as Float32Array];
    for (let l = 0; l < layers.length; l++) xs.push(kanLayerForward(geometries[l]!, plan, xs[l]!, count, params[l]!, raws[l]));
    const last = layers[layers.length - 1]!;
    return {
      value: tf.tensor(xs[layers.length]!, [C, count, last.nOut]),
      gradFunc: (dy: tf.Tensor) => {
        const grads: tf.Tensor[][] = new Array<tf.Tensor[]>(layers.length);
        let dY = dy.dataSync() as Float32Array;
        for (let l = layers.length - 1; l >= 0; l--) {
          const layer = layers[l]!;
          const g = kanLayerBackward(geometries[l]!, plan, xs[l]!, count, params[l]!, dY, l > 0, raws[l]);
          const [coef, scaleBase] = own[l]!;
          grads[l] = [tf.tensor(g.dCoef, coef!.shape), tf.tensor(g.dScaleBase, scaleBase!.shape), tf.tensor(g.dScaleSp, scaleBase!.shape)];
          if (symbolic[l]) grads[l]!.push(tf.tensor(g.dAffine!, [layer.nIn, layer.nOut, 4]));
          if (l > 0) dY = g.dX!;
        }
        return grads.flat();
      },
    };
  });
  return op(...inputs);
}

/**
 * Per-edge values as a differentiable tfjs op: x [N, nIn] → E [N, nIn, nOut], E[n,i,j] = φ_ij(x_ni).
 * The layer output is E summed over i. Used by the sparsification regulariser only.
 */
export function kanLayerEdges(layer: KanLayer, x: tf.Tensor, count: number, inputNeedsGrad: boolean): tf.Tensor3D {
  if (usesOpsKernels() && kanLayerOpsSupported(layer, 0)) return kanLayerEdgesOps(layer, x, count, inputNeedsGrad);
  const geometry = layerGeometry(layer);
  return layerOp(layer, x, [count, layer.nIn, layer.nOut], (params) => {
    const X = x.dataSync() as Float32Array;
    return {
      value: kanEdgeForward(geometry, X, count, params),
      backward: (dE) => kanEdgeBackward(geometry, X, count, params, dE, inputNeedsGrad),
    };
  }) as tf.Tensor3D;
}
