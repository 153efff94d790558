/**
 * The KAN layer and its forward jets written in tfjs tensor ops: the path for GPU backends
 * (webgl, webgpu, tensorflow), where the fused JS kernels (layerKernel.ts) would copy every
 * activation to the host and back. Nothing here reads a tensor back (no dataSync): the knot tables
 * and masks are uploaded (small), everything sized by the batch stays on the device, and the
 * parameter gradient is tfjs's own first-order autodiff of these ops.
 *
 * Formulation (the same mathematics as layerKernel.ts, arranged for wide tensor ops):
 * - Span: q = #{knots ≤ x} − 1 per input, by one broadcast comparison against that input's knots.
 * - Local basis: on interval q the k+1 nonzero B-splines are polynomials in u = (x − t_q)/h_q with
 *   the coefficients of splineTables.ts, gathered by q; their m-th derivatives use the monomial
 *   derivatives p!/(p−m)!·u^{p−m}/h^m.
 * - Dense basis: the k+1 local values are placed at basis index q − k + r with a one-hot mask, so the
 *   edge functions of all outputs are one batched matmul with W[i] = [sb_ij ; sp_ij·c_ij·] per input.
 *   Φ^{(m)}[i, n, j] = φ_ij^{(m)}(x_ni) for m = 0..M comes out of that single product.
 * - Jets: y_{c,n,j} = Σ_i Σ_m S_{c,m}[i,n] · Φ^{(m)}[i,n,j], with S the Faà di Bruno factors of
 *   the plan built from the input channels (jet/plan.ts).
 * - Symbolic edges: c·f^{(m)}(a·x + b)·a^m (+ d) with f^{(m)} in tfjs ops (symbolicOps.ts), one
 *   evaluation per distinct function of the layer, selected per edge by a 0/1 mask.
 *
 * Layout inside: [nIn, N, …] (inputs first) so that the per-input contraction is a batched matmul.
 */
import * as tf from '../tf.js';
import { SIGMOID_POLY, type BaseFunction } from '../jet/baseFunctions.js';
import { fallingTable } from '../jet/codegen.js';
import type { JetPlan } from '../jet/plan.js';
import type { KanLayer, SymbolicEdgeFunction } from './kanLayer.js';
import { splineTable } from './splineTables.js';
import { detach, symbolicDerivativeOps, symbolicOpsAvailable } from './symbolicOps.js';

const FALLING_WIDTH = 12;
const FALLING = fallingTable(FALLING_WIDTH);

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

/** Knot tables of a layer as constant tensors (uploaded, never read back). */
interface LayerTables {
  /** Knots per input, [nIn, Q + 1]. */
  knots: tf.Tensor2D;
  /** Left knot t_q per (input, interval), [nIn·Q]. */
  left: tf.Tensor1D;
  /** 1/h_q per (input, interval), [nIn·Q]. */
  invWidth: tf.Tensor1D;
  /** Basis polynomials per (input, interval), [nIn·Q, (k+1)·(k+1)] with index r·(k+1) + p. */
  poly: tf.Tensor2D;
  Q: number;
}

function layerTables(layer: KanLayer): LayerTables {
  const { nIn, k } = layer;
  const tables = layer.knots.map((t) => splineTable(t, k));
  const Q = tables[0]!.intervals;
  const k1 = k + 1;
  const knots = new Float32Array(nIn * (Q + 1));
  const left = new Float32Array(nIn * Q);
  const invWidth = new Float32Array(nIn * Q);
  const poly = new Float32Array(nIn * Q * k1 * k1);
  tables.forEach((table, i) => {
    for (let l = 0; l <= Q; l++) knots[i * (Q + 1) + l] = table.knots[l]!;
    for (let q = 0; q < Q; q++) {
      left[i * Q + q] = table.knots[q]!;
      invWidth[i * Q + q] = table.invWidth[q]!;
    }
    for (let v = 0; v < Q * k1 * k1; v++) poly[i * Q * k1 * k1 + v] = table.poly[v]!;
  });
  return {
    knots: tf.tensor2d(knots, [nIn, Q + 1]),
    left: tf.tensor1d(left),
    invWidth: tf.tensor1d(invWidth),
    poly: tf.tensor2d(poly, [nIn * Q, k1 * k1]),
    Q,
  };
}

/**
 * B-spline basis functions and their derivatives at x [nIn, N]: for m = 0..orders a tensor
 * [nIn, N, nBasis] (dense; zero outside the grid), differentiable in x.
 */
