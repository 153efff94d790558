import { mkdtempSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { main } from '../../solvers/cli.js';
import { capture } from './capture.js';

afterEach(() => {
  vi.restoreAllMocks();
  process.exitCode = undefined;
});

interface Row { model: string; width: number[]; params: number; evaluations: number; seconds: number; loss: number; mse: number; relL2: number; relL2Std: number; seeds: number }

/** A tiny budget: 1 step per stage, 2 stages, 30 + 12 points, on the pure-JS backend. */
const TINY = ['--steps', '1', '--grids', '3,4', '--points', '30', '--boundary-points', '12', '--quiet', '--backend', 'cpu'];

describe('kanpinn compare', () => {
  it('--json gives one row per model with the solve field names, and two runs agree', async () => {
    const runs: { rows: Row[] }[] = [];
    for (let n = 0; n < 2; n++) {
      const io = capture();
      expect(await main(['compare', 'poisson2d', '--kan', '4', '--mlp', '2,8,1', '--mlp', '6,6', '--seeds', '2', '--json', ...TINY])).toBe(0);
      runs.push(JSON.parse(io.out()) as { rows: Row[] });
      vi.restoreAllMocks();
    }
    const [a, b] = runs as [{ rows: Row[] }, { rows: Row[] }];
    expect(a.rows.map((r) => [r.model, r.width])).toEqual([['kan', [2, 4, 1]], ['mlp', [2, 8, 1]], ['mlp', [2, 6, 6, 1]]]);
    for (const row of a.rows) {
      for (const field of ['params', 'evaluations', 'seconds', 'loss', 'mse', 'relL2', 'relL2Std']) expect(typeof row[field as keyof Row]).toBe('number');
      expect(row.seeds).toBe(2);
    }
    expect(a.rows[1]!.params).toBe(2 * 8 + 8 + 8 + 1);
    expect(b.rows.map((r) => [r.loss, r.relL2, r.relL2Std, r.evaluations])).toEqual(a.rows.map((r) => [r.loss, r.relL2, r.relL2Std, r.evaluations]));
  }, 60_000);

  it('--out writes the CSV, JSON and plots, and the table lists each model', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'kanpinn-compare-'));
    const io = capture();
    expect(await main(['compare', 'poisson1d', '--kan', '3', '--mlp', '5', '--out', dir, ...TINY])).toBe(0);
    expect(readdirSync(dir).sort()).toEqual(['compare.json', 'config.json', 'curves.csv', 'error-vs-params.svg', 'error-vs-time.svg', 'rows.csv']);
    const lines = io.out().split('\n');
    expect(lines[1]).toMatch(/^model\s+params/);
    expect(lines[2]).toMatch(/^KAN \[1,3,1\] G3→4 /);
    expect(lines[3]).toMatch(/^MLP \[1,5,1\] /);
    expect(readFileSync(join(dir, 'rows.csv'), 'utf8').trim().split('\n')).toHaveLength(3);
  }, 60_000);

  it('with several unknowns the table, JSON and rows.csv give each unknown its own rel. L2 (issue 11, defect 3)', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'kanpinn-compare-unknowns-'));
    const biharmonic = fileURLToPath(new URL('../viz/problems/biharmonic1d.json', import.meta.url));
    const io = capture();
    expect(await main(['compare', biharmonic, '--kan', '4', '--mlp', '6', '--seeds', '2', '--json', '--out', dir, '--steps', '3', '--grids', '5', '--quiet', '--backend', 'cpu'])).toBe(0);
    type Errors = { relL2: number; relL2Std: number; maxAbsErr: number; mse: number };
    const result = JSON.parse(io.out()) as { rows: { relL2: number; maxAbsErr: number; perUnknown: Record<string, Errors> }[] };
    for (const row of result.rows) {
      expect(Object.keys(row.perUnknown)).toEqual(['u', 'v']);
      expect(row.perUnknown.u!.relL2Std).toBeGreaterThan(0);
      expect(row.perUnknown.u!.relL2).not.toBeCloseTo(row.relL2, 3);
    }
    const csv = readFileSync(join(dir, 'rows.csv'), 'utf8').trim().split('\n');
    const columns = csv[0]!.split(',');
    expect(columns).toEqual(expect.arrayContaining(['relL2:u', 'relL2Std:u', 'maxAbsErr:u', 'relL2:v', 'relL2Std:v', 'maxAbsErr:v']));
    expect(Number(csv[1]!.split(',')[columns.indexOf('relL2:v')])).toBeCloseTo(result.rows[0]!.perUnknown.v!.relL2, 12);
    vi.restoreAllMocks();
    const table = capture();
    expect(await main(['compare', biharmonic, '--kan', '4', '--steps', '1', '--grids', '5', '--quiet', '--backend', 'cpu'])).toBe(0);
    const lines = table.out().split('\n');
    expect(lines[1]).toMatch(/rel\. L2 +± std +rel\. L2 u +rel\. L2 v +seeds$/);
    expect(lines[2]).toMatch(/^KAN \[1,4,2\] G5 .* \d\.\d\de[-+]\d+ +\d\.\d\de[-+]\d+ +1$/);
  }, 60_000);

  it('a single unknown adds no per-unknown columns', async () => {
    const io = capture();
    expect(await main(['compare', 'poisson1d', '--kan', '3', ...TINY])).toBe(0);
    expect(io.out().split('\n')[1]).toMatch(/± std +seeds$/);
  }, 60_000);

  it('refuses --seeds 0 with one line', async () => {
    const io = capture();
    expect(await main(['compare', 'poisson2d', '--seeds', '0', ...TINY])).toBe(2);
    expect(io.err()).toBe('kanpinn: --seeds: expected an integer >= 1, got 0\n');
  });

  it('refuses --width and points to --kan/--mlp', async () => {
    const io = capture();
    expect(await main(['compare', 'poisson2d', '--width', '2,5,1', ...TINY])).toBe(2);
    expect(io.err()).toBe('kanpinn: --width: compare takes widths from --kan/--mlp; use those instead of --width\n');
  });

  it('refuses a bad --mlp width naming the flag', async () => {
    const io = capture();
    expect(await main(['compare', 'poisson2d', '--mlp', '16,x', ...TINY])).toBe(2);
    expect(io.err()).toBe('kanpinn: --mlp: expected a comma-separated list of integers >= 1, got "16,x"\n');
  });
});

