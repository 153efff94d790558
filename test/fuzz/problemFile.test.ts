/**
 * Property-based fuzzing of the problem loader: specs made by mutating valid ones, and JSON files
 * with corrupted text. Every one must load, or be refused with a one-line `KanpinnInputError`;
 * a loaded one must pass through `checkProblem` without throwing and report only finite numbers
 * (or say which term is not finite), and the shipped JSON Schema must accept it.
 * `npm test` runs a few thousand cases with a fixed seed; `FUZZ_RUNS=100000` runs the long one.
 */
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { isDeepStrictEqual } from 'node:util';
import { Ajv2020 } from 'ajv/dist/2020.js';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { KanpinnInputError, checkProblem, defineProblem, loadProblem } from '../../src/index.js';
import type { Problem } from '../../src/index.js';
import { FUZZ_SEED, FUZZ_TIMEOUT_MS, fuzzLog, PROBLEMS_DIR, ROOT, TEMPLATES, fuzzRuns, mutatedSpec } from './arbitraries.js';

const validateSchema = new Ajv2020({ allowUnionTypes: true }).compile(JSON.parse(readFileSync(join(ROOT, 'problems', 'schema', 'problem.schema.json'), 'utf8')) as object);
const dir = mkdtempSync(join(tmpdir(), 'kanpinn-fuzz-'));
writeFileSync(join(dir, 'obs.dat'), '# x y u\n0.5 0.5 1\n0.25 0.75 2\n');

/** Outcome of loading: the problem, or the refusal's message. Any other error fails the property. */
function load(run: () => Problem): { problem: Problem } | { message: string } {
  try {
    return { problem: run() };
  } catch (error) {
    if (!(error instanceof KanpinnInputError)) throw new Error(`not a one-line input error: ${error instanceof Error ? `${error.name}: ${error.message}` : String(error)}`);
    return { message: error.message };
  }
}

/** A refusal must be one non-empty line that names something (a field, a file, a value). */
function expectOneLine(message: string): void {
  expect(message.length).toBeGreaterThan(0);
  expect(message).not.toMatch(/\n/);
  expect(message).not.toMatch(/\bat .+:\d+:\d+/); // no stack frames
}

/** Every number in a check report is finite, or the report lists the non-finite terms and fails. */
function expectCheckFinite(problem: Problem): void {
  const report = checkProblem(problem, { points: 16 });
  const numbers: number[] = [];
  JSON.stringify(report, (_key, value: unknown) => {
    if (typeof value === 'number') numbers.push(value);
    return value;
  });
  if (report.nonFinite.length === 0) expect(numbers.every(Number.isFinite), JSON.stringify(report)).toBe(true);
  else expect(report.ok).toBe(false);
}

const counts = { accepted: 0, refused: 0, schemaChecked: 0 };

describe('fuzz: the problem loader', () => {
  it('every mutated spec loads or is refused with one line; loaded ones check finite and fit the schema', () => {
    fc.assert(
      fc.property(mutatedSpec, ({ spec }) => {
        if ((counts.accepted + counts.refused) % 5000 === 0) fuzzLog(`loader: ${JSON.stringify(counts)}`);
        const outcome = load(() => defineProblem(spec as Record<string, unknown>, { baseDir: PROBLEMS_DIR }));
        if ('message' in outcome) {
          counts.refused++;
          expectOneLine(outcome.message);
          return;
        }
        counts.accepted++;
        expectCheckFinite(outcome.problem);
        // The schema must never be stricter than the loader (for specs that JSON can carry).
        const json: unknown = JSON.parse(JSON.stringify(spec));
        if (isDeepStrictEqual(json, spec)) {
          counts.schemaChecked++;
          expect(validateSchema(json), `${JSON.stringify(json)}\n${JSON.stringify(validateSchema.errors)}`).toBe(true);
        }
      }),
      { numRuns: fuzzRuns(1000), seed: FUZZ_SEED },
    );
    // The generator must exercise both outcomes, or the property says little.
    expect(counts.accepted).toBeGreaterThan(20);
    expect(counts.refused).toBeGreaterThan(100);
    fuzzLog(`loader done: ${JSON.stringify(counts)}`);
  }, FUZZ_TIMEOUT_MS);

  it('every JSON file with corrupted text loads or is refused with one line', () => {
    const texts = TEMPLATES.map((t) => JSON.stringify(t, null, 1));
    let done = 0;
    const edit = fc.record({
      template: fc.nat({ max: texts.length - 1 }),
      at: fc.nat(),
      cut: fc.nat({ max: 6 }),
      insert: fc.oneof(fc.string({ maxLength: 4 }), fc.constantFrom('"', '{', '}', '[', ']', ',', ':', 'NaN', '1e999', '-', '\\', '\u0000', '\uFEFF', '// x')),
    });
    fc.assert(
      fc.property(edit, ({ template, at, cut, insert }) => {
        if (done++ % 5000 === 0) fuzzLog(`corrupted JSON: ${done - 1} cases`);
        const text = texts[template] as string;
        const pos = at % (text.length + 1);
        const path = join(dir, 'fuzz.json');
        writeFileSync(path, text.slice(0, pos) + insert + text.slice(pos + cut));
        const outcome = load(() => loadProblem(path));
        if ('message' in outcome) expectOneLine(outcome.message);
      }),
      { numRuns: fuzzRuns(400), seed: FUZZ_SEED },
    );
    fuzzLog(`corrupted JSON done: ${done} cases`);
  }, FUZZ_TIMEOUT_MS);
});
