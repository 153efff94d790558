import { describe, expect, it } from 'vitest';
import { basisDerivatives, basisMatrix, createBasisScratch, extendKnots, findSpan, uniformKnots } from '../../src/kan/spline.js';
import { splineTable, tableSpan } from '../../src/kan/splineTables.js';
import { createRng } from '../../src/random.js';

const TOL = 1e-9;

/** Naive Cox–de Boor recursion (half-open intervals), the oracle. */
function coxDeBoor(t: ArrayLike<number>, m: number, k: number, x: number): number {
  if (k === 0) return t[m]! <= x && x < t[m + 1]! ? 1 : 0;
  const left = ((x - t[m]!) / (t[m + k]! - t[m]!)) * coxDeBoor(t, m, k - 1, x);
  const right = ((t[m + k + 1]! - x) / (t[m + k + 1]! - t[m + 1]!)) * coxDeBoor(t, m + 1, k - 1, x);
  return left + right;
}

/** d/dx B_{m,k} = k/(t_{m+k}−t_m)·B_{m,k−1} − k/(t_{m+k+1}−t_{m+1})·B_{m+1,k−1}, applied `order` times. */
function coxDeBoorDerivative(t: ArrayLike<number>, m: number, k: number, x: number, order: number): number {
  if (order === 0) return coxDeBoor(t, m, k, x);
  if (k === 0) return 0;
  const a = (k / (t[m + k]! - t[m]!)) * coxDeBoorDerivative(t, m, k - 1, x, order - 1);
  const b = (k / (t[m + k + 1]! - t[m + 1]!)) * coxDeBoorDerivative(t, m + 1, k - 1, x, order - 1);
  return a - b;
}

function nonUniformKnots(grid: number, k: number, seed: number): Float64Array {
  const rng = createRng(seed);
  const gaps = Array.from({ length: grid }, () => 0.2 + rng.next());
  const total = gaps.reduce((a, b) => a + b, 0);
  const points = [-1];
  for (const g of gaps) points.push(points[points.length - 1]! + (2 * g) / total);
  return extendKnots(points, k);
}

const GRIDS = [
  ['uniform', (G: number, k: number) => uniformKnots(G, k, -1, 1)],
  ['non-uniform', (G: number, k: number) => nonUniformKnots(G, k, 7 + k)],
] as const;

describe('B-spline basis', () => {
  for (const [label, make] of GRIDS) {
    for (let k = 1; k <= 5; k++) {
      it(`matches naive Cox–de Boor values and derivatives (${label}, k = ${k})`, () => {
        const G = 6;
        const t = make(G, k);
        const nBasis = G + k;
        const scratch = createBasisScratch(k, k);
        const ders = new Float64Array((k + 1) * (k + 1));
        const step = label === 'uniform' ? (t[t.length - 1]! - t[0]!) / (t.length - 1) : 0;
        const rng = createRng(k);
        for (let s = 0; s < 60; s++) {
          const x = t[0]! + (t[t.length - 1]! - t[0]!) * rng.next();
          const q = findSpan(t, x, step);
          expect(t[q]! <= x && x < t[q + 1]!).toBe(true);
          basisDerivatives(t, q, x, scratch, ders);
          const table = splineTable(t, k);
          expect(tableSpan(table, x)).toBe(q);
          const u = (x - t[q]!) * table.invWidth[q]!;
          for (let r = 0; r <= k; r++) {
            const m = q - k + r;
            if (m < 0 || m >= nBasis) continue;
            for (let d = 0; d <= k; d++) {
              const expected = coxDeBoorDerivative(t, m, k, x, d);
              const scale = Math.max(1, Math.abs(expected));
              expect(Math.abs(ders[d * (k + 1) + r]! - expected)).toBeLessThan(TOL * scale * 1e3);
            }
            // The per-interval polynomial table reproduces the value.
            let poly = 0;
            for (let p = k; p >= 0; p--) poly = poly * u + table.poly[(q * (k + 1) + r) * (k + 1) + p]!;
            expect(Math.abs(poly - coxDeBoor(t, m, k, x))).toBeLessThan(1e-10);
          }
        }
      });
    }
    it(`forms a partition of unity inside the grid (${label})`, () => {
      for (let k = 1; k <= 5; k++) {
        const t = make(8, k);
        const xs = Float64Array.from({ length: 101 }, (_, i) => t[k]! + ((t[t.length - 1 - k]! - t[k]!) * i) / 101);
        const B = basisMatrix(t, k, xs);
        const nBasis = 8 + k;
        for (let n = 0; n < xs.length; n++) {
          let sum = 0;
          for (let m = 0; m < nBasis; m++) sum += B[n * nBasis + m]!;
          expect(Math.abs(sum - 1)).toBeLessThan(1e-12);
        }
      }
    });
  }

  it('is zero outside the extended knots (half-open at the top)', () => {
    const t = uniformKnots(5, 3, -1, 1);
    expect(findSpan(t, t[0]! - 1e-9, 0.4)).toBe(-1);
    expect(findSpan(t, t[t.length - 1]!, 0.4)).toBe(-1);
    const B = basisMatrix(t, 3, [t[t.length - 1]!, 5, -5]);
    expect(Array.from(B).every((v) => v === 0)).toBe(true);
  });
});
