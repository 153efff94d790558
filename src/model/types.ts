/**
 * What every model (KAN or MLP) offers the trainer, the metrics and the CLI: forward jets as a
 * differentiable tfjs op, plain evaluation to Float32Arrays, and its trainable variables.
 */
import type * as tf from '../tf.js';
import type { JetPlan } from '../jet/plan.js';

/** Points as rows (`number[][]`) or a flat row-major `Float32Array` of the input dimension. */
export type PointsInput = readonly (readonly number[])[] | Float32Array | Float64Array;

/** Options of `model.evaluate`. */
export interface EvaluateOptions {
  /** Names of the outputs and derivatives to compute, e.g. `['u', 'u_x', 'u_xx', 'u_xy']`. Default: the outputs. */
  derivatives?: readonly string[];
}

/** The part shared by every model. */
export interface ModelBase {
  /** Input variable names (used in derivative names), e.g. `['x', 'y']`. */
  readonly inputs: readonly string[];
  /** Output names, e.g. `['u']`. */
  readonly outputs: readonly string[];
  /** Layer widths including input and output, e.g. `[2, 10, 1]`. */
  readonly width: readonly number[];
  /** Trainable variables in a fixed order (the optimizer's flat vector follows it). */
  variables(): tf.Variable[];
  /** Number of trainable scalars (masked-out KAN edges excluded). */
  paramCount(): number;
  /**
   * Forward jets as a differentiable op: input jet [C, N, d] (see `inputJet`) → output jet
   * [C, N, outputs]. Call inside `tf.tidy`.
   */
  jetForward(plan: JetPlan, inputJet: tf.Tensor3D, count: number): tf.Tensor3D;
  /** Computes the named outputs/derivatives at the points; plain arrays, no tensors leak. */
  evaluate(points: PointsInput, options?: EvaluateOptions): Record<string, Float32Array>;
  /** Frees the variables. */
  dispose(): void;
  /** Unknown scalar parameters of an inverse problem, trained with the model's own (attached by the trainer, saved in model.json). */
  inferred?: InferredParameters;
}

/** One parameter to infer as declared (`infer.k` of a problem): start value, optional bounds (exclusive) and true value. */
export interface ParameterDeclaration {
  name: string;
  initial: number;
  min?: number;
  max?: number;
  truth?: number;
}

/**
 * Unknown scalar parameters p trained jointly with a network: each is a bounded map of an
 * unconstrained variable θ (see `./inferred.ts`), and the optimizer moves θ.
 */
export interface InferredParameters {
  /** The declarations, in variable order. */
  readonly declared: readonly ParameterDeclaration[];
  /** The unconstrained variables θ, one scalar each (shape [1]), in `declared` order. */
  variables(): tf.Variable[];
  /** p(θ) as [1]-shaped tensors by name, differentiable, for a residual's scope. Call inside `tf.tidy`. */
  tensors(): Record<string, tf.Tensor1D>;
  /** p(θ) as numbers by name (computed in float64 from θ). */
  values(): Record<string, number>;
  /** Frees the variables. */
  dispose(): void;
}
