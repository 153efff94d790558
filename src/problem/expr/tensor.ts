/**
 * Compiles a rewritten expression tree once into a closure of tfjs ops over a `Scope`.
 * Constant subtrees are folded to numbers; subtrees that depend on coordinates only can be
 * hoisted into per-point columns computed in float64 when points are sampled (read from the
 * scope when present, recomputed from the coordinates otherwise).
 */
import * as tf from '../../tf.js';
import { ELEMENTARY_TENSOR } from '../../elementaryTensor.js';
import type { ConditionalNode, ConstantNode, FunctionNode, MathNode, OperatorNode, ParenthesisNode, SymbolNode } from 'mathjs';
import type { Scope } from '../types.js';
import { compileNumeric } from './numeric.js';
import type { NumericFn } from './numeric.js';
import { besselj, bessely } from './special.js';
import { fieldReferenceOf, fieldTensor } from './fieldNode.js';

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

const UNARY_TF: Readonly<Record<string, (x: tf.Tensor) => tf.Tensor>> = { ...ELEMENTARY_TENSOR, erf: tf.erf };

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
      const reference = fieldReferenceOf(f);
      if (reference) {
        const inputs = f.args.slice(1).map(child);
        const deps = new Set(inputs.flatMap((a) => ('deps' in a ? [...a.deps] : [])));
        const tensors = (scope: Scope): tf.Tensor[] => inputs.map((a) => ('constant' in a ? tf.scalar(a.constant) : a.eval(scope)));
        return { deps, eval: (scope) => fieldTensor(reference, tensors(scope)) };
      }
      const name = (f.fn as unknown as SymbolNode).name;
      const args = f.args.map(child);
      if (name === 'pow' || name === 'atan2') return combine(args, (a, b) => (name === 'pow' ? power(a, b) : tf.atan2(a, b)), (a, b) => (name === 'pow' ? a ** b : Math.atan2(a, b)));
      if (name === 'besselj' || name === 'bessely') {
        const [order, x] = args as [Compiled, Compiled];
        const n = 'constant' in order ? order.constant : NaN;
        if ('constant' in x) return { constant: (name === 'besselj' ? besselj : bessely)(n, x.constant) };
        return { deps: x.deps, eval: (scope) => besselTensor(name, n, x.eval(scope)) };
      }
      const op = UNARY_TF[name];
      if (!op) throw new Error(`compileTensor: unknown function ${name}`);
      const a = args[0] as Compiled;
      if ('constant' in a) return { constant: compileNumeric(n, [])([]) };
      return { deps: a.deps, eval: (scope) => op(a.eval(scope)) };
    }
    case 'OperatorNode':
      return operator(n as OperatorNode, child);
    case 'ConditionalNode':
      return conditional(n as ConditionalNode, child);
    default:
      throw new Error(`compileTensor: unsupported node ${n.type}`);
  }
}

/**
 * c ? a : b as where(c ≠ 0, a, b): the gradient is the taken branch's. A coordinate-only test is
 * hoisted to a float64 column; a test on unknowns is built from `step`, whose gradient is zero,
 * because tfjs comparisons have no gradient and would throw inside the loss gradient.
 */
function conditional(c: ConditionalNode, child: (n: MathNode) => Compiled): Compiled {
  const test = child(c.condition);
  const a = child(c.trueExpr);
  const b = child(c.falseExpr);
  if ('constant' in test) return test.constant !== 0 ? a : b;
  const deps = new Set([...test.deps, ...('deps' in a ? a.deps : []), ...('deps' in b ? b.deps : [])]);
  const ea = 'constant' in a ? () => a.constant : a.eval;
  const eb = 'constant' in b ? () => b.constant : b.eval;
  return {
    deps,
    eval: (scope) => {
      const mask = tf.cast(test.eval(scope), 'bool');
      const ta = ea(scope);
      const tb = eb(scope);
      return tf.where(mask, typeof ta === 'number' ? tf.scalar(ta) : ta, typeof tb === 'number' ? tf.scalar(tb) : tb);
    },
  };
}

/** 1 where p ≠ 0, else 0, with a zero gradient. */
function truth(p: tf.Tensor): tf.Tensor {
  return tf.step(tf.abs(p));
}

function tensorOf(v: Value): tf.Tensor {
  return typeof v === 'number' ? tf.scalar(v) : v;
}

/** Comparisons and logic as 1/0 tensors built from `step` (zero gradient; comparisons have none). */
const LOGIC_TF: Readonly<Record<string, { op: (a: Value, b: Value) => tf.Tensor; fold: (a: number, b: number) => number }>> = {
  larger: { op: (a, b) => tf.step(tf.sub(a, b)), fold: (a, b) => (a > b ? 1 : 0) },
  smaller: { op: (a, b) => tf.step(tf.sub(b, a)), fold: (a, b) => (a < b ? 1 : 0) },
  largerEq: { op: (a, b) => tf.sub(1, tf.step(tf.sub(b, a))), fold: (a, b) => (a >= b ? 1 : 0) },
  smallerEq: { op: (a, b) => tf.sub(1, tf.step(tf.sub(a, b))), fold: (a, b) => (a <= b ? 1 : 0) },
  equal: { op: (a, b) => tf.sub(1, truth(tf.sub(a, b))), fold: (a, b) => (a === b ? 1 : 0) },
  unequal: { op: (a, b) => truth(tf.sub(a, b)), fold: (a, b) => (a !== b ? 1 : 0) },
  and: { op: (a, b) => tf.mul(truth(tensorOf(a)), truth(tensorOf(b))), fold: (a, b) => (a !== 0 && b !== 0 ? 1 : 0) },
  or: { op: (a, b) => truth(tf.add(tf.abs(a), tf.abs(b))), fold: (a, b) => (a !== 0 || b !== 0 ? 1 : 0) },
  xor: { op: (a, b) => tf.abs(tf.sub(truth(tensorOf(a)), truth(tensorOf(b)))), fold: (a, b) => ((a !== 0) !== (b !== 0) ? 1 : 0) },
};

/**
 * besselj/bessely of a tensor: values computed in float64 on the CPU (tfjs has no Bessel
 * functions), gradient Z_n' = (Z_{n−1} − Z_{n+1}) / 2. Slow (reads the tensor back), so meant for
 * coordinate-only arguments, which are hoisted to columns and never reach this path in training.
 */
function besselTensor(name: 'besselj' | 'bessely', order: number, x: tf.Tensor): tf.Tensor {
  const f = name === 'besselj' ? besselj : bessely;
  const apply = (n: number, t: tf.Tensor): tf.Tensor => tf.tensor(Float32Array.from(t.dataSync(), (v) => f(n, v)), t.shape);
  const op = tf.customGrad((...inputs: (tf.Tensor | tf.GradSaveFunc)[]) => {
    const t = inputs[0] as tf.Tensor;
    const save = inputs[1] as tf.GradSaveFunc;
    save([t]);
    return { value: apply(order, t), gradFunc: (dy, saved) => tf.mul(dy, tf.div(tf.sub(apply(order - 1, saved[0] as tf.Tensor), apply(order + 1, saved[0] as tf.Tensor)), 2)) };
  });
  return op(x);
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
    case 'not':
      return 'constant' in a ? { constant: a.constant === 0 ? 1 : 0 } : { deps: a.deps, eval: (scope) => tf.sub(1, truth(a.eval(scope))) };
    default: {
      const logic = LOGIC_TF[op.fn];
      if (logic) return combine(args, logic.op, logic.fold);
      throw new Error(`compileTensor: unsupported operator ${op.fn}`);
    }
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
