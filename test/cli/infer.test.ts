/**
 * Inverse problems on the command line (issue 13 item 8): `solve --json` reports the parameters,
 * history.csv has their trajectory, model.json keeps them for `predict` and `--resume`, the report
 * charts them, `compare` tabulates them, and a bad `infer` field is one line with exit code 2.
 */
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { main } from '../../solvers/cli.js';
import { capture } from './capture.js';

afterEach(() => {
  vi.restoreAllMocks();
  process.exitCode = undefined;
});

const TRUTH = 1.5;
const times = [0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9, 1];

/** u_t = −k·u, u(0) = 1, observed exp(−1.5 t): k = 1.5. */
function decayFile(dir: string, infer: unknown = { k: { initial: 0.5, min: 0, truth: TRUTH } }): string {
  const file = join(dir, 'decay.json');
  writeFileSync(
    file,
    JSON.stringify({
      name: 'decay',
      variables: [],
      time: [0, 1],
      infer,
      pde: 'u_t + k*u',
      conditions: [
        { type: 'initial', value: 1 },
        { type: 'data', points: times.map((t) => [t]), values: times.map((t) => Math.exp(-TRUTH * t)) },
      ],
      exact: `exp(-${TRUTH}*t)`,
      points: { interior: 32 },
    }),
  );
  return file;
}

const RUN = ['--model', 'mlp', '--width', '8', '--steps', '30', '--quiet'];

describe('inverse problems on the command line', () => {
  it('solve reports k with its error, writes its trajectory and chart, and predict and --resume read it from model.json', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'kanpinn-infer-'));
    const file = decayFile(dir);
    let io = capture();
    expect(await main(['solve', file, ...RUN, '--json', '--out', join(dir, 'run')])).toBe(0);
    const summary = JSON.parse(io.out()) as { parameters: Record<string, { value: number; truth: number; relError: number }> };
    const k = summary.parameters.k!;
    expect(k.truth).toBe(TRUTH);
    expect(k.relError).toBeLessThan(1e-2);
    const history = readFileSync(join(dir, 'run', 'history.csv'), 'utf8').trim().split('\n');
    const column = history[0]!.split(',').indexOf('param:k');
    expect(column).toBeGreaterThan(0);
    expect(Number(history[history.length - 1]!.split(',')[column])).toBeCloseTo(k.value, 6);
    const report = readFileSync(join(dir, 'run', 'report.html'), 'utf8');
    expect(report).toContain('data-role="parameters"');
    expect(report).toContain('inferred value of k');
    const saved = JSON.parse(readFileSync(join(dir, 'run', 'model.json'), 'utf8')) as { inferred: { name: string; value: number }[] };
    expect(saved.inferred.map((p) => [p.name, p.value])).toEqual([['k', k.value]]);

    // predict: the residual uses the learned k (small), which only model.json knows.
    vi.restoreAllMocks();
    io = capture();
    expect(await main(['predict', join(dir, 'run', 'model.json'), '--problem', file, '--grid', '11', '--json'])).toBe(0);
    const predicted = JSON.parse(io.out()) as { parameters: Record<string, number>; summary: { residualRms: Record<string, number> } };
    expect(predicted.parameters).toEqual({ k: k.value });
    expect(predicted.summary.residualRms.pde).toBeLessThan(0.05);

    // --resume from model.json: training goes on from the learned k, not from the initial 0.5.
    vi.restoreAllMocks();
    io = capture();
    expect(await main(['solve', file, '--resume', join(dir, 'run', 'model.json'), '--steps', '1', '--json', '--quiet'])).toBe(0);
    const resumed = JSON.parse(io.out()) as typeof summary;
    expect(Math.abs(resumed.parameters.k!.value - TRUTH) / TRUTH).toBeLessThan(2e-2);
  });

  it('compare tabulates each model\'s k and its error', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'kanpinn-infer-compare-'));
    const file = decayFile(dir);
    const io = capture();
    expect(await main(['compare', file, '--kan', '1,4,1', '--mlp', '1,8,1', '--grids', '4', '--steps', '20', '--json', '--quiet'])).toBe(0);
    const result = JSON.parse(io.out()) as { rows: { model: string; parameters: Record<string, { value: number; valueStd: number; truth: number; relError: number }> }[] };
    expect(result.rows).toHaveLength(2);
    for (const row of result.rows) {
      expect(row.parameters.k!.truth).toBe(TRUTH);
      expect(row.parameters.k!.relError).toBeCloseTo(Math.abs(row.parameters.k!.value - TRUTH) / TRUTH, 9);
    }
  });

  it('check evaluates the residuals at the truth and says so', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'kanpinn-infer-check-'));
    let io = capture();
    expect(await main(['check', decayFile(dir)])).toBe(0);
    expect(io.out()).toContain('  parameters to infer, at: k = 1.5 (truth)');
    vi.restoreAllMocks();
    io = capture();
    expect(await main(['check', decayFile(dir), '--json'])).toBe(0);
    expect((JSON.parse(io.out()) as { inferred: { parameters: unknown[] } }).inferred.parameters).toEqual([{ name: 'k', initial: 0.5, min: 0, truth: TRUTH }]);
    // Without a truth the initial value 0.5 is used, which the exact solution (k = 1.5) does not satisfy.
    vi.restoreAllMocks();
    io = capture();
    expect(await main(['check', decayFile(dir, { k: { initial: 0.5, min: 0 } })])).toBe(1);
    expect(io.out()).toContain('k = 0.5 (initial value, no truth given)');
  });

  it.each([
    ['min >= max', { k: { initial: 1, min: 3, max: 2 } }, 'kanpinn: infer.k.max: expected a number above min 3, got 2'],
    ['an initial value outside the bounds', { k: { initial: 5, min: 0, max: 2 } }, 'kanpinn: infer.k.initial: expected a number strictly inside (0, 2), got 5'],
    ['a name clash', { t: { initial: 1 } }, "kanpinn: infer.t: 't' is already a variable"],
  ])('refuses %s in one line with exit code 2', async (_, infer, message) => {
    const dir = mkdtempSync(join(tmpdir(), 'kanpinn-infer-bad-'));
    const io = capture();
    const code = await main(['solve', decayFile(dir, infer), '--steps', '1', '--quiet']);
    expect(code).toBe(2);
    expect(io.err().trim()).toBe(message);
  });
});
