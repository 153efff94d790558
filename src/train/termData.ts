/**
 * The points of every loss term, held as tensors across training steps: coordinate and extra
 * columns for the residual's scope, and the constant input jet for the model. Rebuilt when the
 * points are resampled or refined; disposed by the trainer.
 */
import * as tf from '../tf.js';
import { inputJetTensor, jetTensorsFromInput, type NamedPlan } from '../model/evaluate.js';
import { termPlan } from './forwardLaplacian.js';
import type { ModelBase } from '../model/types.js';
import { hostMemoryBackend } from '../engine/backendMemory.js';
import type { LossTerm, Problem, Scope, TermPoints } from '../problem/types.js';

/** One loss term ready for training: its points, the point columns as tensors, the jet plan of the derivatives it needs and its constant input jet. */
export interface TermData {
  term: LossTerm;
  points: TermPoints;
  columns: Record<string, tf.Tensor1D>;
  named: NamedPlan;
  input: tf.Tensor3D;
  /** Causal weighting of this (PDE) term over time bins; absent: a plain mean. */
  causal?: CausalBins;
}

/**
 * Causal training (Wang, Sankaran & Perdikaris 2022, "Respecting causality is all you need"):
 * the PDE points are split into `count` bins by time, and bin i's mean squared residual L_i is
 * weighted w_i = exp(−ε Σ_{k<i} L_k) (the weights are constants for the gradient), so a later time
 * counts only once the earlier ones are resolved. The term's loss is (1/count) Σ w_i L_i.
 */
export interface CausalBins {
  epsilon: number;
  count: number;
  /** One-hot bin membership of each point, [points, count] (a matmul sums per bin on every backend). */
  bin: tf.Tensor2D;
  /** Points per bin (empty bins count 1, their sum is 0). */
  sizes: tf.Tensor1D;
  /** The last bin's weight at the last evaluation (the smallest; read by the ε schedule, `causalSchedule.ts`). */
  lastWeight?: number;
  /**
   * The weights the current optimizer step uses, set by its first evaluation and cleared by the
   * trainer before each step (`stepCausalWeights`): an L-BFGS step's line search then minimises one
   * fixed function. Weights recomputed at every trial point made the objective the line search sees
   * differ from the one whose gradient it follows, and L-BFGS stalled: the MLP on diffusion1d kept
   * its PDE loss at 15.2 for 130 of 150 steps (rel. L2 0.73; 1.3e-3 without causal weighting).
   */
  frozen?: Float32Array;
}

/**
 * The causal weights an evaluation uses: the step's frozen ones if set, else those of these bin
 * losses, which are then frozen for the rest of the step. `lastWeight` always follows the current
 * model, so that the ε schedule reads the latest resolution.
 */
export function stepCausalWeights(c: CausalBins, binLosses: ArrayLike<number>): Float32Array {
  const fresh = causalWeights(binLosses, c.epsilon);
  c.lastWeight = fresh[c.count - 1]!;
  c.frozen ??= fresh;
  return c.frozen;
}

/** Time bins of a term's points (`timeAxis`: the column of t); kept with the term data. */
export function causalBins(points: TermPoints, dim: number, timeAxis: number, range: readonly [number, number], epsilon: number, count: number): CausalBins {
  const bin = new Float32Array(points.count * count);
  const sizes = new Float32Array(count);
  const [t0, t1] = range;
  for (let n = 0; n < points.count; n++) {
    const t = points.coords[n * dim + timeAxis]!;
    const b = Math.min(count - 1, Math.max(0, Math.floor(((t - t0) / (t1 - t0)) * count)));
    bin[n * count + b] = 1;
    sizes[b] = sizes[b]! + 1;
  }
  for (let b = 0; b < count; b++) if (sizes[b] === 0) sizes[b] = 1;
  return { epsilon, count, bin: tf.tensor2d(bin, [points.count, count]), sizes: tf.tensor1d(sizes) };
}

/** The causal weights w_i = exp(−ε Σ_{k<i} L_k) for bin losses L (plain numbers: no gradient flows through them). */
export function causalWeights(binLosses: ArrayLike<number>, epsilon: number): Float32Array {
  const w = new Float32Array(binLosses.length);
  let sum = 0;
  for (let i = 0; i < binLosses.length; i++) {
    w[i] = Math.exp(-epsilon * sum);
    sum += binLosses[i]!;
  }
  return w;
}

/** Column `a` of row-major [count, dim] coordinates. */
export function column(coords: Float32Array, count: number, dim: number, a: number): Float32Array {
  const out = new Float32Array(count);
  for (let n = 0; n < count; n++) out[n] = coords[n * dim + a]!;
  return out;
}

