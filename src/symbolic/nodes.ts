/**
 * Small mathjs node builders for formula assembly: readable linear combinations (`x - 2 * sin(y) + 0.5`
 * rather than `1 * x + -2 * sin(y) + 0.5`), template substitution, and rounding of constants.
 */
import { ConstantNode, OperatorNode, parse } from 'mathjs';
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
