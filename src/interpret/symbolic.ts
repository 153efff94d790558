/**
 * Symbolic regression on a trained KAN (pykan's suggest_symbolic, fix_symbolic, auto_symbolic,
 * symbolic_formula): an edge's samples (x, φ(x)) on given points are fitted by y ≈ c·f(a·x + b) + d
 * for library functions (src/symbolic), the chosen f replaces the edge's spline in the layer kernel,
 * and (a, b, c, d) stay trainable so that further training refits them. When every live edge is
 * symbolic the network is a formula, assembled and simplified with mathjs.
 */
import { KanpinnInputError, describe } from '../errors.js';
import type { KanModel } from '../kan/model.js';
import { clearSymbolicEdge, setSymbolicEdge, symbolicEdgeParams } from '../kan/symbolicState.js';
import type { PointsInput } from '../model/types.js';
import { fitSymbolicFunction, SYMBOLIC_FIT_DEFAULTS, type SymbolicFitOptions } from '../symbolic/fit.js';
import { buildSymbolicFormula, type FormulaEdge, type FormulaNetwork, type FormulaOptions, type SymbolicFormula } from '../symbolic/formula.js';
import { defaultSymbolicLibrary, type AffineParams, type SymbolicLibrary } from '../symbolic/library.js';
import { rankSymbolicCandidates, type SuggestSymbolicOptions, type SymbolicCandidate } from '../symbolic/suggest.js';
import { normalizeNetwork } from './normalize.js';
import type { ScalingConfig } from '../model/scaling.js';
import { checkEdge, collectActivations, columnStd, edgeSamples, type Activations } from './activations.js';

/**
 * Ranks the library's functions for edge (l, i, j) on its samples at `points`, best first
 * (each: name, params {a, b, c, d}, r2, complexity, score). The '0' candidate wins only for an edge
 * that is constant relative to the node it feeds.
 */
export function suggestSymbolic(model: KanModel, l: number, i: number, j: number, points: PointsInput, options: Partial<SuggestSymbolicOptions> = {}): SymbolicCandidate[] {
  checkEdge(model, l, i, j, 'suggestSymbolic');
  return suggestOn(model, collectActivations(model, points, 'suggestSymbolic: points'), l, i, j, options, 'suggestSymbolic');
}

function suggestOn(model: KanModel, acts: Activations, l: number, i: number, j: number, options: Partial<SuggestSymbolicOptions>, where: string): SymbolicCandidate[] {
  const { xs, ys } = edgeSamples(model, acts, l, i, j);
  const scale = columnStd(acts.inputs[l + 1]!, acts.count, model.layers[l]!.nOut, j) || 1;
  return rankSymbolicCandidates(xs, ys, { scale, ...options }, where);
}

/** Options of `fixSymbolic`. */
export interface FixSymbolicOptions {
  /** Fit (a, b, c, d) to the edge's samples at these points; without points, `params` are used. */
  readonly points: PointsInput | undefined;
  /** Parameters to set when no points are given; default (1, 0, 1, 0). */
  readonly params: AffineParams | undefined;
  readonly library: SymbolicLibrary;
  readonly fit: Partial<SymbolicFitOptions>;
}

/** Defaults: no points (identity parameters), the default library, the fitter's defaults. */
export const FIX_SYMBOLIC_DEFAULTS: FixSymbolicOptions = { points: undefined, params: undefined, library: defaultSymbolicLibrary, fit: SYMBOLIC_FIT_DEFAULTS };

/** What `fixSymbolic` set: the function, its parameters and (when fitted) r². */
export interface FixedEdge {
  readonly layer: number;
  readonly i: number;
  readonly j: number;
  readonly name: string;
  readonly params: AffineParams;
  /** Coefficient of determination of the fit; null when parameters were given. */
  readonly r2: number | null;
}

/**
 * Makes edge (l, i, j) symbolic: φ(x) = c·f(a·x + b) + d with f = library[name] (in place). With
 * `points`, (a, b, c, d) are fitted to the edge's current values there.
 */
