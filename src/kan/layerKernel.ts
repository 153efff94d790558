/**
 * The KAN layer as one fused kernel over plain arrays: forward jets and their reverse-mode
 * gradient. Edge (i → j) computes
 *   φ_ij(x) = mask_ij · ( sb_ij · b(x) + sp_ij · Σ_m c_ijm · B_m(x) ),
 * and output j of the layer is Σ_i φ_ij(x_i). Jets follow Faà di Bruno (see jet/plan.ts):
 *   y_{D,j} = Σ_i Σ_m S_{D,m}(x_i) · φ_ij^{(m)}(x_i),  S_{D,m} = Σ_{|π|=m} Π_{B∈π} x_{B,i}.
 * Only the k+1 B-splines nonzero at x are touched, so the cost is independent of the grid size G.
 * A symbolic edge replaces the whole expression by mask_ij · (c·f(a·x + b) + d) (symbolicEdge.ts);
 * a layer without symbolic edges never enters that branch.
 *
 * Layouts (row-major): jets [C, N, width], coef [nIn, nOut, nBasis], sb/sp/mask [nIn, nOut].
 */
import type { JetPlan } from '../jet/plan.js';
import { fallingTable } from '../jet/codegen.js';
import { compileJet } from '../jet/factors.js';
import { baseDerivatives, type BaseFunction } from '../jet/baseFunctions.js';
import { tableSpan, type SplineTable } from './splineTables.js';
import { symbolicEdgeJet, symbolicEdgeParamGrad, type SymbolicLayerParams } from './symbolicEdge.js';
import { constantFactors, generatedBackward, generatedForward, type GeneratedArgs } from './layerCodegen.js';
import { threadedLayerBackward, threadedLayerForward } from './layerThreads.js';

let generatedKernels = true;

/**
 * Whether spline-only layers run the generated straight-line kernel (layerCodegen.ts, the default)
 * or the loop kernel below; returns the previous setting. For tests that compare the two.
 */
export function useGeneratedKernels(enabled: boolean): boolean {
  const previous = generatedKernels;
  generatedKernels = enabled;
  return previous;
}

/** Whether spline-only layers run the generated kernels (see `useGeneratedKernels`). */
export function generatedKernelsEnabled(): boolean {
  return generatedKernels;
}

/** The arguments of a generated pass over X (`cache`: the spans and sigmoids a record pass writes and a replay pass reads). */
export function generatedArgs(geo: LayerGeometry, X: Float32Array, N: number, p: LayerParams, raw: Float64Array, cache?: PreludeCache): GeneratedArgs {
  const args: GeneratedArgs = { nIn: geo.nIn, nOut: geo.nOut, base: geo.base, tables: geo.tables, X, N, raw, scaleBase: p.scaleBase, scaleSp: p.scaleSp, mask: p.mask };
  if (cache) {
    args.spans = cache.spans;
    args.sigmoids = cache.sigmoids;
  }
  return args;
}

/**
 * What a forward pass of the generated kernel records per (point, input) for the backward pass of
 * the same call (layerCodegen.ts `PreludeMode`): spans and SiLU's sigmoids [N·nIn]. `filled` says
 * whether it did (a threaded or loop-kernel forward pass does not; the backward pass then works
 * them out again).
 */
export interface PreludeCache {
  spans: Int32Array;
  sigmoids: Float64Array;
  filled: boolean;
}

/** Static description of a layer for the kernel. */
export interface LayerGeometry {
  nIn: number;
  nOut: number;
  k: number;
  /** Number of basis functions per edge, G + k. */
  nBasis: number;
  base: BaseFunction;
  /** Per-interval basis polynomials of each input's knots. */
  tables: SplineTable[];
}

/** Parameters of a layer as flat arrays. */
export interface LayerParams {
  coef: Float32Array;
  scaleBase: Float32Array;
  scaleSp: Float32Array;
  mask: Float32Array;
  /** Symbolic edges; absent (or null) when the layer has none: the spline-only fast path. */
  symbolic?: SymbolicLayerParams | null;
}

