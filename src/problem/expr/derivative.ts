/**
 * Symbolic differentiation of rewritten expression trees, for exact solutions. Covers every
 * function an expression may call (mathjs' own `derivative` knows neither `atan2` nor `erf`, the
 * Bessel functions or conditionals). A conditional differentiates branch-wise (the derivative of a
 * piecewise function away from its switching points); comparisons are piecewise constant.
 * Products with 0 and 1 are folded as the tree is built, so repeated derivatives stay small.
 */
import { ConditionalNode, ConstantNode, FunctionNode, OperatorNode, ParenthesisNode } from 'mathjs';
import type { MathNode, SymbolNode } from 'mathjs';
import { differentiateField, fieldReferenceOf } from './fieldNode.js';

const LOGIC = new Set(['equal', 'unequal', 'smaller', 'smallerEq', 'larger', 'largerEq', 'and', 'or', 'not', 'xor']);

function constantOf(n: MathNode): number | undefined {
  if (n.type === 'ConstantNode') return Number((n as ConstantNode).value);
  if (n.type === 'ParenthesisNode') return constantOf((n as ParenthesisNode).content);
  return undefined;
}

const num = (v: number): MathNode => new ConstantNode(v);
const call = (name: string, ...args: MathNode[]): MathNode => new FunctionNode(name, args);
const paren = (n: MathNode): MathNode => (n.type === 'ConstantNode' || n.type === 'SymbolNode' || n.type === 'FunctionNode' || n.type === 'ParenthesisNode' ? n : new ParenthesisNode(n));

function add(a: MathNode, b: MathNode): MathNode {
  if (constantOf(a) === 0) return b;
  if (constantOf(b) === 0) return a;
  return new OperatorNode('+', 'add', [a, b]);
}

function sub(a: MathNode, b: MathNode): MathNode {
  if (constantOf(b) === 0) return a;
  if (constantOf(a) === 0) return neg(b);
  return new OperatorNode('-', 'subtract', [a, paren(b)]);
}

function neg(a: MathNode): MathNode {
  const c = constantOf(a);
  if (c !== undefined) return num(-c);
  return new OperatorNode('-', 'unaryMinus', [paren(a)]);
}

function mul(a: MathNode, b: MathNode): MathNode {
  const ca = constantOf(a);
  const cb = constantOf(b);
  if (ca === 0 || cb === 0) return num(0);
  if (ca === 1) return b;
  if (cb === 1) return a;
  if (ca !== undefined && cb !== undefined) return num(ca * cb);
  return new OperatorNode('*', 'multiply', [paren(a), paren(b)]);
}

function div(a: MathNode, b: MathNode): MathNode {
  if (constantOf(a) === 0) return num(0);
  if (constantOf(b) === 1) return a;
  return new OperatorNode('/', 'divide', [paren(a), paren(b)]);
}

function pow(a: MathNode, b: MathNode): MathNode {
  const cb = constantOf(b);
  if (cb === 1) return a;
  if (cb === 0) return num(1);
  return new OperatorNode('^', 'pow', [paren(a), paren(b)]);
}

/** f'(a) for the one-argument functions (without the chain factor a'). */
const UNARY: Readonly<Record<string, (a: MathNode) => MathNode>> = {
  sin: (a) => call('cos', a),
  cos: (a) => neg(call('sin', a)),
  tan: (a) => pow(call('sec', a), num(2)),
  asin: (a) => div(num(1), call('sqrt', sub(num(1), pow(a, num(2))))),
  acos: (a) => neg(div(num(1), call('sqrt', sub(num(1), pow(a, num(2)))))),
  atan: (a) => div(num(1), add(num(1), pow(a, num(2)))),
  sinh: (a) => call('cosh', a),
  cosh: (a) => call('sinh', a),
  tanh: (a) => pow(call('sech', a), num(2)),
  exp: (a) => call('exp', a),
  log: (a) => div(num(1), a),
  sqrt: (a) => div(num(1), mul(num(2), call('sqrt', a))),
  abs: (a) => call('sign', a),
  sign: () => num(0),
  square: (a) => mul(num(2), a),
  cube: (a) => mul(num(3), pow(a, num(2))),
  sec: (a) => mul(call('sec', a), call('tan', a)),
  csc: (a) => neg(mul(call('csc', a), call('cot', a))),
  cot: (a) => neg(pow(call('csc', a), num(2))),
  sech: (a) => neg(mul(call('sech', a), call('tanh', a))),
  csch: (a) => neg(mul(call('csch', a), call('coth', a))),
  coth: (a) => neg(pow(call('csch', a), num(2))),
  erf: (a) => mul(num(2 / Math.sqrt(Math.PI)), call('exp', neg(pow(a, num(2))))),
};