export function fixSymbolic(model: KanModel, l: number, i: number, j: number, name: string, options: Partial<FixSymbolicOptions> = {}): FixedEdge {
  const o = { ...FIX_SYMBOLIC_DEFAULTS, ...options };
  checkEdge(model, l, i, j, 'fixSymbolic');
  const fn = o.library.require(name, 'fixSymbolic: name');
  if (o.points === undefined) {
    const params = o.params ?? { a: 1, b: 0, c: 1, d: 0 };
    for (const key of ['a', 'b', 'c', 'd'] as const) {
      if (!Number.isFinite(params[key])) throw new KanpinnInputError(`fixSymbolic: params.${key}: expected a finite number, found ${describe(params[key])}`);
    }
    setSymbolicEdge(model.layers[l]!, i, j, fn, params);
    return { layer: l, i, j, name, params, r2: null };
  }
  const acts = collectActivations(model, o.points, 'fixSymbolic: points');
  return fixOn(model, acts, l, i, j, name, o);
}

function fixOn(model: KanModel, acts: Activations, l: number, i: number, j: number, name: string, o: FixSymbolicOptions): FixedEdge {
  const fn = o.library.require(name, 'fixSymbolic: name');
  const { xs, ys } = edgeSamples(model, acts, l, i, j);
  const fit = fitSymbolicFunction(xs, ys, fn, o.fit);
  setSymbolicEdge(model.layers[l]!, i, j, fn, fit.params);
  return { layer: l, i, j, name, params: fit.params, r2: fit.r2 };
}

/** Turns edge (l, i, j) back into its spline (pykan's unfix_symbolic). */
export function unfixSymbolic(model: KanModel, l: number, i: number, j: number): void {
  checkEdge(model, l, i, j, 'unfixSymbolic');
  clearSymbolicEdge(model.layers[l]!, i, j);
}

/** Options of `autoSymbolic`. */
export interface AutoSymbolicOptions {
  /** Candidate names; default the whole library. */
  readonly candidates: readonly string[] | undefined;
  /** Edges whose best fit has r² below this stay numeric (reported in `skipped`). In [0, 1]. */
  readonly r2Threshold: number;
  /** Ranking settings (complexity weight, tie tolerance, …) passed to the candidate ranking. */
  readonly suggest: Partial<SuggestSymbolicOptions>;
  readonly library: SymbolicLibrary;
}

/** Defaults: the whole default library, r² threshold 0 (every edge gets its best candidate). */
export const AUTO_SYMBOLIC_DEFAULTS: AutoSymbolicOptions = { candidates: undefined, r2Threshold: 0, suggest: {}, library: defaultSymbolicLibrary };

/** Outcome of `autoSymbolic`: edges fixed (with r²), edges left numeric (best candidate below the threshold). */
export interface AutoSymbolicReport {
  fixed: FixedEdge[];
  skipped: { layer: number; i: number; j: number; best: string; r2: number }[];
}

/**
 * Fixes every live numeric edge to its best-ranked candidate when that fit has r² ≥ r2Threshold;
 * pruned edges become '0'; symbolic edges are kept. Layers are processed in order, each on the
 * activations of the already-fixed layers before it.
 */
export function autoSymbolic(model: KanModel, points: PointsInput, options: Partial<AutoSymbolicOptions> = {}): AutoSymbolicReport {
  const o = { ...AUTO_SYMBOLIC_DEFAULTS, ...options };
  if (typeof o.r2Threshold !== 'number' || !(o.r2Threshold >= 0 && o.r2Threshold <= 1)) {
    throw new KanpinnInputError(`autoSymbolic: r2Threshold: expected a number in [0, 1], found ${describe(o.r2Threshold)}`);
  }
  const report: AutoSymbolicReport = { fixed: [], skipped: [] };
  model.layers.forEach((layer, l) => {
    const acts = collectActivations(model, points, 'autoSymbolic: points');
    for (let i = 0; i < layer.nIn; i++) {
      for (let j = 0; j < layer.nOut; j++) {
        const e = i * layer.nOut + j;
        if (layer.symbolic?.mask[e]) continue;
        if (layer.mask[e] === 0) {
          setSymbolicEdge(layer, i, j, o.library.require('0', 'autoSymbolic'), { a: 1, b: 0, c: 0, d: 0 });
          continue;
        }
        const ranked = suggestOn(model, acts, l, i, j, { ...o.suggest, library: o.library, candidates: o.candidates }, 'autoSymbolic');
        const best = ranked[0]!;
        if (best.r2 < o.r2Threshold) {
          report.skipped.push({ layer: l, i, j, best: best.name, r2: best.r2 });
          continue;
        }
        setSymbolicEdge(layer, i, j, o.library.require(best.name, 'autoSymbolic'), best.params);
        report.fixed.push({ layer: l, i, j, name: best.name, params: best.params, r2: best.r2 });
      }
    }
  });
  return report;
}

