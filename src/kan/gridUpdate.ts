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
import { CholeskyDecomposition, Matrix } from 'ml-matrix';
import { basisMatrix, extendKnots, type Knots } from './spline.js';

/** Options of a grid update. */
export interface GridUpdateOptions {
  /** Weight of uniform knots in the mix (pykan's grid_eps). */
  gridEps: number;
  /** Smoothness weight λ on second differences of the coefficients, relative to the data term. */
  smoothness: number;
  /** Margin added to the sample range on each side, as a fraction of the range. */
  margin: number;
}

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
 * Least-squares coefficients on `newKnots` reproducing y_old (rows = points, cols = outputs).
 * Returns [nOut, nBasis] row-major.
 */
export function fitCoefficients(
  newKnots: Knots,
  k: number,
  xs: Float64Array,
  yOld: Float64Array,
  nOut: number,
  smoothness: number,
  weights?: Float64Array,
): Float64Array {
  const nBasis = newKnots.length - k - 1;
  const B = new Matrix(xs.length, nBasis);
  const dense = basisMatrix(newKnots, k, xs);
  const w = (n: number): number => (weights ? Math.sqrt(weights[n]!) : 1);
  for (let n = 0; n < xs.length; n++) for (let m = 0; m < nBasis; m++) B.set(n, m, w(n) * dense[n * nBasis + m]!);
  const Y = new Matrix(xs.length, nOut);
  for (let n = 0; n < xs.length; n++) for (let j = 0; j < nOut; j++) Y.set(n, j, w(n) * yOld[n * nOut + j]!);
  const Bt = B.transpose();
  const A = Bt.mmul(B);
  const scale = Math.max(1e-12, A.trace() / nBasis);
  for (let m = 0; m < nBasis; m++) A.set(m, m, A.get(m, m) + 1e-10 * scale);
  // λ·D₂ᵀD₂ with D₂ the second-difference operator.
  const lambda = smoothness * scale;
  for (let m = 0; m + 2 < nBasis; m++) {
    const idx = [m, m + 1, m + 2];
    const w = [1, -2, 1];
    for (let a = 0; a < 3; a++) for (let b = 0; b < 3; b++) A.set(idx[a]!, idx[b]!, A.get(idx[a]!, idx[b]!) + lambda * w[a]! * w[b]!);
  }
  const rhs = Bt.mmul(Y);
  const solution = new CholeskyDecomposition(A).solve(rhs);
  const out = new Float64Array(nOut * nBasis);
  for (let j = 0; j < nOut; j++) for (let m = 0; m < nBasis; m++) out[j * nBasis + m] = solution.get(m, j);
  return out;
}

/** Spline part Σ_m c_m B_m(x) of every edge of one input at xs → [xs.length, nOut]. */
export function splineValues(knots: Knots, k: number, coef: Float32Array | Float64Array, input: number, nOut: number, xs: Float64Array): Float64Array {
  const nBasis = knots.length - k - 1;
  const basis = basisMatrix(knots, k, xs);
  const out = new Float64Array(xs.length * nOut);
  for (let n = 0; n < xs.length; n++) {
    for (let j = 0; j < nOut; j++) {
      let sum = 0;
      const base = (input * nOut + j) * nBasis;
      for (let m = 0; m < nBasis; m++) sum += coef[base + m]! * basis[n * nBasis + m]!;
      out[n * nOut + j] = sum;
    }
  }
  return out;
}

/**
 * Refits one input's edges onto a new grid of `newGrid` intervals placed from `samples`.
 * Returns the new knots, the new coefficients [nOut, G'+k] and a report; never NaN.
 */
export function refitInput(
  oldKnots: Knots,
  k: number,
  coef: Float32Array,
  input: number,
  nOut: number,
  newGrid: number,
  samples: Float64Array,
  options: GridUpdateOptions = GRID_UPDATE_DEFAULTS,
  rangeSamples?: Float64Array,
): { knots: Knots; coef: Float64Array; report: GridFitReport } {
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
  const yOld = splineValues(oldKnots, k, coef, input, nOut, xs);
  const fitted = fitCoefficients(knots, k, xs, yOld, nOut, options.smoothness, weights);
  const nBasis = newGrid + k;
  const asLayer = new Float64Array((input + 1) * nOut * nBasis);
  asLayer.set(fitted, input * nOut * nBasis);
  const yNew = splineValues(knots, k, asLayer, input, nOut, xs);
  let maxDeviation = 0;
  for (let i = 0; i < samples.length * nOut; i++) maxDeviation = Math.max(maxDeviation, Math.abs(yNew[i]! - yOld[i]!));
  const report: GridFitReport = { input, method, maxDeviation };
  if (warning) report.warning = warning;
  return { knots, coef: fitted, report };
}
