/**
 * Every edge function φ_ij of a KAN sampled over the range its input takes on given points, with
 * its scale (pykan's `acts_scale`: the standard deviation of φ_ij over the samples). Used by plots,
 * reports and pruning; computed on demand only (training never caches activations).
 */
import { baseDerivatives } from './baseFunctions.js';
import { layerActivations, type KanModel } from './model.js';
import { basisMatrix } from './spline.js';

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

/** φ_ij(x) for one edge at xs (mask applied; c·f(a·x + b) + d for a symbolic edge). */
export function edgeValues(model: KanModel, layer: number, i: number, j: number, xs: ArrayLike<number>): Float64Array {
  const L = model.layers[layer]!;
  const e = i * L.nOut + j;
  const fn = L.symbolic?.mask[e] ? L.symbolic.functions[e] : null;
  if (fn) {
    const [a, b, c, d] = Array.from(L.symbolic!.affine.dataSync().subarray(4 * e, 4 * e + 4));
    return Float64Array.from({ length: xs.length }, (_, n) => L.mask[e]! * (c! * fn.f(a! * xs[n]! + b!) + d!));
  }
  const nBasis = L.grid + L.k;
  const coef = L.coef.dataSync();
  const sb = L.scaleBase.dataSync()[e]!;
  const sp = L.scaleSp.dataSync()[e]!;
  const basis = basisMatrix(L.knots[i]!, L.k, xs);
  const b = new Float64Array(1);
  return Float64Array.from({ length: xs.length }, (_, n) => {
    let spline = 0;
    for (let m = 0; m < nBasis; m++) spline += coef[e * nBasis + m]! * basis[n * nBasis + m]!;
    baseDerivatives(L.base, xs[n]!, 0, b);
    return L.mask[e]! * (sb * b[0]! + sp * spline);
  });
}

/** All edge functions, sampled at `samples` points over each input's observed range. */
export function edgeFunctions(model: KanModel, points: Float32Array, count: number, samples = 64): EdgeFunction[] {
  const acts = layerActivations(model, points, count);
  const out: EdgeFunction[] = [];
  model.layers.forEach((L, l) => {
    const inputs = acts[l]!;
    for (let i = 0; i < L.nIn; i++) {
      const column = Float64Array.from({ length: count }, (_, n) => inputs[n * L.nIn + i]!);
      let lo = Infinity;
      let hi = -Infinity;
      for (const v of column) {
        lo = Math.min(lo, v);
        hi = Math.max(hi, v);
      }
      if (!(hi > lo)) {
        lo -= 0.5;
        hi += 0.5;
      }
      const xs = Array.from({ length: samples }, (_, s) => lo + ((hi - lo) * s) / (samples - 1));
      for (let j = 0; j < L.nOut; j++) {
        const atPoints = edgeValues(model, l, i, j, column);
        let mean = 0;
        for (const v of atPoints) mean += v / count;
        let variance = 0;
        for (const v of atPoints) variance += ((v - mean) * (v - mean)) / count;
        out.push({ layer: l, i, j, xs, ys: Array.from(edgeValues(model, l, i, j, xs)), scale: Math.sqrt(variance), live: L.mask[i * L.nOut + j]! !== 0 });
      }
    }
  });
  return out;
}
