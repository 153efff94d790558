/**
 * Activations of a KAN on given points, computed on demand (training never caches them): the
 * inputs of every layer X_l [N, nIn] and every edge's values E_l[n, i, j] = φ_ij(x_ni) [N, nIn, nOut].
 * Attribution, pruning and symbolic fitting read these; pykan keeps them as `acts` and `spline_postacts`.
 */
import { KanpinnInputError, describe } from '../errors.js';
import { createJetPlan } from '../jet/plan.js';
import { kanEdgeForward } from '../kan/edgeKernel.js';
import { layerGeometry, readLayerParams } from '../kan/kanLayer.js';
import { kanLayerForward } from '../kan/layerKernel.js';
import type { KanModel } from '../kan/model.js';
import { flattenPoints } from '../model/evaluate.js';
import type { PointsInput } from '../model/types.js';

/** Per-layer activations on N points. */
export interface Activations {
  count: number;
  /** inputs[l]: values entering layer l, [N·nIn_l]; inputs[L] is the network output [N·nOut]. */
  inputs: Float32Array[];
  /** edges[l]: φ_ij(x_ni) of layer l, [N·nIn·nOut]. */
  edges: Float32Array[];
}

/**
 * Runs the network once on `points`, keeping every layer's inputs and edge values (the one way to
 * get them: plots, attribution, pruning and symbolic fitting all read this).
 */
export function collectActivations(model: KanModel, points: PointsInput, where = 'points'): Activations {
  const { data, count } = flattenPoints(points, model.inputs.length, where);
  if (count < 1) throw new KanpinnInputError(`${where}: expected at least one point, found none`);
  // With an input embedding, layer 0 sees the features; the embedding has no edges of its own.
  const inputs: Float32Array[] = [model.transforms.embedPoints(data, count)];
  const edges: Float32Array[] = [];
  const valuePlan = createJetPlan([], model.inputs.length);
  for (const layer of model.layers) {
    const X = inputs[inputs.length - 1]!;
    const geometry = layerGeometry(layer);
    const params = readLayerParams(layer);
    edges.push(kanEdgeForward(geometry, X, count, params));
    // the next layer's input from the layer kernel itself, so it equals what model.evaluate computes
    inputs.push(kanLayerForward(geometry, valuePlan, X, count, params));
  }
  return { count, inputs, edges };
}

/** Samples (x, φ(x)) of edge (l, i, j): x = input i of layer l at each point. */
export function edgeSamples(model: KanModel, acts: Activations, l: number, i: number, j: number): { xs: Float64Array; ys: Float64Array } {
  const layer = model.layers[l]!;
  const X = acts.inputs[l]!;
  const E = acts.edges[l]!;
  const xs = new Float64Array(acts.count);
  const ys = new Float64Array(acts.count);
  for (let n = 0; n < acts.count; n++) {
    xs[n] = X[n * layer.nIn + i]!;
    ys[n] = E[(n * layer.nIn + i) * layer.nOut + j]!;
  }
  return { xs, ys };
}

/** Standard deviation of a strided column: values[n·stride + offset], n < count. */
export function columnStd(values: Float32Array, count: number, stride: number, offset: number): number {
  let mean = 0;
  for (let n = 0; n < count; n++) mean += values[n * stride + offset]!;
  mean /= count;
  let variance = 0;
  for (let n = 0; n < count; n++) variance += (values[n * stride + offset]! - mean) ** 2;
  return Math.sqrt(variance / count);
}

/** Checks that (l, i, j) names an edge of the model; `where` prefixes the message. */
export function checkEdge(model: KanModel, l: number, i: number, j: number, where: string): void {
  const layer = model.layers[l];
  if (!Number.isInteger(l) || layer === undefined) throw new KanpinnInputError(`${where}: layer ${describe(l)} does not exist (the model has layers 0..${model.layers.length - 1})`);
  if (!Number.isInteger(i) || i < 0 || i >= layer.nIn) throw new KanpinnInputError(`${where}: input ${describe(i)} does not exist in layer ${l} (inputs 0..${layer.nIn - 1})`);
  if (!Number.isInteger(j) || j < 0 || j >= layer.nOut) throw new KanpinnInputError(`${where}: output ${describe(j)} does not exist in layer ${l} (outputs 0..${layer.nOut - 1})`);
}
