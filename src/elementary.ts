/**
 * The elementary one-argument functions that expressions compile to, as float64 implementations
 * (their tfjs ops: elementaryTensor.ts, kept apart so this table loads without tfjs). One table for
 * the problem language (src/problem/expr, which adds erf) and the hard-constraint transforms
 * (src/model/hardConstraints.ts, which cannot import src/problem without a folder cycle). sec, csc,
 * cot, sech, csch and coth are here because mathjs' symbolic derivative produces them.
 */

/** name → float64 implementation. */
export const ELEMENTARY_NUMERIC: Readonly<Record<string, (x: number) => number>> = {
  sin: Math.sin,
  cos: Math.cos,
  tan: Math.tan,
  asin: Math.asin,
  acos: Math.acos,
  atan: Math.atan,
  sinh: Math.sinh,
  cosh: Math.cosh,
  tanh: Math.tanh,
  exp: Math.exp,
  log: Math.log,
  sqrt: Math.sqrt,
  abs: Math.abs,
  sign: Math.sign,
  square: (x) => x * x,
  cube: (x) => x * x * x,
  sec: (x) => 1 / Math.cos(x),
  csc: (x) => 1 / Math.sin(x),
  cot: (x) => 1 / Math.tan(x),
  sech: (x) => 1 / Math.cosh(x),
  csch: (x) => 1 / Math.sinh(x),
  coth: (x) => 1 / Math.tanh(x),
};
