/**
 * Residual-based adaptive distribution (RAD; Wu, Zhu, Tan, Kartha & Lu 2023, "A comprehensive study
 * of non-adaptive and residual-based adaptive sampling for physics-informed neural networks"): the
 * PDE points are redrawn from a dense uniform candidate set with probability density
 *   p(x) ∝ |r(x)|^k / mean(|r|^k) + c,
 * k = 1, c = 1 (the paper's recommended default). The mean-normalised residual term moves points
 * to where the residual is large, and c keeps a uniform floor so no region is left empty; both are
 * relative to the residual's own mean, so nothing depends on the problem's scale.
 */
import type { TermPoints } from '../problem/types.js';
import type { Rng } from '../random.js';

/** The exponent k of the RAD density (Wu et al. 2023's default). */
export const RAD_K = 1;
/** The uniform floor c of the RAD density (Wu et al. 2023's default). */
export const RAD_C = 1;
/** Candidates drawn per point kept: the density is sampled from this many uniform candidates per point. */
export const RAD_CANDIDATES = 10;

/** The RAD density at each candidate (unnormalised): |r|^k / mean(|r|^k) + c; uniform (all c + 1) when every residual is 0 or one is not finite. */
export function radDensity(residual: ArrayLike<number>, k = RAD_K, c = RAD_C): Float64Array {
  const n = residual.length;
  const powered = new Float64Array(n);
  let sum = 0;
  for (let i = 0; i < n; i++) {
    powered[i] = Math.abs(residual[i]!) ** k;
    sum += powered[i]!;
  }
  const mean = sum / Math.max(1, n);
  if (!(mean > 0) || !Number.isFinite(mean)) return new Float64Array(n).fill(c + 1);
  for (let i = 0; i < n; i++) powered[i] = powered[i]! / mean + c;
  return powered;
}

/**
 * `count` distinct indices drawn with probability proportional to `weights`, without replacement
 * (as the paper's `np.random.choice(..., replace=False, p)`), by Efraimidis & Spirakis' keys
 * log(u)/w: the `count` largest keys are a weighted sample. Deterministic for a seeded `rng`.
 */
export function weightedDraw(weights: ArrayLike<number>, count: number, rng: Rng): number[] {
  const n = weights.length;
  const keys = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    const u = Math.max(rng.next(), Number.MIN_VALUE);
    const w = weights[i]!;
    keys[i] = w > 0 ? Math.log(u) / w : -Infinity;
  }
  const order = Array.from({ length: n }, (_, i) => i).sort((a, b) => keys[b]! - keys[a]!);
  return order.slice(0, Math.min(count, n));
}

/** The points of `source` at `indices` (coordinates and extra columns), in that order. */
export function pickPoints(source: TermPoints, indices: readonly number[], dim: number): TermPoints {
  const picked: TermPoints = { coords: new Float32Array(indices.length * dim), count: indices.length };
  indices.forEach((src, n) => picked.coords.set(source.coords.subarray(src * dim, (src + 1) * dim), n * dim));
  if (source.extra) picked.extra = Object.fromEntries(Object.entries(source.extra).map(([key, v]) => [key, Float32Array.from(indices, (src) => v[src]!)]));
  return picked;
}

/**
 * One RAD draw of `count` points for a term: `RAD_CANDIDATES` × count uniform candidates from
 * `sample`, their residuals from `residualAt`, and `count` of them drawn by `radDensity`. When the
 * residual does not give one value per candidate, the first `count` candidates (uniform) are kept.
 */
export function radPoints(sample: (count: number) => TermPoints, residualAt: (points: TermPoints) => ArrayLike<number>, count: number, dim: number, rng: Rng): TermPoints {
  const candidates = sample(Math.max(RAD_CANDIDATES * count, count + 1));
  const residual = residualAt(candidates);
  if (residual.length !== candidates.count) return pickPoints(candidates, Array.from({ length: Math.min(count, candidates.count) }, (_, i) => i), dim);
  return pickPoints(candidates, weightedDraw(radDensity(residual), count, rng), dim);
}
