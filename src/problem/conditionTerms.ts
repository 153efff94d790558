/**
 * Condition terms: Dirichlet, Neumann, Robin (on a boundary part chosen by `on`), periodic (paired
 * points on opposite faces of a box), initial (value and rate at t0) and observed data.
 */
import * as tf from '../tf.js';
import { KanpinnInputError, describe } from '../errors.js';
import type { Rng } from '../random.js';
import { createRng } from '../random.js';
import type { Domain } from './domain.js';
import type { ExprContext } from './expr/parse.js';
import { parseExpression } from './expr/parse.js';
import { compileNumeric } from './expr/numeric.js';
import type { PointSet, PointStream } from './geometry/types.js';
import { filterPoints, rejectionStream } from './geometry/stream.js';
import { toTermPoints } from './points.js';
import type { ExtraColumns } from './points.js';
import { CONDITION_FIELDS, CONDITION_TYPES } from './spec.js';
import type { Expression, TensorFunction } from './spec.js';
import type { LossTerm, SamplingMethod, Scope, TermPoints } from './types.js';
import { checkFields, isRecord, suggestion } from './validate.js';
import { parseDerivativeName } from '../jet/names.js';
import { compileValue } from './values.js';
import type { CoordinateValue } from './values.js';
import { periodicTerm } from './periodic.js';
import { dataTerm } from './data.js';

/** Tolerance of `==` in `on`, relative to the spatial diameter (as numpy's isclose, roughly). */
export const ON_TOLERANCE = 1e-6;
/** Boundary points drawn to check that an `on` selector selects something. */
const SELECTOR_PROBE = 4096;

/** Builds the term of `conditions[index]`. */
export function buildConditionTerm(spec: unknown, index: number, domain: Domain, ctx: ExprContext, baseDir?: string): LossTerm {
  const field = `conditions[${index}]`;
  if (!isRecord(spec)) throw new KanpinnInputError(`${field}: expected an object with a "type", got ${describe(spec)}`);
  const type = spec.type;
  if (typeof type !== 'string' || !(CONDITION_TYPES as readonly string[]).includes(type)) {
    const hint = typeof type === 'string' ? suggestion(type, CONDITION_TYPES) : '';
    throw new KanpinnInputError(`${field}.type: expected one of ${CONDITION_TYPES.join(', ')}, got ${describe(type)}${hint}`);
  }
  const kind = type as (typeof CONDITION_TYPES)[number];
  checkFields(spec, CONDITION_FIELDS[kind], field);
  const unknown = conditionUnknown(spec.unknown ?? ctx.unknowns[0], kind, field, ctx);
  const weight = spec.weight ?? 1;
  if (typeof weight !== 'number' || !Number.isFinite(weight) || weight < 0) throw new KanpinnInputError(`${field}.weight: expected a finite number >= 0, got ${describe(weight)}`);
  const name = `${field}.${kind}`;
  const base = { name, weight, unknown, field };
  if (domain.spatial.length === 0 && kind !== 'initial' && kind !== 'data') {
    throw new KanpinnInputError(`${field}.type: a time-only problem has no spatial boundary; use "initial" or "data" conditions, got "${kind}"`);
  }
  switch (kind) {
    case 'dirichlet':
    case 'neumann':
    case 'robin':
      return boundaryTerm(kind, spec, base, domain, ctx);
    case 'periodic':
      return periodicTerm(spec, base, domain, ctx);
    case 'initial':
      return initialTerm(spec, base, domain, ctx);
    case 'data':
      return dataTerm(spec, base, ctx, baseDir);
    default: {
      const never: never = kind;
      throw new KanpinnInputError(`${field}.type: unknown ${String(never)}`);
    }
  }
}

/** Kinds whose `unknown` may be a derivative (`u_x`, `u_xxx`): the quantity they set is read as is. */
const DERIVATIVE_UNKNOWN_KINDS: readonly string[] = ['dirichlet', 'data'];

