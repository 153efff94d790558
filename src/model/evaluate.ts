/**
 * Shared plumbing between models and callers: point validation, jet plans from derivative names,
 * and splitting an output jet into named tensors or arrays.
 */
import * as tf from '../tf.js';
import { KanpinnInputError } from '../errors.js';
import { createJetPlan, channelIndex, inputJet, parseDerivative, type DerivativeName, type JetPlan } from '../jet/plan.js';
import type { ModelBase, PointsInput } from './types.js';

/** Validates points against the input dimension; returns them flat (row-major) with their count. */
export function flattenPoints(points: PointsInput, dim: number, field = 'points'): { data: Float32Array; count: number } {
  if (points instanceof Float32Array || points instanceof Float64Array) {
    if (points.length % dim !== 0) {
      throw new KanpinnInputError(`${field}: flat array length ${points.length} is not a multiple of the input dimension ${dim}`);
    }
    const data = points instanceof Float32Array ? points : Float32Array.from(points);
    for (let i = 0; i < data.length; i++) {
      if (!Number.isFinite(data[i]!)) throw new KanpinnInputError(`${field}: value ${data[i]} at index ${i} is not finite`);
    }
    return { data, count: points.length / dim };
  }
  const data = new Float32Array(points.length * dim);
  points.forEach((row, n) => {
    if (row.length !== dim) throw new KanpinnInputError(`${field}[${n}]: expected ${dim} coordinates, got ${row.length}`);
    row.forEach((v, a) => {
      if (!Number.isFinite(v)) throw new KanpinnInputError(`${field}[${n}][${a}]: ${v} is not a finite number`);
      data[n * dim + a] = v;
    });
  });
  return { data, count: points.length };
}

/**
 * Where a requested name comes from in the output jet: channel `channel` of output `output`, or,
 * with `zero`, a column of zeros (a pure second derivative that a forward-Laplacian plan folds
 * into the combined channel, fed under another name; see `planFor`).
 */
export interface JetPick {
  name: string;
  channel: number;
  output: number;
  zero?: true;
}

/** A plan plus where each requested name sits in the output jet. */
export interface NamedPlan {
  plan: JetPlan;
  picks: JetPick[];
}

const planCache = new Map<string, NamedPlan>();

/**
 * Resolves derivative names (`u`, `u_xx`, `v_xy`) into a jet plan; cached by request.
 *
 * With `laplacian` (one coefficient c_i per input, normalised so that the largest |c_i| is
 * c_k = 1), the plan carries L = Σ_i c_i ∂²/∂x_i² in one combined channel instead of the pure
 * second derivatives of the axes with c_i ≠ 0 (jet/plan.ts): an output's u_{x_k x_k} is then
 * L of that output and its other u_{x_i x_i} (c_i ≠ 0) are zeros, so that a residual that reads
 * them only through Σ_i c_i u_{x_i x_i} gets exactly that sum. Every output that requests any of
 * them must request all of them (the caller has checked that its residual depends on that sum).
 */
export function planFor(names: readonly string[], inputs: readonly string[], outputs: readonly string[], laplacian?: readonly number[]): NamedPlan {
  const cacheKey = `${inputs.join(',')}|${outputs.join(',')}|${names.join(',')}|${laplacian?.join(',') ?? ''}`;
  const cached = planCache.get(cacheKey);
  if (cached) return cached;
  const parsed = names.map((name) => parseDerivative(name, inputs, outputs));
  const named = laplacian === undefined ? plainNamedPlan(parsed, inputs.length) : laplacianNamedPlan(parsed, inputs.length, laplacian);
  planCache.set(cacheKey, named);
  return named;
}

function plainNamedPlan(parsed: readonly DerivativeName[], d: number): NamedPlan {
  const plan = createJetPlan(parsed.map((p) => p.axes), d);
  return { plan, picks: parsed.map((p) => ({ name: p.name, channel: channelIndex(plan, p.axes), output: p.output })) };
}