/** Makes the tensors of one term's points (kept until `disposeTermData`). */
export function buildTermData(problem: Problem, model: ModelBase, term: LossTerm, points: TermPoints): TermData {
  const dim = problem.variables.length;
  const columns: Record<string, tf.Tensor1D> = {};
  problem.variables.forEach((name, a) => {
    columns[name] = tf.tensor1d(column(points.coords, points.count, dim, a));
  });
  for (const [name, values] of Object.entries(points.extra ?? {})) columns[name] = tf.tensor1d(values);
  // The forward Laplacian where the residual allows it at these points (forwardLaplacian.ts), else the plain plan.
  const named = termPlan(model, term, points, columns);
  return { term, points, columns, named, input: inputJetTensor(named.plan, points.coords, points.count) };
}

/** Frees the tensors of `buildTermData`. */
export function disposeTermData(data: TermData): void {
  for (const t of Object.values(data.columns)) t.dispose();
  data.input.dispose();
  data.causal?.bin.dispose();
  data.causal?.sizes.dispose();
}

/** The scope of a term: its columns plus the model's outputs and derivatives there (and an inverse problem's parameters). Inside tf.tidy. */
export function termScope(model: ModelBase, data: TermData): Scope {
  return { ...data.columns, ...jetTensorsFromInput(model, data.named, data.input, data.points.count), ...model.inferred?.tensors() };
}

/**
 * `termLosses` without causal terms on host-memory backends (wasm, cpu): the total
 * Σ_t w_t·mean(r_t²) as one op over all the terms' residuals, summed in float64, with its gradient
 * 2·w_t/N_t·r_t·dL written directly. Per evaluation this replaces a square and a mean per term, two
 * stacks, a product and a sum, their gradients and the copies tfjs keeps of their inputs (about 20
 * ops on a Poisson problem) by one op and its gradient. The plain means come out as constants. Not
 * on device backends, where it would read the residuals back to the host.
 */
function fusedTermLosses(model: ModelBase, data: TermData[], weights: readonly number[]): { total: tf.Scalar; terms: tf.Tensor1D } {
  const live = data.flatMap((d, t) => (d.points.count > 0 ? [t] : []));
  const residuals = live.map((t) => data[t]!.term.residual(termScope(model, data[t]!)));
  const means = new Float64Array(data.length);
  if (live.length === 0) return { total: tf.scalar(0), terms: tf.tensor1d(Float32Array.from(means)) };
  const op = tf.customGrad((...args: unknown[]) => {
    const values = (args.slice(0, live.length) as tf.Tensor[]).map((r) => r.dataSync() as Float32Array);
    let total = 0;
    values.forEach((R, i) => {
      let sum = 0;
      for (let n = 0; n < R.length; n++) sum += R[n]! * R[n]!;
      const t = live[i]!;
      means[t] = sum / R.length;
      total += weights[t]! * means[t]!;
    });
    return {
      value: tf.scalar(total),
      gradFunc: (dy: tf.Tensor) => {
        const g = dy.dataSync()[0]!;
        return values.map((R, i) => {
          const scale = (2 * weights[live[i]!]! * g) / R.length;
          const dR = new Float32Array(R.length);
          for (let n = 0; n < R.length; n++) dR[n] = scale * R[n]!;
          return tf.tensor(dR, residuals[i]!.shape);
        });
      },
    };
  });
  const total = op(...residuals) as tf.Scalar;
  return { total, terms: tf.tensor1d(Float32Array.from(means)) };
}

/**
 * Per-term mean squared residuals [T] and the weighted total. Inside tf.tidy.
 * A term with no points contributes 0. A term with causal bins enters the total causally
 * weighted (see `CausalBins`); its recorded value stays the plain mean.
 */
export function termLosses(model: ModelBase, data: TermData[], weights: readonly number[]): { total: tf.Scalar; terms: tf.Tensor1D } {
  if (hostMemoryBackend() && !data.some((d) => d.causal)) return fusedTermLosses(model, data, weights);
  const plain: tf.Scalar[] = [];
  const trained: tf.Scalar[] = [];
  for (const d of data) {
    if (d.points.count === 0) {
      plain.push(tf.scalar(0));
      trained.push(tf.scalar(0));
      continue;
    }
    const squares = tf.square(d.term.residual(termScope(model, d))) as tf.Tensor1D;
    const mean = tf.mean(squares) as tf.Scalar;
    plain.push(mean);
    if (!d.causal) {
      trained.push(mean);
      continue;
    }
    const { bin, sizes, count, epsilon } = d.causal;
    const binLosses = tf.div(tf.reshape(tf.matMul(tf.reshape(squares, [1, -1]), bin), [count]), sizes);
    const w = tf.tensor1d(stepCausalWeights(d.causal, binLosses.dataSync()));
    trained.push(tf.div(tf.sum(tf.mul(w, binLosses)), count) as tf.Scalar);
  }
  const terms = tf.stack(plain) as tf.Tensor1D;
  const total = tf.sum(tf.mul(tf.stack(trained), tf.tensor1d(weights as number[]))) as tf.Scalar;
  return { total, terms };
}
