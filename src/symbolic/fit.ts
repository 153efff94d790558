/**
 * Fitting one candidate to one edge: y ≈ c·f(a·x + b) + d by variable projection. For any (a, b) the
 * best c, d are a closed-form linear least-squares solve, so only (a, b) are searched: a coarse grid
 * on a subsample (pykan's `fit_params` grid, without its zooming), then Levenberg–Marquardt on all
 * samples from the best few local maxima of r². The search runs in normalised coordinates
 * t = (x − m)/h ∈ [−1, 1] (m, h: centre and half-width of the x range), z = α·t + β, so its ranges do
 * not depend on the scale of x; a = α/h and b = β − α·m/h at the end.
 */
import { KanpinnInputError } from '../errors.js';
import { defaultSymbolicLibrary } from './library.js';
import type { AffineParams, SymbolicFunction } from './library.js';

/** Search settings (normalised coordinates: t ∈ [−1, 1]). */
export interface SymbolicFitOptions {
  /** Grid over α ∈ [−alphaRange, alphaRange]. */
  readonly alphaRange: number;
  /** Grid over β ∈ [−betaRange, betaRange]. */
  readonly betaRange: number;
  /** Grid points per axis. */
  readonly gridSize: number;
  /** The grid scores at most this many samples (evenly spread in x). */
  readonly gridSamples: number;
  /** Levenberg–Marquardt runs, from the best local maxima of the grid. */
  readonly starts: number;
  /** Iterations per Levenberg–Marquardt run. */
  readonly maxIterations: number;
  /**
   * Smallest |α| allowed. As α → 0 every smooth f degenerates into a polynomial (cos(αt) → 1 − α²t²/2),
   * so without a floor sin, cos and gaussian could imitate x^2 and every f could imitate x.
   */
  readonly minAlpha: number;
  /**
   * Largest |α| allowed in refinement. As α → ∞, tanh(α·t) and atan(α·t) become sign(t) to float
   * precision; the cap keeps them from imitating sgn (sin over > 30 periods needs it raised).
   */
  readonly maxAlpha: number;
}

/** Defaults: a 41×41 grid on ≤ 128 samples, then 3 LM runs of ≤ 40 iterations, 0.1 ≤ |α| ≤ 100. */
export const SYMBOLIC_FIT_DEFAULTS: SymbolicFitOptions = {
  alphaRange: 10,
  betaRange: 10,
  gridSize: 41,
  gridSamples: 128,
  starts: 3,
  maxIterations: 40,
  minAlpha: 0.1,
  maxAlpha: 100,
};

/** A fitted candidate: y ≈ c·f(a·x + b) + d with coefficient of determination r2 on all samples. */
export interface SymbolicFit {
  readonly name: string;
  readonly params: AffineParams;
  /** 1 − Σ(y − ŷ)²/Σ(y − ȳ)², in [0, 1]; 0 when y is constant or no (a, b) is in f's domain. */
  readonly r2: number;
  readonly complexity: number;
}

/** Samples of one edge, normalised once and shared by every candidate. */
export interface EdgeSamples {
  /** t_i = (x_i − centre)/halfWidth ∈ [−1, 1], [n]. */
  readonly t: Float64Array;
  /** y_i − ȳ, [n]. */
  readonly yc: Float64Array;
  readonly yMean: number;
  /** Σ(y − ȳ)². */
  readonly syy: number;
  readonly centre: number;
  readonly halfWidth: number;
  /** Indices of the grid subsample (evenly spaced in sorted x). */
  readonly subsample: Int32Array;
}

