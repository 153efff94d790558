/**
 * The points of every loss term, held as tensors across training steps: coordinate and extra
 * columns for the residual's scope, and the constant input jet for the model. Rebuilt when the
 * points are resampled or refined; disposed by the trainer.
 */
import * as tf from '@tensorflow/tfjs';
import { inputJetTensor, jetTensorsFromInput, planFor, type NamedPlan } from '../model/evaluate.js';
import type { ModelBase } from '../model/types.js';
import type { LossTerm, Problem, Scope, TermPoints } from '../problem/types.js';

export interface TermData {
  term: LossTerm;
  points: TermPoints;
  columns: Record<string, tf.Tensor1D>;
  named: NamedPlan;
  input: tf.Tensor3D;
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
  const named = planFor(term.derivatives, model.inputs, model.outputs);
  return { term, points, columns, named, input: inputJetTensor(named.plan, points.coords, points.count) };
}

export function disposeTermData(data: TermData): void {
  for (const t of Object.values(data.columns)) t.dispose();
  data.input.dispose();
}

/** The scope of a term: its columns plus the model's outputs and derivatives there. Inside tf.tidy. */
export function termScope(model: ModelBase, data: TermData): Scope {
  return { ...data.columns, ...jetTensorsFromInput(model, data.named, data.input, data.points.count) };
}

/**
 * Per-term mean squared residuals [T] and the weighted total. Inside tf.tidy.
 * A term with no points contributes 0.
 */
export function termLosses(model: ModelBase, data: TermData[], weights: readonly number[]): { total: tf.Scalar; terms: tf.Tensor1D } {
  const losses = data.map((d) => (d.points.count === 0 ? tf.scalar(0) : tf.mean(tf.square(d.term.residual(termScope(model, d))))));
  const terms = tf.stack(losses) as tf.Tensor1D;
  const total = tf.sum(tf.mul(terms, tf.tensor1d(weights as number[]))) as tf.Scalar;
  return { total, terms };
}
