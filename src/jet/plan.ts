/**
 * Forward-jet bookkeeping: which derivative channels a request needs, and how a channel of
 * f(x) follows from the channels of x by Faà di Bruno's formula.
 *
 * A channel is a multiset of input axes (sorted axis indices): [] is the value, [0] is ∂/∂x0,
 * [0,1] is ∂²/∂x0∂x1. For a one-variable function f applied to a jet x,
 *   (f∘x)_D = Σ_{set partitions π of D} f^{(|π|)}(x) · Π_{B∈π} x_B,
 * so every channel of the output needs f's derivatives up to |D| and the channels of x that are
 * sub-multisets of D.
 *
 * A plan may also carry one combined channel (the forward Laplacian, Li et al. 2023, "Forward
 * Laplacian: a new computational framework for neural network-based variational Monte Carlo"):
 * L = Σ_i c_i ∂²/∂x_i² with constant c_i. For h = f(z), h_L = f''(z) Σ_i c_i (z_i)² + f'(z) z_L, and a
 * linear map carries L like any channel, so one channel replaces the pure second derivatives a
 * residual reads only through that sum (2-D: 5 channels → 4; 5-D: 11 → 7).
 */
import { KanpinnInputError } from '../errors.js';
import { parseDerivativeName } from './names.js';
import type { DerivativeName } from './names.js';

/** A derivative request resolved against variables and outputs: `u_xy` → output 0, axes [0, 1]. */
export type { DerivativeName } from './names.js';

/**
 * Parses `u`, `u_x`, `u_xx`, `u_xy`, `u_tt`, `u_xxyy` through the one name parser
 * (`parseDerivativeName`); throws naming the derivative when it is malformed, beyond
 * MAX_DERIVATIVE_ORDER, or not of one of `outputs`.
 */
export function parseDerivative(name: string, variables: readonly string[], outputs: readonly string[]): DerivativeName {
  let parsed: DerivativeName | undefined;
  try {
    parsed = parseDerivativeName(name, variables, outputs);
  } catch (error) {
    throw new KanpinnInputError(`derivatives: ${(error as Error).message}`);
  }
  if (parsed === undefined) {
    const head = name.split('_')[0] as string;
    throw new KanpinnInputError(`derivatives: unknown output '${head}' in '${name}' (outputs are ${outputs.join(', ')})`);
  }
  return parsed;
}

/** One Faà di Bruno term of a channel: `coefficient · f^{(order)} · Π x_{blocks}`. */
export interface JetTerm {
  order: number;
  coefficient: number;
  /** Channel indices of the blocks (never 0: blocks are non-empty). */
  blocks: number[];
}

/**
 * The entry of a combined channel in `JetPlan.channels`: not a multiset of axes (no axis is
 * negative), so that code keyed by multisets finds nothing under it; `JetPlan.combined` says what
 * the channel holds.
 */
export const COMBINED_AXES: readonly number[] = Object.freeze([-1, -1]);

/** The combined channel of a plan: channel `channel` holds Σ_i coefficients[i] ∂²/∂x_i². */
export interface CombinedChannel {
  channel: number;
  /** One coefficient per input axis (0: the axis is not in the sum); at least one is not 0. */
  coefficients: number[];
}

/** The channels to carry through a network and how each one composes. */
export interface JetPlan {
  /** Channel multisets; channel 0 is the value []; a combined channel is listed as `COMBINED_AXES`. */
  channels: number[][];
  /** Terms per channel (channel 0 has the single term order 0, no blocks). */
  terms: JetTerm[][];
  /** Highest derivative order over all channels. */
  maxOrder: number;
  /** Input dimension the plan was made for. */
  inputDim: number;
  /** The combined second-order channel (forward Laplacian), last in `channels`; absent in a plain plan. */
  combined?: CombinedChannel;
}

const key = (axes: readonly number[]): string => axes.join(',');

/** Every non-empty sub-multiset of `axes` (sorted), including `axes` itself. */
function subMultisets(axes: readonly number[]): number[][] {
  const out = new Map<string, number[]>();
  const n = axes.length;
  for (let mask = 1; mask < 1 << n; mask++) {
    const sub = axes.filter((_, i) => (mask >> i) & 1);
    out.set(key(sub), sub);
  }
  return [...out.values()];
}