/**
 * Spline part of every edge as per-interval polynomials in the local coordinate:
 * raw[((i·nOut + j)·Q + q)·(k+1) + p] = Σ_r c_{ij,q−k+r} · T_i[q, r, p] (without sp and mask).
 */
export function edgePolynomials(geo: LayerGeometry, coef: Float32Array): Float64Array {
  const { nIn, nOut, k, nBasis } = geo;
  const k1 = k + 1;
  const Q = geo.tables[0]!.intervals;
  const raw = new Float64Array(nIn * nOut * Q * k1);
  for (let i = 0; i < nIn; i++) {
    const T = geo.tables[i]!.poly;
    for (let j = 0; j < nOut; j++) {
      const e = i * nOut + j;
      for (let q = 0; q < Q; q++) {
        const out = (e * Q + q) * k1;
        for (let r = 0; r <= k; r++) {
          const m = q - k + r;
          if (m < 0 || m >= nBasis) continue;
          const c = coef[e * nBasis + m]!;
          if (c === 0) continue;
          const row = (q * k1 + r) * k1;
          for (let p = 0; p <= k; p++) raw[out + p] = raw[out + p]! + c * T[row + p]!;
        }
      }
    }
  }
  return raw;
}

/**
 * Derivatives in x of the monomials u^p, u = (x − t_q)/h_q, for orders 0..orders:
 * mono[m·(k+1) + p] = p!/(p−m)! · u^{p−m} / h_q^m (zero for p < m).
 */
export function monomialJet(u: number, invH: number, k: number, orders: number, mono: Float64Array, powers: Float64Array): void {
  const k1 = k + 1;
  powers[0] = 1;
  for (let p = 1; p <= k; p++) powers[p] = powers[p - 1]! * u;
  for (let p = 0; p <= k; p++) mono[p] = powers[p]!;
  let scale = 1;
  for (let m = 1; m <= orders; m++) {
    scale *= invH;
    const row = m * k1;
    for (let p = 0; p < m && p <= k; p++) mono[row + p] = 0;
    for (let p = m; p <= k; p++) mono[row + p] = FALLING[m * FALLING_WIDTH + p]! * powers[p - m]! * scale;
  }
}

/** FALLING[m·W + p] = p!/(p−m)!, for m, p < W (W − 1 bounds the spline degree and derivative order). */
const FALLING_WIDTH = 12;
const FALLING = fallingTable(FALLING_WIDTH);

/**
 * φ^{(m)}(x), m = 0..orders, of one spline edge at x (the loop kernels' single formula for φ):
 *   φ^{(m)} = sb · b^{(m)}(x) + sp · Σ_{p ≥ m} raw[a + p] · mono[m·(k+1) + p],
 * with sb, sp already multiplied by the mask, raw at offset a = (e·Q + q)·(k+1) (see
 * `edgePolynomials`), mono from `monomialJet` and q < 0 (outside the grid) for no spline part.
 */
export function splineEdgeJet(raw: Float64Array, a: number, q: number, mono: Float64Array, k: number, orders: number, sb: number, sp: number, bv: Float64Array, phi: Float64Array): void {
  const k1 = k + 1;
  for (let m = 0; m <= orders; m++) {
    let spline = 0;
    if (q >= 0) for (let pp = m; pp <= k; pp++) spline += raw[a + pp]! * mono[m * k1 + pp]!;
    phi[m] = sb * bv[m]! + sp * spline;
  }
}

/**
 * Forward jets: X [C, N, nIn] → Y [C, N, nOut]. `raw` is `edgePolynomials(geo, p.coef)`, passed
 * by a caller that also runs the backward pass (computed here otherwise). `into`: the array to
 * write Y into (every element is written; a new one when absent). `constS`: the input's constant
 * factors when the caller has them (`constantFactors`; worked out here when undefined).
 */
