/**
 * Floating-point operations of one eval-suite evaluation (loss + gradient), counted analytically
 * from the model, the jet plans and the point counts, so the eval suite can print GFLOP/s next to
 * the machine's matrix-product peak (issue 15, "know the limit").
 *
 * What counts: one multiply, add or subtract is one operation (a fused `a += b · c` is two); a
 * transcendental function (exp, tanh, sin) counts as one, a division as one; comparisons, index
 * arithmetic, loads and stores count nothing. The loss itself (a few elementwise ops per point) is
 * left out: it is < 1 % of every case. The counts follow the arithmetic of the kernels as written
 * (src/kan/layerCodegen.ts, src/mlp/activationCodegen.ts, the MLP's matrix products), not a
 * minimal algorithm: work a kernel skips (pruned edges, zero constant factors of the first layer)
 * is not counted, work it repeats (the backward pass recomputes the edge functions) is.
 */
import { createJetPlan, KAN_DEFAULTS, type JetPlan } from '../../src/internal.js';
import type { EvalCase } from './evalSuite.js';

/** (c, m) slots of the Faà di Bruno factors S_{c,m}, c ≥ 1, that the plan's terms can make nonzero. */
function slots(plan: JetPlan): { c: number; m: number }[] {
  const out: { c: number; m: number }[] = [];
  plan.terms.forEach((terms, c) => {
    if (c === 0) return;
    for (const m of new Set(terms.map((t) => t.order))) out.push({ c, m });
  });
  return out;
}

/**
 * Slots still nonzero when the input jet is the coordinates (the first layer, input `i`): a block
 * of input i's jet is 1 for the first-order channel of axis i and 0 for every other channel, so a
 * term survives only when all its blocks are that channel. The kernels then use the constants.
 */
function coordinateSlots(plan: JetPlan, i: number): number {
  const own = plan.channels.findIndex((axes) => axes.length === 1 && axes[0] === i);
  let count = 0;
  plan.terms.forEach((terms, c) => {
    if (c === 0) return;
    const live = new Set(terms.filter((t) => t.blocks.every((b) => b === own)).map((t) => t.order));
    count += live.size;
  });
  return count;
}

/**
 * Computing every factor S_{c,m} of one point and input from its jet: per term, the product of its
 * |blocks| channel values and the coefficient (|blocks| multiplies) and the add into S (one).
 */
function factorFlops(plan: JetPlan): number {
  let flops = 0;
  for (const terms of plan.terms.slice(1)) for (const t of terms) flops += t.blocks.length + 1;
  return flops;
}

/** SiLU and its derivatives to `order` (jet/baseFunctions.ts): exp, 1 + e, 1/(…), x·σ, then ~3 per order. */
const siluFlops = (order: number): number => 4 + 3 * order;
/** tanh and its derivatives to `order` (activationKernel.ts): tanh, 1 − t², then ~3 per order (closed forms). */
const tanhFlops = (order: number): number => 3 + 3 * order;

/**
 * One edge function and its derivatives f_0..f_orders at a point (layerCodegen.ts `edgeDerivatives`):
 * the two mask·scale products, f_m = sb·b_m for every m, and for m ≤ k the spline part
 * sp·h^m·Σ_{p≥m} (p)_m·r_p·u^{p−m} ((k−m+1) terms of 2 multiplies, k−m adds, 2 multiplies and the add).
 */
function edgeFlops(k: number, orders: number): number {
  let flops = 2 + (orders + 1);
  for (let m = 0; m <= Math.min(orders, k); m++) flops += 2 * (k - m + 1) + (k - m) + 3;
  return flops;
}

/** The per-point, per-input prelude: the local coordinate (2), its powers (k − 1), powers of 1/h, the base function's derivatives. */
const preludeFlops = (k: number, orders: number): number => 2 + (k - 1) + Math.max(0, orders - 1) + siluFlops(orders);

