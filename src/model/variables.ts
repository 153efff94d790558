/** What both model kinds (KAN and MLP) build their parameters and names from. */
import * as tf from '../tf.js';

/** A trainable variable holding a copy of `values` (unnamed: tfjs gives it a unique name). */
export function newVariable(values: Float32Array, shape: number[]): tf.Variable {
  return tf.tidy(() => tf.variable(tf.tensor(values, shape)));
}

/** Default input names by dimension: x, y, z, t then x4, x5, … */
export function defaultInputNames(dim: number): string[] {
  const names = ['x', 'y', 'z', 't'];
  return Array.from({ length: dim }, (_, i) => (dim <= 4 ? names[i]! : `x${i + 1}`));
}

/** Default output names: u, v, w then u4, u5, … */
export function defaultOutputNames(dim: number): string[] {
  const names = ['u', 'v', 'w'];
  return Array.from({ length: dim }, (_, i) => (dim <= 3 ? names[i]! : `u${i + 1}`));
}
