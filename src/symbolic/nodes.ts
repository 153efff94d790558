/**
 * Small mathjs node builders for formula assembly: readable linear combinations (`x - 2 * sin(y) + 0.5`
 * rather than `1 * x + -2 * sin(y) + 0.5`), template substitution, and rounding of constants.
 */
import { ConstantNode, OperatorNode, SymbolNode, parse } from 'mathjs';
import type { MathNode } from 'mathjs';

/** coefficient · node. */
export interface Term {
  readonly coefficient: number;
  readonly node: MathNode;
}

const isNumberConstant = (node: MathNode): node is MathNode & { value: number } =>
  node.type === 'ConstantNode' && typeof (node as MathNode & { value: unknown }).value === 'number';

/** |coefficient|·node, without the factor when it is 1. */
function scaled(magnitude: number, node: MathNode): MathNode {
  return magnitude === 1 ? node : new OperatorNode('*', 'multiply', [new ConstantNode(magnitude), node]);
}

/** Σ_k coefficient_k·node_k + constant as a chain of + and −; terms with coefficient 0 are skipped. */
export function buildLinearCombination(terms: readonly Term[], constant: number): MathNode {
  let sum: MathNode | undefined;
  for (const { coefficient, node } of terms) {
    if (coefficient === 0) continue;
    const part = scaled(Math.abs(coefficient), node);
    if (sum === undefined) {
      sum = coefficient > 0 ? part : Math.abs(coefficient) === 1 ? new OperatorNode('-', 'unaryMinus', [part]) : scaled(coefficient, node);
    } else {
      sum = coefficient > 0 ? new OperatorNode('+', 'add', [sum, part]) : new OperatorNode('-', 'subtract', [sum, part]);
    }
  }
  if (sum === undefined) return new ConstantNode(constant);
  if (constant === 0) return sum;
  return constant > 0
    ? new OperatorNode('+', 'add', [sum, new ConstantNode(constant)])
    : new OperatorNode('-', 'subtract', [sum, new ConstantNode(-constant)]);
}

const templates = new Map<string, MathNode>();

/** The template (a mathjs expression over X) with X replaced by `argument`. */
export function substituteArgument(template: string, argument: MathNode): MathNode {
  let parsed = templates.get(template);
  if (parsed === undefined) {
    parsed = parse(template);
    templates.set(template, parsed);
  }
  return parsed.transform((node) => (node.type === 'SymbolNode' && (node as MathNode & { name: string }).name === 'X' ? argument : node));
}

/** v rounded to `digits` significant digits (−0 becomes 0). */
export function roundSignificant(value: number, digits: number): number {
  const rounded = Number(value.toPrecision(digits));
  return rounded === 0 ? 0 : rounded;
}

/** A copy of `node` with every numeric constant rounded to `digits` significant digits. */
export function roundConstants(node: MathNode, digits: number): MathNode {
  return node.transform((child) => (isNumberConstant(child) ? new ConstantNode(roundSignificant(child.value, digits)) : child));
}

type Operator = MathNode & { op: string; fn: string; args: MathNode[] };
const isOperator = (node: MathNode, fn: string): node is Operator => node.type === 'OperatorNode' && (node as Operator).fn === fn;
const isNegativeConstant = (node: MathNode): node is MathNode & { value: number } => isNumberConstant(node) && node.value < 0;

/** `-(c * u)` → `-c * u`; `u + -v`, `u + (-c)`, `u + (-c) * v` → `u - v`, `u - c`, `u - c * v` (bottom-up). */
export function tidySigns(node: MathNode): MathNode {
  const tidied = node.map((child) => tidySigns(child));
  if (isOperator(tidied, 'unaryMinus')) {
    const [inner] = tidied.args;
    if (inner !== undefined && isOperator(inner, 'multiply') && inner.args.length === 2 && isNumberConstant(inner.args[0] as MathNode)) {
      const factor = inner.args[0] as MathNode & { value: number };
      return new OperatorNode('*', 'multiply', [new ConstantNode(-factor.value), inner.args[1] as MathNode]);
    }
  }
  if (isOperator(tidied, 'add') && tidied.args.length === 2) {
    const [left, right] = tidied.args as [MathNode, MathNode];
    if (isOperator(right, 'unaryMinus') && right.args[0] !== undefined) return new OperatorNode('-', 'subtract', [left, right.args[0]]);
    if (isNegativeConstant(right)) return new OperatorNode('-', 'subtract', [left, new ConstantNode(-right.value)]);
    if (isOperator(right, 'multiply') && right.args.length === 2 && isNegativeConstant(right.args[0] as MathNode)) {
      const factor = right.args[0] as MathNode & { value: number };
      return new OperatorNode('-', 'subtract', [left, scaled(-factor.value, right.args[1] as MathNode)]);
    }
  }
  return tidied;
}

/** p/q·π candidates for `snapPi`: q in {1, 2, 3, 4, 6}, 0 < p/q ≤ 4, in lowest terms. */
const PI_FRACTIONS: ReadonlyArray<readonly [number, number]> = (() => {
  const gcd = (a: number, b: number): number => (b === 0 ? a : gcd(b, a % b));
  const out: [number, number][] = [];
  for (const q of [1, 2, 3, 4, 6]) for (let p = 1; p <= 4 * q; p++) if (gcd(p, q) === 1) out.push([p, q]);
  return out;
})();

/** The node p·pi/q (pi, 2 * pi, pi / 2, 3 * pi / 4). */
function piNode(p: number, q: number): MathNode {
  const times: MathNode = p === 1 ? new SymbolNode('pi') : new OperatorNode('*', 'multiply', [new ConstantNode(p), new SymbolNode('pi')]);
  return q === 1 ? times : new OperatorNode('/', 'divide', [times, new ConstantNode(q)]);
}

/**
 * A copy of `node` in which every number that, rounded to `digits` significant digits, equals a
 * simple multiple p/q·π (q ≤ 6, |p/q| ≤ 4) rounded alike is written as that multiple: a trained
 * 3.14159 prints as `pi`, 1.5708 as `pi / 2`. Only the printed text changes; it reads the same
 * number to the digits shown.
 */
export function snapPi(node: MathNode, digits: number): MathNode {
  return node.transform((child) => {
    if (!isNumberConstant(child) || child.value === 0) return child;
    const shown = roundSignificant(Math.abs(child.value), digits);
    const match = PI_FRACTIONS.find(([p, q]) => roundSignificant((p / q) * Math.PI, digits) === shown);
    if (match === undefined) return child;
    const multiple = piNode(match[0], match[1]);
    return child.value < 0 ? new OperatorNode('-', 'unaryMinus', [multiple]) : multiple;
  });
}
