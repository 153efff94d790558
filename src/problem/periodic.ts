/** Periodic conditions: u (and optionally u_axis) equal at paired points of two opposite box faces. */
import * as tf from '../tf.js';
import { KanpinnInputError, describe } from '../errors.js';
import type { Domain } from './domain.js';
import type { ExprContext } from './expr/parse.js';
import { createUnitStream } from './sequences.js';
import { unitGrid } from './geometry/stream.js';
import type { TermBase } from './conditionTerms.js';
import type { LossTerm, Scope } from './types.js';

const BOX_KINDS = ['interval', 'rectangle', 'box'];

/** Points on the low face of `axis` (first half) and their mirror images on the high face (second half). */
export function periodicTerm(spec: Record<string, unknown>, base: TermBase, domain: Domain, ctx: ExprContext): LossTerm {
  const { field, unknown } = base;
  const axis = spec.axis;
  const a = typeof axis === 'string' ? ctx.spatial.indexOf(axis) : -1;
  if (a < 0) throw new KanpinnInputError(`${field}.axis: expected one of the spatial variables ${ctx.spatial.join(', ')}, got ${describe(axis)}`);
  if (!BOX_KINDS.includes(domain.space.kind)) {
    throw new KanpinnInputError(`${field}: periodic conditions need a box-shaped domain (interval, rectangle, box), got a ${domain.space.kind}`);
  }
  const derivative = spec.derivative ?? false;
  if (typeof derivative !== 'boolean') throw new KanpinnInputError(`${field}.derivative: expected true or false, got ${describe(derivative)}`);
  const width = ctx.variables.length;
  const free = ctx.variables.map((_, d) => d).filter((d) => d !== a);
  const { min, max } = domain.bounds;
  const gradientName = `${unknown}_${axis as string}`;
  const pair = (scope: Scope, name: string): tf.Tensor => {
    const values = scope[name];
    if (!values) throw new Error(`residual: the scope has no column '${name}'`);
    const half = values.shape[0] / 2;
    return tf.sub(tf.slice(values, 0, half), tf.slice(values, half, half));
  };
  return {
    name: base.name,
    kind: 'periodic',
    weight: base.weight,
    region: 'boundary',
    derivatives: derivative ? [unknown, gradientName] : [unknown],
    sample(count, rng, method) {
      let units: Float64Array[];
      if (free.length === 0) units = [new Float64Array(0)];
      else if (method === 'mesh') units = unitGrid(Math.max(1, Math.ceil(count / 2)), free.length);
      else {
        const stream = createUnitStream(method, free.length, rng);
        units = Array.from({ length: Math.max(1, Math.ceil(count / 2)) }, () => {
          const u = new Float64Array(free.length);
          stream.next(u);
          return u;
        });
      }
      const m = units.length;
      const coords = new Float32Array(2 * m * width);
      units.forEach((u, i) => {
        free.forEach((d, k) => {
          const value = (min[d] as number) + (u[k] as number) * ((max[d] as number) - (min[d] as number));
          coords[i * width + d] = value;
          coords[(m + i) * width + d] = value;
        });
        coords[i * width + a] = min[a] as number;
        coords[(m + i) * width + a] = max[a] as number;
      });
      return { coords, count: 2 * m };
    },
    residual: (scope) => {
      const value = pair(scope, unknown);
      return (derivative ? tf.concat([value, pair(scope, gradientName)]) : value) as tf.Tensor1D;
    },
  };
}