export function kanLayerForward(
  geo: LayerGeometry,
  plan: JetPlan,
  X: Float32Array,
  N: number,
  p: LayerParams,
  raw: Float64Array = edgePolynomials(geo, p.coef),
  into?: Float32Array,
  constS?: Float64Array[] | null,
  cache?: PreludeCache,
): Float32Array {
  const { nIn, nOut, k } = geo;
  const C = plan.channels.length;
  const M = plan.maxOrder;
  const M1 = M + 1;
  const k1 = k + 1;
  const Q = geo.tables[0]!.intervals;
  const Y = into ?? new Float32Array(C * N * nOut);
  if (cache) cache.filled = false;
  if (generatedKernels && !p.symbolic) {
    const factors = constS !== undefined ? constS : constantFactors(plan, X, N, nIn);
    const run = generatedForward(plan, k, factors, nOut === 1, cache !== undefined);
    if (run) {
      const args = generatedArgs(geo, X, N, p, raw, cache);
      const threaded = threadedLayerForward(plan, k, factors, args, Y);
      if (threaded) return threaded;
      run(args, Y);
      if (cache) cache.filled = true;
      return Y;
    }
  }
  const jet = compileJet(plan);
  const phi = new Float64Array(M1);
  const acc = new Float64Array(C * nOut);
  const S = new Float64Array(C * M1);
  const mono = new Float64Array(M1 * k1);
  const powers = new Float64Array(k1);
  const bv = new Float64Array(M1);
  const fz = new Float64Array(M1);
  const { scaleBase, scaleSp, mask } = p;
  const sym = p.symbolic ?? null;
  for (let n = 0; n < N; n++) {
    acc.fill(0);
    for (let i = 0; i < nIn; i++) {
      const x = X[n * nIn + i]!;
      if (C > 1) jet.factors(X, n * nIn + i, N * nIn, S);
      const table = geo.tables[i]!;
      const q = tableSpan(table, x);
      if (q >= 0) monomialJet((x - table.knots[q]!) * table.invWidth[q]!, table.invWidth[q]!, k, M, mono, powers);
      baseDerivatives(geo.base, x, M, bv);
      for (let j = 0; j < nOut; j++) {
        const e = i * nOut + j;
        const mk = mask[e]!;
        if (mk === 0) continue;
        if (sym !== null && sym.mask[e] !== 0) symbolicEdgeJet(sym, e, x, mk, M, fz, phi);
        else splineEdgeJet(raw, (e * Q + q) * k1, q, mono, k, M, mk * scaleBase[e]!, mk * scaleSp[e]!, bv, phi);
        acc[j] = acc[j]! + phi[0]!;
        for (let c = 1; c < C; c++) {
          let sum = 0;
          for (let m = 1; m <= M; m++) sum += S[c * M1 + m]! * phi[m]!;
          acc[c * nOut + j] = acc[c * nOut + j]! + sum;
        }
      }
    }
    for (let c = 0; c < C; c++) for (let j = 0; j < nOut; j++) Y[(c * N + n) * nOut + j] = acc[c * nOut + j]!;
  }
  return Y;
}

/** Gradients of a layer with respect to its input jets (optional) and parameters. */
export interface LayerGradients {
  dX: Float32Array | null;
  dCoef: Float32Array;
  dScaleBase: Float32Array;
  dScaleSp: Float32Array;
  /** Gradient of the symbolic affine parameters [nIn·nOut·4]; null when the layer has no symbolic edge. */
  dAffine: Float32Array | null;
}

/**
 * Arrays a caller lends `kanLayerBackward` instead of the new ones it would make (all optional):
 * accumulators it adds into, which must be zeroed, and outputs it overwrites.
 */
export interface BackwardWork {
  /** dL/dX [C·N·nIn], zeroed (used when the input gradient is wanted). */
  dX?: Float32Array;
  /** dL/draw [raw.length], zeroed. */
  dRaw?: Float64Array;
  /** dL/dscale_base in float64 [nIn·nOut], zeroed. */
  dSb?: Float64Array;
  /** Outputs, any contents: dL/dcoef [nIn·nOut·nBasis], dL/dscale_base and dL/dscale_sp [nIn·nOut]. */
  dCoef?: Float32Array;
  dScaleBase?: Float32Array;
  dScaleSp?: Float32Array;
  /** The input's constant factors from the forward pass (`constantFactors`); worked out here when undefined. */
  constS?: Float64Array[] | null;
  /** What the forward pass recorded (`kanLayerForward`'s `cache`), read when it is filled. */
  cache?: PreludeCache;
}