/** The condition's `unknown`: an unknown, or for dirichlet and data a derivative of one (canonical name). */
function conditionUnknown(value: unknown, kind: string, field: string, ctx: ExprContext): string {
  const expected = `expected one of ${ctx.unknowns.join(', ')}${DERIVATIVE_UNKNOWN_KINDS.includes(kind) ? ` or a derivative such as ${ctx.unknowns[0]}_${ctx.variables[0]}` : ''}`;
  if (typeof value !== 'string') throw new KanpinnInputError(`${field}.unknown: ${expected}, got ${describe(value)}`);
  let parsed;
  try {
    parsed = parseDerivativeName(value, ctx.variables, ctx.unknowns);
  } catch (error) {
    throw new KanpinnInputError(`${field}.unknown: ${(error as Error).message}`);
  }
  if (parsed === undefined) throw new KanpinnInputError(`${field}.unknown: ${expected}, got ${describe(value)}`);
  if (parsed.axes.length > 0 && !DERIVATIVE_UNKNOWN_KINDS.includes(kind)) {
    throw new KanpinnInputError(`${field}.unknown: a ${kind} condition takes an unknown (${ctx.unknowns.join(', ')}); a derivative such as '${value}' is allowed for dirichlet and data conditions`);
  }
  return parsed.canonical;
}

/** Common fields of a condition term under construction. */
export interface TermBase {
  name: string;
  weight: number;
  unknown: string;
  field: string;
}

/** Boundary points selected by `on` ("boundary" or a boolean expression over the variables). */
function selectedBoundary(on: unknown, field: string, domain: Domain, ctx: ExprContext): (rng: Rng, method: SamplingMethod) => PointStream {
  if (on === undefined || on === 'boundary') return (rng, method) => domain.boundary(rng, method);
  const parsed = parseExpression(on, `${field}.on`, { ...ctx, allowUnknowns: false, boolean: true });
  const tolerance = ON_TOLERANCE * Math.max(1, diameterOf(domain));
  const test = compileNumeric(parsed.node, ctx.variables, { tolerance });
  const width = ctx.variables.length;
  const row = new Float64Array(width);
  const accept = (coords: Float64Array, offset: number): boolean => {
    for (let d = 0; d < width; d++) row[d] = coords[offset + d] as number;
    return test(row) !== 0;
  };
  const probe = domain.boundary(createRng(7), 'halton')(SELECTOR_PROBE);
  const hits = filterPoints(probe, accept).count;
  if (hits === 0) {
    const spans = ctx.spatial.map((v, d) => `${v} in [${fmt(domain.bounds.min[d] as number)}, ${fmt(domain.bounds.max[d] as number)}]`).join(', ');
    throw new KanpinnInputError(`${field}.on: selects no boundary point (${describe(on)}; the boundary spans ${spans})`);
  }
  const acceptance = hits / probe.count;
  return (rng, method) => rejectionStream(width, domain.boundary(rng, method), accept, method, () => acceptance, `${field}.on`);
}

function fmt(value: number): string {
  return String(Number(value.toPrecision(6)));
}

function diameterOf(domain: Domain): number {
  let sum = 0;
  domain.spatial.forEach((_, d) => (sum += ((domain.bounds.max[d] as number) - (domain.bounds.min[d] as number)) ** 2));
  return Math.sqrt(sum);
}

/** `scope[column]` when the trainer passed the sampled column, else the value recomputed from coordinates. */
function read(scope: Scope, column: string, value: CoordinateValue): tf.Tensor | number {
  if (value.constant !== undefined) return value.constant;
  return scope[column] ?? value.tensor(scope);
}

/** Float32 columns of the non-constant values, named by their keys. */
function valueColumns(values: Record<string, CoordinateValue>): ExtraColumns | undefined {
  // Operator values (reading unknowns) depend on the model: computed in the residual, not sampled.
  const entries = Object.entries(values).filter(([, v]) => v.constant === undefined && v.reads === undefined);
  if (entries.length === 0) return undefined;
  return (coords, count) => Object.fromEntries(entries.map(([key, v]) => [key, v.atPoints(coords, count)]));
}

function column(scope: Scope, name: string): tf.Tensor1D {
  const value = scope[name];
  if (!value) throw new Error(`residual: the scope has no column '${name}'`);
  return value;
}

