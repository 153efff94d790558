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
