/**
 * Grid update and extension (pykan's `update_grid_from_samples` and `refine`): place new knots
 * from the distribution of a layer's inputs, then refit the spline coefficients by regularised
 * least squares so the learned edge functions are kept.
 *
 * New breakpoints mix quantiles and uniform points: g = ε·uniform + (1−ε)·quantile (pykan's
 * grid_eps, default 0.02). The refit minimises ‖B c − y_old‖² + λ‖D₂c‖² + μ‖c‖² over points that
 * cover the new grid densely (plus the samples), so it is well posed whatever the sample count;
 * with fewer distinct samples than intervals the breakpoints fall back to uniform.
 */
import * as tf from '../tf.js';
import { KanpinnInputError } from '../errors.js';
import { createJetPlan } from '../jet/plan.js';
import { newVariable } from '../model/variables.js';
import { kanEdgeForward } from './edgeKernel.js';
import { layerGeometry, readLayerParams } from './kanLayer.js';
import { kanLayerForward, type LayerGeometry, type LayerParams } from './layerKernel.js';
import type { KanModel } from './model.js';
import { extendKnots, type Knots } from './spline.js';
import { fitCoefficients } from './splineFit.js';
import { splineTable } from './splineTables.js';

/** Options of a grid update. */
export interface GridUpdateOptions {
  /** Weight of uniform knots in the mix (pykan's grid_eps). */
  gridEps: number;
  /** Smoothness weight λ on second differences of the coefficients, relative to the data term. */
  smoothness: number;
  /** Margin added to the sample range on each side, as a fraction of the range. */
  margin: number;
}

/** pykan's grid-update settings (grid_eps 0.02), a small smoothing term and no margin. */
export const GRID_UPDATE_DEFAULTS: GridUpdateOptions = { gridEps: 0.02, smoothness: 1e-6, margin: 0 };

/** What happened to one input's grid. */
export interface GridFitReport {
  input: number;
  method: 'adaptive' | 'uniform' | 'kept';
  /** Max |new − old| of the spline part over the fit points, per edge of this input. */
  maxDeviation: number;
  warning?: string;
}

/** New breakpoints (G + 1) from one input's samples; `undefined` when the samples span no range. */
export function breakpointsFromSamples(
  samples: Float64Array,
  grid: number,
  options: GridUpdateOptions,
  bounds?: readonly [number, number],
): { points: Float64Array; method: 'adaptive' | 'uniform' } | undefined {
  const sorted = Float64Array.from(samples).sort();
  const n = sorted.length;
  const finite = sorted.filter(Number.isFinite);
  if (finite.length < 2) return undefined;
  // `bounds` widens the range (points that must stay on the grid but should not pull quantiles).
  const lo0 = Math.min(finite[0]!, bounds?.[0] ?? Infinity);
  const hi0 = Math.max(finite[finite.length - 1]!, bounds?.[1] ?? -Infinity);
  const span = hi0 - lo0;
  if (!(span > 0)) return undefined;
  const lo = lo0 - options.margin * span;
  const hi = hi0 + options.margin * span;
  let distinct = 1;
  for (let i = 1; i < finite.length; i++) if (finite[i] !== finite[i - 1]) distinct++;
  const points = new Float64Array(grid + 1);
  const uniformOnly = distinct < grid + 1 || n !== finite.length;
  for (let q = 0; q <= grid; q++) {
    const uniform = lo + ((hi - lo) * q) / grid;
    if (uniformOnly) {
      points[q] = uniform;
      continue;
    }
    const index = q === grid ? finite.length - 1 : Math.floor((finite.length / grid) * q);
    const adaptive = q === 0 ? lo : q === grid ? hi : finite[index]!;
    points[q] = options.gridEps * uniform + (1 - options.gridEps) * adaptive;
  }
  // Quantiles of clustered samples can coincide: keep knots strictly increasing.
  const minGap = 1e-3 * ((hi - lo) / grid);
  for (let q = 1; q <= grid; q++) if (points[q]! < points[q - 1]! + minGap) points[q] = points[q - 1]! + minGap;
  if (points[grid]! > hi + minGap * grid) {
    const scale = (hi - lo) / (points[grid]! - points[0]!);
    for (let q = 0; q <= grid; q++) points[q] = lo + (points[q]! - lo) * scale;
  }
  return { points, method: uniformOnly ? 'uniform' : 'adaptive' };
}

/** Weight of the dense cover relative to all samples together: it only keeps the fit well posed. */
const COVER_WEIGHT = 0.05;

