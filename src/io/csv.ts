/**
 * CSV input for supervised fitting (`kanpinn fit data.csv`): a header row of column names, then rows
 * of numbers; the last column is the target unless one is named. Pure text in, arrays out (no file
 * access here, so it also runs in a browser). Rows are numbered as lines of the file (the header is
 * row 1), so an error points at the line to fix.
 */
import { KanpinnInputError, describe } from '../errors.js';
import type { Rng } from '../random.js';

/** A parsed data set: inputs [rows][inputs] and target [rows]. */
export interface CsvData {
  /** Every column name, in file order. */
  readonly names: readonly string[];
  readonly inputNames: readonly string[];
  readonly targetName: string;
  /** inputs[r][k]: row r, input column k, [rows][inputNames.length]. */
  readonly inputs: readonly (readonly number[])[];
  /** target[r], [rows]. */
  readonly target: readonly number[];
}

/** Options of `parseCsv`. */
export interface ParseCsvOptions {
  /** Name of the target column; default the last column. */
  readonly target: string | undefined;
  /** Cell separator. */
  readonly delimiter: ',' | ';' | '\t';
}

/** Defaults: the last column is the target, cells separated by commas. */
export const PARSE_CSV_DEFAULTS: ParseCsvOptions = { target: undefined, delimiter: ',' };

const NUMBER_PATTERN = /^[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?$/;

/** Splits one line into trimmed cells; double quotes may wrap a cell ("" is a literal quote). */
function splitLine(line: string, delimiter: string, row: number): string[] {
  const cells: string[] = [];
  let i = 0;
  for (;;) {
    while (line[i] === ' ') i++;
    let cell = '';
    if (line[i] === '"') {
      i++;
      for (;;) {
        if (i >= line.length) throw new KanpinnInputError(`row ${row}: unterminated quote in cell ${cells.length + 1}`);
        if (line[i] === '"' && line[i + 1] === '"') {
          cell += '"';
          i += 2;
        } else if (line[i] === '"') {
          i++;
          break;
        } else cell += line[i++];
      }
      while (i < line.length && line[i] !== delimiter) i++;
    } else {
      const end = line.indexOf(delimiter, i);
      cell = line.slice(i, end === -1 ? line.length : end);
      i = end === -1 ? line.length : end;
    }
    cells.push(cell.trim());
    if (i >= line.length) return cells;
    i++; // the delimiter
  }
}

function parseHeader(line: string, delimiter: string): string[] {
  const names = splitLine(line, delimiter, 1);
  if (names.length < 2) {
    throw new KanpinnInputError(`row 1 (header): expected at least 2 columns (inputs and a target) separated by ${describe(delimiter)}, found ${names.length}`);
  }
  names.forEach((name, k) => {
    if (name === '') throw new KanpinnInputError(`row 1 (header), column ${k + 1}: empty column name`);
    const first = names.indexOf(name);
    if (first !== k) throw new KanpinnInputError(`row 1 (header), column ${k + 1}: duplicate name "${name}" (also column ${first + 1})`);
  });
  return names;
}

function parseCell(cell: string, row: number, column: string): number {
  if (cell === '') throw new KanpinnInputError(`row ${row}, column "${column}": empty cell`);
  if (!NUMBER_PATTERN.test(cell)) throw new KanpinnInputError(`row ${row}, column "${column}": not a number: ${describe(cell)}`);
  const value = Number(cell);
  if (!Number.isFinite(value)) throw new KanpinnInputError(`row ${row}, column "${column}": not a finite number: ${describe(cell)}`);
  return value;
}

/**
 * Parses CSV text: header row required, at least 2 data rows, every cell a finite number, a target
 * that varies. Blank lines and lines starting with # are skipped.
 */
export function parseCsv(text: string, options: Partial<ParseCsvOptions> = {}): CsvData {
  const o: ParseCsvOptions = { ...PARSE_CSV_DEFAULTS, ...options };
  if (typeof text !== 'string') throw new KanpinnInputError(`parseCsv: text: expected a string, found ${describe(text)}`);
  const lines = text.replace(/^\uFEFF/, '').split(/\r?\n/);
  const isContent = (line: string): boolean => line.trim() !== '' && !line.trimStart().startsWith('#');
  const headerIndex = lines.findIndex(isContent);
  const headerLine = lines[headerIndex];
  if (headerLine === undefined) throw new KanpinnInputError('parseCsv: the text is empty; expected a header row of column names');
  const names = parseHeader(headerLine, o.delimiter);
  const targetName = o.target ?? (names[names.length - 1] as string);
  const targetIndex = names.indexOf(targetName);
  if (targetIndex === -1) throw new KanpinnInputError(`parseCsv: target "${targetName}" is not a column (columns: ${names.join(', ')})`);
  const inputNames = names.filter((_, k) => k !== targetIndex);
  const inputs: number[][] = [];
  const target: number[] = [];
  for (let index = headerIndex + 1; index < lines.length; index++) {
    const line = lines[index] as string;
    if (!isContent(line)) continue;
    const row = index + 1;
    const cells = splitLine(line, o.delimiter, row);
    if (cells.length !== names.length) throw new KanpinnInputError(`row ${row}: expected ${names.length} cells (like the header), found ${cells.length}`);
    const values = cells.map((cell, k) => parseCell(cell, row, names[k] as string));
    target.push(values[targetIndex] as number);
    inputs.push(values.filter((_, k) => k !== targetIndex));
  }
  if (target.length < 2) throw new KanpinnInputError(`parseCsv: need at least 2 data rows below the header to fit, found ${target.length}`);
  const first = target[0] as number;
  if (target.every((v) => v === first)) {
    throw new KanpinnInputError(`parseCsv: target column "${targetName}" is constant (every row is ${first}); a fit needs a target that varies`);
  }
  return { names, inputNames, targetName, inputs, target };
}

/** The rows of `data` at `rows` (in that order). */
function selectRows(data: CsvData, rows: readonly number[]): CsvData {
  return { ...data, inputs: rows.map((r) => data.inputs[r] as number[]), target: rows.map((r) => data.target[r] as number) };
}

/**
 * Splits rows at random (seeded by `rng`) into train and test sets; the test set gets
 * round(rows·testFraction) rows, at least 1, and the train set at least 1. Rows keep their file order.
 */
export function splitTrainTest(data: CsvData, testFraction: number, rng: Rng): { train: CsvData; test: CsvData } {
  if (typeof testFraction !== 'number' || !(testFraction > 0 && testFraction < 1)) {
    throw new KanpinnInputError(`splitTrainTest: testFraction: expected a number in (0, 1), found ${describe(testFraction)}`);
  }
  const n = data.target.length;
  if (n < 2) throw new KanpinnInputError(`splitTrainTest: data: need at least 2 rows to split, found ${n}`);
  const order = Array.from({ length: n }, (_, i) => i);
  for (let i = n - 1; i > 0; i--) {
    const j = rng.int(i + 1);
    [order[i], order[j]] = [order[j] as number, order[i] as number];
  }
  const testCount = Math.min(n - 1, Math.max(1, Math.round(n * testFraction)));
  const byFileOrder = (rows: number[]): number[] => rows.sort((p, q) => p - q);
  return {
    train: selectRows(data, byFileOrder(order.slice(testCount))),
    test: selectRows(data, byFileOrder(order.slice(0, testCount))),
  };
}
