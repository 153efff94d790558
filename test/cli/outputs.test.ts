/**
 * Output paths and sizes are checked before any training (issue 11, defects 4 and 5). Each run
 * here asks for so many steps or points that it would run for minutes (or exhaust memory) if
 * the check came after training; the time bound says it came first.
 */
import { mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { createKan, saveModel } from '../../src/index.js';
import { main } from '../../solvers/cli.js';
import { checkTrainingMemory, DEFAULT_MEMORY_LIMIT_GB, memoryLimitBytes, trainingMemory } from '../../solvers/outputs.js';
import { resolveProblem } from '../../problems/index.js';
import { capture } from './capture.js';

afterEach(() => {
  vi.restoreAllMocks();
  process.exitCode = undefined;
});

/** Flags that would train for many minutes: a check that waits for training never returns in time. */
const LONG = ['--steps', '100000', '--grids', '3', '--optimizer', 'adam', '--quiet'];
/** Seconds a refusal may take (CLI start-up on a loaded machine, no training). */
const REFUSE_SECONDS = 20;

async function refused(argv: string[]): Promise<{ code: number; err: string; seconds: number }> {
  const io = capture();
  const start = performance.now();
  const code = await main(argv);
  return { code, err: io.err(), seconds: (performance.now() - start) / 1000 };
}

function expectOneLine(result: { code: number; err: string; seconds: number }, message: RegExp): void {
  expect(result.err).toMatch(message);
  expect(result.err.trim().split('\n')).toHaveLength(1);
  expect(result.code).toBe(2);
  expect(result.seconds).toBeLessThan(REFUSE_SECONDS);
}

describe('output paths are checked before training', () => {
  it('solve --out naming an existing file is refused at once and the file is kept', async () => {
    const file = join(mkdtempSync(join(tmpdir(), 'kanpinn-out-')), 'notes.txt');
    writeFileSync(file, 'keep me');
    expectOneLine(await refused(['solve', 'poisson2d', ...LONG, '--out', file]), /^kanpinn: --out: ".*notes\.txt" is a file, expected a folder\n$/);
    expect(readFileSync(file, 'utf8')).toBe('keep me');
  });

  it('solve --out /proc/nope is refused at once (a recursive mkdir there spins forever)', async () => {
    expectOneLine(await refused(['solve', 'poisson2d', ...LONG, '--out', '/proc/nope']), /^kanpinn: --out: cannot create folder "\/proc\/nope" \(the file system there takes no new folders\)\n$/);
  });

  it('solve --out whose model.json is a folder is refused before training', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'kanpinn-out-'));
    const { mkdirSync } = await import('node:fs');
    mkdirSync(join(dir, 'model.json'));
    expectOneLine(await refused(['solve', 'poisson2d', ...LONG, '--out', dir]), /^kanpinn: --out: ".*model\.json" is a folder; the output file model\.json cannot replace it\n$/);
  });

  it('compare, fit, plot, predict, prune, symbolic and bench --save check their paths first', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'kanpinn-out-'));
    const file = join(dir, 'taken');
    writeFileSync(file, 'x');
    const csv = join(dir, 'data.csv');
    writeFileSync(csv, `x,y\n${Array.from({ length: 50 }, (_, i) => `${i / 50},${(i / 50) ** 2}`).join('\n')}\n`);
    expectOneLine(await refused(['compare', 'poisson2d', ...LONG, '--out', file]), /^kanpinn: --out: ".*taken" is a file, expected a folder\n$/);
    expectOneLine(await refused(['fit', csv, '--steps', '100000', '--quiet', '--out', '/proc/nope']), /^kanpinn: --out: cannot create folder "\/proc\/nope"/);
    expectOneLine(await refused(['bench', '--suite', 'accuracy', '--save', join(file, 'results')]), /^kanpinn: --save: ".*taken" is a file, expected a folder\n$/);
    const model = join(dir, 'model.json');
    const kan = createKan({ width: [2, 3, 1], grid: 3, k: 3, seed: 0 });
    await saveModel(kan, model);
    kan.dispose();
    expectOneLine(await refused(['plot', model, '--out', '/proc/nope/kan.svg']), /^kanpinn: --out: cannot create folder "\/proc\/nope"/);
    expectOneLine(await refused(['predict', model, '--grid', '10x10', '--out', '/proc/nope/u.csv']), /^kanpinn: --out: cannot create folder "\/proc\/nope"/);
    expectOneLine(await refused(['prune', model, '--out', join(file, 'pruned')]), /^kanpinn: --out: ".*taken" is a file, expected a folder\n$/);
    expectOneLine(await refused(['symbolic', model, '--auto', '--out', '/proc/nope']), /^kanpinn: --out: cannot create folder "\/proc\/nope"/);
    expect(readdirSync(dir).sort()).toEqual(['data.csv', 'model.json', 'taken']);
  });
});

