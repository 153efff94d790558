/** Observed-data terms: u at fixed points equals the observed values. */
import * as tf from '../tf.js';
import { KanpinnInputError, describe } from '../errors.js';
import type { ExprContext } from './expr/parse.js';
import type { TermBase } from './conditionTerms.js';
import type { LossTerm } from './types.js';
import { readText, resolvePath } from '../io/files.js';
import { parseRows } from './reference.js';

/** A data term from inline `points`/`values` or a `file` of rows `x y … u`. */
export function dataTerm(spec: Record<string, unknown>, base: TermBase, ctx: ExprContext, baseDir?: string): LossTerm {
  const { field, unknown } = base;
  const width = ctx.variables.length;
  let rows: number[][];
  if (spec.file !== undefined) {
    if (typeof spec.file !== 'string') throw new KanpinnInputError(`${field}.file: expected a path, got ${describe(spec.file)}`);
    if (spec.points !== undefined || spec.values !== undefined) throw new KanpinnInputError(`${field}: give either "file" or "points" with "values", not both`);
    const path = resolvePath(spec.file, baseDir);
    rows = parseRows(readText(path, `${field}.file`), width + 1, [...ctx.variables, unknown], `${field}.file`);
  } else {
    const points = spec.points;
    const values = spec.values;
    if (!Array.isArray(points) || points.length === 0) throw new KanpinnInputError(`${field}.points: expected an array of [${ctx.variables.join(', ')}] points, got ${describe(points)}`);
    if (!Array.isArray(values) || values.length !== points.length) {
      throw new KanpinnInputError(`${field}.values: expected ${points.length} numbers (one per point), got ${describe(values)}`);
    }
    rows = points.map((p, i) => {
      if (!Array.isArray(p) || p.length !== width) throw new KanpinnInputError(`${field}.points[${i}]: expected ${width} numbers (${ctx.variables.join(', ')}), got ${describe(p)}`);
      const row = [...p, values[i]];
      row.forEach((v) => {
        if (typeof v !== 'number' || !Number.isFinite(v)) throw new KanpinnInputError(`${field}.points[${i}]: expected finite numbers, got ${describe(row)}`);
      });
      return row as number[];
    });
  }
  const count = rows.length;
  const coords = new Float32Array(count * width);
  const observed = new Float32Array(count);
  rows.forEach((row, i) => {
    for (let d = 0; d < width; d++) coords[i * width + d] = row[d] as number;
    observed[i] = row[width] as number;
  });
  return {
    name: base.name,
    kind: 'data',
    weight: base.weight,
    region: 'data',
    derivatives: [unknown],
    sample: () => ({ coords: coords.slice(), count, extra: { __data: observed.slice() } }),
    residual: (scope) => {
      const u = scope[unknown];
      const data = scope.__data;
      if (!u || !data) throw new Error(`residual: the scope needs '${unknown}' and '__data'`);
      return tf.sub(u, data) as tf.Tensor1D;
    },
  };
}