/**
 * Reverse mode of `kanLayerForward`: given dL/dY [C, N, nOut], returns dL/dX and dL/dparams (`raw`
 * as there; `work`: arrays to use instead of new ones, see `BackwardWork`).
 */
export function kanLayerBackward(
  geo: LayerGeometry,
  plan: JetPlan,
  X: Float32Array,
  N: number,
  p: LayerParams,
  dY: Float32Array,
  needInputGrad: boolean,
  raw: Float64Array = edgePolynomials(geo, p.coef),
  work: BackwardWork = {},
): LayerGradients {
  const { nIn, nOut, k, nBasis } = geo;
  const C = plan.channels.length;
  const M = plan.maxOrder;
  const M1 = M + 1;
  const k1 = k + 1;
  const Q = geo.tables[0]!.intervals;
  const orders = needInputGrad ? M + 1 : M;
  const dRaw = work.dRaw ?? new Float64Array(raw.length);
  const dX = needInputGrad ? (work.dX ?? new Float32Array(X.length)) : null;
  const dSb = work.dSb ?? new Float64Array(nIn * nOut);
  const scaleBaseGrad = (): Float32Array => {
    if (!work.dScaleBase) return Float32Array.from(dSb);
    work.dScaleBase.set(dSb);
    return work.dScaleBase;
  };
  if (generatedKernels && !p.symbolic) {
    const constS = needInputGrad ? null : work.constS !== undefined ? work.constS : constantFactors(plan, X, N, nIn);
    const replay = work.cache?.filled === true;
    const run = generatedBackward(plan, k, constS, needInputGrad, nOut === 1, replay);
    if (run) {
      const args = generatedArgs(geo, X, N, p, raw, replay ? work.cache : undefined);
      const threaded = threadedLayerBackward(plan, k, constS, needInputGrad, args, dY, dRaw, dSb, dX);
      if (!threaded) run(args, dY, dRaw, dSb, dX);
      const { dCoef, dSp } = splineParamGrads(geo, p, raw, dRaw, work);
      return { dX: threaded ? threaded.dX : dX, dCoef, dScaleBase: scaleBaseGrad(), dScaleSp: dSp, dAffine: null };
    }
  }
  const jet = compileJet(plan);
  const S = new Float64Array(C * M1);
  const dS = new Float64Array(C * M1);
  const mono = new Float64Array((orders + 1) * k1);
  const powers = new Float64Array(k1);
  const bv = new Float64Array(orders + 1);
  const phi = new Float64Array(orders + 1);
  const g = new Float64Array(M1);
  const dyc = new Float64Array(C);
  const { scaleBase, scaleSp, mask } = p;
  const sym = p.symbolic ?? null;
  const dAffine = sym !== null ? new Float64Array(nIn * nOut * 4) : null;
  const fz = new Float64Array(M + 2);
  const phiSym = new Float64Array(M + 2);
  for (let n = 0; n < N; n++) {
    for (let i = 0; i < nIn; i++) {
      const x = X[n * nIn + i]!;
      if (C > 1) jet.factors(X, n * nIn + i, N * nIn, S);
      else S[0] = 1;
      const table = geo.tables[i]!;
      const q = tableSpan(table, x);
      if (q >= 0) monomialJet((x - table.knots[q]!) * table.invWidth[q]!, table.invWidth[q]!, k, orders, mono, powers);
      baseDerivatives(geo.base, x, orders, bv);
      if (needInputGrad) dS.fill(0);
      let dx = 0;
      for (let j = 0; j < nOut; j++) {
        const e = i * nOut + j;
        const mk = mask[e]!;
        if (mk === 0) continue;
        let any = false;
        for (let c = 0; c < C; c++) {
          const v = dY[(c * N + n) * nOut + j]!;
          dyc[c] = v;
          if (v !== 0) any = true;
        }
        if (!any) continue;
        for (let m = 0; m <= M; m++) {
          let sum = 0;
          for (let c = 0; c < C; c++) sum += dyc[c]! * S[c * M1 + m]!;
          g[m] = sum;
        }
        if (sym !== null && sym.mask[e] !== 0) {
          symbolicEdgeJet(sym, e, x, mk, M + 1, fz, phiSym);
          symbolicEdgeParamGrad(sym, e, x, mk, M, g, fz, dAffine!);
          if (needInputGrad) {
            for (let m = 0; m <= M; m++) {
              dx += g[m]! * phiSym[m + 1]!;
              for (let c = 0; c < C; c++) dS[c * M1 + m] = dS[c * M1 + m]! + dyc[c]! * phiSym[m]!;
            }
          }
          continue;
        }
        let gb = 0;
        for (let m = 0; m <= M; m++) gb += g[m]! * bv[m]!;
        dSb[e] = dSb[e]! + mk * gb;
        const a = (e * Q + q) * k1;
        if (q >= 0) {
          for (let pp = 0; pp <= k; pp++) {
            let s = 0;
            for (let m = 0; m <= M && m <= pp; m++) s += g[m]! * mono[m * k1 + pp]!;
            dRaw[a + pp] = dRaw[a + pp]! + s;
          }
        }
        if (needInputGrad) {
          splineEdgeJet(raw, a, q, mono, k, orders, mk * scaleBase[e]!, mk * scaleSp[e]!, bv, phi);
          for (let m = 0; m <= M; m++) {
            dx += g[m]! * phi[m + 1]!;
            for (let c = 0; c < C; c++) dS[c * M1 + m] = dS[c * M1 + m]! + dyc[c]! * phi[m]!;
          }
        }
      }
      if (dX) {
        dX[n * nIn + i] = dX[n * nIn + i]! + dx;
        if (C > 1) jet.backward(X, n * nIn + i, N * nIn, dS, dX);
      }
    }
  }
  const { dCoef, dSp } = splineParamGrads(geo, p, raw, dRaw, work);
  return { dX, dCoef, dScaleBase: scaleBaseGrad(), dScaleSp: dSp, dAffine: dAffine ? Float32Array.from(dAffine) : null };
}