describe('sizes that cannot fit are refused before allocating', () => {
  it('solve --points 10000000 names the flag, the estimate, the limit and the largest count that fits', async () => {
    expectOneLine(
      await refused(['solve', 'poisson2d', '--points', '10000000', '--quiet']),
      /^kanpinn: --points: 10000000 points need about \d+\.\d+ GB to train \[2,10,1\] on poisson2d, over the 2\.00 GB limit; use at most \d+ \(or raise KANPINN_MAX_MEMORY_GB\)\n$/,
    );
  });

  it('solve --boundary-points is named when the boundary holds the larger share', async () => {
    expectOneLine(await refused(['solve', 'poisson2d', '--boundary-points', '100000000', '--quiet']), /^kanpinn: --boundary-points: 100000000 points need about/);
  });

  it('compare checks every model of the line-up (the default MLP [2,100,100,100,1] is the largest; unchunked)', async () => {
    expectOneLine(await refused(['compare', 'poisson2d', '--points', '200000', '--chunk-points', '200000', '--quiet']), /^kanpinn: --points: 200000 points need about .* to train \[2,100,100,100,1\] on poisson2d/);
  });

  it('plot --points 100000000 is refused before sampling a point', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'kanpinn-plot-'));
    const model = join(dir, 'model.json');
    const kan = createKan({ width: [2, 10, 1], grid: 5, k: 3, seed: 0 });
    await saveModel(kan, model);
    kan.dispose();
    expectOneLine(await refused(['plot', model, '--out', join(dir, 'kan.svg'), '--points', '100000000']), /^kanpinn: --points: 100000000 points need about .* GB for KAN \[2,10,1\], over the 2\.00 GB limit; use at most \d+/);
  });

  it('the largest count it names does fit, and one more does not', () => {
    const problem = resolveProblem('poisson2d');
    const limit = memoryLimitBytes({});
    expect(limit).toBe(DEFAULT_MEMORY_LIMIT_GB * 2 ** 30);
    let message = '';
    try {
      checkTrainingMemory(problem, [[2, 10, 1]], { points: 10_000_000, boundaryPoints: null }, limit);
    } catch (error) {
      message = (error as Error).message;
    }
    const fits = Number(/use at most (\d+)/.exec(message)?.[1]);
    expect(trainingMemory(problem, [2, 10, 1], { points: fits, boundaryPoints: null }).bytes).toBeLessThanOrEqual(limit);
    expect(trainingMemory(problem, [2, 10, 1], { points: fits + 1, boundaryPoints: null }).bytes).toBeGreaterThan(limit);
    // The problem's default sizes are far inside the limit.
    expect(() => checkTrainingMemory(problem, [[2, 10, 1]], { points: null, boundaryPoints: null }, limit)).not.toThrow();
  });

  it('with the trainer chunking, the estimate is one chunk plus what every point keeps', () => {
    const problem = resolveProblem('poisson2d');
    const limit = memoryLimitBytes({});
    const mlp = [2, 100, 100, 100, 1];
    const chunked = { points: 104_000, boundaryPoints: null, chunkPoints: 0, chunkBudget: 1024 };
    // Unchunked, 104k points of MLP 100x3 are estimated past the 2 GB limit; chunked they fit.
    expect(trainingMemory(problem, mlp, { points: 104_000, boundaryPoints: null }).bytes).toBeGreaterThan(limit);
    expect(() => checkTrainingMemory(problem, [mlp], chunked, limit)).not.toThrow();
    // A fixed chunk size counts that share of the evaluation.
    const fixed = trainingMemory(problem, mlp, { ...chunked, chunkPoints: 10_400 }).bytes;
    expect(fixed).toBeLessThan(trainingMemory(problem, mlp, { points: 104_000, boundaryPoints: null }).bytes / 5);
    // What the points keep still grows with them: 100M points are refused, and the count named fits.
    let message = '';
    try {
      checkTrainingMemory(problem, [[2, 10, 1]], { ...chunked, points: 100_000_000 }, limit);
    } catch (error) {
      message = (error as Error).message;
    }
    expect(message).toMatch(/^--points: 100000000 points need about .* GB to train \[2,10,1\] on poisson2d, over the 2\.00 GB limit; use at most \d+/);
    const fits = Number(/use at most (\d+)/.exec(message)?.[1]);
    expect(fits).toBeGreaterThan(1_000_000);
    expect(trainingMemory(problem, [2, 10, 1], { ...chunked, points: fits }).bytes).toBeLessThanOrEqual(limit);
    expect(trainingMemory(problem, [2, 10, 1], { ...chunked, points: fits + 1 }).bytes).toBeGreaterThan(limit);
  });

  it('KANPINN_MAX_MEMORY_GB raises the limit and a bad value names the variable', () => {
    expect(memoryLimitBytes({ KANPINN_MAX_MEMORY_GB: '16' })).toBe(16 * 2 ** 30);
    expect(() => memoryLimitBytes({ KANPINN_MAX_MEMORY_GB: 'lots' })).toThrow('KANPINN_MAX_MEMORY_GB: expected a number of gigabytes > 0, got "lots"');
  });
});
