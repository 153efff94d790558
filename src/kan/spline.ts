/**
 * B-splines on the extended knot vectors of pykan: G intervals over a range, extended by k knots
 * on each side, so an input has G + 2k + 1 knots t_0 < … < t_{G+2k} and G + k basis functions
 * B_0 … B_{G+k-1} of degree k, B_m supported on [t_m, t_{m+k+1}). Outside [t_0, t_{G+2k}) every
 * basis function is zero (pykan's half-open convention).
 *
 * Evaluation is local: find the span q with t_q ≤ x < t_{q+1}, then compute the k+1 functions
 * B_{q-k..q} that are nonzero there and their derivatives with de Boor's recurrences (The NURBS
 * Book, A2.2/A2.3). Cost does not depend on G; non-uniform knots cost a binary search.
 */

/** Knots of one input: strictly increasing, length G + 2k + 1. */
export type Knots = Float64Array;

/** pykan's initial grid: G uniform intervals over [lo, hi], extended by k knots each side. */
export function uniformKnots(grid: number, k: number, lo: number, hi: number): Knots {
  const h = (hi - lo) / grid;
  const knots = new Float64Array(grid + 2 * k + 1);
  for (let i = 0; i < knots.length; i++) knots[i] = lo + (i - k) * h;
  return knots;
}

/** Extends the G + 1 breakpoints of a grid by k knots on each side, spaced like the end intervals. */
export function extendKnots(breakpoints: ArrayLike<number>, k: number): Knots {
  const g = breakpoints.length - 1;
  const knots = new Float64Array(g + 2 * k + 1);
  for (let i = 0; i <= g; i++) knots[i + k] = breakpoints[i]!;
  const hLo = (breakpoints[g]! - breakpoints[0]!) / g;
  const hHi = hLo;
  for (let i = 1; i <= k; i++) {
    knots[k - i] = breakpoints[0]! - i * hLo;
    knots[k + g + i] = breakpoints[g]! + i * hHi;
  }
  return knots;
}

/** Whether the knots are equally spaced (to float rounding): then the span is found by arithmetic. */
export function isUniform(knots: Knots): boolean {
  const h = (knots[knots.length - 1]! - knots[0]!) / (knots.length - 1);
  for (let i = 1; i < knots.length; i++) {
    if (Math.abs(knots[i]! - knots[i - 1]! - h) > 1e-9 * Math.max(1, Math.abs(h))) return false;
  }
  return true;
}

/**
 * Span index q with t_q ≤ x < t_{q+1}, or -1 when x is outside [t_0, t_last).
 * `uniformStep` > 0 selects the arithmetic path (then corrected against the knots for rounding).
 */
export function findSpan(knots: Knots, x: number, uniformStep: number): number {
  const last = knots.length - 1;
  if (!(x >= knots[0]!) || !(x < knots[last]!)) return -1;
  let q: number;
  if (uniformStep > 0) {
    q = Math.floor((x - knots[0]!) / uniformStep);
    if (q > last - 1) q = last - 1;
    if (q < 0) q = 0;
    while (q > 0 && x < knots[q]!) q--;
    while (q < last - 1 && x >= knots[q + 1]!) q++;
    return q;
  }
  let lo = 0;
  let hi = last;
  while (hi - lo > 1) {
    const mid = (lo + hi) >> 1;
    if (x >= knots[mid]!) lo = mid;
    else hi = mid;
  }
  return lo;
}

/** Knot t_i, extrapolated with the end spacing beyond the stored knots (for de Boor's recurrence near the ends). */
function knotAt(knots: Knots, i: number): number {
  const last = knots.length - 1;
  if (i < 0) return knots[0]! + i * (knots[1]! - knots[0]!);
  if (i > last) return knots[last]! + (i - last) * (knots[last]! - knots[last - 1]!);
  return knots[i]!;
}

/** Scratch space for `basisDerivatives`, sized for degree k and derivative order n. */
export interface BasisScratch {
  k: number;
  nDerivs: number;
  ndu: Float64Array;
  a: Float64Array;
  left: Float64Array;
  right: Float64Array;
}

