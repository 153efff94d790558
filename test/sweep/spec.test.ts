/** Sweep files: checking (one-line errors naming the field), expansion and stable run ids. No training. */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { COMMANDS, main } from '../../solvers/cli.js';
import { expandSweep } from '../../solvers/sweep/expand.js';
import { loadSweep, parseSweep } from '../../solvers/sweep/spec.js';
import { connectionFromUrl } from '../../solvers/sweep/queue.js';
import { capture } from '../cli/capture.js';

afterEach(() => {
  vi.restoreAllMocks();
  process.exitCode = undefined;
});

const BASE = {
  problems: ['poisson1d', 'heat1d'],
  models: [{ model: 'kan', width: [3], grids: [3] }, { model: 'mlp', width: [6] }],
  seeds: 3,
  fixed: { steps: 1, points: 30 },
};

const expand = (json: unknown): ReturnType<typeof expandSweep> => expandSweep(parseSweep(json, '/tmp'), 'cpu');
const refusal = (json: unknown): string => {
  try {
    expand(json);
  } catch (error) {
    return (error as Error).message;
  }
  return 'accepted';
};

describe('sweep files', () => {
  it('expand to problems × models × optimizers × seeds, seeds innermost', () => {
    const runs = expand({ ...BASE, optimizers: [{ optimizer: 'lbfgs' }, { name: 'adam', optimizer: 'adam', steps: 5 }] });
    expect(runs).toHaveLength(2 * 2 * 2 * 3);
    expect(runs.slice(0, 4).map((r) => [r.configLabel, r.seed])).toEqual([
      ['poisson1d KAN [1,3,1] G3 lbfgs #0', 0],
      ['poisson1d KAN [1,3,1] G3 lbfgs #0', 1],
      ['poisson1d KAN [1,3,1] G3 lbfgs #0', 2],
      ['poisson1d KAN [1,3,1] G3 adam', 0],
    ]);
    // an entry's settings win over the optimizer's, which win over the fixed ones
    expect(runs[3]!.settings).toMatchObject({ steps: 5, points: 30, optimizer: 'adam', width: [1, 3, 1] });
  });

  it('give each run an id from its effective settings: stable, seed-specific, blind to how a width is written', () => {
    const a = expand(BASE);
    expect(expand(BASE).map((r) => r.id)).toEqual(a.map((r) => r.id));
    expect(new Set(a.map((r) => r.id)).size).toBe(12);
    expect(new Set(a.map((r) => r.config)).size).toBe(4);
    const full = expand({ ...BASE, problems: ['poisson1d'], models: [{ model: 'kan', width: [1, 3, 1], grids: [3] }] });
    expect(full.map((r) => r.id)).toEqual(a.slice(0, 3).map((r) => r.id));
    // a setting equal to the default changes nothing; a different one changes every id
    expect(expand({ ...BASE, fixed: { ...BASE.fixed, k: 3 } }).map((r) => r.id)).toEqual(a.map((r) => r.id));
    // an MLP trains steps × stages, so its grids count; the KAN's spline degree does not
    const mlp = (fixed: object): string[] => expand({ ...BASE, problems: ['poisson1d'], models: [{ model: 'mlp', width: [6] }], fixed: { ...BASE.fixed, ...fixed } }).map((r) => r.id);
    expect(mlp({ k: 5 })).toEqual(mlp({}));
    expect(mlp({ grids: [3] })).not.toEqual(mlp({}));
    const other = expand({ ...BASE, fixed: { ...BASE.fixed, steps: 2 } });
    expect(other.some((r) => a.some((s) => s.id === r.id))).toBe(false);
  });

  it('are refused with one line naming the field', () => {
    expect(refusal({ ...BASE, problem: 'x' })).toBe('problem: unknown sweep field (expected one of name, problems, models, optimizers, seeds, fixed, attempts, timeout)');
    expect(refusal({ ...BASE, problems: [] })).toBe('problems: expected a non-empty array of problem names or paths, got []');
    expect(refusal({ ...BASE, problems: ['poison1d'] })).toMatch(/^problems\[0\]: unknown problem "poison1d"/);
    expect(refusal({ ...BASE, models: [{ model: 'kan' }, { model: 'mlp', width: [6, 'x'] }] })).toBe('models[1].width: expected a non-empty array of integers >= 1, got [6,"x"]');
    expect(refusal({ ...BASE, models: [{ model: 'cnn' }] })).toBe('models[0].model: expected one of kan, mlp, got "cnn"');
    expect(refusal({ ...BASE, fixed: { seed: 3 } })).toBe('fixed.seed: seeds are set by the top-level "seeds" field, not per entry');
    expect(refusal({ ...BASE, fixed: { stepz: 3 } })).toMatch(/^fixed\.stepz: unknown setting \(expected one of model, width, /);
    expect(refusal({ ...BASE, optimizers: [{ lr: 0 }] })).toBe('optimizers[0].lr: expected a positive number, got 0');
    expect(refusal({ ...BASE, seeds: 0 })).toBe('seeds: expected a count >= 1 (seeds 0…N−1) or an array of integers >= 0, got 0');
    expect(refusal({ ...BASE, seeds: [1, 1] })).toBe('seeds: expected distinct seeds, got [1,1]');
    expect(refusal({ ...BASE, attempts: 0 })).toBe('attempts: expected an integer >= 1, got 0');
    expect(refusal({ ...BASE, timeout: -1 })).toBe('timeout: expected seconds > 0 or null, got -1');
    expect(refusal({ ...BASE, models: [{ model: 'mlp', width: [1, 1] }] })).toBe('models[0].width: [1,1] has no hidden layer; give hidden widths such as [10] or full widths such as [1,10,1]');
    expect(refusal({ ...BASE, models: [{ model: 'mlp' }, { model: 'mlp', width: [16, 16] }] })).toMatch(/^sweep: "poisson1d MLP \[1,16,16,1\]" seed 0 and "poisson1d MLP \[1,16,16,1\]" seed 0 have the same effective settings/);
  });

  it('kanpinn sweep refuses a bad file, a missing --out and a bad --redis with exit 2 and one line', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'kanpinn-sweep-spec-'));
    const file = join(dir, 'bad.json');
    writeFileSync(file, JSON.stringify({ ...BASE, models: [{ model: 'kan', grids: [0] }] }));
    let io = capture();
    expect(await main(['sweep', file, '--out', join(dir, 'out'), '--backend', 'cpu'])).toBe(2);
    expect(io.err()).toBe('kanpinn: models[0].grids: expected a non-empty array of integers >= 1, got [0]\n');
    vi.restoreAllMocks();
    io = capture();
    expect(await main(['sweep', file, '--backend', 'cpu'])).toBe(2);
    expect(io.err()).toBe('kanpinn: --out: expected a folder for the runs and results\n');
    vi.restoreAllMocks();
    io = capture();
    expect(await main(['worker', '--redis', 'localhost:6379', '--backend', 'cpu'])).toBe(2);
    expect(io.err()).toBe('kanpinn: --redis: expected a redis:// or rediss:// URL, got "localhost:6379"\n');
    vi.restoreAllMocks();
    io = capture();
    expect(await main(['sweep', '--status', '--backend', 'cpu'])).toBe(2);
    expect(io.err()).toBe('kanpinn: --status: needs --redis URL (the queue to look at)\n');
  });

  it('the shipped example (KAN vs MLP on poisson2d and heat1d, 5 seeds) expands to 20 runs in 4 configurations', () => {
    const runs = expandSweep(loadSweep(join(import.meta.dirname, '../../problems/sweeps/kan-vs-mlp.json')), 'wasm');
    expect(runs).toHaveLength(20);
    // --recipe auto (the default) leaves the problems' tuned hints aside, so heat1d's KAN takes the
    // default schedule 5→10→20 rather than its hint's 5→10.
    expect([...new Set(runs.map((r) => r.configLabel))]).toEqual(['poisson2d KAN [2,10,1] G5→10→20', 'poisson2d MLP [2,16,16,1]', 'heat1d KAN [2,10,1] G5→10→20', 'heat1d MLP [2,16,16,1]']);
  });

  it('sweep and worker are listed with the command and description of their modules', async () => {
    for (const name of ['sweep', 'worker']) {
      const entry = COMMANDS.find((c) => c.command.split(' ')[0] === name)!;
      const module = await entry.load();
      expect([module.command, module.describe]).toEqual([entry.command, entry.describe]);
    }
  });

  it('reads host, port, password and database from a Redis URL', () => {
    expect(connectionFromUrl('redis://:s3cret@127.0.0.1:6390/2')).toMatchObject({ host: '127.0.0.1', port: 6390, password: 's3cret', db: 2 });
    expect(connectionFromUrl('redis://127.0.0.1')).toMatchObject({ host: '127.0.0.1', port: 6379 });
  });
});
