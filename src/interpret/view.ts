/**
 * A KAN as plain data for diagrams (pykan's `plot`): every edge sampled over the range its input
 * takes on the points, its importance from attribution, its state (numeric, symbolic, pruned) and,
 * for a symbolic edge, its formula. The shape is viz's `NetworkView`, so `renderNetworkSvg` and
 * `renderNetworkHtml` take it as is (the library does not import viz).
 */
import { edgeValues } from './edges.js';
import type { KanModel } from '../kan/model.js';
import { symbolicEdgeParams } from '../kan/symbolicState.js';
import type { PointsInput } from '../model/types.js';
import { buildSymbolicFormula } from '../symbolic/formula.js';
import { collectActivations } from './activations.js';
import { attributeFrom } from './attribution.js';

/** One edge of the diagram (viz's `EdgeView`). */
export interface ModelEdgeView {
  layer: number;
  i: number;
  j: number;
  xs: number[];
  ys: number[];
  importance: number;
  state: 'numeric' | 'symbolic' | 'pruned';
  formula?: string;
}

/** The diagram data of a model (viz's `NetworkView`). */
export interface ModelView {
  width: number[];
  inputNames: string[];
  outputNames: string[];
  edges: ModelEdgeView[];
}

/** Options of `modelView`. */
export interface ModelViewOptions {
  /** Samples per edge curve. */
  readonly samples: number;
  /** Significant digits in edge formulas. */
  readonly significantDigits: number;
}

/** Defaults: 64 samples per edge, 3 significant digits in labels. */
export const MODEL_VIEW_DEFAULTS: ModelViewOptions = { samples: 64, significantDigits: 3 };

/** The label of a symbolic edge, e.g. `0.8 * sin(2.1 * x + 0.3) - 0.2`, over the variable `name`. */
function edgeFormula(p: { name: string; a: number; b: number; c: number; d: number }, name: string, digits: number): string {
  const [formula] = buildSymbolicFormula({ edges: [[[{ kind: 'symbolic', ...p }]]] }, { inputNames: [name], significantDigits: digits });
  return formula!.text;
}

/** Diagram data of `model`, edges sampled over the inputs they see at `points`, importance from attribution there. */
export function modelView(model: KanModel, points: PointsInput, options: Partial<ModelViewOptions> = {}): ModelView {
  const o = { ...MODEL_VIEW_DEFAULTS, ...options };
  const acts = collectActivations(model, points, 'modelView: points');
  const scores = attributeFrom(model, acts);
  const edges: ModelEdgeView[] = [];
  model.layers.forEach((layer, l) => {
    const X = acts.inputs[l]!;
    for (let i = 0; i < layer.nIn; i++) {
      let lo = Infinity;
      let hi = -Infinity;
      for (let n = 0; n < acts.count; n++) {
        lo = Math.min(lo, X[n * layer.nIn + i]!);
        hi = Math.max(hi, X[n * layer.nIn + i]!);
      }
      if (!(hi > lo)) [lo, hi] = [lo - 0.5, hi + 0.5];
      const xs = Array.from({ length: o.samples }, (_, s) => lo + ((hi - lo) * s) / (o.samples - 1));
      const variable = l === 0 ? model.inputs[i]! : 'x';
      for (let j = 0; j < layer.nOut; j++) {
        const e = i * layer.nOut + j;
        const live = layer.mask[e] !== 0;
        const sym = live ? symbolicEdgeParams(layer, i, j) : undefined;
        const edge: ModelEdgeView = { layer: l, i, j, xs, ys: Array.from(edgeValues(model, l, i, j, xs)), importance: scores.edges[l]![e]!, state: !live ? 'pruned' : sym ? 'symbolic' : 'numeric' };
        if (sym) edge.formula = safeFormula(sym, /^[A-Za-z_][A-Za-z0-9_]*$/.test(variable) ? variable : 'x', o.significantDigits);
        edges.push(edge);
      }
    }
  });
  return { width: [...model.width], inputNames: [...model.transforms.featureNames], outputNames: [...model.outputs], edges };
}

function safeFormula(p: { name: string; a: number; b: number; c: number; d: number }, variable: string, digits: number): string {
  try {
    return edgeFormula(p, variable, digits);
  } catch {
    return edgeFormula(p, 'x', digits); // an input named like a mathjs constant or function (e, pi, sin) cannot be a formula variable
  }
}
