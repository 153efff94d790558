/**
 * Compiles a rewritten expression tree once into a closure of tfjs ops over a `Scope`.
 * Constant subtrees are folded to numbers; subtrees that depend on coordinates only can be
 * hoisted into per-point columns computed in float64 when points are sampled (read from the
 * scope when present, recomputed from the coordinates otherwise).
 */
import * as tf from '@tensorflow/tfjs';
import type { ConstantNode, FunctionNode, MathNode, OperatorNode, ParenthesisNode, SymbolNode } from 'mathjs';
import type { Scope } from '../types.js';
import { compileNumeric } from './numeric.js';
import type { NumericFn } from './numeric.js';

type Value = tf.Tensor | number;
type Compiled = { constant: number } | { eval: (scope: Scope) => tf.Tensor; deps: Set<string> };

/** A coordinate-only column computed at sampling time: name and float64 evaluator over the variables. */
export interface HoistedColumn {
  name: string;
  evaluate: NumericFn;
}

/** Options of `compileTensor`. */
export interface TensorCompileOptions {
  /** Coordinate names (the problem's variables, in column order). */
  variables: readonly string[];
  /** Prefix of hoisted column names; hoisting is off when undefined. */
  hoistPrefix?: string;
}

/** A compiled expression: residual closure, the scope names it reads, and its hoisted columns. */
export interface CompiledTensorExpression {
  evaluate: (scope: Scope) => tf.Tensor1D;
  symbols: string[];
  hoisted: HoistedColumn[];
}

