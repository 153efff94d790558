/** Helpers shared by the CLI commands: flag parsing, output, and the one-line error convention. */
import { KanpinnInputError } from '../src/index.js';

/** Parses a comma-separated list of positive integers such as `2,10,1` for flag `--name`. */
export function parseIntList(value: unknown, flag: string, min = 1): number[] {
  const text = String(value);
  const parts = text.split(',').map((part) => part.trim());
  const numbers = parts.map(Number);
  if (parts.length === 0 || numbers.some((n) => !Number.isInteger(n) || n < min)) {
    throw new KanpinnInputError(`--${flag}: expected a comma-separated list of integers >= ${min}, got "${text}"`);
  }
  return numbers;
}

/** Writes one JSON object to stdout (the only thing `--json` commands print there). */
export function printJson(value: unknown): void {
  process.stdout.write(`${JSON.stringify(value, null, 2)}\n`);
}

/** Writes a line to stdout. */
export function printLine(text = ''): void {
  process.stdout.write(`${text}\n`);
}

/** Writes a line to stderr (progress, warnings). */
export function printError(text: string): void {
  process.stderr.write(`${text}\n`);
}
