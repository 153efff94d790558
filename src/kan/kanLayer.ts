/**
 * A KAN layer's state (knots in JS, parameters as tf.Variables) and the tfjs ops that run the
 * fused kernels with their hand-written gradients (tf.customGrad), so the loss can be
 * differentiated with respect to the parameters by ordinary first-order tfjs autodiff.
 */
import * as tf from '../tf.js';
import type { JetPlan } from '../jet/plan.js';
import type { BaseFunction } from '../jet/baseFunctions.js';
import { kanEdgeBackward, kanEdgeForward } from './edgeKernel.js';
import { edgePolynomials, generatedArgs, generatedKernelsEnabled, kanLayerBackward, kanLayerForward, splineParamGrads, type BackwardWork, type LayerGeometry, type PreludeCache, type LayerGradients, type LayerParams } from './layerKernel.js';
import { networkPassesOn, networkThreads, threadedNetworkBackward, threadedNetworkForward, type NetworkLayer } from './layerThreads.js';
import { phaseEnd, phaseStart } from '../engine/phases.js';
import { constantFactors } from './layerCodegen.js';
import { ArrayPool } from '../engine/scratch.js';
import { computeTensor, computeTensors } from '../engine/backendMemory.js';
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

const geometries = new WeakMap<KanLayer, { knots: Knots[]; geometry: LayerGeometry }>();

/**
 * The kernel's static view of a layer (knots and whether each input's grid is uniform), kept per
 * layer while its knots array, degree, grid, widths and base stay (grid updates replace the knots
 * array, never mutate it): rebuilding the tables cost every evaluation a few microseconds.
 */
