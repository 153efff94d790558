/**
 * The KAN layer and its forward jets written in tfjs tensor ops: the path for GPU backends
 * (webgl, webgpu, tensorflow), where the fused JS kernels (layerKernel.ts) would copy every
 * activation to the host and back. Nothing here reads a tensor back (no dataSync): the knot tables
 * are uploaded (small), everything sized by the batch stays on the device, and the parameter
 * gradient is tfjs's own first-order autodiff of these ops.
 *
 * A GPU pays per dispatched kernel at small batches and per byte of intermediates at large ones,
 * so a layer with all its jet channels is a handful of wide ops whatever nIn, nOut and the plan:
 * no loop over inputs, edges or channels emits ops, and nothing gathers or one-hot-encodes a
 * batch-sized tensor.
 * - Features, one tensor F [nIn, N, Kf] for every derivative order (inputs first). On knot interval q the spline of
 *   edge (i, j) is a polynomial Σ_p A_ijqp·u^p in u = (x − t_q)/h_q (splineTables.ts), so with the
 *   interval mask 1_q(x) (comparisons against the knots) the columns 1_q·u^p, p = 0..k, give
 *   φ_ij = Σ_{q,p} F·A; its m-th derivative uses the same columns with shifted, scaled coefficients
 *   A^{(m)}_{ijqp} = (p+m)!/p!·h_q^{−m}·A_{ijq(p+m)}. The base branch adds the columns x·σ^p and σ^p
 *   (σ = sigmoid(x), p ≤ M+1), from which SiLU^{(m)} = x·P_m(σ) + m·P_{m−1}(σ) (SIGMOID_POLY).
 * - Weights W [nIn, Kf, (M+1)·nOut], built from the parameters by one small batched matMul with a
 *   constant table (coefficients, scales and masks folded in).
 * - Φ = F·W, one matMul batched over the inputs: Φ[i, n, m, j] = φ_ij^{(m)}(x_ni), all orders m.
 * - Jets: y[c, n, j] = Σ_{i,m} S[n, c, i, m]·Φ[n, i, m, j], one batched matMul, with S the Faà di
 *   Bruno factors of the plan (jet/plan.ts) made from the input channels by selection matMuls.
 *   A value-only pass needs no S: y = Σ_i Φ[i, ·, 0, ·].
 * - The x-gradient of a hidden layer is a customGrad: dΦ/dx is the next order, one more block of
 *   weight columns in the same matMul (see edgeDerivatives).
 * - Symbolic edges: c·a^m·f^{(m)}(a·x + b) (+ d) with f^{(m)} in tfjs ops (symbolicOps.ts), one
 *   evaluation per distinct function of the layer, selected per edge by a 0/1 mask, added to Φ.
 */
import * as tf from '../tf.js';
import { SIGMOID_POLY, type BaseFunction } from '../jet/baseFunctions.js';
import type { JetPlan } from '../jet/plan.js';
import type { KanLayer, SymbolicEdgeFunction } from './kanLayer.js';
import { splineTable } from './splineTables.js';
import { detach, symbolicDerivativeOps, symbolicOpsAvailable } from './symbolicOps.js';

/** b^{(m)}(x) for m = 0..orders as tensors of x's shape. */
export function baseDerivativeOps(base: BaseFunction, x: tf.Tensor, orders: number): tf.Tensor[] {
  switch (base) {
    case 'silu': {
      const s = tf.sigmoid(x);
      // σ^{(d)} = P_d(σ) (SIGMOID_POLY), SiLU^{(d)} = x·σ^{(d)} + d·σ^{(d−1)}.
      const sig: tf.Tensor[] = [];
      for (let d = 0; d <= orders; d++) {
        const poly = SIGMOID_POLY[d]!;
        let v: tf.Tensor = tf.scalar(poly[poly.length - 1]!);
        for (let p = poly.length - 2; p >= 0; p--) v = tf.add(tf.mul(v, s), poly[p]!);
        sig.push(d === 0 ? s : v);
      }
      return sig.map((sd, d) => (d === 0 ? tf.mul(x, s) : tf.add(tf.mul(x, sd), tf.mul(sig[d - 1]!, d))));
    }
    case 'identity':
      return Array.from({ length: orders + 1 }, (_, d) => (d === 0 ? x : d === 1 ? tf.onesLike(x) : tf.zerosLike(x)));
    case 'zero':
      return Array.from({ length: orders + 1 }, () => tf.zerosLike(x));
    default: {
      const never: never = base;
      throw new Error(`unknown base function ${String(never)}`);
    }
  }
}

