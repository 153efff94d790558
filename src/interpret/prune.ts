/**
 * Pruning (pykan's prune, prune_node, prune_edge, prune_input, remove_edge, remove_node): hidden
 * nodes whose attribution score is at most `nodeThreshold` are removed (a new, smaller model), then
 * edges whose score on the smaller model is at most `edgeThreshold` are masked out. Inputs can be
 * pruned the same way. Masking a single edge or node is done in place.
 */
import { KanpinnInputError, describe } from '../errors.js';
import type { KanLayer } from '../kan/kanLayer.js';
import { createKan, type KanModel, type KanOptions } from '../kan/model.js';
import { createInferredParameters } from '../model/inferred.js';
import { newVariable } from '../model/variables.js';
import { subsetScaling } from '../model/scaling.js';
import type { PointsInput } from '../model/types.js';
import { checkEdge } from './activations.js';
import { attribute } from './attribution.js';

/** Thresholds of `prune` (pykan's node_th and edge_th). */
export interface PruneOptions {
  readonly nodeThreshold: number;
  readonly edgeThreshold: number;
}

/** pykan's defaults: nodes at most 1e−2, edges at most 3e−2 are removed. */
export const PRUNE_DEFAULTS: PruneOptions = { nodeThreshold: 1e-2, edgeThreshold: 3e-2 };

function checkThreshold(value: unknown, where: string): number {
  if (typeof value !== 'number' || !Number.isFinite(value) || value < 0) throw new KanpinnInputError(`${where}: expected a finite number >= 0, found ${describe(value)}`);
  return value;
}

function pick<T>(values: ArrayLike<T>, nIn: number, nOut: number, per: number, keepIn: number[], keepOut: number[]): T[] {
  const out: T[] = [];
  for (const i of keepIn) for (const j of keepOut) for (let p = 0; p < per; p++) out.push(values[(i * nOut + j) * per + p]!);
  return out;
}

/** A copy of one layer restricted to inputs `keepIn` and outputs `keepOut` (new variables). */
function subsetLayer(layer: KanLayer, keepIn: number[], keepOut: number[]): KanLayer {
  const { nIn, nOut } = layer;
  const nBasis = layer.grid + layer.k;
  const [a, b] = [keepIn.length, keepOut.length];
  const next: KanLayer = {
    nIn: a,
    nOut: b,
    k: layer.k,
    grid: layer.grid,
    base: layer.base,
    knots: keepIn.map((i) => layer.knots[i]!),
    coef: newVariable(Float32Array.from(pick(layer.coef.dataSync(), nIn, nOut, nBasis, keepIn, keepOut)), [a, b, nBasis]),
    scaleBase: newVariable(Float32Array.from(pick(layer.scaleBase.dataSync(), nIn, nOut, 1, keepIn, keepOut)), [a, b]),
    scaleSp: newVariable(Float32Array.from(pick(layer.scaleSp.dataSync(), nIn, nOut, 1, keepIn, keepOut)), [a, b]),
    mask: Float32Array.from(pick(layer.mask, nIn, nOut, 1, keepIn, keepOut)),
  };
  if (layer.symbolic) {
    next.symbolic = {
      mask: Float32Array.from(pick(layer.symbolic.mask, nIn, nOut, 1, keepIn, keepOut)),
      functions: pick(layer.symbolic.functions, nIn, nOut, 1, keepIn, keepOut),
      affine: newVariable(Float32Array.from(pick(layer.symbolic.affine.dataSync(), nIn, nOut, 4, keepIn, keepOut)), [a, b, 4]),
    };
  }
  return next;
}