/** Validates and normalises edge samples (xs, ys: [n], finite, n ≥ 4); `where` prefixes errors. */
export function prepareEdgeSamples(xs: ArrayLike<number>, ys: ArrayLike<number>, where: string, gridSamples = SYMBOLIC_FIT_DEFAULTS.gridSamples): EdgeSamples {
  if (xs.length !== ys.length) throw new KanpinnInputError(`${where}: xs and ys must have the same length, found ${xs.length} and ${ys.length}`);
  const n = xs.length;
  if (n < 4) throw new KanpinnInputError(`${where}: need at least 4 samples to fit 4 parameters (a, b, c, d), found ${n}`);
  let lo = Infinity;
  let hi = -Infinity;
  let ySum = 0;
  for (let i = 0; i < n; i++) {
    const x = xs[i] as number;
    const y = ys[i] as number;
    if (!Number.isFinite(x)) throw new KanpinnInputError(`${where}: xs[${i}] is ${x}; samples must be finite`);
    if (!Number.isFinite(y)) throw new KanpinnInputError(`${where}: ys[${i}] is ${y}; samples must be finite`);
    lo = Math.min(lo, x);
    hi = Math.max(hi, x);
    ySum += y;
  }
  const centre = (lo + hi) / 2;
  const halfWidth = hi > lo ? (hi - lo) / 2 : 1;
  const yMean = ySum / n;
  const t = new Float64Array(n);
  const yc = new Float64Array(n);
  let syy = 0;
  for (let i = 0; i < n; i++) {
    t[i] = Math.max(-1, Math.min(1, ((xs[i] as number) - centre) / halfWidth));
    yc[i] = (ys[i] as number) - yMean;
    syy += (yc[i] as number) ** 2;
  }
  const order = Array.from(t.keys()).sort((i, j) => (t[i] as number) - (t[j] as number));
  const m = Math.min(n, Math.max(4, gridSamples));
  const subsample = new Int32Array(m);
  for (let k = 0; k < m; k++) subsample[k] = order[Math.round((k * (n - 1)) / Math.max(1, m - 1))] as number;
  return { t, yc, yMean, syy, centre, halfWidth, subsample };
}

/** Scratch for one projection: g = f(α·t + β) on the chosen indices. */
interface Projection {
  /** Σ(y − ŷ)² after the optimal c, d; Infinity when invalid. */
  ss: number;
  c: number;
  gMean: number;
}

/** Residual sum of squares at (α, β) with the optimal c, d, over `indices` (or all samples). g is written to `g`. */
function project(s: EdgeSamples, fn: SymbolicFunction, alpha: number, beta: number, g: Float64Array, indices?: Int32Array): Projection {
  const n = indices ? indices.length : s.t.length;
  let gSum = 0;
  for (let k = 0; k < n; k++) {
    const i = indices ? (indices[k] as number) : k;
    const value = fn.f(alpha * (s.t[i] as number) + beta);
    g[k] = value;
    gSum += value;
  }
  if (!Number.isFinite(gSum)) return { ss: Infinity, c: 0, gMean: 0 };
  const gMean = gSum / n;
  let [sgg, gg, sgy, ySum] = [0, 0, 0, 0];
  for (let k = 0; k < n; k++) {
    const i = indices ? (indices[k] as number) : k;
    const gc = (g[k] as number) - gMean;
    sgg += gc * gc;
    gg += (g[k] as number) ** 2;
    sgy += gc * (s.yc[i] as number);
    ySum += s.yc[i] as number;
  }
  // A g that is constant to 10 digits explains nothing (c would only amplify rounding).
  const c = sgg > 1e-20 * gg && sgg > 1e-290 ? sgy / sgg : 0;
  // The residual is summed directly: syy − c·sgy cancels badly when r² ≈ 1 or g is tiny.
  const yMean = ySum / n;
  let ss = 0;
  for (let k = 0; k < n; k++) {
    const i = indices ? (indices[k] as number) : k;
    ss += ((s.yc[i] as number) - yMean - c * ((g[k] as number) - gMean)) ** 2;
  }
  return { ss, c, gMean };
}

const argumentInDomain = (fn: SymbolicFunction, alpha: number, beta: number): boolean => fn.domain(beta - Math.abs(alpha), beta + Math.abs(alpha));