/** Number of base-branch feature columns per input for jets of order ≤ M. */
function baseFeatureCount(base: BaseFunction, M: number): number {
  return base === 'silu' ? 2 * (M + 2) : base === 'identity' ? 2 : 0;
}

/**
 * Constant tables of a layer for jets of order ≤ M (uploaded, never read back):
 * - knots [nIn, 1, Q + 1]; invWidth and scaledLeft = t_q/h_q [nIn, 1, Q] (u = x·invWidth − scaledLeft);
 * - difference [Q + 1, Q]: 1_q = step_q − step_{q+1} from the steps [x ≥ t_l] as one matMul;
 * - shift [nIn, (k+1)·Q·(M+1), nB]: row (p, q, m), column b holds (p+m)!/p!·h_q^{−m}·T[q, b−q+k, p+m]
 *   (T the basis polynomials of splineTables.ts), so Σ_b shift·c_b is the coefficient of 1_q·u^p in
 *   the m-th derivative of the spline Σ_b c_b·B_b;
 * - baseMix [nbf, M+1]: the base function's m-th derivative as a combination of its feature columns.
 */
interface LayerTables {
  knots: tf.Tensor;
  difference: tf.Tensor;
  scaledLeft: tf.Tensor;
  invWidth: tf.Tensor;
  shift: tf.Tensor3D;
  baseMix: tf.Tensor | null;
  Q: number;
}

function falling(p: number, m: number): number {
  let f = 1;
  for (let r = 0; r < m; r++) f *= p - r;
  return f;
}

function layerTables(layer: KanLayer, M: number): LayerTables {
  const { nIn, k } = layer;
  const tables = layer.knots.map((t) => splineTable(t, k));
  const Q = tables[0]!.intervals;
  const k1 = k + 1;
  const nB = layer.grid + k;
  const rows = Q * k1 * (M + 1);
  const knots = new Float32Array(nIn * (Q + 1));
  const scaledLeft = new Float32Array(nIn * Q);
  const invWidth = new Float32Array(nIn * Q);
  const shift = new Float32Array(nIn * rows * nB);
  tables.forEach((table, i) => {
    for (let l = 0; l <= Q; l++) knots[i * (Q + 1) + l] = table.knots[l]!;
    for (let q = 0; q < Q; q++) {
      const invH = table.invWidth[q]!;
      invWidth[i * Q + q] = invH;
      scaledLeft[i * Q + q] = table.knots[q]! * invH;
      for (let p = 0; p <= k; p++) {
        for (let m = 0; m <= M && p + m <= k; m++) {
          const factor = falling(p + m, m) * invH ** m;
          const row = (p * Q + q) * (M + 1) + m;
          for (let r = 0; r <= k; r++) {
            const b = q - k + r;
            if (b >= 0 && b < nB) shift[(i * rows + row) * nB + b] = factor * table.poly[(q * k1 + r) * k1 + p + m]!;
          }
        }
      }
    }
  });
  const nbf = baseFeatureCount(layer.base, M);
  let baseMix: tf.Tensor | null = null;
  if (nbf > 0) {
    const mix = new Float32Array(nbf * (M + 1));
    if (layer.base === 'silu') {
      // columns x·σ^p (p = 0..M+1), then σ^p: SiLU^{(m)} = x·P_m(σ) + m·P_{m−1}(σ)
      for (let m = 0; m <= M; m++) {
        SIGMOID_POLY[m]!.forEach((c, p) => (mix[p * (M + 1) + m] = c));
        if (m > 0) SIGMOID_POLY[m - 1]!.forEach((c, p) => (mix[(M + 2 + p) * (M + 1) + m] = m * c));
      }
    } else {
      // identity: columns x and 1; b = x, b' = 1, higher derivatives 0
      mix[0] = 1;
      if (M >= 1) mix[M + 1 + 1] = 1;
    }
    baseMix = tf.tensor2d(mix, [nbf, M + 1]);
  }
  const difference = new Float32Array((Q + 1) * Q);
  for (let q = 0; q < Q; q++) {
    difference[q * Q + q] = 1;
    difference[(q + 1) * Q + q] = -1;
  }
  return {
    knots: tf.tensor3d(knots, [nIn, 1, Q + 1]),
    difference: tf.tensor2d(difference, [Q + 1, Q]),
    scaledLeft: tf.tensor3d(scaledLeft, [nIn, 1, Q]),
    invWidth: tf.tensor3d(invWidth, [nIn, 1, Q]),
    shift: tf.tensor3d(shift, [nIn, rows, nB]),
    baseMix,
    Q,
  };
}