/** A new KAN holding the nodes `keep[l]` of each node layer (inputs … outputs); the original is untouched. */
export function subsetKan(model: KanModel, keep: number[][]): KanModel {
  // An embedding's features and a hard constraint's outputs are fixed by the model's options.
  const embedded = model.options.embedding !== undefined;
  if (embedded && keep[0]!.length !== model.layers[0]!.nIn) throw new KanpinnInputError('prune: a model with an input embedding keeps every input feature; prune hidden nodes only');
  if (model.options.hard && keep[keep.length - 1]!.length !== model.outputs.length) throw new KanpinnInputError('prune: a model with hard constraints keeps every output');
  const layers = model.layers.map((layer, l) => subsetLayer(layer, keep[l]!, keep[l + 1]!));
  const width = keep.map((k) => k.length);
  if (embedded) width[0] = model.options.width[0]!;
  const range = model.options.gridRange;
  const options: KanOptions = {
    ...model.options,
    width,
    inputs: embedded ? [...model.inputs] : keep[0]!.map((i) => model.inputs[i]!),
    outputs: keep[keep.length - 1]!.map((j) => model.outputs[j]!),
    gridRange: Array.isArray(range[0]) && !embedded ? keep[0]!.map((i) => (range as [number, number][])[i]!) : range,
    ...(model.options.scaling ? { scaling: subsetScaling(model.options.scaling, embedded ? all(model.inputs.length) : keep[0]!, keep[keep.length - 1]!) } : {}),
  };
  const pruned = createKan(options, layers);
  // An inverse problem's learned parameters belong to the model: the pruned copy keeps them (its own variables).
  if (model.inferred) pruned.inferred = createInferredParameters(model.inferred.declared, model.inferred.variables().map((v) => v.dataSync()[0]!));
  return pruned;
}

/** Nodes with score > threshold (at least the best one, so no layer becomes empty). */
function keepAbove(scores: Float64Array, threshold: number): number[] {
  const kept = Array.from(scores.keys()).filter((i) => scores[i]! > threshold);
  if (kept.length > 0) return kept;
  let best = 0;
  scores.forEach((s, i) => {
    if (s > scores[best]!) best = i;
  });
  return [best];
}

const all = (n: number): number[] => Array.from({ length: n }, (_, i) => i);

/** pykan's prune: a new model without unimportant hidden nodes, then unimportant edges masked out. */
export function prune(model: KanModel, points: PointsInput, options: Partial<PruneOptions> = {}): KanModel {
  const o = { ...PRUNE_DEFAULTS, ...options };
  const nodeThreshold = checkThreshold(o.nodeThreshold, 'prune: nodeThreshold');
  const edgeThreshold = checkThreshold(o.edgeThreshold, 'prune: edgeThreshold');
  const scores = attribute(model, points);
  const L = model.layers.length;
  const keep = model.width.map((w, l) => (l === 0 || l === L ? all(w) : keepAbove(scores.nodes[l]!, nodeThreshold)));
  const pruned = subsetKan(model, keep);
  const after = attribute(pruned, points);
  pruned.layers.forEach((layer, l) => {
    layer.mask.forEach((m, e) => {
      if (m !== 0 && !(after.edges[l]![e]! > edgeThreshold)) layer.mask[e] = 0;
    });
  });
  return pruned;
}

/** A new model without the inputs whose attribution score is at most `threshold` (pykan's prune_input). */
export function pruneInputs(model: KanModel, points: PointsInput, threshold = 1e-2): KanModel {
  checkThreshold(threshold, 'pruneInputs: threshold');
  const scores = attribute(model, points);
  const keep = model.width.map((w, l) => (l === 0 ? keepAbove(scores.nodes[0]!, threshold) : all(w)));
  return subsetKan(model, keep);
}

/** Masks out edge (l, i, j) in place (pykan's remove_edge). */
export function removeEdge(model: KanModel, l: number, i: number, j: number): void {
  checkEdge(model, l, i, j, 'removeEdge');
  const layer = model.layers[l]!;
  layer.mask[i * layer.nOut + j] = 0;
}

/** Masks out every edge into and out of node i of node layer l (0: inputs) in place (pykan's remove_node). */
export function removeNode(model: KanModel, l: number, i: number): void {
  const width = model.width[l];
  if (!Number.isInteger(l) || width === undefined || l === model.layers.length) {
    throw new KanpinnInputError(`removeNode: layer ${describe(l)} is not an input or hidden node layer (0..${model.layers.length - 1})`);
  }
  if (!Number.isInteger(i) || i < 0 || i >= width) throw new KanpinnInputError(`removeNode: node ${describe(i)} does not exist in node layer ${l} (nodes 0..${width - 1})`);
  const out = model.layers[l]!;
  for (let j = 0; j < out.nOut; j++) out.mask[i * out.nOut + j] = 0;
  const into = model.layers[l - 1];
  if (into) for (let k = 0; k < into.nIn; k++) into.mask[k * into.nOut + i] = 0;
}

/** A new model equal to `model` (same parameters, new variables). */
export function cloneKan(model: KanModel): KanModel {
  return subsetKan(model, model.width.map(all));
}
