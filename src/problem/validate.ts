/** Small validation helpers for problem specs: object checks, known fields, "did you mean". */
import { KanpinnInputError } from '../errors.js';

/** True for a plain object (not an array, not null). */
export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Levenshtein edit distance between a and b. */
export function editDistance(a: string, b: string): number {
  const row = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    let previous = row[0] as number;
    row[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const current = row[j] as number;
      row[j] = Math.min((row[j] as number) + 1, (row[j - 1] as number) + 1, previous + (a[i - 1] === b[j - 1] ? 0 : 1));
      previous = current;
    }
  }
  return row[b.length] as number;
}

/** The candidate closest to `word` by edit distance when it is close enough (≤ 1/2 its length, ≤ 3). */
export function closest(word: string, candidates: readonly string[]): string | undefined {
  let best: string | undefined;
  let bestDistance = Infinity;
  for (const candidate of candidates) {
    const distance = editDistance(word.toLowerCase(), candidate.toLowerCase());
    if (distance < bestDistance) {
      bestDistance = distance;
      best = candidate;
    }
  }
  return best !== undefined && bestDistance <= Math.min(3, Math.max(1, Math.floor(best.length / 2))) ? best : undefined;
}

/** ` (did you mean "x"?)` or an empty string. */
export function suggestion(word: string, candidates: readonly string[]): string {
  const best = closest(word, candidates);
  return best === undefined ? '' : ` (did you mean "${best}"?)`;
}

/** Refuses fields of `spec` not in `known`, naming the closest known field. */
export function checkFields(spec: Record<string, unknown>, known: readonly string[], field: string): void {
  for (const key of Object.keys(spec)) {
    if (!known.includes(key)) {
      const path = field ? `${field}.${key}` : key;
      throw new KanpinnInputError(`${path}: unknown field${suggestion(key, known)}; expected one of ${known.join(', ')}`);
    }
  }
}
