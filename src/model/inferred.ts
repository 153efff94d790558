/**
 * The trainable side of inverse problems: each parameter p to infer is a map of one unconstrained
 * scalar variable θ, so that Adam and L-BFGS move θ freely while p keeps to its bounds:
 *   no bounds      p = θ
 *   min only       p = min + softplus(θ)             (softplus(θ) = log(1 + e^θ) > 0)
 *   max only       p = max − softplus(θ)
 *   min and max    p = min + (max − min)·sigmoid(θ)
 * The variables sit with the model (`model.inferred`), after its own in the optimizer's vector
 * (`trainableVariables` in src/train/params.ts), so best-parameter records, rollbacks, checkpoints
 * and model.json carry them.
 */
import * as tf from '../tf.js';
import type { InferredParameters, ParameterDeclaration } from './types.js';
import { newVariable } from './variables.js';

const softplus = (x: number): number => (x > 30 ? x : Math.log1p(Math.exp(x)));
const softplusInverse = (y: number): number => (y > 30 ? y : Math.log(Math.expm1(y)));
const sigmoid = (x: number): number => 1 / (1 + Math.exp(-x));

/** p(θ) in float64. */
export function parameterValue(p: ParameterDeclaration, theta: number): number {
  if (p.min !== undefined && p.max !== undefined) return p.min + (p.max - p.min) * sigmoid(theta);
  if (p.min !== undefined) return p.min + softplus(theta);
  if (p.max !== undefined) return p.max - softplus(theta);
  return theta;
}

/** θ with p(θ) = value (value strictly inside the bounds). */
export function parameterTheta(p: ParameterDeclaration, value: number): number {
  if (p.min !== undefined && p.max !== undefined) {
    const r = (value - p.min) / (p.max - p.min);
    return Math.log(r / (1 - r));
  }
  if (p.min !== undefined) return softplusInverse(value - p.min);
  if (p.max !== undefined) return softplusInverse(p.max - value);
  return value;
}

/** p(θ) as tensor ops (differentiable in θ). Inside tf.tidy. */
function parameterTensor(p: ParameterDeclaration, theta: tf.Tensor): tf.Tensor1D {
  if (p.min !== undefined && p.max !== undefined) return tf.add(p.min, tf.mul(p.max - p.min, tf.sigmoid(theta)));
  if (p.min !== undefined) return tf.add(p.min, tf.softplus(theta));
  if (p.max !== undefined) return tf.sub(p.max, tf.softplus(theta));
  return theta as tf.Tensor1D;
}

/** The parameters as variables, at their initial values, or at saved unconstrained values `theta` (model.json). */
export function createInferredParameters(declared: readonly ParameterDeclaration[], theta?: readonly number[]): InferredParameters {
  const own = declared.map((p) => ({ ...p }));
  const vars = own.map((p, i) => newVariable(Float32Array.of(theta?.[i] ?? parameterTheta(p, p.initial)), [1]));
  return {
    declared: own,
    variables: () => vars,
    tensors: () => Object.fromEntries(own.map((p, i) => [p.name, parameterTensor(p, vars[i]!)])),
    values: () => Object.fromEntries(own.map((p, i) => [p.name, parameterValue(p, vars[i]!.dataSync()[0]!)])),
    dispose: () => vars.forEach((v) => v.dispose()),
  };
}