/**
 * Evaluation points for a refit, with weights: the samples (where the function matters) plus a
 * dense uniform cover of the knots' interior (so no coefficient is left undetermined).
 */
function fitPoints(samples: Float64Array, knots: Knots, k: number, nBasis: number): { xs: Float64Array; weights: Float64Array } {
  const finite = samples.filter(Number.isFinite);
  const lo = knots[k]!;
  const hi = knots[knots.length - 1 - k]!;
  const dense = 4 * nBasis + 16;
  const xs = new Float64Array(finite.length + dense);
  const weights = new Float64Array(xs.length).fill(1);
  xs.set(finite);
  const coverWeight = (COVER_WEIGHT * Math.max(1, finite.length)) / dense;
  for (let i = 0; i < dense; i++) {
    xs[finite.length + i] = lo + ((hi - lo) * (i + 0.5)) / dense;
    weights[finite.length + i] = coverWeight;
  }
  return { xs, weights };
}

/**
 * Spline part Σ_m c_m B_m(x) of every edge of one input at xs → [xs.length, nOut], computed by the
 * layer's own edge kernel (one input, base and scale switched off), so a refit reproduces exactly
 * the function the network evaluates. `coef` is this input's [nOut, nBasis] block.
 */
function splineValues(knots: Knots, k: number, coef: Float32Array, nOut: number, xs: Float64Array): Float64Array {
  const nBasis = knots.length - k - 1;
  const geo: LayerGeometry = { nIn: 1, nOut, k, nBasis, base: 'zero', tables: [splineTable(knots, k)] };
  const params: LayerParams = { coef, scaleBase: new Float32Array(nOut), scaleSp: new Float32Array(nOut).fill(1), mask: new Float32Array(nOut).fill(1) };
  return kanEdgeForward(geo, xs, xs.length, params, new Float64Array(xs.length * nOut));
}

/** What `refitInput` needs: one input's edges, their old knots and coefficients, and where to place the new grid. */
export interface InputRefit {
  /** The input's current knots. */
  knots: Knots;
  /** Spline degree. */
  k: number;
  /** The layer's coefficients [nIn, nOut, nBasis] (flat); this input's block is refit. */
  coef: Float32Array;
  /** Which input of the layer. */
  input: number;
  /** The layer's output count. */
  nOut: number;
  /** Interval count of the new grid. */
  grid: number;
  /** Values of this input that place the knots (quantiles). */
  samples: Float64Array;
  /** Values that only widen the range the grid covers. */
  range?: Float64Array;
  /** Knot placement and fit options (default `GRID_UPDATE_DEFAULTS`). */
  options?: GridUpdateOptions;
}

/**
 * Refits one input's edges onto a new grid of `grid` intervals placed from `samples`.
 * Returns the new knots, the new coefficients [nOut, G'+k] and a report; never NaN.
 */
export function refitInput(refit: InputRefit): { knots: Knots; coef: Float64Array; report: GridFitReport } {
  const { knots: oldKnots, k, coef, input, nOut, grid: newGrid, samples, range: rangeSamples } = refit;
  const options = refit.options ?? GRID_UPDATE_DEFAULTS;
  let bounds: [number, number] | undefined;
  if (rangeSamples && rangeSamples.length > 0) {
    bounds = [Infinity, -Infinity];
    for (const v of rangeSamples) {
      if (!Number.isFinite(v)) continue;
      bounds[0] = Math.min(bounds[0], v);
      bounds[1] = Math.max(bounds[1], v);
    }
  }
  const placed = breakpointsFromSamples(samples, newGrid, options, bounds);
  let knots: Knots;
  let method: GridFitReport['method'];
  let warning: string | undefined;
  if (placed) {
    knots = extendKnots(placed.points, k);
    method = placed.method;
    if (method === 'uniform') warning = `input ${input}: fewer distinct samples than grid points; uniform knots used`;
  } else {
    // No spread in the samples: keep the old range with the new interval count.
    const lo = oldKnots[k]!;
    const hi = oldKnots[oldKnots.length - 1 - k]!;
    const points = Float64Array.from({ length: newGrid + 1 }, (_, q) => lo + ((hi - lo) * q) / newGrid);
    knots = extendKnots(points, k);
    method = 'kept';
    warning = `input ${input}: samples span no range; grid range kept`;
  }
  const { xs, weights } = fitPoints(rangeSamples ? Float64Array.from([...samples, ...rangeSamples]) : samples, knots, k, newGrid + k);
  const oldBasis = oldKnots.length - k - 1;
  const yOld = splineValues(oldKnots, k, coef.subarray(input * nOut * oldBasis, (input + 1) * nOut * oldBasis), nOut, xs);
  const fitted = fitCoefficients(knots, k, xs, yOld, nOut, options.smoothness, weights);
  const yNew = splineValues(knots, k, Float32Array.from(fitted), nOut, xs);
  let maxDeviation = 0;
  for (let i = 0; i < samples.length * nOut; i++) maxDeviation = Math.max(maxDeviation, Math.abs(yNew[i]! - yOld[i]!));
  const report: GridFitReport = { input, method, maxDeviation };
  if (warning) report.warning = warning;
  return { knots, coef: fitted, report };
}