/**
 * Chain rule through the per-interval polynomials (raw, see `edgePolynomials`) back to the spline
 * coefficients and scale_sp, given dL/draw: dCoef [nIn·nOut·nBasis], dSp [nIn·nOut] (into
 * `into.dCoef` / `into.dScaleSp` when given, overwritten; new arrays otherwise).
 */
export function splineParamGrads(
  geo: LayerGeometry,
  p: LayerParams,
  raw: Float64Array,
  dRaw: Float64Array,
  into: { dCoef?: Float32Array; dScaleSp?: Float32Array } = {},
): { dCoef: Float32Array; dSp: Float32Array } {
  const { nIn, nOut, k, nBasis } = geo;
  const k1 = k + 1;
  const Q = geo.tables[0]!.intervals;
  const { scaleSp, mask } = p;
  const dCoef = into.dCoef ? into.dCoef.fill(0) : new Float32Array(nIn * nOut * nBasis);
  const dSp = into.dScaleSp ? into.dScaleSp.fill(0) : new Float32Array(nIn * nOut);
  for (let i = 0; i < nIn; i++) {
    const T = geo.tables[i]!.poly;
    for (let j = 0; j < nOut; j++) {
      const e = i * nOut + j;
      const mk = mask[e]!;
      if (mk === 0) continue;
      const sp = mk * scaleSp[e]!;
      let gsp = 0;
      for (let q = 0; q < Q; q++) {
        const a = (e * Q + q) * k1;
        for (let pp = 0; pp <= k; pp++) {
          const d = dRaw[a + pp]!;
          if (d === 0) continue;
          gsp += d * raw[a + pp]!;
          for (let r = 0; r <= k; r++) {
            const m = q - k + r;
            if (m < 0 || m >= nBasis) continue;
            dCoef[e * nBasis + m] = dCoef[e * nBasis + m]! + sp * d * T[(q * k1 + r) * k1 + pp]!;
          }
        }
      }
      dSp[e] = mk * gsp;
    }
  }
  return { dCoef, dSp };
}