export function basisOps(layer: KanLayer, x: tf.Tensor2D, orders: number): tf.Tensor3D[] {
  const { nIn, k } = layer;
  const k1 = k + 1;
  const nBasis = layer.grid + k;
  const N = x.shape[1];
  const t = layerTables(layer);
  const Q = t.Q;
  const xd = detach(x);
  // count = #{knots ≤ x}; inside the grid iff 1 ≤ count ≤ Q, and then q = count − 1.
  const count = tf.sum(tf.cast(tf.greaterEqual(tf.expandDims(xd, 2), tf.expandDims(t.knots, 1)), 'float32'), 2); // [nIn, N]
  const inside = tf.sub(tf.minimum(count, 1), tf.relu(tf.sub(count, Q)));
  const q = tf.cast(tf.clipByValue(tf.sub(count, 1), 0, Q - 1), 'int32');
  const flat = tf.add(q, tf.mul(tf.range(0, nIn, 1, 'int32').reshape([nIn, 1]), tf.scalar(Q, 'int32'))); // i·Q + q
  const left = tf.gather(t.left, flat);
  const invH = tf.gather(t.invWidth, flat);
  const T = tf.reshape(tf.gather(t.poly, flat), [nIn, N, k1, k1]); // [i, n, r, p]
  const u = tf.mul(tf.sub(x, left), invH);
  const powers: tf.Tensor[] = [tf.onesLike(u)];
  for (let p = 1; p <= k; p++) powers.push(tf.mul(powers[p - 1]!, u));
  // One-hot placement of local index r at basis index q − k + r (out of range → no column).
  const offsets = tf.range(-k, 1, 1, 'int32');
  const place = tf.oneHot(tf.add(tf.expandDims(q, 2), offsets), nBasis); // [nIn, N, k1, nBasis]
  const placeF = tf.mul(tf.cast(place, 'float32'), tf.reshape(inside, [nIn, N, 1, 1]));
  const out: tf.Tensor3D[] = [];
  let hPow: tf.Tensor = tf.onesLike(u);
  for (let m = 0; m <= orders; m++) {
    if (m > 0) hPow = tf.mul(hPow, invH);
    const mono: tf.Tensor[] = [];
    for (let p = 0; p <= k; p++) {
      mono.push(p < m ? tf.zerosLike(u) : tf.mul(tf.mul(powers[p - m]!, hPow), FALLING[m * FALLING_WIDTH + p]!));
    }
    const local = tf.sum(tf.mul(T, tf.expandDims(tf.stack(mono, 2), 2)), 3); // [nIn, N, k1 (r)]
    out.push(tf.sum(tf.mul(tf.expandDims(local, 3), placeF), 2) as tf.Tensor3D);
  }
  return out;
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
 * φ_ij^{(m)}(x_ni) for m = 0..orders: x [nIn, N] → [nIn, N, nOut] each, from the layer's current
 * parameters (tf.Variables, so the result is differentiable in them and in x).
 */
export function edgeDerivativeOps(layer: KanLayer, x: tf.Tensor2D, orders: number): tf.Tensor3D[] {
  const { nIn, nOut } = layer;
  const N = x.shape[1];
  const sym = layer.symbolic;
  const symMask = sym ? sym.mask : null;
  const splineMask = Float32Array.from(layer.mask, (m, e) => (symMask && symMask[e] !== 0 ? 0 : m));
  const live = tf.tensor2d(splineMask, [nIn, nOut]);
  const basis = basisOps(layer, x, orders); // each [nIn, N, nBasis]
  const base = baseDerivativeOps(layer.base, x, orders); // each [nIn, N]
  // W[i] = [sb_i· ; (sp_i· ⊙ c_i·ᵀ)] → [nIn, 1 + nBasis, nOut]
  const sb = tf.expandDims(tf.mul(layer.scaleBase, live), 1);
  const spCoef = tf.mul(tf.transpose(layer.coef, [0, 2, 1]), tf.expandDims(tf.mul(layer.scaleSp, live), 1));
  const W = tf.concat([sb, spCoef], 1) as tf.Tensor3D;
  const features = tf.concat(
    basis.map((b, m) => tf.concat([tf.expandDims(base[m]!, 2), b], 2)),
    1,
  ) as tf.Tensor3D; // [nIn, (orders+1)·N, 1 + nBasis]
  const all = tf.matMul(features, W); // [nIn, (orders+1)·N, nOut]
  const phi: tf.Tensor3D[] = orders === 0 ? [all as tf.Tensor3D] : (tf.split(all, orders + 1, 1) as tf.Tensor3D[]);
  const groups = symbolicGroups(layer);
  if (groups.size === 0) return phi;
  // Symbolic edges: mk·c·a^m·f^{(m)}(a·x + b) (+ mk·d for m = 0), mk = edge mask (select already 0 elsewhere).
  const affine = sym!.affine; // [nIn, nOut, 4]
  const [a, b, c, d] = tf.unstack(affine, 2).map((p) => tf.expandDims(p, 1)); // each [nIn, 1, nOut]
  const mk = tf.expandDims(tf.tensor2d(layer.mask, [nIn, nOut]), 1);
  const z = tf.add(tf.mul(a!, tf.expandDims(x, 2)), b!); // [nIn, N, nOut]
  const fz: tf.Tensor[] = Array.from({ length: orders + 1 }, () => tf.zeros([nIn, N, nOut]));
  const symbolicEdges = new Float32Array(nIn * nOut); // where the constant d applies
  for (const { fn, select } of groups.values()) {
    select.forEach((s, e) => (symbolicEdges[e] = symbolicEdges[e]! + s));
    const sel = tf.expandDims(tf.tensor2d(select, [nIn, nOut]), 1);
    const derivatives = symbolicDerivativeOps(fn.name, fn, z, orders);
    for (let m = 0; m <= orders; m++) fz[m] = tf.add(fz[m]!, tf.mul(sel, derivatives[m]!));
  }
  let scale: tf.Tensor = tf.mul(mk, c!);
  return phi.map((p, m) => {
    if (m > 0) scale = tf.mul(scale, a!);
    let term = tf.mul(scale, fz[m]!);
    if (m === 0) term = tf.add(term, tf.mul(tf.mul(mk, d!), tf.expandDims(tf.tensor2d(symbolicEdges, [nIn, nOut]), 1)));
    return tf.add(p, term) as tf.Tensor3D;
  });
}

/**
 * Σ_{|π| = m} Π_{B∈π} x_B per channel c and order m (Faà di Bruno factors), from the input
 * channels xs[c] (each [nIn, N]); null where a channel has no term of that order.
 */
function faaFactors(plan: JetPlan, xs: readonly tf.Tensor[]): (tf.Tensor | null)[][] {
  return plan.terms.map((terms) => {
    const byOrder: (tf.Tensor | null)[] = new Array<tf.Tensor | null>(plan.maxOrder + 1).fill(null);
    for (const term of terms) {
      if (term.order === 0) continue;
      let product: tf.Tensor = xs[term.blocks[0]!]!;
      for (const block of term.blocks.slice(1)) product = tf.mul(product, xs[block]!);
      if (term.coefficient !== 1) product = tf.mul(product, term.coefficient);
      const previous = byOrder[term.order];
      byOrder[term.order] = previous ? tf.add(previous, product) : product;
    }
    return byOrder;
  });
}

/**
 * Jets through one layer in tfjs ops: x [C, N, nIn] → y [C, N, nOut], differentiable in x and in
 * the layer's parameters. Call inside tf.tidy.
 */
export function kanLayerJetOps(layer: KanLayer, plan: JetPlan, x: tf.Tensor, count: number): tf.Tensor3D {
  const C = plan.channels.length;
  const xt = tf.transpose(tf.reshape(x, [C, count, layer.nIn]), [0, 2, 1]); // [C, nIn, N]
  // (tfjs's unstack/stack gradients fail on a single slice: the value-only plan reshapes instead.)
  const xs = C === 1 ? [tf.reshape(xt, [layer.nIn, count]) as tf.Tensor2D] : (tf.unstack(xt, 0) as tf.Tensor2D[]);
  const phi = edgeDerivativeOps(layer, xs[0]!, plan.maxOrder); // [nIn, N, nOut] per order
  const factors = faaFactors(plan, xs);
  const channels = factors.map((byOrder, c) => {
    if (c === 0) return tf.sum(phi[0]!, 0);
    let acc: tf.Tensor | null = null;
    byOrder.forEach((s, m) => {
      if (!s) return;
      const term = tf.mul(tf.expandDims(s, 2), phi[m]!);
      acc = acc ? tf.add(acc, term) : term;
    });
    return acc ? tf.sum(acc, 0) : tf.zeros([count, layer.nOut]);
  });
  return (C === 1 ? tf.expandDims(channels[0]!, 0) : tf.stack(channels, 0)) as tf.Tensor3D;
}

/**
 * Per-edge values in tfjs ops: x [N, nIn] → E [N, nIn, nOut], E[n,i,j] = φ_ij(x_ni) (the
 * sparsification regulariser's input). Call inside tf.tidy.
 */
export function kanLayerEdgesOps(layer: KanLayer, x: tf.Tensor, count: number): tf.Tensor3D {
  const xt = tf.transpose(tf.reshape(x, [count, layer.nIn])) as tf.Tensor2D; // [nIn, N]
  const [phi0] = edgeDerivativeOps(layer, xt, 0);
  return tf.transpose(phi0!, [1, 0, 2]);
}