describe('kanpinn bench (plumbing)', () => {
  it('refuses an unknown suite', async () => {
    const io = capture();
    expect(await main(['bench', '--suite', 'speed'])).toBe(2);
    expect(io.err()).toBe('kanpinn: --suite: unknown suite "speed" (expected one of eval, accuracy, paper, pinnacle, defaults, symbolic, unseen)\n');
  });

  it('--save writes the suite JSON and Markdown, and --readme puts it between the markers', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'kanpinn-bench-'));
    let io = capture();
    expect(await main(['bench', '--suite', 'eval', '--only', 'mlp-16x2-525', '--quick', '--save', dir, '--json', '--backend', 'cpu'])).toBe(0);
    const saved = JSON.parse(readFileSync(join(dir, 'eval.json'), 'utf8')) as { suite: string; machine: { cores: number }; results: { name: string; params: number }[] };
    expect(JSON.parse(io.out())).toEqual(saved);
    expect(saved.results).toEqual([expect.objectContaining({ name: 'mlp-16x2-525', params: 337 })]);
    expect(readFileSync(join(dir, 'eval.md'), 'utf8')).toContain('| mlp-16x2-525 | mlp | [2,16,16,1] |');
    vi.restoreAllMocks();
    const readme = join(dir, 'README.md');
    writeFileSync(readme, '# x\n\nhand-written\n');
    io = capture();
    expect(await main(['bench', '--readme', '--results', dir, '--readme-file', readme])).toBe(0);
    const text = readFileSync(readme, 'utf8');
    expect(text.startsWith('# x\n\nhand-written\n\n## Benchmarks\n')).toBe(true);
    expect(text).toMatch(/<!-- bench:eval -->\n\| case \|[\s\S]*\| mlp-16x2-525 \|[\s\S]*<!-- \/bench:eval -->/);
    expect(io.out()).toBe(`updated ${readme}: eval\n`);
  }, 60_000);
});