/** Grid search on the subsample: the best `starts` local minima of the residual as (α, β, ss). */
function gridStarts(s: EdgeSamples, fn: SymbolicFunction, o: SymbolicFitOptions): Array<[number, number, number]> {
  const size = Math.max(3, Math.round(o.gridSize));
  const axis = (range: number): number[] => Array.from({ length: size }, (_, i) => -range + (2 * range * i) / (size - 1));
  const alphas = axis(o.alphaRange);
  const betas = axis(o.betaRange);
  const ss = new Float64Array(size * size).fill(Infinity);
  const g = new Float64Array(s.subsample.length);
  for (let i = 0; i < size; i++) {
    const alpha = alphas[i] as number;
    // For symmetric f, (−α, −β) gives the same curve as (α, β) up to c and d.
    if (Math.abs(alpha) < o.minAlpha || (fn.symmetric === true && alpha < 0)) continue;
    for (let j = 0; j < size; j++) {
      const beta = betas[j] as number;
      if (argumentInDomain(fn, alpha, beta)) ss[i * size + j] = project(s, fn, alpha, beta, g, s.subsample).ss;
    }
  }
  const minima: Array<[number, number, number]> = [];
  for (let i = 0; i < size; i++) {
    for (let j = 0; j < size; j++) {
      const value = ss[i * size + j] as number;
      if (!Number.isFinite(value)) continue;
      let isMinimum = true;
      for (let di = -1; di <= 1 && isMinimum; di++) {
        for (let dj = -1; dj <= 1; dj++) {
          const [ni, nj] = [i + di, j + dj];
          if ((di || dj) && ni >= 0 && nj >= 0 && ni < size && nj < size && (ss[ni * size + nj] as number) < value) {
            isMinimum = false;
            break;
          }
        }
      }
      if (isMinimum) minima.push([alphas[i] as number, betas[j] as number, value]);
    }
  }
  return minima.sort((p, q) => p[2] - q[2]).slice(0, Math.max(1, o.starts));
}

/** Levenberg–Marquardt on (α, β) with c, d projected out (Kaufman's Jacobian), on all samples. */
function refine(s: EdgeSamples, fn: SymbolicFunction, start: [number, number], o: SymbolicFitOptions): [number, number, number] {
  const n = s.t.length;
  const g = new Float64Array(n);
  let [alpha, beta] = start;
  let current = project(s, fn, alpha, beta, g);
  let lambda = 1e-3;
  const dg = new Float64Array(n);
  for (let iter = 0; iter < o.maxIterations && current.ss > 1e-28 * s.syy; iter++) {
    // Jacobian columns ∂g/∂α = f'(z)·t and ∂g/∂β = f'(z), centred and made orthogonal to g.
    let [uMean, vMean] = [0, 0];
    for (let i = 0; i < n; i++) {
      const ti = s.t[i] as number;
      const dz = fn.df(alpha * ti + beta);
      dg[i] = dz;
      uMean += dz * ti;
      vMean += dz;
    }
    uMean /= n;
    vMean /= n;
    let [uG, vG, gG] = [0, 0, 0];
    for (let i = 0; i < n; i++) {
      const dz = dg[i] as number;
      const gc = (g[i] as number) - current.gMean;
      uG += (dz * (s.t[i] as number) - uMean) * gc;
      vG += (dz - vMean) * gc;
      gG += gc * gc;
    }
    const [pu, pv] = gG > 0 ? [uG / gG, vG / gG] : [0, 0];
    let [auu, auv, avv, ru, rv] = [0, 0, 0, 0, 0];
    for (let i = 0; i < n; i++) {
      const dz = dg[i] as number;
      const gc = (g[i] as number) - current.gMean;
      const u = -current.c * (dz * (s.t[i] as number) - uMean - pu * gc);
      const v = -current.c * (dz - vMean - pv * gc);
      const r = (s.yc[i] as number) - current.c * gc;
      auu += u * u;
      auv += u * v;
      avv += v * v;
      ru += u * r;
      rv += v * r;
    }
    if (!(auu + avv > 0) || !Number.isFinite(auu + avv + ru + rv)) break;
    let accepted = false;
    while (lambda < 1e12) {
      const floor = 1e-12 * (auu + avv);
      const [duu, dvv] = [auu + lambda * Math.max(auu, floor), avv + lambda * Math.max(avv, floor)];
      const det = duu * dvv - auv * auv;
      if (!(det > 0)) {
        lambda *= 10;
        continue;
      }
      const dAlpha = -(dvv * ru - auv * rv) / det;
      const dBeta = -(duu * rv - auv * ru) / det;
      const [nextAlpha, nextBeta] = [alpha + dAlpha, beta + dBeta];
      if (Math.abs(nextAlpha) >= o.minAlpha && Math.abs(nextAlpha) <= o.maxAlpha && argumentInDomain(fn, nextAlpha, nextBeta)) {
        const trial = project(s, fn, nextAlpha, nextBeta, g);
        if (trial.ss < current.ss) {
          const gain = current.ss - trial.ss;
          [alpha, beta, current] = [nextAlpha, nextBeta, trial];
          lambda = Math.max(lambda * 0.3, 1e-12);
          accepted = gain > 1e-15 * trial.ss;
          if (!accepted) lambda = 1e12;
          break;
        }
      }
      lambda *= 10;
    }
    if (!accepted) break;
  }
  // g may hold a rejected trial: recompute at the accepted point so callers can trust ss.
  const final = project(s, fn, alpha, beta, g);
  return [alpha, beta, final.ss];
}

