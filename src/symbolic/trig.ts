/**
 * Sums of two sines or two cosines with equal printed weights written as products (the
 * sum-to-product identities), when that makes the arguments shorter:
 *   k·cos A + k·cos B = 2k·cos S·cos D,    k·cos A − k·cos B = −2k·sin S·sin D,
 *   k·sin A + k·sin B = 2k·sin S·cos D,    k·sin A − k·sin B = 2k·cos S·sin D,
 * with S = (A + B)/2 and D = (A − B)/2 for arguments linear in the inputs (read off numerically,
 * rounded to the digits shown). A KAN [2,2,1] solving poisson2d prints
 * 0.5·cos(π(x − y)) − 0.5·cos(π(x + y)); this makes it sin(πx)·sin(πy). Only the printed text is
 * rewritten, and only where the two weights print the same, so it reads the same to the digits shown.
 */
import * as math from 'mathjs';
import { ConstantNode, FunctionNode, OperatorNode, SymbolNode } from 'mathjs';
import type { MathNode } from 'mathjs';
import { buildLinearCombination, roundSignificant } from './nodes.js';

type Trig = 'sin' | 'cos';
type Operator = MathNode & { fn: string; args: MathNode[] };
type Call = MathNode & { fn: { name: string }; args: MathNode[] };

/** A summand: sign·weight·f(argument) for a sine or cosine, else sign·node. */
interface Summand {
  readonly weight: number;
  readonly trig: { readonly name: Trig; readonly argument: MathNode } | null;
  readonly node: MathNode;
}

const isOperator = (node: MathNode, fn: string): node is Operator => node.type === 'OperatorNode' && (node as Operator).fn === fn;
const numberOf = (node: MathNode): number | null => {
  if (isOperator(node, 'unaryMinus')) {
    const inner = numberOf(node.args[0]!);
    return inner === null ? null : -inner;
  }
  const value = (node as MathNode & { value?: unknown }).value;
  return node.type === 'ConstantNode' && typeof value === 'number' ? value : null;
};

/** sin(A) or cos(A) → its name and argument. */
function trigCall(node: MathNode): { name: Trig; argument: MathNode } | null {
  if (node.type !== 'FunctionNode') return null;
  const call = node as Call;
  const name = call.fn.name;
  return (name === 'sin' || name === 'cos') && call.args.length === 1 ? { name, argument: call.args[0]! } : null;
}

/** `node` as ±weight·f(A) when it is a (weighted) sine or cosine. */
function summand(node: MathNode, sign: number): Summand {
  let weight = sign;
  let inner = node;
  while (isOperator(inner, 'unaryMinus')) {
    weight = -weight;
    inner = inner.args[0]!;
  }
  if (isOperator(inner, 'multiply') && inner.args.length === 2) {
    const k = numberOf(inner.args[0]!);
    const trig = trigCall(inner.args[1]!);
    if (k !== null && trig) return { weight: weight * k, trig, node };
  }
  const trig = trigCall(inner);
  return trig ? { weight, trig, node } : { weight: sign, trig: null, node };
}

/** The summands of a chain of + and −. */
function summands(node: MathNode, sign: number, out: Summand[]): Summand[] {
  if (isOperator(node, 'add') && node.args.length === 2) {
    summands(node.args[0]!, sign, out);
    summands(node.args[1]!, sign, out);
  } else if (isOperator(node, 'subtract') && node.args.length === 2) {
    summands(node.args[0]!, sign, out);
    summands(node.args[1]!, -sign, out);
  } else out.push(summand(node, sign));
  return out;
}

const size = (node: MathNode): number => {
  let count = 0;
  node.traverse(() => count++);
  return count;
};

/** weight·f(S)·g(D) as a summand (`sin(S) * sin(D)`). */
function product(weight: number, [f, g]: [Trig, Trig], s: MathNode, d: MathNode): { node: MathNode; weight: number } {
  const call = (name: Trig, argument: MathNode): MathNode => new FunctionNode(new SymbolNode(name), [argument]);
  return { node: new OperatorNode('*', 'multiply', [call(f, s), call(g, d)]), weight };
}

/** Coefficients [c0, c1, …] of a linear form c0 + Σ c_i·v_i of `variables`, or null when `node` is not linear in them. */
function linearForm(node: MathNode, variables: readonly string[]): number[] | null {
  let code: { evaluate(scope: Record<string, number>): unknown };
  try {
    code = node.compile();
  } catch {
    return null;
  }
  const at = (values: readonly number[]): number => {
    const scope: Record<string, number> = {};
    variables.forEach((v, i) => (scope[v] = values[i]!));
    const out = code.evaluate(scope);
    return typeof out === 'number' ? out : NaN;
  };
  const zero = variables.map(() => 0);
  const c0 = at(zero);
  const coefficients = [c0, ...variables.map((_, i) => at(zero.map((_, k) => (k === i ? 1 : 0))) - c0)];
  if (!coefficients.every(Number.isFinite)) return null;
  // Linear iff it matches the form at a few other points (fixed, irrational-ish, so no accident).
  for (const t of [0.37, -1.91, 2.63]) {
    const p = variables.map((_, i) => t * (i + 1.3));
    const predicted = coefficients.slice(1).reduce((sum, c, i) => sum + c * p[i]!, c0);
    if (Math.abs(at(p) - predicted) > 1e-9 * (1 + Math.abs(predicted))) return null;
  }
  return coefficients;
}