const UNARY_TF: Readonly<Record<string, (x: tf.Tensor) => tf.Tensor>> = {
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

/** Compiles `node` (validated by parseExpression) to a tensor closure; the result has one entry per point. */
export function compileTensor(node: MathNode, options: TensorCompileOptions): CompiledTensorExpression {
  const hoisted: HoistedColumn[] = [];
  const coordinates = new Set(options.variables);
  const symbols = new Set<string>();
  const hoist = (n: MathNode, compiled: Compiled): Compiled => {
    if (options.hoistPrefix === undefined || 'constant' in compiled || n.type === 'SymbolNode' || n.type === 'ParenthesisNode') return compiled;
    const name = `${options.hoistPrefix}${hoisted.length}`;
    hoisted.push({ name, evaluate: compileNumeric(n, options.variables) });
    const fallback = compiled.eval;
    return { deps: compiled.deps, eval: (scope) => scope[name] ?? fallback(scope) };
  };
  // Maximal coordinate-only subtrees are hoisted; everything below them compiles plainly.
  const plain = (n: MathNode): Compiled => walkNode(n, plain, symbols);
  const build = (n: MathNode): Compiled => {
    if (n.type === 'ParenthesisNode') return build((n as ParenthesisNode).content);
    const deps = symbolsOf(n);
    if (deps.size > 0 && [...deps].every((d) => coordinates.has(d))) return hoist(n, plain(n));
    return walkNode(n, build, symbols);
  };
  const root = build(node);
  const first = options.variables[0] as string;
  const evaluate = (scope: Scope): tf.Tensor1D => {
    if ('constant' in root) {
      const like = scope[first];
      if (!like) throw new Error(`residual: the scope has no column '${first}'`);
      return tf.fill([like.shape[0]], root.constant) as tf.Tensor1D;
    }
    return root.eval(scope) as tf.Tensor1D;
  };
  return { evaluate, symbols: [...symbols], hoisted };
}

/** Names of the symbols (not functions) in a tree. */
function symbolsOf(node: MathNode): Set<string> {
  const names = new Set<string>();
  node.traverse((n, _path, parent) => {
    if (n.type === 'SymbolNode' && !(parent && parent.type === 'FunctionNode' && (parent as FunctionNode).fn === n)) names.add((n as SymbolNode).name);
  });
  return names;
}

function walkNode(n: MathNode, child: (n: MathNode) => Compiled, symbols: Set<string>): Compiled {
  switch (n.type) {
    case 'ConstantNode':
      return { constant: Number((n as ConstantNode).value) };
    case 'ParenthesisNode':
      return child((n as ParenthesisNode).content);
    case 'SymbolNode': {
      const name = (n as SymbolNode).name;
      symbols.add(name);
      return {
        deps: new Set([name]),
        eval: (scope) => {
          const value = scope[name];
          if (!value) throw new Error(`residual: the scope has no column '${name}'`);
          return value;
        },
      };
    }
    case 'FunctionNode': {
      const f = n as FunctionNode;
      const name = (f.fn as unknown as SymbolNode).name;
      const args = f.args.map(child);
      if (name === 'pow' || name === 'atan2') return combine(args, (a, b) => (name === 'pow' ? power(a, b) : tf.atan2(a, b)), (a, b) => (name === 'pow' ? a ** b : Math.atan2(a, b)));
      const op = UNARY_TF[name];
      if (!op) throw new Error(`compileTensor: unknown function ${name}`);
      const a = args[0] as Compiled;
      if ('constant' in a) return { constant: compileNumeric(n, [])([]) };
      return { deps: a.deps, eval: (scope) => op(a.eval(scope)) };
    }
    case 'OperatorNode':
      return operator(n as OperatorNode, child);
    default:
      throw new Error(`compileTensor: unsupported node ${n.type}`);
  }
}

function power(a: Value, b: Value): Value {
  if (typeof b === 'number' && typeof a !== 'number') {
    if (b === 1) return a;
    if (b === 2) return tf.square(a);
    if (b === 3) return tf.mul(a, tf.square(a));
    if (b === 4) return tf.square(tf.square(a));
    if (b === 0.5) return tf.sqrt(a);
  }
  return tf.pow(a, b);
}

/** Folds constants and otherwise applies the tensor op. */
function combine(args: Compiled[], op: (a: Value, b: Value) => Value, fold: (a: number, b: number) => number): Compiled {
  const [a, b] = args as [Compiled, Compiled];
  if ('constant' in a && 'constant' in b) return { constant: fold(a.constant, b.constant) };
  const deps = new Set([...('deps' in a ? a.deps : []), ...('deps' in b ? b.deps : [])]);
  const ea = 'constant' in a ? () => a.constant : a.eval;
  const eb = 'constant' in b ? () => b.constant : b.eval;
  return { deps, eval: (scope) => op(ea(scope), eb(scope)) as tf.Tensor };
}

function operator(op: OperatorNode, child: (n: MathNode) => Compiled): Compiled {
  const args = op.args.map(child);
  const a = args[0] as Compiled;
  switch (op.fn) {
    case 'unaryMinus':
      return 'constant' in a ? { constant: -a.constant } : { deps: a.deps, eval: (scope) => tf.neg(a.eval(scope)) };
    case 'unaryPlus':
      return a;
    case 'add':
      return args.reduce((x, y) => combine([x, y], (p, q) => addValues(p, q), (p, q) => p + q));
    case 'subtract':
      return combine(args, (p, q) => (typeof q === 'number' && q === 0 ? p : tf.sub(p, q)), (p, q) => p - q);
    case 'multiply':
      return args.reduce((x, y) => combine([x, y], (p, q) => mulValues(p, q), (p, q) => p * q));
    case 'divide':
      return combine(args, (p, q) => (typeof q === 'number' ? mulValues(p, 1 / q) : tf.div(p, q)), (p, q) => p / q);
    case 'pow':
      return combine(args, power, (p, q) => p ** q);
    default:
      throw new Error(`compileTensor: unsupported operator ${op.fn}`);
  }
}

function addValues(p: Value, q: Value): Value {
  if (typeof p === 'number' && p === 0) return q;
  if (typeof q === 'number' && q === 0) return p;
  return tf.add(p, q);
}

function mulValues(p: Value, q: Value): Value {
  if (typeof p === 'number' && p === 1) return q;
  if (typeof q === 'number' && q === 1) return p;
  return tf.mul(p, q);
}
