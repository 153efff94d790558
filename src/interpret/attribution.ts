/**
 * Importance of every node and edge by pykan's backward attribution: output nodes score 1, and
 * going backwards through layer l,
 *   edge_lij = std_n(φ_lij(x_ni)) · node_{l+1, j} / (std_n(x_{l+1, nj}) + 1e−4),
 *   node_li  = Σ_j edge_lij,
 * i.e. an edge matters as much as the share of its output node's variation it carries, times that
 * node's importance. Pruned edges score 0.
 */
import type { KanModel } from '../kan/model.js';
import type { PointsInput } from '../model/types.js';
import { collectActivations, columnStd, type Activations } from './activations.js';

/** Attribution scores: nodes[l][i] for every layer of nodes (inputs … outputs), edges[l][i·nOut + j]. */
export interface Attribution {
  /** nodes[l]: scores of the nodes entering layer l (nodes[0]: the inputs; last: the outputs, all 1). */
  nodes: Float64Array[];
  /** edges[l][i·nOut + j]: score of edge (i → j) of layer l. */
  edges: Float64Array[];
  /** std of every edge's values, edgeScale[l][i·nOut + j] (pykan's edge_actscale). */
  edgeScale: Float64Array[];
}

/** Attribution scores from activations already collected on the points. */
export function attributeFrom(model: KanModel, acts: Activations): Attribution {
  const L = model.layers.length;
  const nodes: Float64Array[] = new Array<Float64Array>(L + 1);
  const edges: Float64Array[] = new Array<Float64Array>(L);
  const edgeScale: Float64Array[] = new Array<Float64Array>(L);
  nodes[L] = new Float64Array(model.width[L]!).fill(1);
  for (let l = L - 1; l >= 0; l--) {
    const layer = model.layers[l]!;
    const { nIn, nOut } = layer;
    const nodeStd = Float64Array.from({ length: nOut }, (_, j) => columnStd(acts.inputs[l + 1]!, acts.count, nOut, j));
    const scale = new Float64Array(nIn * nOut);
    const score = new Float64Array(nIn * nOut);
    const below = new Float64Array(nIn);
    for (let i = 0; i < nIn; i++) {
      for (let j = 0; j < nOut; j++) {
        const e = i * nOut + j;
        if (layer.mask[e] === 0) continue;
        scale[e] = columnStd(acts.edges[l]!, acts.count, nIn * nOut, e);
        score[e] = (scale[e]! * nodes[l + 1]![j]!) / (nodeStd[j]! + 1e-4);
        below[i] = below[i]! + score[e]!;
      }
    }
    edges[l] = score;
    edgeScale[l] = scale;
    nodes[l] = below;
  }
  return { nodes, edges, edgeScale };
}

/** Node and edge importance of a KAN on `points` (pykan's `attribute`). */
export function attribute(model: KanModel, points: PointsInput): Attribution {
  return attributeFrom(model, collectActivations(model, points, 'attribute: points'));
}