/** Where `updateGrid` places the knots, and how. */
export interface GridPlacement {
  /** Points whose layer inputs place the knots (row-major [count, inputs]). */
  points: { coords: Float32Array; count: number };
  /** New interval count on every layer (grid extension); absent: each layer keeps its own (grid update). */
  grid?: number;
  /**
   * Points that only widen the range the grid covers (boundary and initial points: clustered on
   * faces, they would pull knots together).
   */
  range?: { coords: Float32Array; count: number };
  /** Knot placement and fit options (defaults `GRID_UPDATE_DEFAULTS`). */
  fit?: Partial<GridUpdateOptions>;
}

/**
 * Grid update (same G) or extension (new G per layer) from the distribution of each layer's
 * inputs at `placement.points` (knots at their quantiles); the spline coefficients are refit so
 * edge functions are kept. Layers are processed in order, each seeing inputs from the
 * already-updated layers before it. Mutates `model` (knots, coefficients, and `options.grid`, which
 * model.json saves).
 */
export function updateGrid(model: KanModel, placement: GridPlacement): GridFitReport[][] {
  const { points: { coords: points, count }, grid: newGrid, range: rangePoints } = placement;
  const opts = { ...GRID_UPDATE_DEFAULTS, ...placement.fit };
  if (newGrid !== undefined && (!Number.isInteger(newGrid) || newGrid < 1)) {
    throw new KanpinnInputError(`grid: expected an integer >= 1, got ${newGrid}`);
  }
  const reports: GridFitReport[][] = [];
  // The first layer's inputs are the embedded features when the model has an embedding.
  let inputs = model.transforms.embedPoints(points, count);
  let rangeInputs = rangePoints ? model.transforms.embedPoints(rangePoints.coords, rangePoints.count) : undefined;
  const rangeCount = rangePoints?.count ?? 0;
  const valuePlan = createJetPlan([], model.inputs.length);
  for (const layer of model.layers) {
    const G = newGrid ?? layer.grid;
    const coef = layer.coef.dataSync() as Float32Array;
    const newCoef = new Float32Array(layer.nIn * layer.nOut * (G + layer.k));
    const layerReports: GridFitReport[] = [];
    const knots = layer.knots.map((old, i) => {
      const samples = Float64Array.from({ length: count }, (_, n) => inputs[n * layer.nIn + i]!);
      const extra = rangeInputs ? Float64Array.from({ length: rangeCount }, (_, n) => rangeInputs![n * layer.nIn + i]!) : undefined;
      const fit = refitInput({ knots: old, k: layer.k, coef, input: i, nOut: layer.nOut, grid: G, samples, options: opts, ...(extra ? { range: extra } : {}) });
      newCoef.set(Float32Array.from(fit.coef), i * layer.nOut * (G + layer.k));
      layerReports.push(fit.report);
      return fit.knots;
    });
    layer.knots = knots;
    layer.grid = G;
    if (layer.coef.shape[2] === G + layer.k) {
      tf.tidy(() => layer.coef.assign(tf.tensor3d(newCoef, [layer.nIn, layer.nOut, G + layer.k])));
    } else {
      layer.coef.dispose();
      layer.coef = newVariable(newCoef, [layer.nIn, layer.nOut, G + layer.k]);
    }
    reports.push(layerReports);
    const geometry = layerGeometry(layer);
    const params = readLayerParams(layer);
    inputs = kanLayerForward(geometry, valuePlan, inputs, count, params);
    if (rangeInputs) rangeInputs = kanLayerForward(geometry, valuePlan, rangeInputs, rangeCount, params);
  }
  model.options.grid = model.layers[0]!.grid;
  return reports;
}
