/**
 * Every edge function φ_ij of a KAN sampled over the range its input takes on given points, with
 * its scale (pykan's `acts_scale`: the standard deviation of φ_ij over the samples). Used by plots,
 * reports and pruning; computed on demand only (training never caches activations). The values
 * come from the layer's edge kernel (kan/edgeKernel.ts), the same code training differentiates.
 */
import { kanEdgeForward } from '../kan/edgeKernel.js';
import { layerGeometry, readLayerParams } from '../kan/kanLayer.js';
import type { KanModel } from '../kan/model.js';
import { collectActivations, columnStd } from './activations.js';

/** One KAN edge φ_ij of layer `layer` (input i → output j) sampled for plotting and symbolic fitting. */
export interface EdgeFunction {
  layer: number;
  i: number;
  j: number;
  /** Input range seen on the points, sampled uniformly. */
  xs: number[];
  ys: number[];
  /** Standard deviation of φ_ij over the points' inputs (0 for a pruned edge). */
  scale: number;
  /** False when the edge is masked out (pruned). */
  live: boolean;
}

/** φ_ij(x) of every edge leaving input i of layer l, at xs: [xs.length, nOut] row-major (mask applied). */
export function inputEdgeValues(model: KanModel, layer: number, i: number, xs: ArrayLike<number>): Float32Array {
  const L = model.layers[layer]!;
  const { nIn, nOut } = L;
  const X = new Float32Array(xs.length * nIn); // the other inputs stay 0: their edges are not read
  for (let n = 0; n < xs.length; n++) X[n * nIn + i] = xs[n]!;
  const E = kanEdgeForward(layerGeometry(L), X, xs.length, readLayerParams(L)); // [N, nIn, nOut]
  const out = new Float32Array(xs.length * nOut);
  for (let n = 0; n < xs.length; n++) out.set(E.subarray((n * nIn + i) * nOut, (n * nIn + i + 1) * nOut), n * nOut);
  return out;
}

/** φ_ij(x) for one edge at xs (mask applied; c·f(a·x + b) + d for a symbolic edge). */
export function edgeValues(model: KanModel, layer: number, i: number, j: number, xs: ArrayLike<number>): Float64Array {
  const nOut = model.layers[layer]!.nOut;
  const all = inputEdgeValues(model, layer, i, xs);
  return Float64Array.from({ length: xs.length }, (_, n) => all[n * nOut + j]!);
}

/** All edge functions, sampled at `samples` points over each input's observed range. */
export function edgeFunctions(model: KanModel, points: Float32Array, count: number, samples = 64): EdgeFunction[] {
  const acts = collectActivations(model, points.subarray(0, count * model.inputs.length), 'edgeFunctions: points');
  const out: EdgeFunction[] = [];
  model.layers.forEach((L, l) => {
    const inputs = acts.inputs[l]!;
    for (let i = 0; i < L.nIn; i++) {
      let lo = Infinity;
      let hi = -Infinity;
      for (let n = 0; n < count; n++) {
        lo = Math.min(lo, inputs[n * L.nIn + i]!);
        hi = Math.max(hi, inputs[n * L.nIn + i]!);
      }
      if (!(hi > lo)) {
        lo -= 0.5;
        hi += 0.5;
      }
      const xs = Array.from({ length: samples }, (_, s) => lo + ((hi - lo) * s) / (samples - 1));
      const sampled = inputEdgeValues(model, l, i, xs);
      for (let j = 0; j < L.nOut; j++) {
        const ys = Array.from({ length: samples }, (_, s) => sampled[s * L.nOut + j]!);
        const scale = columnStd(acts.edges[l]!, count, L.nIn * L.nOut, i * L.nOut + j);
        out.push({ layer: l, i, j, xs, ys, scale, live: L.mask[i * L.nOut + j]! !== 0 });
      }
    }
  });
  return out;
}