/** The names `differentiate` knows (every function of the expression language). */
export const DIFFERENTIABLE = new Set([...Object.keys(UNARY), 'pow', 'atan2', 'besselj', 'bessely']);

/**
 * How a symbol other than `variable` varies with it: a tree (e.g. `u_x` → `u_xy` for y), or
 * undefined for a symbol independent of it (another coordinate).
 */
export type SymbolDerivative = (name: string, variable: string) => MathNode | undefined;

/** d node / d variable, as a new tree; `symbol` differentiates the unknowns and their derivatives. */
export function differentiate(node: MathNode, variable: string, symbol?: SymbolDerivative): MathNode {
  const d = (n: MathNode): MathNode => differentiate(n, variable, symbol);
  switch (node.type) {
    case 'ConstantNode':
      return num(0);
    case 'SymbolNode': {
      const name = (node as SymbolNode).name;
      if (name === variable) return num(1);
      return symbol?.(name, variable) ?? num(0);
    }
    case 'ParenthesisNode':
      return d((node as ParenthesisNode).content);
    case 'ConditionalNode': {
      const c = node as ConditionalNode;
      const a = d(c.trueExpr);
      const b = d(c.falseExpr);
      const ca = constantOf(a);
      if (ca !== undefined && ca === constantOf(b)) return a;
      return new ParenthesisNode(new ConditionalNode(c.condition.cloneDeep(), a, b));
    }
    case 'OperatorNode': {
      const op = node as OperatorNode;
      const [a, b] = op.args as [MathNode, MathNode];
      if (LOGIC.has(op.fn)) return num(0);
      switch (op.fn) {
        case 'unaryMinus':
          return neg(d(a));
        case 'unaryPlus':
          return d(a);
        case 'add':
          return op.args.map(d).reduce(add);
        case 'subtract':
          return sub(d(a), d(b));
        case 'multiply':
          // Product rule over n factors: Σ_i f_i' Π_{j≠i} f_j.
          return op.args.map((_, i) => op.args.reduce((acc: MathNode, f, j) => mul(acc, j === i ? d(f) : f.cloneDeep()), num(1))).reduce(add);
        case 'divide':
          return sub(div(d(a), b.cloneDeep()), div(mul(a.cloneDeep(), d(b)), pow(b.cloneDeep(), num(2))));
        case 'pow':
          return power(a, b, d);
        default:
          throw new Error(`differentiate: unsupported operator ${op.fn}`);
      }
    }
    case 'FunctionNode': {
      const f = node as FunctionNode;
      // A tabulated field's arguments are its input coordinates: no chain rule.
      const reference = fieldReferenceOf(f);
      if (reference) return differentiateField(reference, variable);
      const name = (f.fn as unknown as SymbolNode).name;
      const [a, b] = f.args as [MathNode, MathNode];
      if (name === 'pow') return power(a, b, d);
      if (name === 'atan2') {
        // atan2(y, x)' = (x y' − y x') / (x² + y²).
        return div(sub(mul(b.cloneDeep(), d(a)), mul(a.cloneDeep(), d(b))), add(pow(b.cloneDeep(), num(2)), pow(a.cloneDeep(), num(2))));
      }
      if (name === 'besselj' || name === 'bessely') {
        // Z_n' = (Z_{n−1} − Z_{n+1}) / 2; the order is a constant integer (checked at parse time).
        const order = constantOf(a) ?? 0;
        const outer = div(sub(call(name, num(order - 1), b.cloneDeep()), call(name, num(order + 1), b.cloneDeep())), num(2));
        return mul(outer, d(b));
      }
      const rule = UNARY[name];
      if (!rule) throw new Error(`differentiate: unknown function ${name}`);
      return mul(rule(a.cloneDeep()), d(a));
    }
    default:
      throw new Error(`differentiate: unsupported node ${node.type}`);
  }
}

function power(a: MathNode, b: MathNode, d: (n: MathNode) => MathNode): MathNode {
  const exponent = constantOf(b);
  if (exponent !== undefined) return mul(mul(num(exponent), pow(a.cloneDeep(), num(exponent - 1))), d(a));
  // (a^b)' = a^b (b' ln a + b a' / a).
  return mul(pow(a.cloneDeep(), b.cloneDeep()), add(mul(d(b), call('log', a.cloneDeep())), div(mul(b.cloneDeep(), d(a)), a.cloneDeep())));
}
