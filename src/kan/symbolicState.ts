/**
 * Mutation of a layer's symbolic edges in one place: turning an edge symbolic (φ = c·f(a·x + b) + d,
 * spline branch off) or back to its spline, and reading the (a, b, c, d) values. The affine
 * parameters live in one trainable variable [nIn, nOut, 4] per layer, created on first use.
 */
import * as tf from '../tf.js';
import type { AffineParams } from '../symbolic/library.js';
import type { KanLayer, SymbolicEdgeFunction, SymbolicLayerState } from './kanLayer.js';

/** Affine values of an edge that is not symbolic: the identity wrapping (a, b, c, d) = (1, 0, 1, 0). */
const IDENTITY_AFFINE = [1, 0, 1, 0] as const;

/** The layer's symbolic state, created (all edges numeric) when absent. */
export function ensureSymbolicState(layer: KanLayer): SymbolicLayerState {
  if (layer.symbolic) return layer.symbolic;
  const edges = layer.nIn * layer.nOut;
  const affine = new Float32Array(edges * 4);
  for (let e = 0; e < edges; e++) affine.set(IDENTITY_AFFINE, 4 * e);
  layer.symbolic = {
    mask: new Float32Array(edges),
    functions: new Array<SymbolicEdgeFunction | null>(edges).fill(null),
    affine: tf.tidy(() => tf.variable(tf.tensor3d(affine, [layer.nIn, layer.nOut, 4]))),
  };
  return layer.symbolic;
}

/** Makes edge (i → j) symbolic with function `fn` and parameters (a, b, c, d). */
export function setSymbolicEdge(layer: KanLayer, i: number, j: number, fn: SymbolicEdgeFunction, params: AffineParams): void {
  const state = ensureSymbolicState(layer);
  const e = i * layer.nOut + j;
  state.mask[e] = 1;
  state.functions[e] = fn;
  const values = (state.affine.dataSync() as Float32Array).slice();
  values.set([params.a, params.b, params.c, params.d], 4 * e);
  tf.tidy(() => state.affine.assign(tf.tensor3d(values, [layer.nIn, layer.nOut, 4])));
}

/** Turns edge (i → j) back to its spline (pykan's unfix_symbolic). */
export function clearSymbolicEdge(layer: KanLayer, i: number, j: number): void {
  const state = layer.symbolic;
  if (!state) return;
  const e = i * layer.nOut + j;
  state.mask[e] = 0;
  state.functions[e] = null;
}

/** (a, b, c, d) of edge (i → j) as numbers, or undefined when the edge is not symbolic. */
export function symbolicEdgeParams(layer: KanLayer, i: number, j: number): (AffineParams & { name: string }) | undefined {
  const state = layer.symbolic;
  const e = i * layer.nOut + j;
  const fn = state?.mask[e] ? state.functions[e] : null;
  if (!state || !fn) return undefined;
  const v = state.affine.dataSync();
  return { name: fn.name, a: v[4 * e]!, b: v[4 * e + 1]!, c: v[4 * e + 2]!, d: v[4 * e + 3]! };
}