/**
 * A KAN layer [nIn → nOut] over N points with one jet plan, forward and backward (layerCodegen.ts).
 * Forward per edge: the edge derivatives to the plan's order M, f_0 into the value and one
 * multiply-add per live factor slot. Backward per edge: g_m (a multiply-add per slot), dL/dscale_base
 * (2M + 3), dL/draw (a multiply-add of three factors per (p, m ≤ min(M, p)): 4 each); a layer that
 * passes the gradient on (not the first) also recomputes the edge derivatives to M + 1, adds
 * g_m·f_{m+1} into dx and d·f into each slot's factor gradient, and runs the factors backward per
 * point and input (counted as twice the forward factors).
 */
export function kanLayerFlops(plan: JetPlan, k: number, nIn: number, nOut: number, N: number, first: boolean): number {
  const M = plan.maxOrder;
  const all = slots(plan).length;
  let perPoint = 0;
  for (let i = 0; i < nIn; i++) {
    const live = first ? coordinateSlots(plan, i) : all;
    const forward = preludeFlops(k, M) + (first ? 0 : factorFlops(plan)) + nOut * (edgeFlops(k, M) + 1 + 2 * live);
    let dRaw = 0;
    for (let p = 0; p <= k; p++) dRaw += 4 * (Math.min(M, p) + 1);
    const perEdgeBack = 2 * live + 1 + (2 * M + 3) + dRaw + (first ? 0 : edgeFlops(k, M + 1) + 2 * (M + 1) + 2 * all);
    const backward = preludeFlops(k, first ? M : M + 1) + (first ? 0 : 3 * factorFlops(plan) + 1) + nOut * perEdgeBack;
    perPoint += forward + backward;
  }
  return perPoint * N;
}

/**
 * An MLP [w_0, …, w_L] over N points with one jet plan of C channels, forward and backward. Each
 * layer multiplies all C channels by its weight: 2·C·N·a·b forward, twice that backward (dL/dX and
 * dL/dW); the bias goes into the value channel (N·b, and N·b for its gradient). A hidden layer's
 * activation jet per point and neuron: tanh's derivatives to M, the factors S and one multiply-add
 * per slot; its backward is counted as twice that.
 */
export function mlpFlops(plan: JetPlan, width: readonly number[], N: number): number {
  const C = plan.channels.length;
  const activation = tanhFlops(plan.maxOrder) + factorFlops(plan) + 2 * slots(plan).length;
  let flops = 0;
  for (let l = 0; l + 1 < width.length; l++) {
    const a = width[l]!;
    const b = width[l + 1]!;
    flops += 3 * 2 * C * N * a * b + 2 * N * b;
    if (l + 2 < width.length) flops += 3 * activation * N * b;
  }
  return flops;
}

/**
 * The plans of the eval suite's loss: u, u_xx, u_yy on the interior points (`interior`: one channel
 * each; `laplacian`: the forward Laplacian's one channel for u_xx + u_yy, what a solve uses), u on
 * the boundary.
 */
export const EVAL_PLANS = { interior: createJetPlan([[0, 0], [1, 1]], 2), laplacian: createJetPlan([], 2, [1, 1]), boundary: createJetPlan([], 2) };

/**
 * Operations of one loss + gradient evaluation of an eval case (see the module comment), with the
 * interior plan the suite evaluated (the eval suite passes the one `termPlan` chose).
 */
export function evalCaseFlops(c: EvalCase, interior: JetPlan = EVAL_PLANS.laplacian): number {
  const model = c.model;
  const per = (plan: JetPlan, N: number): number => {
    if (model.kind === 'mlp') return mlpFlops(plan, model.width, N);
    const k = model.k ?? KAN_DEFAULTS.k;
    let flops = 0;
    for (let l = 0; l + 1 < model.width.length; l++) flops += kanLayerFlops(plan, k, model.width[l]!, model.width[l + 1]!, N, l === 0);
    return flops;
  };
  return per(interior, c.interior) + per(EVAL_PLANS.boundary, c.boundary);
}
