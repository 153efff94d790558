/** Reference data files: whitespace- (or comma-) separated rows `x y … u`, `%`/`#` comment lines (PINNacle/COMSOL format). */
import { KanpinnInputError } from '../errors.js';

/** Parses `text` into rows of exactly `columns` finite numbers; `names` label the columns in errors. */
export function parseRows(text: string, columns: number, names: readonly string[], field: string): number[][] {
  const rows: number[][] = [];
  const lines = text.split(/\r?\n/);
  lines.forEach((raw, index) => {
    const line = raw.trim();
    if (line === '' || line.startsWith('%') || line.startsWith('#')) return;
    const parts = line.split(/[\s,;]+/).filter((part) => part !== '');
    if (parts.length !== columns) {
      throw new KanpinnInputError(`${field}: expected ${columns} columns (${names.join(' ')}) per row, line ${index + 1} has ${parts.length}`);
    }
    rows.push(
      parts.map((part) => {
        const value = Number(part);
        if (!Number.isFinite(value)) throw new KanpinnInputError(`${field}: line ${index + 1}: "${part}" is not a finite number`);
        return value;
      }),
    );
  });
  if (rows.length === 0) throw new KanpinnInputError(`${field}: no data rows (expected rows of ${names.join(' ')})`);
  return rows;
}

/** How a reference file is laid out: rows `x … [t] u …`, or a COMSOL grid export with one column per time. */
export const REFERENCE_FORMATS = ['rows', 'comsol-grid-time'] as const;
export type ReferenceFormat = (typeof REFERENCE_FORMATS)[number];

/** The times of a COMSOL grid export's header (`% X  u (1) @ t=0  u (1) @ t=0.1 …`), or undefined without one. */
function headerTimes(text: string): number[] | undefined {
  let times: number[] | undefined;
  for (const raw of text.split(/\r?\n/)) {
    const line = raw.trim();
    if (!line.startsWith('%')) {
      if (line !== '') break;
      continue;
    }
    const parts = line.split('@').slice(1);
    if (parts.length === 0) continue;
    const found = parts.map((part) => /^\s*t\s*=\s*([-+0-9.eE]+)/.exec(part)?.[1]);
    if (found.every((t) => t !== undefined)) times = found.map(Number);
  }
  return times && times.every(Number.isFinite) ? times : undefined;
}

/**
 * Reads a reference file into rows `[spatial…, t, outputs…]` (time-dependent) or `[spatial…, outputs…]`.
 * `format` undefined: a COMSOL grid export is recognised by its `@ t=` header when the problem has
 * time and the columns match (spatial + outputs × times, as PINNacle's `load_ref_data` reads it;
 * outputs interleaved within each time); otherwise rows.
 */
export function parseReferenceFile(text: string, spatial: number, timed: boolean, names: readonly string[], outputs: number, field: string, format?: ReferenceFormat): number[][] {
  const columns = names.length;
  if (format === 'comsol-grid-time' && !timed) throw new KanpinnInputError(`${field}.format: "comsol-grid-time" needs a time-dependent problem ("time": [t0, t1])`);
  const times = timed && format !== 'rows' ? headerTimes(text) : undefined;
  if (format === 'comsol-grid-time' && times === undefined) {
    throw new KanpinnInputError(`${field}: no COMSOL header line with the times ("% X  u @ t=0  u @ t=0.1 …") found`);
  }
  if (times === undefined || times.length % outputs !== 0) return parseRows(text, columns, names, field);
  const steps = times.length / outputs;
  const gridColumns = spatial + outputs * steps;
  if (format === undefined && (steps < 2 || firstDataWidth(text) !== gridColumns)) return parseRows(text, columns, names, field);
  const spatialNames = names.slice(0, spatial);
  const outputNames = names.slice(spatial + 1);
  const grid = parseRows(text, gridColumns, [...spatialNames, `${outputNames.join(' ')} at each of ${steps} times`], field);
  const stepTimes = times.filter((_, i) => i % outputs === 0);
  const rows: number[][] = [];
  for (const row of grid) {
    stepTimes.forEach((t, k) => {
      rows.push([...row.slice(0, spatial), t, ...row.slice(spatial + k * outputs, spatial + (k + 1) * outputs)]);
    });
  }
  return rows;
}

/** The number of columns of the first data row. */
function firstDataWidth(text: string): number {
  for (const raw of text.split(/\r?\n/)) {
    const line = raw.trim();
    if (line === '' || line.startsWith('%') || line.startsWith('#')) continue;
    return line.split(/[\s,;]+/).filter((part) => part !== '').length;
  }
  return 0;
}