export function layerGeometry(layer: KanLayer): LayerGeometry {
  const hit = geometries.get(layer);
  if (hit !== undefined && hit.knots === layer.knots) {
    const g = hit.geometry;
    if (g.nIn === layer.nIn && g.nOut === layer.nOut && g.k === layer.k && g.nBasis === layer.grid + layer.k && g.base === layer.base) return g;
  }
  const tables = layer.knots.map((t) => splineTable(t, layer.k));
  const geometry: LayerGeometry = { nIn: layer.nIn, nOut: layer.nOut, k: layer.k, nBasis: layer.grid + layer.k, base: layer.base, tables };
  geometries.set(layer, { knots: layer.knots, geometry });
  return geometry;
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

/** Arrays a network op keeps from its forward to its backward pass, reused across calls (see engine/scratch.ts). */
const networkArrays = new ArrayPool();

/**
 * Jets through all layers of a network as a differentiable tfjs op: x [C, N, nIn] → y [C, N, nOut]
 * of the last layer. The input x is data (the points' jets, possibly embedded): no gradient flows
 * to it. Where every layer runs the JS kernels the whole network is one op (one `customGrad`):
 * the hidden layers' jets and their gradients stay in plain arrays between the layers, and each
 * layer's per-interval polynomials are built once for both passes. Against one op per layer this
 * saves, per hidden layer, a tensor made of its output, two `dataSync` copies, the op's
 * bookkeeping and the zero or full dL/dX tensor, which at a few hundred points are a visible part
 * of an evaluation. Layers on the tfjs-ops path (device backends) keep one op per layer.
 *
 * The kernels read the parameters, x and dL/dy where the backend keeps them and write y and the
 * parameter gradients into the new tensors' memory (`computeTensors`: on wasm views of its heap,
 * no copies); what the backward pass needs of the forward one (a copy of x, the hidden jets) and
 * the gradients between layers are reused arrays (`ArrayPool`). Same arithmetic, same bits, as
 * reading everything with `dataSync` into new arrays.
 */
export function kanNetworkJet(layers: readonly KanLayer[], plan: JetPlan, x: tf.Tensor, count: number): tf.Tensor {
  if (usesOpsKernels() && layers.some((layer) => kanLayerOpsSupported(layer, plan.maxOrder))) {
    return layers.reduce((h, layer, l) => kanLayerJet(layer, plan, h, count, l > 0), x);
  }
  const C = plan.channels.length;
  const L = layers.length;
  const geometries = layers.map(layerGeometry);
  const symbolic = layers.map(hasSymbolicEdges);
  const inputs = layers.flatMap((layer, l) => (symbolic[l] ? [layer.coef, layer.scaleBase, layer.scaleSp, layer.symbolic!.affine] : [layer.coef, layer.scaleBase, layer.scaleSp]));
  // each layer's parameter arrays (in `inputs` order) as LayerParams
  const paramsOf = (arrays: Float32Array[]): LayerParams[] => {
    let at = 0;
    return layers.map((layer, l) => {
      const [coef, scaleBase, scaleSp] = arrays.slice(at, at + 3) as [Float32Array, Float32Array, Float32Array];
      const affine = symbolic[l] ? arrays[at + 3]! : null;
      at += symbolic[l] ? 4 : 3;
      return { coef, scaleBase, scaleSp, mask: layer.mask, symbolic: affine ? symbolicParams(layer, affine) : null };
    });
  };
  // the whole network as one threaded pass each way needs the generated kernel in every layer
  const wholeNetworkThreadable = networkPassesOn() && generatedKernelsEnabled() && !symbolic.some((s) => s);
  const op = tf.customGrad((...args: unknown[]) => {
    const tensors = args.slice(0, inputs.length) as tf.Tensor[];
    // kept for the backward pass: each layer's input jets, polynomials, and the input's constant factors
    const xs: Float32Array[] = [];
    let raws: Float64Array[] = [];
    let constS: Float64Array[] | null = null;
    // each layer's spans and sigmoids, recorded by its forward pass for its backward pass
    const caches: PreludeCache[] = layers.map((layer) => ({ spans: networkArrays.i32(count * layer.nIn), sigmoids: networkArrays.f64(count * layer.nIn), filled: false }));
    /** The layers of a whole-network pass: `hidden` are the hidden layers' jets (layer l ≥ 1 reads hidden[l − 1]). */
    const networkLayers = (hidden: readonly Float32Array[], params: readonly LayerParams[], inputFactors: Float64Array[] | null): NetworkLayer[] =>
      layers.map((layer, l) => ({
        k: layer.k,
        args: generatedArgs(geometries[l]!, l === 0 ? xs[0]! : hidden[l - 1]!, count, params[l]!, raws[l]!),
        constS: l === 0 ? inputFactors : null,
        spans: caches[l]!.spans,
        sigmoids: caches[l]!.sigmoids,
      }));
    const last = layers[L - 1]!;
    const value = computeTensor([C, count, last.nOut], [x, ...tensors], ([xIn, ...arrays], out) => {
      let t = phaseStart();
      const params = paramsOf(arrays);
      raws = layers.map((_, l) => edgePolynomials(geometries[l]!, params[l]!.coef));
      const X0 = networkArrays.f32(xIn!.length);
      X0.set(xIn!);
      xs.push(X0);
      constS = constantFactors(plan, X0, count, layers[0]!.nIn);
      const Ys = layers.map((layer, l) => (l === L - 1 ? out : networkArrays.f32(C * count * layer.nOut)));
      t = phaseEnd('kan forward: polynomials, input copy, constant factors', t);
      // all layers in one threaded pass where every layer runs the generated kernel (layerThreads.ts)
      if (wholeNetworkThreadable && networkThreads(plan, count, layers, false) > 1 && threadedNetworkForward(plan, networkLayers(Ys.slice(0, L - 1), params, constS), Ys)) {
        xs.push(...Ys.slice(0, L - 1));
        for (const cache of caches) cache.filled = true;
        phaseEnd('kan forward: network pass (threads)', t);
        return;
      }
      for (let l = 0; l < L; l++) {
        kanLayerForward(geometries[l]!, plan, xs[l]!, count, params[l]!, raws[l], Ys[l], l === 0 ? constS : undefined, caches[l]);
        if (l < L - 1) xs.push(Ys[l]!);
      }
      phaseEnd('kan forward: layer passes', t);
    });
    return {
      value,
      gradFunc: (dy: tf.Tensor) => {
        const shapes = layers.flatMap((layer, l) => {
          const [coef, scaleBase] = [layer.coef.shape, layer.scaleBase.shape];
          return symbolic[l] ? [coef, scaleBase, scaleBase, [layer.nIn, layer.nOut, 4]] : [coef, scaleBase, scaleBase];
        });
        return computeTensors(shapes, [dy, ...tensors], ([dyIn, ...arrays], outs) => {
          let t = phaseStart();
          const params = paramsOf(arrays);
          if (wholeNetworkThreadable && caches.every((cache) => cache.filled) && networkThreads(plan, count, layers, true) > 1) {
            const dRaws = raws.map((raw) => networkArrays.f64(raw.length).fill(0));
            const dSbs = layers.map((layer) => networkArrays.f64(layer.nIn * layer.nOut).fill(0));
            const dXs = layers.map((_, l) => (l > 0 ? networkArrays.f32(xs[l]!.length) : null));
            if (threadedNetworkBackward(plan, networkLayers(xs.slice(1), params, constS), dyIn!, dRaws, dSbs, dXs)) {
              t = phaseEnd('kan backward: network pass (threads)', t);
              let at = 0;
              layers.forEach((_, l) => {
                // symbolic layers never take this path: three outputs per layer
                splineParamGrads(geometries[l]!, params[l]!, raws[l]!, dRaws[l]!, { dCoef: outs[at], dScaleSp: outs[at + 2] });
                outs[at + 1]!.set(dSbs[l]!);
                at += 3;
              });
              networkArrays.give(...dRaws, ...dSbs, ...dXs, ...xs);
              for (const cache of caches) networkArrays.give(cache.spans, cache.sigmoids);
              phaseEnd('kan backward: parameter gradients', t);
              return;
            }
            networkArrays.give(...dRaws, ...dSbs, ...dXs);
          }
          let dY = dyIn!;
          let at = outs.length;
          for (let l = L - 1; l >= 0; l--) {
            const layer = layers[l]!;
            at -= symbolic[l] ? 4 : 3;
            const work: BackwardWork = {
              dX: l > 0 ? networkArrays.f32(xs[l]!.length).fill(0) : undefined,
              dRaw: networkArrays.f64(raws[l]!.length).fill(0),
              dSb: networkArrays.f64(layer.nIn * layer.nOut).fill(0),
              dCoef: outs[at],
              dScaleBase: outs[at + 1],
              dScaleSp: outs[at + 2],
              constS: l === 0 ? constS : undefined,
              cache: caches[l],
            };
            const g = kanLayerBackward(geometries[l]!, plan, xs[l]!, count, params[l]!, dY, l > 0, raws[l], work);
            if (symbolic[l]) outs[at + 3]!.set(g.dAffine!);
            networkArrays.give(work.dRaw, work.dSb);
            if (l < L - 1) networkArrays.give(dY);
            if (l > 0) dY = g.dX!;
          }
          networkArrays.give(...xs);
          for (const cache of caches) networkArrays.give(cache.spans, cache.sigmoids);
          phaseEnd('kan backward: layer passes', t);
        });
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