/** c0 + Σ c_i·v_i as a node, a common weight factored out (`3.1416 * (x - y)`); numbers rounded to `digits`. */
function linearNode(coefficients: readonly number[], variables: readonly string[], digits: number): MathNode {
  const round = (v: number): number => roundSignificant(v, digits);
  const [c0, ...cs] = coefficients.map((c) => (Math.abs(c) < 1e-12 ? 0 : round(c)));
  const used = cs.map((c, i) => ({ c: c!, v: variables[i]! })).filter((t) => t.c !== 0);
  const common = used.length > 1 && c0 === 0 && used.every((t) => Math.abs(t.c) === Math.abs(used[0]!.c)) ? Math.abs(used[0]!.c) : 1;
  const inner = buildLinearCombination(used.map((t) => ({ coefficient: t.c / common, node: new SymbolNode(t.v) })), c0!);
  return common === 1 ? inner : new OperatorNode('*', 'multiply', [new ConstantNode(common), inner]);
}

/** The pair (a, b) as one product, or null when the identity does not apply or does not shorten it. */
function combine(a: Summand, b: Summand, digits: number): { node: MathNode; weight: number } | null {
  if (!a.trig || !b.trig || a.trig.name !== b.trig.name || Math.abs(a.weight) !== Math.abs(b.weight)) return null;
  const [A, B] = [a.trig.argument, b.trig.argument];
  const variables = [...new Set([A, B].flatMap((n) => n.filter((c) => c.type === 'SymbolNode').map((c) => (c as MathNode & { name: string }).name)))].filter((v) => !(v in math));
  const [fa, fb] = [linearForm(A, variables), linearForm(B, variables)];
  if (!fa || !fb) return null;
  let sign = 1;
  const half = (k: number): number[] => fa.map((c, i) => (c + k * fb[i]!) / 2);
  const sumForm = half(1);
  let diffForm = half(-1);
  // D with its first variable coefficient positive: sin(−X) = −sin(X), cos(−X) = cos(X).
  const lead = diffForm.slice(1).find((c) => Math.abs(c) > 1e-12) ?? diffForm[0]!;
  if (lead < 0) {
    diffForm = diffForm.map((c) => -c);
    sign = -1;
  }
  const s = linearNode(sumForm, variables, digits);
  const d = linearNode(diffForm, variables, digits);
  if (size(s) + size(d) >= size(A) + size(B)) return null;
  const k = a.weight;
  const same = a.weight === b.weight;
  // sign flips sin(D) only: cos is even.
  if (a.trig.name === 'cos') return same ? product(2 * k, ['cos', 'cos'], s, d) : product(-2 * k * sign, ['sin', 'sin'], s, d);
  return same ? product(2 * k, ['sin', 'cos'], s, d) : product(2 * k * sign, ['cos', 'sin'], s, d);
}

/** The sum with every pair of equally weighted sines or cosines that shortens written as a product (see the module comment). */
export function combineTrigProducts(node: MathNode, digits: number): MathNode {
  const parts = summands(node, 1, []);
  const used = new Set<number>();
  const terms: { weight: number; node: MathNode }[] = [];
  parts.forEach((a, i) => {
    if (used.has(i)) return;
    for (let j = i + 1; j < parts.length; j++) {
      if (used.has(j)) continue;
      const merged = combine(a, parts[j]!, digits);
      if (!merged) continue;
      used.add(i).add(j);
      terms.push(merged);
      return;
    }
  });
  if (used.size === 0) return node;
  parts.forEach((p, i) => {
    if (used.has(i)) return;
    terms.push({ weight: p.weight, node: p.trig ? new FunctionNode(new SymbolNode(p.trig.name), [p.trig.argument]) : p.node });
  });
  let sum: MathNode | null = null;
  for (const { weight, node: part } of terms) {
    const magnitude = Math.abs(weight);
    const scaled = magnitude === 1 ? part : new OperatorNode('*', 'multiply', [new ConstantNode(magnitude), part]);
    if (sum === null) sum = weight < 0 ? new OperatorNode('-', 'unaryMinus', [scaled]) : scaled;
    else sum = weight < 0 ? new OperatorNode('-', 'subtract', [sum, scaled]) : new OperatorNode('+', 'add', [sum, scaled]);
  }
  return sum ?? node;
}