/**
 * The features of x0 [nIn, N] (inputs first): [nIn, N, Kf], Kf = (k+1)·Q + nbf: the columns
 * 1_q·u_q^p (column p·Q + q for p = 0..k, q = 0..Q−1; all zero outside the grid), then the base
 * branch's columns.
 */
function features(layer: KanLayer, x0: tf.Tensor, t: LayerTables, M: number): tf.Tensor3D {
  const { nIn, k } = layer;
  const N = x0.shape[1]!;
  const Q = t.Q;
  const xe = tf.expandDims(x0, 2); // [nIn, N, 1]
  // 1_q(x) = [x ≥ t_q] − [x ≥ t_{q+1}]: the JS kernels' half-open intervals, none outside the grid
  const above = tf.cast(tf.greaterEqual(detach(xe), t.knots), 'float32'); // [nIn, N, Q + 1]
  const mask = tf.reshape(tf.matMul(tf.reshape(above, [nIn * N, Q + 1]), t.difference), [nIn, N, Q]);
  const u = tf.mul(tf.sub(tf.mul(xe, t.invWidth), t.scaledLeft), mask); // [nIn, N, Q], zero off its interval
  const columns: tf.Tensor[] = [mask, u]; // 1_q·u^p, p-major: one concat builds F
  for (let p = 2; p <= k; p++) columns.push(tf.mul(columns[p - 1]!, u));
  if (layer.base === 'silu') {
    const s = tf.sigmoid(x0);
    const sp: tf.Tensor[] = [tf.onesLike(s), s];
    for (let p = 2; p <= M + 1; p++) sp.push(tf.mul(sp[p - 1]!, s));
    const sigmaPowers = tf.stack(sp, 2); // [nIn, N, M + 2]
    columns.push(tf.mul(xe, sigmaPowers), sigmaPowers);
  } else if (layer.base === 'identity') {
    columns.push(tf.stack([x0, tf.onesLike(x0)], 2));
  }
  return tf.concat(columns, 2) as tf.Tensor3D;
}

/**
 * Per-input weights [nIn, Kf, (M+1)·nOut] (rows in the feature order, columns (m, j)) from the
 * layer's current parameters; pruned and symbolic edges have none.
 */
