/**
 * Property-based fuzzing of the command line: `check`, `solve`, `fit` and `problems` with flag sets
 * mixing small valid values and garbage (generated from the option table, so new flags are
 * fuzzed too). Every run must end with exit 0 (outputs free of NaN and Infinity), exit 1 for a
 * reported failure, or exit 2 with one line naming the input — never a stack trace (KANPINN_DEBUG
 * prints one for any error the CLI did not expect) or a hang. Valid runs are kept tiny (≤ 2 steps,
 * ≤ 32 points), so this tests input handling, not training.
 * `npm test` runs a bounded number with a fixed seed; `FUZZ_RUNS=N` runs N (the long run).
 */
import { existsSync, mkdtempSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { OPTION_SPECS } from '../../src/options/training.js';
import type { OptionKind } from '../../src/options/training.js';
import { main } from '../../solvers/cli.js';
import { capture } from '../cli/capture.js';
import { FUZZ_SEED, FUZZ_TIMEOUT_MS, ROOT, fuzzLog, fuzzRuns } from './arbitraries.js';

const dir = mkdtempSync(join(tmpdir(), 'kanpinn-fuzz-cli-'));
const table = ['a,b,y', ...Array.from({ length: 16 }, (_, n) => `${(n % 4) / 3},${Math.floor(n / 4) / 3},${Math.sin(n)}`)].join('\n');
writeFileSync(join(dir, 'data.csv'), table);
writeFileSync(join(dir, 'short.csv'), 'a,y\n1,2\n3,4\n');
writeFileSync(join(dir, 'problem.ts'), 'export const p = 1;\n');
writeFileSync(join(dir, 'existing-file'), 'x');
writeFileSync(join(dir, 'tiny.json'), JSON.stringify({ name: 'tiny', variables: ['x'], domain: { type: 'interval', min: 0, max: 1 }, pde: 'u_xx + 1', conditions: [{ type: 'dirichlet', value: 0 }], exact: 'x*(1-x)/2' }));

const GARBAGE = ['abc', '', '-1', '1.5', 'NaN', 'Infinity', '-0', '0x10', '1,,2', '2,', ',', 'true', 'null', ' 3', '1e-400', '💥'];
const HUGE = ['1e30', '1e400', '-1e30', '9007199254740993'];

/** Small valid values and garbage for one option kind (no huge valid sizes: this is not a memory test). */
function valuesOf(name: string, kind: OptionKind): string[] {
  switch (kind.type) {
    case 'integer': {
      const small = [kind.min, kind.min + 1, kind.min + 2].filter((v) => kind.max === undefined || v <= kind.max).map(String);
      return [...small, ...(name === 'seed' ? HUGE : [])];
    }
    case 'number':
      return ['0.5', '1e-3', String(kind.max ?? 2), ...HUGE];
    case 'choice':
      return [...kind.choices, 'nope'];
    case 'intList':
      return name === 'width' ? ['4', '2,4,1', '1,4,1', '0', '3,0,1'] : ['3', '3,4', '0', '3,a'];
    case 'schedule':
      return ['cosine:1e-3', 'cosine:2', 'step', 'exp:0.5'];
    case 'weights':
      return ['pde=0.5', 'pde=abc', 'nope=1', 'conditions[0].dirichlet=2'];
    case 'embed':
      return ['none', 'fourier:1', 'fourier:2:4', 'periodic:x', 'auto', 'fourier:-1', 'fourier', 'periodic:q', 'nope'];
    case 'hard':
      return ['none', 'dirichlet', 'initial', 'dirichlet,initial', 'auto', 'nope', 'dirichlet,'];
    default: {
      // A new option kind must get its values here (an empty list breaks fc.constantFrom).
      const never: never = kind;
      return never;
    }
  }
}

/** Flags that would make a valid run long: always present (a small value or garbage). */
const ALWAYS = { steps: ['1', '2'], points: ['16', '32'], 'boundary-points': ['4', '8'], grids: ['3', '3,4'], 'adam-steps': ['1'] } as const;

const trainingFlags = Object.entries(OPTION_SPECS).map(([name, spec]) => ({ flag: spec.flag, values: valuesOf(name, spec.kind) }));
/** `--flag value`: a value from `values` (valid or near it) `weight` times as often as garbage. */
const flagValue = (flag: string, values: readonly string[], weight = 3): fc.Arbitrary<string[]> =>
  fc.oneof({ arbitrary: fc.constantFrom(...values), weight }, { arbitrary: fc.constantFrom(...GARBAGE), weight: 1 }).map((v) => [`--${flag}`, v]);

const solveArgs = fc
  .record({
    problem: fc.oneof(
      { arbitrary: fc.constantFrom('poisson1d', 'heat1d', 'poisson2d', join(dir, 'tiny.json')), weight: 4 },
      { arbitrary: fc.constantFrom('nope', '', join(ROOT, 'problems', 'schema', 'problem.schema.json'), join(dir, 'problem.ts'), dir, join(dir, 'missing.json')), weight: 1 },
    ),
    always: fc.tuple(...Object.entries(ALWAYS).map(([flag, values]) => flagValue(flag, values, 30))),
    extra: fc.array(fc.oneof(...trainingFlags.map(({ flag, values }) => flagValue(flag, values))), { maxLength: 3 }),
    out: fc.oneof({ arbitrary: fc.constantFrom(null, 'fresh'), weight: 4 }, { arbitrary: fc.constantFrom(join(dir, 'existing-file'), ''), weight: 1 }),
    switches: fc.oneof({ arbitrary: fc.subarray(['--json', '--quiet']), weight: 4 }, { arbitrary: fc.subarray(['--json', '--unknown-flag', '--steps', '-k', '--grid']), weight: 1 }),
  })
  .map(({ problem, always, extra, out, switches }) => {
    const args = ['solve', problem, ...always.flat(), ...extra.flat(), ...switches];
    const outDir = out === 'fresh' ? mkdtempSync(join(dir, 'run-')) : out;
    if (outDir !== null) args.push('--out', outDir);
    if (!args.includes('--quiet')) args.push('--quiet');
    return { args, outDir: out === 'fresh' ? outDir : null };
  });

const fitValues: Record<string, string[]> = {
  width: ['2', '2,2,1', '0', 'a'],
  grids: ['3', '3,4', '0', '3,,4'],
  k: ['1', '3', '0', '11', '2.5'],
  steps: ['1', '2', '-1', 'abc'],
  lamb: ['0', '0.01', '-1', 'NaN'],
  'r2-threshold': ['0', '0.5', '2', '-0.1'],
  'test-fraction': ['0.2', '0.5', '0', '1', 'x'],
  seed: ['0', '1', '1e30', '-1', '1.5'],
  digits: ['2', '5', '0', '18', 'x'],
  candidates: ['x,sin', 'sinh', '', 'x,,sin'],
  target: ['y', 'a', 'nope', ''],
};
const fitArgs = fc
  .record({
    data: fc.constantFrom(join(dir, 'data.csv'), join(dir, 'data.csv'), join(dir, 'data.csv'), join(dir, 'short.csv'), join(dir, 'missing.csv'), dir, join(dir, 'problem.ts')),
    extra: fc.array(fc.oneof(...Object.entries(fitValues).map(([flag, values]) => flagValue(flag, values))), { maxLength: 3 }),
    switches: fc.oneof({ arbitrary: fc.subarray(['--json', '--symbolic', '--no-prune']), weight: 4 }, { arbitrary: fc.constant(['--bogus']), weight: 1 }),
    out: fc.constantFrom(null, 'fresh', 'fresh', join(dir, 'existing-file')),
  })
  .map(({ data, extra, switches, out }) => {
    const args = ['fit', data, '--steps', '1', '--grids', '3', ...extra.flat(), ...switches, '--quiet'];
    const outDir = out === 'fresh' ? mkdtempSync(join(dir, 'fit-')) : out;
    if (outDir !== null) args.push('--out', outDir);
    return { args, outDir: out === 'fresh' ? outDir : null };
  });

const checkArgs = fc
  .record({
    problem: fc.constantFrom('poisson1d', 'heat1d', 'helmholtz2d', join(dir, 'tiny.json'), 'poison2d', '', join(dir, 'problem.ts'), dir),
    extra: fc.subarray(['--json', '--seed', '1', '--seed', 'abc', '--seed', '1e30', '--nope']),
  })
  .map(({ problem, extra }) => ({ args: ['check', problem, ...extra], outDir: null as string | null }));

const otherArgs = fc
  // --help and --version end in process.exit, which a test process cannot take: not fuzzed here.
  .constantFrom([], ['problems'], ['problems', '--json'], ['problems', 'extra'], ['nope'], ['solve'], ['fit'], ['check', '--json'], ['--', 'solve'])
  .map((args) => ({ args: [...args], outDir: null as string | null }));

/** Non-finite tokens in the text outputs of a run (JSON and CSV; the HTML report carries code). */
function nonFiniteIn(outDir: string): string[] {
  const found: string[] = [];
  for (const file of readdirSync(outDir)) {
    if (!/\.(json|csv)$/.test(file)) continue;
    const text = readFileSync(join(outDir, file), 'utf8');
    const match = /\b(NaN|-?Infinity)\b/.exec(text);
    if (match) found.push(`${file}: ${match[0]} near ${JSON.stringify(text.slice(Math.max(0, match.index - 40), match.index + 20))}`);
  }
  return found;
}

const seen = { 0: 0, 1: 0, 2: 0 } as Record<number, number>;

async function runOne({ args, outDir }: { args: string[]; outDir: string | null }): Promise<void> {
  const io = capture();
  let code: number;
  try {
    code = await main(args);
  } finally {
    vi.restoreAllMocks();
    process.exitCode = undefined;
  }
  const err = io.err();
  const context = `kanpinn ${args.map((a) => JSON.stringify(a)).join(' ')}\nexit ${code}\nstderr: ${err}`;
  seen[code] = (seen[code] ?? 0) + 1;
  if (((seen[0] ?? 0) + (seen[1] ?? 0) + (seen[2] ?? 0)) % 500 === 0) fuzzLog(`cli: exit codes ${JSON.stringify(seen)}`);
  expect([0, 1, 2], context).toContain(code);
  expect(err, context).not.toMatch(/\n\s+at .+[:(]/); // a stack frame: an error the CLI did not expect
  if (code === 2) {
    const lines = err.trimEnd().split('\n');
    expect(lines.filter((l) => l.startsWith('kanpinn: ')), context).toHaveLength(1);
    expect(lines[lines.length - 1], context).toMatch(/^kanpinn: \S/);
  }
  if (code === 0 && outDir && existsSync(outDir)) expect(nonFiniteIn(outDir), context).toEqual([]);
}

describe('fuzz: the command line', () => {
  beforeAll(() => {
    process.env.KANPINN_DEBUG = '1';
  });
  afterAll(() => {
    delete process.env.KANPINN_DEBUG;
  });

  it('every generated command line ends in a valid run, a reported failure or a one-line error', async () => {
    const runs = fuzzRuns(60);
    await fc.assert(
      fc.asyncProperty(fc.oneof({ arbitrary: solveArgs, weight: 4 }, { arbitrary: fitArgs, weight: 2 }, { arbitrary: checkArgs, weight: 2 }, { arbitrary: otherArgs, weight: 1 }), runOne),
      { numRuns: runs, seed: FUZZ_SEED, endOnFailure: true },
    );
    // Both valid runs and refusals must occur, or the property tests little.
    expect(seen[0]).toBeGreaterThan(runs / 20);
    expect(seen[2]).toBeGreaterThan(runs / 4);
    fuzzLog(`cli done: exit codes ${JSON.stringify(seen)}`);
  }, FUZZ_TIMEOUT_MS);
});
