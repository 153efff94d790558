/**
 * Per-edge values of a KAN layer and their reverse mode: E[n, i, j] = φ_ij(x_ni) (mask applied),
 * X [N, nIn] → E [N, nIn, nOut]. The layer output is Σ_i E[n, i, j]; keeping the edges apart gives
 * the activation scales mean_n |φ_ij| that the sparsification regulariser and attribution need,
 * differentiably. Only the value channel: no jets, so it is cheap, and it is used only when asked.
 */
import { baseDerivatives } from '../jet/baseFunctions.js';
import { edgePolynomials, monomialJet, splineEdgeJet, splineParamGrads, type LayerGeometry, type LayerGradients, type LayerParams } from './layerKernel.js';
import { tableSpan } from './splineTables.js';
import { symbolicEdgeJet, symbolicEdgeParamGrad } from './symbolicEdge.js';

/**
 * φ_ij(x_ni) for all points and edges: X [N, nIn] → E [N, nIn, nOut] (row-major). Computed in
 * float64; `E` may be a Float64Array for callers that fit to the values (grid refits).
 */
export function kanEdgeForward<T extends Float32Array | Float64Array = Float32Array>(
  geo: LayerGeometry,
  X: Float32Array | Float64Array,
  N: number,
  p: LayerParams,
  E: T = new Float32Array(N * geo.nIn * geo.nOut) as T,
): T {
  const { nIn, nOut, k } = geo;
  const k1 = k + 1;
  const Q = geo.tables[0]!.intervals;
  const raw = edgePolynomials(geo, p.coef);
  const mono = new Float64Array(k1);
  const powers = new Float64Array(k1);
  const bv = new Float64Array(1);
  const fz = new Float64Array(1);
  const phi = new Float64Array(1);
  const { scaleBase, scaleSp, mask } = p;
  const sym = p.symbolic ?? null;
  for (let n = 0; n < N; n++) {
    for (let i = 0; i < nIn; i++) {
      const x = X[n * nIn + i]!;
      const table = geo.tables[i]!;
      const q = tableSpan(table, x);
      if (q >= 0) monomialJet((x - table.knots[q]!) * table.invWidth[q]!, table.invWidth[q]!, k, 0, mono, powers);
      baseDerivatives(geo.base, x, 0, bv);
      for (let j = 0; j < nOut; j++) {
        const e = i * nOut + j;
        const mk = mask[e]!;
        if (mk === 0) continue;
        if (sym !== null && sym.mask[e] !== 0) symbolicEdgeJet(sym, e, x, mk, 0, fz, phi);
        else splineEdgeJet(raw, (e * Q + q) * k1, q, mono, k, 0, mk * scaleBase[e]!, mk * scaleSp[e]!, bv, phi);
        E[(n * nIn + i) * nOut + j] = phi[0]!;
      }
    }
  }
  return E;
}

/** Reverse mode of `kanEdgeForward`: given dL/dE [N, nIn, nOut], returns dL/dX [N, nIn] and dL/dparams. */
export function kanEdgeBackward(geo: LayerGeometry, X: Float32Array, N: number, p: LayerParams, dE: Float32Array, needInputGrad: boolean): LayerGradients {
  const { nIn, nOut, k } = geo;
  const k1 = k + 1;
  const Q = geo.tables[0]!.intervals;
  const raw = edgePolynomials(geo, p.coef);
  const dRaw = new Float64Array(raw.length);
  const dX = needInputGrad ? new Float32Array(X.length) : null;
  const dSb = new Float64Array(nIn * nOut);
  const mono = new Float64Array(2 * k1);
  const powers = new Float64Array(k1);
  const bv = new Float64Array(2);
  const fz = new Float64Array(2);
  const phi = new Float64Array(2);
  const g = new Float64Array(1);
  const { scaleBase, scaleSp, mask } = p;
  const sym = p.symbolic ?? null;
  const dAffine = sym !== null ? new Float64Array(nIn * nOut * 4) : null;
  for (let n = 0; n < N; n++) {
    for (let i = 0; i < nIn; i++) {
      const x = X[n * nIn + i]!;
      const table = geo.tables[i]!;
      const q = tableSpan(table, x);
      if (q >= 0) monomialJet((x - table.knots[q]!) * table.invWidth[q]!, table.invWidth[q]!, k, 1, mono, powers);
      baseDerivatives(geo.base, x, 1, bv);
      let dx = 0;
      for (let j = 0; j < nOut; j++) {
        const e = i * nOut + j;
        const mk = mask[e]!;
        const v = dE[(n * nIn + i) * nOut + j]!;
        if (mk === 0 || v === 0) continue;
        if (sym !== null && sym.mask[e] !== 0) {
          g[0] = v;
          symbolicEdgeJet(sym, e, x, mk, 1, fz, phi);
          symbolicEdgeParamGrad(sym, e, x, mk, 0, g, fz, dAffine!);
          dx += v * phi[1]!;
          continue;
        }
        dSb[e] = dSb[e]! + mk * v * bv[0]!;
        const a = (e * Q + q) * k1;
        if (q >= 0) for (let pp = 0; pp <= k; pp++) dRaw[a + pp] = dRaw[a + pp]! + v * mono[pp]!;
        splineEdgeJet(raw, a, q, mono, k, 1, mk * scaleBase[e]!, mk * scaleSp[e]!, bv, phi);
        dx += v * phi[1]!;
      }
      if (dX) dX[n * nIn + i] = dx;
    }
  }
  const { dCoef, dSp } = splineParamGrads(geo, p, raw, dRaw);
  return { dX, dCoef, dScaleBase: Float32Array.from(dSb), dScaleSp: dSp, dAffine: dAffine ? Float32Array.from(dAffine) : null };
}