function weights(layer: KanLayer, t: LayerTables, M: number): tf.Tensor3D {
  const { nIn, nOut, k } = layer;
  const sym = layer.symbolic;
  const splineMask = Float32Array.from(layer.mask, (m, e) => (sym && sym.mask[e] !== 0 ? 0 : m));
  const live = tf.tensor2d(splineMask, [nIn, nOut]);
  const coefW = tf.mul(layer.coef, tf.expandDims(tf.mul(layer.scaleSp, live), 2)); // [nIn, nOut, nB]
  const splineW = tf.reshape(tf.matMul(t.shift, coefW, false, true), [nIn, t.Q * (k + 1), (M + 1) * nOut]);
  if (!t.baseMix) return splineW as tf.Tensor3D;
  const nbf = t.baseMix.shape[0]!;
  const baseW = tf.mul(tf.reshape(t.baseMix, [1, nbf, M + 1, 1]), tf.reshape(tf.mul(layer.scaleBase, live), [nIn, 1, 1, nOut]));
  return tf.concat([splineW, tf.reshape(baseW, [nIn, nbf, (M + 1) * nOut])], 1) as tf.Tensor3D;
}

/** Functions of a layer's symbolic edges, grouped: name → (function, 0/1 selection [nIn·nOut]). */
function symbolicGroups(layer: KanLayer): Map<string, { fn: SymbolicEdgeFunction; select: Float32Array }> {
  const groups = new Map<string, { fn: SymbolicEdgeFunction; select: Float32Array }>();
  const sym = layer.symbolic;
  if (!sym) return groups;
  sym.functions.forEach((fn, e) => {
    if (!fn || sym.mask[e] === 0 || layer.mask[e] === 0) return;
    let group = groups.get(fn.name);
    if (!group) {
      group = { fn, select: new Float32Array(layer.nIn * layer.nOut) };
      groups.set(fn.name, group);
    }
    group.select[e] = 1;
  });
  return groups;
}

/**
 * Whether the ops path can run this layer with jets of order `maxOrder`: always for spline edges;
 * symbolic edges need a tfjs form of their function up to that order (symbolicOps.ts).
 */
export function kanLayerOpsSupported(layer: KanLayer, maxOrder: number): boolean {
  for (const { fn } of symbolicGroups(layer).values()) if (!symbolicOpsAvailable(fn.name, fn, maxOrder)) return false;
  return true;
}


/**
 * The symbolic edges' part of Φ: [nIn, N, M+1, nOut] holding mk·c·a^m·f^{(m)}(a·x + b) (+ mk·d at
 * m = 0) on the symbolic edges and 0 elsewhere; null when the layer has none.
 */
function symbolicTerm(layer: KanLayer, x0: tf.Tensor, M: number): tf.Tensor | null {
  const groups = symbolicGroups(layer);
  if (groups.size === 0) return null;
  const { nIn, nOut } = layer;
  const [a, b, c, d] = tf.unstack(layer.symbolic!.affine, 2); // each [nIn, nOut]
  const mk = tf.tensor2d(layer.mask, [nIn, nOut]);
  const z = tf.add(tf.mul(tf.expandDims(a!, 1), tf.expandDims(x0, 2)), tf.expandDims(b!, 1)); // [nIn, N, nOut]
  let fz: tf.Tensor | null = null;
  const symbolicEdges = new Float32Array(nIn * nOut); // where the constant d applies
  for (const { fn, select } of groups.values()) {
    select.forEach((s, e) => (symbolicEdges[e] = symbolicEdges[e]! + s));
    const derivatives = symbolicDerivativeOps(fn.name, fn, z, M);
    const term = tf.mul(tf.stack(derivatives, 2), tf.tensor4d(select, [nIn, 1, 1, nOut]));
    fz = fz ? tf.add(fz, term) : term;
  }
  const aPowers: tf.Tensor[] = [tf.onesLike(a!)];
  for (let m = 1; m <= M; m++) aPowers.push(m === 1 ? a! : tf.mul(aPowers[m - 1]!, a!));
  const scale = tf.mul(tf.stack(aPowers, 1), tf.expandDims(tf.mul(mk, c!), 1)); // [nIn, M+1, nOut]
  const first = new Float32Array(M + 1);
  first[0] = 1;
  const offset = tf.mul(tf.mul(tf.mul(mk, d!), tf.tensor2d(symbolicEdges, [nIn, nOut])).reshape([nIn, 1, nOut]), tf.tensor3d(first, [1, M + 1, 1]));
  return tf.add(tf.mul(fz!, tf.expandDims(scale, 1)), tf.expandDims(offset, 1));
}

