/**
 * Values that depend on the coordinates only (condition targets, Robin coefficients): compiled
 * once, evaluated in float64 when points are sampled (handed to the trainer as extra columns), and
 * available as tensor ops over the coordinates as a fallback. Also probes TypeScript residuals
 * for the scope names they read.
 */
import * as tf from '../tf.js';
import { KanpinnInputError } from '../errors.js';
import { parseExpression } from './expr/parse.js';
import type { ExprContext } from './expr/parse.js';
import { compileNumeric, evaluateRows } from './expr/numeric.js';
import { compileTensor } from './expr/tensor.js';
import { parseDerivativeName } from '../jet/names.js';
import type { Expression, TensorFunction } from './spec.js';
import type { Scope } from './types.js';

/** A coordinate-only value: a folded constant, or per-point values and a tensor fallback. */
export interface CoordinateValue {
  constant?: number;
  /** Float32 values at row-major float64 coords [count, variables]. */
  atPoints(coords: Float64Array, count: number): Float32Array;
  /** The value as tensor ops over the scope's coordinate columns (and, for an operator value, the unknowns it reads). */
  tensor(scope: Scope): tf.Tensor;
  /** An operator value's unknowns and derivatives (`u_xx`, `v`): it depends on the model, so it is computed in the residual. */
  reads?: string[];
}

/**
 * Compiles a condition value (expression or tensor function of the coordinates) found at `field`;
 * with `operator`, an expression may also read unknowns and derivatives (u_xx(1) = 0, ∂u/∂n = -k v).
 */
export function compileValue(source: Expression | TensorFunction | undefined, field: string, ctx: ExprContext, operator = false): CoordinateValue {
  if (source === undefined) throw new KanpinnInputError(`${field}: missing (expected an expression over ${ctx.variables.join(', ')})`);
  if (typeof source === 'function') {
    probeScopeNames(source, field, ctx, false);
    return {
      atPoints(coords, count) {
        const values = tf.tidy(() => {
          const scope = coordinateScope(coords, count, ctx.variables);
          return broadcastTo(source(scope), count).dataSync();
        });
        return Float32Array.from(values);
      },
      tensor: source,
    };
  }
  // A parameter to infer may appear in any condition value: such a value is computed in the residual.
  const parsed = parseExpression(source, field, { ...ctx, allowUnknowns: operator, allowInferred: true });
  const reads = parsed.symbols.filter((name) => !ctx.variables.includes(name) && !ctx.inferred?.includes(name));
  // A value that reads a parameter to infer changes as it is trained: computed in the residual, as an operator value.
  if (reads.length > 0 || parsed.symbols.some((name) => ctx.inferred?.includes(name))) {
    const compiled = compileTensor(parsed.node, { variables: ctx.variables });
    return {
      reads,
      atPoints: () => {
        throw new Error(`${field}: an operator value depends on the model and has no per-point column`);
      },
      tensor: compiled.evaluate,
    };
  }
  const numeric = compileNumeric(parsed.node, ctx.variables);
  const compiled = compileTensor(parsed.node, { variables: ctx.variables });
  const constant = parsed.symbols.length === 0 ? numeric([]) : undefined;
  if (constant !== undefined && !Number.isFinite(constant)) throw new KanpinnInputError(`${field}: evaluates to ${constant}, expected a finite value`);
  return {
    ...(constant !== undefined ? { constant } : {}),
    atPoints: (coords, count) => Float32Array.from(evaluateRows(numeric, coords, count, ctx.variables.length)),
    tensor: compiled.evaluate,
  };
}

/** Float32 coordinate columns of row-major float64 coords as a scope. */
export function coordinateScope(coords: ArrayLike<number>, count: number, variables: readonly string[]): Scope {
  const scope: Scope = {};
  const dim = variables.length;
  variables.forEach((name, d) => {
    const column = new Float32Array(count);
    for (let i = 0; i < count; i++) column[i] = coords[i * dim + d] as number;
    scope[name] = tf.tensor1d(column);
  });
  return scope;
}

/** A tensor of `count` values (a scalar is repeated). */
export function broadcastTo(value: tf.Tensor, count: number): tf.Tensor1D {
  if (value.size === count) return value.reshape([count]) as tf.Tensor1D;
  if (value.size === 1) return tf.fill([count], value.reshape([]).dataSync()[0] as number) as tf.Tensor1D;
  throw new KanpinnInputError(`value: expected ${count} values (one per point), got a tensor of shape [${value.shape.join(', ')}]`);
}

/**
 * Calls `fn` once on a scope of zeros that records which names it reads; checks each name is a
 * variable, an extra (`n_x`…), or (when `allowUnknowns`) an unknown or a valid derivative.
 * Returns the unknowns and canonical derivative names read.
 */
export function probeScopeNames(fn: TensorFunction, field: string, ctx: ExprContext, allowUnknowns: boolean): string[] {
  const read = new Set<string>();
  const zeros: Scope = {};
  const proxy = new Proxy(zeros, {
    get(target, key) {
      if (typeof key !== 'string') return undefined;
      read.add(key);
      target[key] ??= tf.zeros([2]) as tf.Tensor1D;
      return target[key];
    },
    has: () => true,
  });
  try {
    tf.tidy(() => {
      fn(proxy);
    });
  } catch (error) {
    throw new KanpinnInputError(`${field}: the function threw while probing the names it reads: ${(error as Error).message}`);
  } finally {
    for (const tensor of Object.values(zeros)) tensor.dispose();
  }
  const derivatives: string[] = [];
  const normals = ctx.spatial.map((v) => `n_${v}`);
  for (const name of read) {
    if (ctx.variables.includes(name) || normals.includes(name)) continue;
    let parsed;
    try {
      parsed = parseDerivativeName(name, ctx.variables, ctx.unknowns);
    } catch (error) {
      throw new KanpinnInputError(`${field}: ${(error as Error).message}`);
    }
    if (parsed === undefined) throw new KanpinnInputError(`${field}: unknown variable '${name}' (variables are ${ctx.variables.join(', ')})`);
    if (!allowUnknowns) throw new KanpinnInputError(`${field}: '${name}' cannot appear here (expected a function of ${ctx.variables.join(', ')})`);
    if (parsed.canonical !== name) throw new KanpinnInputError(`${field}: write the derivative '${name}' as '${parsed.canonical}' (variables in order ${ctx.variables.join(', ')})`);
    derivatives.push(name);
  }
  return derivatives;
}
