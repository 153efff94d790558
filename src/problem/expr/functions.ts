/** The functions expressions may call, with their float64 implementations (tensor ones live in tensor.ts). */
import { ELEMENTARY_NUMERIC } from '../../elementary.js';
import { besselj, bessely, erf } from './special.js';

/** One-argument functions: name → float64 implementation. */
export const UNARY_FUNCTIONS: Readonly<Record<string, (x: number) => number>> = { ...ELEMENTARY_NUMERIC, erf };

/** Two-argument functions. */
export const BINARY_FUNCTIONS: Readonly<Record<string, (a: number, b: number) => number>> = {
  pow: (a, b) => a ** b,
  atan2: Math.atan2,
  // Bessel functions of the first and second kind; the first argument is an integer order.
  besselj,
  bessely,
};

/** Functions whose first argument is an integer order fixed when the expression is parsed. */
export const ORDER_FUNCTIONS: readonly string[] = ['besselj', 'bessely'];

/** Operators over unknowns expanded at parse time: `lap(u)`, `grad(u)` (inside `div`), `div(…)`. */
export const OPERATOR_NAMES: readonly string[] = ['lap', 'grad', 'div'];

/** Every callable name. */
export const FUNCTION_NAMES: readonly string[] = [...Object.keys(UNARY_FUNCTIONS), ...Object.keys(BINARY_FUNCTIONS), ...OPERATOR_NAMES];

/** Named constants. */
export const CONSTANTS: Readonly<Record<string, number>> = { pi: Math.PI, e: Math.E };