/**
 * Φ[i, n, m, j] = φ_ij^{(m)}(x0_in) for m = 0..M: x0 [nIn, N] → [nIn, N, M+1, nOut], one matMul
 * batched over the inputs, from the layer's current parameters (tf.Variables: differentiable in
 * them and, when `inputNeedsGrad`, in x0).
 *
 * With `inputNeedsGrad` the product is a customGrad whose x0-gradient is Σ_{m,j} dΦ·φ^{(m+1)}: the
 * order M+1 comes from the same features with M+1 more weight columns, so the backward pass is a
 * product and a sum instead of tfjs's autodiff through every op of the features.
 */
function edgeDerivatives(layer: KanLayer, x0: tf.Tensor, M: number, inputNeedsGrad: boolean): tf.Tensor4D {
  const { nIn, nOut } = layer;
  const N = x0.shape[1]!;
  const top = inputNeedsGrad ? M + 1 : M;
  const t = layerTables(layer, top);
  const W = weights(layer, t, top); // [nIn, Kf, (top+1)·nOut]
  let phi: tf.Tensor;
  if (!inputNeedsGrad) {
    phi = tf.reshape(tf.matMul(features(layer, x0, t, top), W), [nIn, N, M + 1, nOut]);
  } else {
    const op = tf.customGrad((...args: unknown[]) => {
      const [x, w, save] = args as [tf.Tensor, tf.Tensor, tf.GradSaveFunc];
      const F = features(layer, x, t, top);
      const all = tf.reshape(tf.matMul(F, w), [nIn, N, M + 2, nOut]);
      const higher = tf.slice(all, [0, 0, 1, 0], [nIn, N, M + 1, nOut]); // φ^{(m+1)}, the x-derivative of φ^{(m)}
      save([F, higher]);
      return {
        value: tf.slice(all, [0, 0, 0, 0], [nIn, N, M + 1, nOut]),
        gradFunc: (dy: tf.Tensor, saved: tf.Tensor[]) => {
          const [Fs, derivative] = saved as [tf.Tensor, tf.Tensor];
          const dx = tf.sum(tf.reshape(tf.mul(dy, derivative), [nIn, N, (M + 1) * nOut]), 2);
          const dyAll = tf.reshape(tf.pad(dy, [[0, 0], [0, 0], [0, 1], [0, 0]]), [nIn, N, (M + 2) * nOut]);
          return [dx, tf.matMul(Fs, dyAll, true, false)];
        },
      };
    });
    phi = op(x0, W);
  }
  const sym = symbolicTerm(layer, x0, M);
  return (sym ? tf.add(phi, sym) : phi) as tf.Tensor4D;
}

/**
 * The Faà di Bruno factors S [N, C, nIn·(M+1)]: S[n, c, (i, m)] = Σ_{terms of channel c of order m}
 * coefficient·Π_{B∈blocks} x_B[n, i] (1 for the value's single order-0 term), from the input
 * channels x [C, N·nIn]. Each factor slot is a selection matMul over the channels (a row of ones
 * stands in for a missing block), the terms are summed into their (c, m) slots by one more matMul.
 */
function faaFactors(plan: JetPlan, x: tf.Tensor, N: number, nIn: number): tf.Tensor3D {
  const C = plan.channels.length;
  const M = plan.maxOrder;
  const terms = plan.terms.flatMap((list, c) => list.map((term) => ({ c, term })));
  const T = terms.length;
  const xe = tf.concat([x, tf.ones([1, N * nIn])], 0); // [C + 1, N·nIn]
  let product: tf.Tensor | null = null;
  for (let slot = 0; slot < M; slot++) {
    const select = new Float32Array(T * (C + 1));
    terms.forEach(({ term }, r) => (select[r * (C + 1) + (slot < term.blocks.length ? term.blocks[slot]! : C)] = 1));
    const factor = tf.matMul(tf.tensor2d(select, [T, C + 1]), xe);
    product = product ? tf.mul(product, factor) : factor;
  }
  const scatter = new Float32Array(C * (M + 1) * T);
  terms.forEach(({ c, term }, r) => (scatter[(c * (M + 1) + term.order) * T + r] = term.coefficient));
  const S = product ? tf.matMul(tf.tensor2d(scatter, [C * (M + 1), T]), product) : tf.matMul(tf.tensor2d(scatter, [C, T]), tf.ones([T, N * nIn]));
  return tf.reshape(tf.transpose(tf.reshape(S, [C, M + 1, N, nIn]), [2, 0, 3, 1]), [N, C, nIn * (M + 1)]) as tf.Tensor3D;
}

