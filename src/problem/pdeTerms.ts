/** PDE residual terms: one per equation, on interior points, from expressions or tensor functions. */
import * as tf from '../tf.js';
import type { MathNode, OperatorNode, ParenthesisNode } from 'mathjs';
import { KanpinnInputError, describe } from '../errors.js';
import type { Rng } from '../random.js';
import type { Domain } from './domain.js';
import type { ExprContext } from './expr/parse.js';
import { parseExpression } from './expr/parse.js';
import { compileTensor } from './expr/tensor.js';
import { evaluateRows } from './expr/numeric.js';
import { toTermPoints } from './points.js';
import type { Expression, TensorFunction } from './spec.js';
import type { LossTerm, SamplingMethod, Scope } from './types.js';
import { broadcastTo, probeScopeNames } from './values.js';

/** Builds the PDE terms of `pde` (one or an array), weighted by `weights`. */
export function buildPdeTerms(pde: unknown, weights: unknown, domain: Domain, ctx: ExprContext): LossTerm[] {
  if (pde === undefined) throw new KanpinnInputError('pde: missing (expected a residual expression such as "u_xx + u_yy - f")');
  const list = Array.isArray(pde) ? pde : [pde];
  if (list.length === 0) throw new KanpinnInputError('pde: expected at least one residual, got an empty array');
  const weightList = weightsFor(weights, list.length);
  return list.map((source, i) => {
    const field = Array.isArray(pde) ? `pde[${i}]` : 'pde';
    return buildPdeTerm(source as Expression | TensorFunction, field, weightList[i] as number, domain, ctx, i);
  });
}

function weightsFor(weights: unknown, count: number): number[] {
  if (weights === undefined) return new Array<number>(count).fill(1);
  const list = Array.isArray(weights) ? weights : new Array<unknown>(count).fill(weights);
  if (list.length !== count) throw new KanpinnInputError(`weights.pde: expected ${count} weights (one per PDE), got ${list.length}`);
  return list.map((w, i) => {
    if (typeof w !== 'number' || !Number.isFinite(w) || w < 0) throw new KanpinnInputError(`weights.pde${Array.isArray(weights) ? `[${i}]` : ''}: expected a finite number >= 0, got ${describe(w)}`);
    return w;
  });
}

function buildPdeTerm(source: Expression | TensorFunction, field: string, weight: number, domain: Domain, ctx: ExprContext, index: number): LossTerm {
  const name = field;
  const sample = (extras?: (coords: Float64Array, count: number) => Record<string, Float32Array>) =>
    (count: number, rng: Rng, method: SamplingMethod) => toTermPoints(domain.interior(rng, method)(count), [], extras);
  if (typeof source === 'function') {
    const derivatives = probeScopeNames(source, field, ctx, true);
    if (derivatives.length === 0) throw new KanpinnInputError(`${field}: the residual reads none of the unknowns (${ctx.unknowns.join(', ')}) or their derivatives`);
    return {
      name,
      kind: 'pde',
      weight,
      region: 'interior',
      derivatives,
      sample: sample(),
      residual: (scope: Scope) => {
        const first = scope[ctx.variables[0] as string];
        const out = source(scope);
        return first ? broadcastTo(out, first.shape[0]) : (out.reshape([-1]) as tf.Tensor1D);
      },
    };
  }
  const parsed = parseExpression(source, field, { ...ctx, allowUnknowns: true });
  const derivatives = parsed.symbols.filter((s) => !ctx.variables.includes(s) && !ctx.inferred?.includes(s));
  if (derivatives.length === 0) throw new KanpinnInputError(`${field}: the residual uses none of the unknowns (${ctx.unknowns.join(', ')}) or their derivatives`);
  const compiled = compileTensor(parsed.node, { variables: ctx.variables, hoistPrefix: `__${name.replace(/[^a-z0-9]/gi, '')}_${index}_` });
  const width = ctx.variables.length;
  const extras = compiled.hoisted.length === 0
    ? undefined
    : (coords: Float64Array, count: number) => {
        const out: Record<string, Float32Array> = {};
        for (const column of compiled.hoisted) out[column.name] = Float32Array.from(evaluateRows(column.evaluate, coords, count, width));
        return out;
      };
  const addends = additiveTerms(parsed.node).map((node) => compileTensor(node, { variables: ctx.variables }).evaluate);
  return {
    name,
    kind: 'pde',
    weight,
    region: 'interior',
    derivatives: sortNames(derivatives, ctx),
    sample: sample(extras),
    residual: compiled.evaluate,
    scale: (scope) => addends.map((f) => tf.abs(f(scope))).reduce((a, b) => tf.add(a, b)) as tf.Tensor1D,
  };
}

/** The top-level addends of a sum (signs dropped): `a - (b + c)` → a, b, c. */
export function additiveTerms(node: MathNode): MathNode[] {
  if (node.type === 'ParenthesisNode') return additiveTerms((node as ParenthesisNode).content);
  if (node.type === 'OperatorNode') {
    const op = node as OperatorNode;
    if (op.fn === 'add' || op.fn === 'subtract') return op.args.flatMap(additiveTerms);
    if (op.fn === 'unaryMinus' || op.fn === 'unaryPlus') return additiveTerms(op.args[0] as MathNode);
  }
  return [node];
}

/** Unknowns first, then derivatives by order, as a stable readable list. */
export function sortNames(names: string[], ctx: ExprContext): string[] {
  const rank = (n: string): number => (ctx.unknowns.includes(n) ? 0 : n.length);
  return [...new Set(names)].sort((a, b) => rank(a) - rank(b) || a.localeCompare(b));
}