/** Fits y ≈ c·f(a·x + b) + d for one library function on prepared samples. */
export function fitPrepared(s: EdgeSamples, fn: SymbolicFunction, options: Partial<SymbolicFitOptions> = {}): SymbolicFit {
  const o = { ...SYMBOLIC_FIT_DEFAULTS, ...options };
  const noFit: SymbolicFit = { name: fn.name, params: { a: 1, b: 0, c: 0, d: s.yMean }, r2: 0, complexity: fn.complexity };
  if (!(s.syy > 0)) return noFit;
  let best: [number, number, number] | undefined;
  for (const [alpha, beta] of gridStarts(s, fn, o)) {
    const result = refine(s, fn, [alpha, beta], o);
    if (best === undefined || result[2] < best[2]) best = result;
  }
  if (best === undefined || !Number.isFinite(best[2])) return noFit;
  const [alpha, beta, ss] = best;
  const g = new Float64Array(s.t.length);
  const { c, gMean } = project(s, fn, alpha, beta, g);
  const a = alpha / s.halfWidth;
  const raw: AffineParams = { a, b: beta - a * s.centre, c, d: s.yMean - c * gMean };
  const params = fn.canonicalize ? fn.canonicalize(raw) : raw;
  return { name: fn.name, params, r2: Math.min(1, Math.max(0, 1 - ss / s.syy)), complexity: fn.complexity };
}

/**
 * Fits y ≈ c·f(a·x + b) + d for one library function (xs, ys: [n] samples of the edge); `fn` is an
 * entry or a name in the default library.
 */
export function fitSymbolicFunction(
  xs: ArrayLike<number>,
  ys: ArrayLike<number>,
  fn: SymbolicFunction | string,
  options: Partial<SymbolicFitOptions> = {},
): SymbolicFit {
  const o = { ...SYMBOLIC_FIT_DEFAULTS, ...options };
  const entry = typeof fn === 'string' ? defaultSymbolicLibrary.require(fn, 'fitSymbolicFunction') : fn;
  return fitPrepared(prepareEdgeSamples(xs, ys, 'fitSymbolicFunction', o.gridSamples), entry, o);
}
