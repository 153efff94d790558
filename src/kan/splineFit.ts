/**
 * Regularised least-squares fit of B-spline coefficients to sampled values: the step that keeps
 * edge functions when knots move (grid update, extension) and that draws the initial splines.
 */
import { CholeskyDecomposition, Matrix } from 'ml-matrix';
import { basisMatrix, type Knots } from './spline.js';

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

