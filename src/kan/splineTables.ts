/**
 * Per-interval polynomial tables of the B-spline basis. On knot interval q (t_q ≤ x < t_{q+1}) each
 * of the k+1 nonzero basis functions is a polynomial of degree k in the local coordinate
 * u = (x − t_q)/h_q, h_q = t_{q+1} − t_q:
 *   B_{q−k+r}(x) = Σ_p T[q, r, p] · u^p.
 * The table is the Taylor expansion at t_q, exact for polynomials, so uniform and non-uniform
 * grids cost the same at evaluation time: a span lookup, then Horner-like sums.
 */
import { basisDerivatives, createBasisScratch, findSpan, isUniform, type Knots } from './spline.js';

/** Tables for one input's knots. */
export interface SplineTable {
  k: number;
  /** Number of intervals, G + 2k. */
  intervals: number;
  /** [intervals, k+1 (r), k+1 (p)] row-major. */
  poly: Float64Array;
  /** 1 / h_q per interval. */
  invWidth: Float64Array;
  knots: Knots;
  /** Knot spacing when uniform (span found by arithmetic), else 0 (binary search). */
  uniformStep: number;
}

const cache = new WeakMap<Knots, Map<number, SplineTable>>();

/** Builds (or returns the cached) table for knots of degree k. */
export function splineTable(knots: Knots, k: number): SplineTable {
  let byDegree = cache.get(knots);
  if (!byDegree) {
    byDegree = new Map();
    cache.set(knots, byDegree);
  }
  const hit = byDegree.get(k);
  if (hit) return hit;
  const k1 = k + 1;
  const intervals = knots.length - 1;
  const poly = new Float64Array(intervals * k1 * k1);
  const invWidth = new Float64Array(intervals);
  const scratch = createBasisScratch(k, k);
  const ders = new Float64Array(k1 * k1);
  for (let q = 0; q < intervals; q++) {
    const h = knots[q + 1]! - knots[q]!;
    invWidth[q] = 1 / h;
    basisDerivatives(knots, q, knots[q]!, scratch, ders);
    let factor = 1; // h^p / p!
    for (let p = 0; p <= k; p++) {
      for (let r = 0; r <= k; r++) poly[(q * k1 + r) * k1 + p] = ders[p * k1 + r]! * factor;
      factor *= h / (p + 1);
    }
  }
  const uniformStep = isUniform(knots) ? (knots[intervals]! - knots[0]!) / intervals : 0;
  const table: SplineTable = { k, intervals, poly, invWidth, knots, uniformStep };
  byDegree.set(k, table);
  return table;
}

/** Span of x in the table's knots (−1 outside [t_0, t_last)). */
export function tableSpan(table: SplineTable, x: number): number {
  return findSpan(table.knots, x, table.uniformStep);
}