/**
 * WebGPU's limit on a dispatch's workgroups per dimension (maxComputeWorkgroupsPerDimension, 65535
 * by default): tfjs-webgpu dispatches a batched matMul with the batch as one dimension, so a batch
 * past it fails ("Dispatch size exceeds WebGPU limits in Y or Z dimension"; the per-point jet
 * product at 104k points on an H200).
 */
export const MAX_MATMUL_BATCH = 65535;

/** tf.matMul of a [B, m, k] and b [B, k, n], in pieces of at most `maxBatch` along B (same result, differentiable). */
export function batchMatMulInPieces(a: tf.Tensor3D, b: tf.Tensor3D, maxBatch = MAX_MATMUL_BATCH): tf.Tensor3D {
  const batch = a.shape[0];
  if (batch <= maxBatch) return tf.matMul(a, b);
  const parts: tf.Tensor3D[] = [];
  for (let start = 0; start < batch; start += maxBatch) {
    const size = Math.min(maxBatch, batch - start);
    parts.push(tf.matMul(tf.slice(a, [start, 0, 0], [size, -1, -1]), tf.slice(b, [start, 0, 0], [size, -1, -1])));
  }
  return tf.concat(parts, 0);
}

/**
 * Jets through one layer in tfjs ops: x [C, N, nIn] → y [C, N, nOut], differentiable in the layer's
 * parameters and, unless `inputNeedsGrad` is false (the network input), in x. Call inside tf.tidy.
 */
export function kanLayerJetOps(layer: KanLayer, plan: JetPlan, x: tf.Tensor, count: number, inputNeedsGrad = true): tf.Tensor3D {
  const { nIn, nOut } = layer;
  const C = plan.channels.length;
  const M = plan.maxOrder;
  const flat = tf.reshape(x, [C, count * nIn]);
  const value = C === 1 ? tf.reshape(x, [count, nIn]) : tf.reshape(tf.slice(flat, [0, 0], [1, count * nIn]), [count, nIn]);
  const phi = edgeDerivatives(layer, tf.transpose(value), M, inputNeedsGrad); // [nIn, N, M+1, nOut]
  if (C === 1) return tf.reshape(tf.sum(phi, 0), [1, count, nOut]);
  const S = faaFactors(plan, flat, count, nIn);
  const y = batchMatMulInPieces(S as tf.Tensor3D, tf.reshape(tf.transpose(phi, [1, 0, 2, 3]), [count, nIn * (M + 1), nOut])); // [N, C, nOut]
  return tf.transpose(y, [1, 0, 2]) as tf.Tensor3D;
}

/**
 * Per-edge values in tfjs ops: x [N, nIn] → E [N, nIn, nOut], E[n,i,j] = φ_ij(x_ni) (the
 * sparsification regulariser's input). Call inside tf.tidy.
 */
export function kanLayerEdgesOps(layer: KanLayer, x: tf.Tensor, count: number, inputNeedsGrad = true): tf.Tensor3D {
  const phi = edgeDerivatives(layer, tf.transpose(tf.reshape(x, [count, layer.nIn])), 0, inputNeedsGrad);
  return tf.transpose(tf.reshape(phi, [layer.nIn, count, layer.nOut]), [1, 0, 2]) as tf.Tensor3D;
}