function boundaryTerm(kind: 'dirichlet' | 'neumann' | 'robin', spec: Record<string, unknown>, base: TermBase, domain: Domain, ctx: ExprContext): LossTerm {
  const { field, unknown } = base;
  const stream = selectedBoundary(spec.on, field, domain, ctx);
  const values: Record<string, CoordinateValue> = { __g: compileValue(spec.value as Expression | TensorFunction, `${field}.value`, ctx, true) };
  if (kind === 'robin') {
    values.__alpha = compileValue(spec.alpha as Expression, `${field}.alpha`, ctx);
    values.__beta = compileValue(spec.beta as Expression, `${field}.beta`, ctx);
  }
  const g = values.__g as CoordinateValue;
  const gradient = ctx.spatial.map((v) => `${unknown}_${v}`);
  const normals = ctx.spatial.map((v) => `n_${v}`);
  const normalDerivative = (scope: Scope): tf.Tensor =>
    gradient.map((name, d) => tf.mul(column(scope, normals[d] as string), column(scope, name))).reduce((a, b) => tf.add(a, b));
  const own = kind === 'dirichlet' ? [unknown] : kind === 'neumann' ? gradient : [unknown, ...gradient];
  const derivatives = [...new Set([...own, ...(g.reads ?? [])])];
  const residual = (scope: Scope): tf.Tensor1D => {
    switch (kind) {
      case 'dirichlet':
        return tf.sub(column(scope, unknown), read(scope, '__g', g)) as tf.Tensor1D;
      case 'neumann':
        return tf.sub(normalDerivative(scope), read(scope, '__g', g)) as tf.Tensor1D;
      case 'robin': {
        const alpha = read(scope, '__alpha', values.__alpha as CoordinateValue);
        const beta = read(scope, '__beta', values.__beta as CoordinateValue);
        return tf.sub(tf.add(tf.mul(alpha, column(scope, unknown)), tf.mul(beta, normalDerivative(scope))), read(scope, '__g', g)) as tf.Tensor1D;
      }
      default: {
        const never: never = kind;
        throw new Error(`unknown condition ${String(never)}`);
      }
    }
  };
  const extras = valueColumns(values);
  return {
    name: base.name,
    kind,
    weight: base.weight,
    region: 'boundary',
    derivatives,
    sample: (count: number, rng: Rng, method: SamplingMethod): TermPoints => toTermPoints(stream(rng, method)(count), ctx.spatial, extras),
    residual,
  };
}

function initialTerm(spec: Record<string, unknown>, base: TermBase, domain: Domain, ctx: ExprContext): LossTerm {
  const { field, unknown } = base;
  if (!domain.time) throw new KanpinnInputError(`${field}: an initial condition needs "time": [t0, t1] in the problem`);
  if (spec.value === undefined && spec.rate === undefined) throw new KanpinnInputError(`${field}: expected "value" (u at t0) and/or "rate" (u_t at t0)`);
  const values: Record<string, CoordinateValue> = {};
  if (spec.value !== undefined) values.__g = compileValue(spec.value as Expression | TensorFunction, `${field}.value`, ctx, true);
  if (spec.rate !== undefined) values.__rate = compileValue(spec.rate as Expression | TensorFunction, `${field}.rate`, ctx, true);
  const rateName = `${unknown}_t`;
  const reads = [...(values.__g?.reads ?? []), ...(values.__rate?.reads ?? [])];
  const derivatives = [...new Set([...(values.__g ? [unknown] : []), ...(values.__rate ? [rateName] : []), ...reads])];
  const extras = valueColumns(values);
  return {
    name: base.name,
    kind: 'initial',
    weight: base.weight,
    region: 'initial',
    derivatives,
    sample: (count, rng, method) => toTermPoints(domain.initial(rng, method)(count) as PointSet, ctx.spatial, extras),
    residual: (scope) => {
      const parts: tf.Tensor[] = [];
      if (values.__g) parts.push(tf.sub(column(scope, unknown), read(scope, '__g', values.__g)));
      if (values.__rate) parts.push(tf.sub(column(scope, rateName), read(scope, '__rate', values.__rate)));
      return (parts.length === 1 ? parts[0] : tf.concat(parts)) as tf.Tensor1D;
    },
  };
}