/** The model's edges as the formula assembler sees them: symbolic (with a, b, c, d), zero (pruned) or numeric. */
export function symbolicNetwork(model: KanModel): FormulaNetwork {
  const edges = model.layers.map((layer) =>
    Array.from({ length: layer.nIn }, (_, i) =>
      Array.from({ length: layer.nOut }, (_, j): FormulaEdge => {
        if (layer.mask[i * layer.nOut + j] === 0) return { kind: 'zero' };
        const p = symbolicEdgeParams(layer, i, j);
        return p ? { kind: 'symbolic', ...p } : { kind: 'numeric' };
      }),
    ),
  );
  return { edges };
}

/**
 * The network of a scaled model (src/model/scaling.ts) in the original units, exactly: a first-layer
 * edge c·f(a·x̂ + b) + d with x̂ = (x − m)/h is c·f((a/h)·x + b − a·m/h) + d, and a last-layer edge
 * into output j is multiplied by its scale s_j (c and d times s_j), so the formula reads x and u.
 */
export function unscaledNetwork(network: FormulaNetwork, scaling: ScalingConfig): FormulaNetwork {
  const last = network.edges.length - 1;
  const edges = network.edges.map((layer, l) =>
    layer.map((row, i) =>
      row.map((edge, j): FormulaEdge => {
        if (edge.kind !== 'symbolic') return edge;
        let { a, b, c, d } = edge;
        if (l === 0) {
          const h = scaling.halfWidth[i]!;
          b -= (a * scaling.center[i]!) / h;
          a /= h;
        }
        if (l === last) {
          c *= scaling.outputScale[j]!;
          d *= scaling.outputScale[j]!;
        }
        return { ...edge, a, b, c, d };
      }),
    ),
  );
  const bias = network.bias?.map((row, l) => (l === last ? row.map((v, j) => v * scaling.outputScale[j]!) : [...row]));
  return bias ? { edges, bias } : { edges };
}

/** Options of `symbolicFormula`: the assembler's (digits, dropBelow, simplify, library) plus `normalize`. */
export interface ModelFormulaOptions extends FormulaOptions {
  /** Move constants and scales of hidden nodes into the next layer first (exact; see normalize.ts). */
  readonly normalize: boolean;
}

/**
 * The formula of every output of a fully symbolic KAN (mathjs, simplified, numbers rounded to
 * `significantDigits`; `text`, `latex`, `evaluate`). Refuses, naming them, while edges are numeric.
 */
export function symbolicFormula(model: KanModel, options: Partial<ModelFormulaOptions> = {}): SymbolicFormula[] {
  const { normalize = true, ...rest } = options;
  // The layers of an embedded or hard-constrained model compute features or N of u = A + B·N, not u of the inputs.
  if (model.options.embedding || model.options.hard) {
    throw new KanpinnInputError(`symbolic: the model has ${model.options.embedding ? `an input embedding (${model.options.embedding.spec})` : `hard constraints (${model.options.hard!.spec})`}; its formula in the inputs is not assembled (train without --embed/--hard for a formula)`);
  }
  const library = rest.library ?? defaultSymbolicLibrary;
  const network = model.options.scaling ? unscaledNetwork(symbolicNetwork(model), model.options.scaling) : symbolicNetwork(model);
  const numeric = network.edges.some((layer) => layer.some((row) => row.some((e) => e.kind === 'numeric')));
  // A network with numeric edges goes to the assembler unchanged, which names them in its error.
  return buildSymbolicFormula(normalize && !numeric ? normalizeNetwork(network, library) : network, { inputNames: model.inputs, ...rest });
}