export function createBasisScratch(k: number, nDerivs: number): BasisScratch {
  return {
    k,
    nDerivs,
    ndu: new Float64Array((k + 1) * (k + 1)),
    a: new Float64Array(2 * (k + 1)),
    left: new Float64Array(k + 1),
    right: new Float64Array(k + 1),
  };
}

/**
 * Derivatives 0..n of the k+1 basis functions nonzero on span q at x (The NURBS Book A2.3).
 * Writes out[d*(k+1) + r] = d^d/dx^d B_{q-k+r}(x); orders above k are zero.
 */
export function basisDerivatives(knots: Knots, q: number, x: number, s: BasisScratch, out: Float64Array): void {
  const { k, nDerivs: n, ndu, a, left, right } = s;
  const p1 = k + 1;
  ndu[0] = 1;
  for (let j = 1; j <= k; j++) {
    left[j] = x - knotAt(knots, q + 1 - j);
    right[j] = knotAt(knots, q + j) - x;
    let saved = 0;
    for (let r = 0; r < j; r++) {
      // ndu[j][r] holds knot differences (lower triangle), ndu[r][j] basis values (upper).
      ndu[j * p1 + r] = right[r + 1]! + left[j - r]!;
      const temp = ndu[r * p1 + (j - 1)]! / ndu[j * p1 + r]!;
      ndu[r * p1 + j] = saved + right[r + 1]! * temp;
      saved = left[j - r]! * temp;
    }
    ndu[j * p1 + j] = saved;
  }
  for (let r = 0; r <= k; r++) out[r] = ndu[r * p1 + k]!;
  for (let d = 1; d <= n; d++) for (let r = 0; r <= k; r++) out[d * p1 + r] = 0;
  const top = Math.min(n, k);
  for (let r = 0; r <= k; r++) {
    let s1 = 0;
    let s2 = p1;
    a[0] = 1;
    for (let d = 1; d <= top; d++) {
      let value = 0;
      const rk = r - d;
      const pk = k - d;
      if (r >= d) {
        a[s2] = a[s1]! / ndu[(pk + 1) * p1 + rk]!;
        value = a[s2]! * ndu[rk * p1 + pk]!;
      }
      const j1 = rk >= -1 ? 1 : -rk;
      const j2 = r - 1 <= pk ? d - 1 : k - r;
      for (let j = j1; j <= j2; j++) {
        a[s2 + j] = (a[s1 + j]! - a[s1 + j - 1]!) / ndu[(pk + 1) * p1 + rk + j]!;
        value += a[s2 + j]! * ndu[(rk + j) * p1 + pk]!;
      }
      if (r <= pk) {
        a[s2 + d] = -a[s1 + d - 1]! / ndu[(pk + 1) * p1 + r]!;
        value += a[s2 + d]! * ndu[r * p1 + pk]!;
      }
      out[d * p1 + r] = value;
      const swap = s1;
      s1 = s2;
      s2 = swap;
    }
  }
  let factor = k;
  for (let d = 1; d <= top; d++) {
    for (let r = 0; r <= k; r++) out[d * p1 + r] = out[d * p1 + r]! * factor;
    factor *= k - d;
  }
}

/**
 * Dense basis matrix [count, G+k] of one input's samples (for least-squares refits and plots):
 * row n holds B_0(x_n) … B_{G+k-1}(x_n).
 */
export function basisMatrix(knots: Knots, k: number, xs: ArrayLike<number>): Float64Array {
  const nBasis = knots.length - k - 1;
  const out = new Float64Array(xs.length * nBasis);
  const scratch = createBasisScratch(k, 0);
  const values = new Float64Array(k + 1);
  const step = isUniform(knots) ? (knots[knots.length - 1]! - knots[0]!) / (knots.length - 1) : 0;
  for (let n = 0; n < xs.length; n++) {
    const x = xs[n]!;
    const q = findSpan(knots, x, step);
    if (q < 0) continue;
    basisDerivatives(knots, q, x, scratch, values);
    for (let r = 0; r <= k; r++) {
      const m = q - k + r;
      if (m >= 0 && m < nBasis) out[n * nBasis + m] = values[r]!;
    }
  }
  return out;
}
