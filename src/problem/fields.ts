/**
 * `"fields"`: coefficients given as data. Each field reads rows `x y … [t] value` from a file
 * (relative to the problem file) or inline `rows`, and becomes a function of the problem's
 * variables in every expression: nearest or (multi)linear interpolation on a full tensor grid, or
 * the nearest data point among scattered points, or linear on scattered 2-D points through their
 * Delaunay triangulation. Outside the data the field is clamped to the nearest data.
 */
import { KanpinnInputError, describe } from '../errors.js';
import { readText, resolvePath } from '../io/files.js';
import { detectGrid, gridLinear, gridNearest } from './fieldGrid.js';
import { buildKdTree, scatteredNearest } from './fieldScattered.js';
import type { KdTree } from './fieldScattered.js';
import { scatteredLinear } from './fieldTriangulation.js';
import { FIELD_INTERPOLATIONS } from './expr/fieldNode.js';
import { CONSTANTS, FUNCTION_NAMES } from './expr/functions.js';
import type { FieldInterpolation, TabulatedField } from './expr/fieldNode.js';
import { parseRows } from './reference.js';
import { checkFields, isRecord } from './validate.js';

/** Fields of one entry of `"fields"`. */
export const FIELD_SPEC_FIELDS = ['file', 'rows', 'interpolate'] as const;

/** One tabulated field as written: a data file or inline rows `x y … [t] value`, and how to interpolate. */
export interface FieldSpec {
  /** Path of a data file, relative to the problem file (JSON) or the working directory. */
  file?: string;
  /** Inline rows `x y … [t] value` (instead of `file`). */
  rows?: number[][];
  /** `linear` (default) or `nearest`. */
  interpolate?: FieldInterpolation;
}

/** What the fields of a problem may depend on, and the names they must not take. */
export interface FieldContext {
  variables: readonly string[];
  spatial: readonly string[];
  /** Names already taken, by what they are: `{ variable: ['x', 'y'], define: ['f'] }`. */
  taken: Readonly<Record<string, readonly string[]>>;
  /** Folder that a relative `file` is resolved against. */
  baseDir?: string;
}

const NAME = /^[A-Za-z][A-Za-z0-9]*$/;

/** Parses `"fields"` into tabulated fields by name; every refusal is one line naming the field. */
export function parseFields(value: unknown, ctx: FieldContext): Map<string, TabulatedField> {
  const fields = new Map<string, TabulatedField>();
  if (value === undefined) return fields;
  if (!isRecord(value)) throw new KanpinnInputError(`fields: expected an object like { "k": { "file": "k.dat", "interpolate": "linear" } }, got ${describe(value)}`);
  for (const [name, spec] of Object.entries(value)) {
    const field = `fields.${name}`;
    if (!NAME.test(name)) throw new KanpinnInputError(`${field}: expected a name of letters and digits (no '_')`);
    const clash = Object.keys(ctx.taken).find((kind) => ctx.taken[kind]?.includes(name));
    if (clash !== undefined) throw new KanpinnInputError(`${field}: '${name}' is already ${/^[aeiou]/.test(clash) ? 'an' : 'a'} ${clash}; a field needs a name of its own`);
    if (name in CONSTANTS || FUNCTION_NAMES.includes(name)) throw new KanpinnInputError(`${field}: '${name}' is reserved (a constant or a built-in function); a field needs a name of its own`);
    fields.set(name, parseField(name, spec, ctx));
  }
  return fields;
}

function parseField(name: string, spec: unknown, ctx: FieldContext): TabulatedField {
  const field = `fields.${name}`;
  if (!isRecord(spec)) throw new KanpinnInputError(`${field}: expected { "file": "${name}.dat", "interpolate": "linear" }, got ${describe(spec)}`);
  checkFields(spec, FIELD_SPEC_FIELDS, field);
  const interpolation = spec.interpolate ?? 'linear';
  if (!(FIELD_INTERPOLATIONS as readonly unknown[]).includes(interpolation)) {
    throw new KanpinnInputError(`${field}.interpolate: expected one of ${FIELD_INTERPOLATIONS.join(', ')}, got ${describe(interpolation)}`);
  }
  const { rows, where } = readRows(name, spec, ctx);
  const dims = (rows[0] as number[]).length - 1;
  const inputs = dims === ctx.variables.length ? ctx.variables : ctx.spatial;
  const count = rows.length;
  if (count < 2) throw new KanpinnInputError(`${where}: expected at least 2 data points, got ${count}`);
  const points = new Float64Array(count * dims);
  const values = new Float64Array(count);
  rows.forEach((row, i) => {
    for (let d = 0; d < dims; d++) points[i * dims + d] = row[d] as number;
    values[i] = row[dims] as number;
  });
  refuseRepeatedPoints(rows, inputs, where);
  const base = { name, inputs, interpolation: interpolation as FieldInterpolation, points: count };
  const grid = detectGrid(points, values, count, dims);
  if (grid) return { ...base, layout: 'grid', interpolant: interpolation === 'linear' ? gridLinear(grid) : gridNearest(grid) };
  if (interpolation === 'nearest') return { ...base, layout: 'scattered', interpolant: scatteredNearest(buildKdTree(points, count, dims), values) };
  if (dims !== 2) {
    throw new KanpinnInputError(
      `${where}: "interpolate": "linear" on scattered points needs 2 coordinates (a triangulation) or a full grid (every combination of the ${inputs.join(', ')} values once); these ${count} points over ${inputs.join(', ')} are scattered: use "interpolate": "nearest"`,
    );
  }
  // The linear field needs the nearest point only outside the hull: build the tree on first use.
  let tree: KdTree | undefined;
  const interpolant = scatteredLinear(points, values, count, { nearest: (p) => (tree ??= buildKdTree(points, count, dims)).nearest(p) });
  if (!interpolant) throw new KanpinnInputError(`${where}: the ${count} points lie on one line, so "interpolate": "linear" has no triangle to interpolate on: use "interpolate": "nearest"`);
  return { ...base, layout: 'scattered', interpolant };
}

