/** The tfjs ops of the elementary functions of elementary.ts (same names). */
import * as tf from './tf.js';

/** name → tfjs op. */
export const ELEMENTARY_TENSOR: Readonly<Record<string, (x: tf.Tensor) => tf.Tensor>> = {
  sin: tf.sin,
  cos: tf.cos,
  tan: tf.tan,
  asin: tf.asin,
  acos: tf.acos,
  atan: tf.atan,
  sinh: tf.sinh,
  cosh: tf.cosh,
  tanh: tf.tanh,
  exp: tf.exp,
  log: tf.log,
  sqrt: tf.sqrt,
  abs: tf.abs,
  sign: tf.sign,
  square: tf.square,
  cube: (x) => tf.mul(x, tf.square(x)),
  sec: (x) => tf.reciprocal(tf.cos(x)),
  csc: (x) => tf.reciprocal(tf.sin(x)),
  cot: (x) => tf.reciprocal(tf.tan(x)),
  sech: (x) => tf.reciprocal(tf.cosh(x)),
  csch: (x) => tf.reciprocal(tf.sinh(x)),
  coth: (x) => tf.reciprocal(tf.tanh(x)),
};
