/**
 * Compiles a rewritten expression tree to a float64 closure over a vector of named values
 * (used for condition values, `on` selectors, exact solutions and their derivatives).
 */
import type { ConditionalNode, ConstantNode, FunctionNode, MathNode, OperatorNode, ParenthesisNode, SymbolNode } from 'mathjs';
import { BINARY_FUNCTIONS, CONSTANTS, UNARY_FUNCTIONS } from './functions.js';
import { fieldNumeric, fieldReferenceOf } from './fieldNode.js';

/** f(values) with values[i] the value of names[i]; booleans are 1/0. */
export type NumericFn = (values: ArrayLike<number>) => number;

/** Options of `compileNumeric`. */
export interface NumericOptions {
  /** Absolute tolerance of `==` and `!=` (and slack of `<=`, `>=`). */
  tolerance: number;
}

/** Defaults: exact comparisons. */
export const NUMERIC_DEFAULTS: NumericOptions = { tolerance: 0 };

/** Compiles `node` over `names`; throws on a symbol outside `names` (callers validate first). */
export function compileNumeric(node: MathNode, names: readonly string[], options: Partial<NumericOptions> = {}): NumericFn {
  const { tolerance } = { ...NUMERIC_DEFAULTS, ...options };
  const walk = (n: MathNode): NumericFn => {
    switch (n.type) {
      case 'ConstantNode': {
        const value = Number((n as ConstantNode).value);
        return () => value;
      }
      case 'ParenthesisNode':
        return walk((n as ParenthesisNode).content);
      case 'SymbolNode': {
        const name = (n as SymbolNode).name;
        const index = names.indexOf(name);
        if (index >= 0) return (v) => v[index] as number;
        const constant = CONSTANTS[name];
        if (constant !== undefined) return () => constant;
        throw new Error(`compileNumeric: unknown symbol ${name}`);
      }
      case 'ConditionalNode': {
        const c = n as ConditionalNode;
        const test = walk(c.condition);
        const a = walk(c.trueExpr);
        const b = walk(c.falseExpr);
        return (v) => (test(v) !== 0 ? a(v) : b(v));
      }
      case 'FunctionNode': {
        const f = n as FunctionNode;
        const reference = fieldReferenceOf(f);
        if (reference) return fieldNumeric(reference, f.args.slice(1).map(walk));
        const name = (f.fn as unknown as SymbolNode).name;
        const args = f.args.map(walk);
        const unary = UNARY_FUNCTIONS[name];
        if (unary && args.length === 1) {
          const a = args[0] as NumericFn;
          return (v) => unary(a(v));
        }
        const binary = BINARY_FUNCTIONS[name];
        if (binary && args.length === 2) {
          const [a, b] = args as [NumericFn, NumericFn];
          return (v) => binary(a(v), b(v));
        }
        throw new Error(`compileNumeric: unknown function ${name}`);
      }
      case 'OperatorNode':
        return operator(n as OperatorNode, walk, tolerance);
      default:
        throw new Error(`compileNumeric: unsupported node ${n.type}`);
    }
  };
  return walk(node);
}

function operator(op: OperatorNode, walk: (n: MathNode) => NumericFn, tol: number): NumericFn {
  const args = op.args.map(walk);
  const a = args[0] as NumericFn;
  const b = (args[1] ?? a) as NumericFn;
  switch (op.fn) {
    case 'unaryMinus':
      return (v) => -a(v);
    case 'unaryPlus':
      return a;
    case 'add':
      return args.length === 2 ? (v) => a(v) + b(v) : (v) => args.reduce((s, f) => s + f(v), 0);
    case 'subtract':
      return (v) => a(v) - b(v);
    case 'multiply':
      return args.length === 2 ? (v) => a(v) * b(v) : (v) => args.reduce((s, f) => s * f(v), 1);
    case 'divide':
      return (v) => a(v) / b(v);
    case 'pow':
      return (v) => a(v) ** b(v);
    case 'equal':
      return (v) => (Math.abs(a(v) - b(v)) <= tol ? 1 : 0);
    case 'unequal':
      return (v) => (Math.abs(a(v) - b(v)) > tol ? 1 : 0);
    case 'smaller':
      return (v) => (a(v) < b(v) ? 1 : 0);
    case 'smallerEq':
      return (v) => (a(v) <= b(v) + tol ? 1 : 0);
    case 'larger':
      return (v) => (a(v) > b(v) ? 1 : 0);
    case 'largerEq':
      return (v) => (a(v) + tol >= b(v) ? 1 : 0);
    case 'and':
      return (v) => (a(v) !== 0 && b(v) !== 0 ? 1 : 0);
    case 'or':
      return (v) => (a(v) !== 0 || b(v) !== 0 ? 1 : 0);
    case 'xor':
      return (v) => ((a(v) !== 0) !== (b(v) !== 0) ? 1 : 0);
    case 'not':
      return (v) => (a(v) === 0 ? 1 : 0);
    default:
      throw new Error(`compileNumeric: unsupported operator ${op.fn}`);
  }
}

/** Evaluates `fn` at every row of row-major `coords` [count, names.length] (float64 out). */
export function evaluateRows(fn: NumericFn, coords: ArrayLike<number>, count: number, width: number): Float64Array {
  const out = new Float64Array(count);
  const row = new Float64Array(width);
  for (let i = 0; i < count; i++) {
    for (let d = 0; d < width; d++) row[d] = coords[i * width + d] as number;
    out[i] = fn(row);
  }
  return out;
}