function laplacianNamedPlan(parsed: readonly DerivativeName[], d: number, laplacian: readonly number[]): NamedPlan {
  const k = laplacian.indexOf(1);
  if (k < 0 || laplacian.some((c) => Math.abs(c) > 1)) throw new Error(`planFor: Laplacian coefficients must be normalised to a largest |c| of 1, got [${laplacian.join(', ')}]`);
  const folded = (p: DerivativeName): boolean => p.axes.length === 2 && p.axes[0] === p.axes[1] && laplacian[p.axes[0]!] !== 0;
  const summed = laplacian.flatMap((c, a) => (c === 0 ? [] : [a]));
  for (const output of new Set(parsed.filter(folded).map((p) => p.output))) {
    const axes = parsed.filter((p) => folded(p) && p.output === output).map((p) => p.axes[0]!);
    if (summed.some((a) => !axes.includes(a))) throw new Error(`planFor: an output requests only some of the second derivatives of the Laplacian [${laplacian.join(', ')}]`);
  }
  const plan = createJetPlan(parsed.filter((p) => !folded(p)).map((p) => p.axes), d, laplacian);
  const combined = plan.combined!.channel;
  return {
    plan,
    picks: parsed.map((p) => {
      if (!folded(p)) return { name: p.name, channel: channelIndex(plan, p.axes), output: p.output };
      return p.axes[0] === k ? { name: p.name, channel: combined, output: p.output } : { name: p.name, channel: combined, output: p.output, zero: true as const };
    }),
  };
}

/** The constant input jet of `count` points as a tensor [C, N, d]. */
export function inputJetTensor(plan: JetPlan, points: Float32Array, count: number): tf.Tensor3D {
  return tf.tensor3d(inputJet(plan, points, count), [plan.channels.length, count, plan.inputDim]);
}

/**
 * Named outputs/derivatives as differentiable 1-D tensors [N] (call inside `tf.tidy`).
 * `points` is flat row-major; the model's jet op is evaluated once for all names.
 */
export function jetTensors(model: ModelBase, names: readonly string[], points: Float32Array, count: number): Record<string, tf.Tensor1D> {
  const named = planFor(names, model.inputs, model.outputs);
  return jetTensorsFromInput(model, named, inputJetTensor(named.plan, points, count), count);
}

/** As `jetTensors`, from a prepared plan and input jet (the trainer keeps both across steps). */
export function jetTensorsFromInput(model: ModelBase, named: NamedPlan, input: tf.Tensor3D, count: number): Record<string, tf.Tensor1D> {
  const { plan, picks } = named;
  const out = model.jetForward(plan, input, count); // [C, N, nOut]
  const nOut = model.outputs.length;
  // Rows of [C·nOut, N], cut by one split: one op and one gradient (a concat, tfjs filling the
  // unused rows' gradients with zeros) instead of a slice per name (on wasm each slice copied the
  // whole jet) whose gradients are padded back to the full jet and added up.
  const R = plan.channels.length * nOut;
  const flat = (nOut === 1 ? out : out.transpose([0, 2, 1])).reshape([R * count]) as tf.Tensor1D;
  const rows = R === 1 ? [flat] : (tf.split(flat, R) as tf.Tensor1D[]);
  const result: Record<string, tf.Tensor1D> = {};
  for (const pick of picks) result[pick.name] = pick.zero ? tf.zeros([count]) : rows[pick.channel * nOut + pick.output]!;
  return result;
}

/** `evaluate` for any model: runs the jet op without gradients and copies out plain arrays. */
export function evaluateModel(model: ModelBase, points: PointsInput, names: readonly string[] | undefined): Record<string, Float32Array> {
  const wanted = names ?? model.outputs;
  const { data, count } = flattenPoints(points, model.inputs.length);
  const { plan, picks } = planFor(wanted, model.inputs, model.outputs);
  const values = tf.tidy(() => model.jetForward(plan, inputJetTensor(plan, data, count), count).dataSync() as Float32Array);
  const nOut = model.outputs.length;
  const result: Record<string, Float32Array> = {};
  for (const pick of picks) {
    const column = new Float32Array(count);
    if (pick.zero) {
      result[pick.name] = column;
      continue;
    }
    const base = pick.channel * count * nOut;
    for (let n = 0; n < count; n++) column[n] = values[base + n * nOut + pick.output]!;
    result[pick.name] = column;
  }
  return result;
}