/** All set partitions of the positions 0..n-1, each as a list of blocks of positions. */
function setPartitions(n: number): number[][][] {
  if (n === 0) return [[]];
  const result: number[][][] = [];
  for (const partition of setPartitions(n - 1)) {
    for (let b = 0; b < partition.length; b++) {
      result.push(partition.map((block, i) => (i === b ? [...block, n - 1] : block)));
    }
    result.push([...partition, [n - 1]]);
  }
  return result;
}

/**
 * Builds the channel set closed under sub-multisets, ordered by total order, and the terms of each.
 * With `laplacian` (one coefficient per input axis), one more channel, last, holds
 * L = Σ_i laplacian[i] ∂²/∂x_i²: its terms are {order 2, blocks [x_i, x_i], coefficient c_i} for
 * every c_i ≠ 0 and {order 1, blocks [L]}, and the first-order channels of those axes are added.
 */
export function createJetPlan(requested: readonly (readonly number[])[], inputDim: number, laplacian?: readonly number[]): JetPlan {
  if (laplacian === undefined) return plainPlan(requested, inputDim);
  if (laplacian.length !== inputDim || laplacian.some((c) => !Number.isFinite(c)) || laplacian.every((c) => c === 0)) {
    throw new Error(`jet plan: expected ${inputDim} finite Laplacian coefficients, not all 0, got [${laplacian.join(', ')}]`);
  }
  const axes = laplacian.flatMap((c, a) => (c === 0 ? [] : [a]));
  const base = plainPlan([...requested, ...axes.map((a) => [a])], inputDim);
  const channel = base.channels.length;
  const first = (a: number): number => channelIndex(base, [a]);
  const terms: JetTerm[] = [...axes.map((a) => ({ order: 2, coefficient: laplacian[a]!, blocks: [first(a), first(a)] })), { order: 1, coefficient: 1, blocks: [channel] }];
  return {
    channels: [...base.channels, [...COMBINED_AXES]],
    terms: [...base.terms, terms],
    maxOrder: Math.max(2, base.maxOrder),
    inputDim,
    combined: { channel, coefficients: [...laplacian] },
  };
}

function plainPlan(requested: readonly (readonly number[])[], inputDim: number): JetPlan {
  const byKey = new Map<string, number[]>([['', []]]);
  for (const axes of requested) {
    for (const sub of subMultisets([...axes].sort((a, b) => a - b))) byKey.set(key(sub), sub);
  }
  const channels = [...byKey.values()].sort((a, b) => a.length - b.length || key(a).localeCompare(key(b)));
  const index = new Map(channels.map((axes, i) => [key(axes), i]));
  const terms = channels.map((axes): JetTerm[] => {
    if (axes.length === 0) return [{ order: 0, coefficient: 1, blocks: [] }];
    const grouped = new Map<string, JetTerm>();
    for (const partition of setPartitions(axes.length)) {
      const blocks = partition
        .map((block) => index.get(key(block.map((p) => axes[p]!).sort((a, b) => a - b)))!)
        .sort((a, b) => a - b);
      const id = blocks.join(',');
      const existing = grouped.get(id);
      if (existing) existing.coefficient += 1;
      else grouped.set(id, { order: blocks.length, coefficient: 1, blocks });
    }
    return [...grouped.values()];
  });
  const maxOrder = Math.max(0, ...channels.map((c) => c.length));
  return { channels, terms, maxOrder, inputDim };
}

/** Index of the channel with these axes in the plan; throws if the plan lacks it. */
export function channelIndex(plan: JetPlan, axes: readonly number[]): number {
  const wanted = key([...axes].sort((a, b) => a - b));
  const found = plan.channels.findIndex((c) => key(c) === wanted);
  if (found < 0) throw new Error(`jet plan has no channel [${wanted}]`);
  return found;
}

/**
 * The input jet of the network: [C, N, d] row-major, value channel = the points, first-order
 * channel of axis a = e_a, higher channels zero (a combined channel too: the inputs are linear).
 */
export function inputJet(plan: JetPlan, points: Float32Array, count: number): Float32Array {
  const d = plan.inputDim;
  const out = new Float32Array(plan.channels.length * count * d);
  out.set(points.subarray(0, count * d), 0);
  plan.channels.forEach((axes, c) => {
    if (axes.length !== 1) return;
    const a = axes[0]!;
    const base = c * count * d;
    for (let n = 0; n < count; n++) out[base + n * d + a] = 1;
  });
  return out;
}