/** The data rows of a field, each of one width: its inputs (spatial, or spatial and time) and the value. */
function readRows(name: string, spec: Record<string, unknown>, ctx: FieldContext): { rows: number[][]; where: string } {
  const field = `fields.${name}`;
  const widths = [ctx.spatial.length + 1, ctx.variables.length + 1].filter((w, i, all) => w >= 2 && all.indexOf(w) === i);
  const layouts = widths.map((w) => [...(w === ctx.variables.length + 1 ? ctx.variables : ctx.spatial), name].join(' '));
  const expected = `${widths.join(' or ')} columns (${layouts.join(' | ')})`;
  if ((spec.file === undefined) === (spec.rows === undefined)) throw new KanpinnInputError(`${field}: give either "file" (a data file of rows ${layouts[0]}) or "rows", not ${spec.file === undefined ? 'neither' : 'both'}`);
  if (spec.file !== undefined) {
    const where = `${field}.file`;
    if (typeof spec.file !== 'string' || spec.file === '') throw new KanpinnInputError(`${where}: expected a path to a data file, got ${describe(spec.file)}`);
    const text = readText(resolvePath(spec.file, ctx.baseDir), where);
    const width = firstRowWidth(text);
    if (width === 0) throw new KanpinnInputError(`${where}: no data rows (expected rows of ${expected})`);
    if (!widths.includes(width)) throw new KanpinnInputError(`${where}: expected ${expected} per row for variables ${ctx.variables.join(', ')}, the first row has ${width}`);
    const labels = [...(width === ctx.variables.length + 1 ? ctx.variables : ctx.spatial), name];
    return { rows: parseRows(text, width, labels, where), where };
  }
  const where = `${field}.rows`;
  const rows = spec.rows;
  if (!Array.isArray(rows) || rows.length === 0) throw new KanpinnInputError(`${where}: expected an array of rows of ${expected}, got ${describe(rows)}`);
  const width = Array.isArray(rows[0]) ? rows[0].length : 0;
  if (!widths.includes(width)) throw new KanpinnInputError(`${where}: expected ${expected} per row for variables ${ctx.variables.join(', ')}, rows[0] has ${describe(rows[0])}`);
  rows.forEach((row, i) => {
    if (!Array.isArray(row) || row.length !== width || !row.every((v) => typeof v === 'number' && Number.isFinite(v))) {
      throw new KanpinnInputError(`${where}[${i}]: expected ${width} finite numbers like rows[0], got ${describe(row)}`);
    }
  });
  return { rows: rows as number[][], where };
}

/** The number of columns of the first data row (0 without one). */
function firstRowWidth(text: string): number {
  for (const raw of text.split(/\r?\n/)) {
    const line = raw.trim();
    if (line === '' || line.startsWith('%') || line.startsWith('#')) continue;
    return line.split(/[\s,;]+/).filter((part) => part !== '').length;
  }
  return 0;
}

/** Refuses a point given twice: its value would be ambiguous. */
function refuseRepeatedPoints(rows: number[][], inputs: readonly string[], where: string): void {
  const dims = inputs.length;
  const sorted = [...rows].sort((a, b) => {
    for (let d = 0; d < dims; d++) if (a[d] !== b[d]) return (a[d] as number) - (b[d] as number);
    return 0;
  });
  for (let i = 1; i < sorted.length; i++) {
    const a = sorted[i - 1] as number[];
    const b = sorted[i] as number[];
    if (inputs.every((_, d) => a[d] === b[d])) {
      throw new KanpinnInputError(`${where}: the point (${inputs.map((v, d) => `${v} = ${a[d]}`).join(', ')}) appears more than once`);
    }
  }
}
