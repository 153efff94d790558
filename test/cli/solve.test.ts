import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { resolveProblem } from '../../problems/index.js';
import { main } from '../../solvers/cli.js';
import { loadModel } from '../../src/io/modelFile.js';
import { runSettings } from '../../solvers/commands/solve.js';
import { resolveSolveOptions, solveProblem } from '../../solvers/solve.js';
import { solveOptionsFromArgs } from '../../solvers/trainingFlags.js';
import { capture } from './capture.js';

afterEach(() => {
  vi.restoreAllMocks();
  process.exitCode = undefined;
});

const TINY = ['--steps', '2', '--grids', '3,4', '--points', '40', '--boundary-points', '16', '--quiet'];

describe('kanpinn solve', () => {
  it('prints one JSON object with the contract fields and writes the outputs', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'kanpinn-solve-'));
    const io = capture();
    const code = await main(['solve', 'poisson2d', ...TINY, '--json', '--out', dir]);
    expect(code).toBe(0);
    const result = JSON.parse(io.out()) as Record<string, unknown>;
    for (const field of ['problem', 'model', 'width', 'params', 'backend', 'steps', 'evaluations', 'seconds', 'loss', 'relL2', 'maxAbsErr']) {
      expect(result, field).toHaveProperty(field);
    }
    expect(result.problem).toBe('poisson2d');
    expect(result.width).toEqual([2, 10, 1]);
    expect(result.steps).toBe(4);
    expect(result.backend).toBe('wasm');
    for (const file of ['model.json', 'metrics.json', 'history.csv', 'report.html']) expect(existsSync(join(dir, file)), file).toBe(true);
    const history = readFileSync(join(dir, 'history.csv'), 'utf8').trim().split('\n');
    // With several grid stages, the validation loss at each stage's end and whether it was rolled back (issue 14).
    expect(history[0]).toBe('step,stage,grid,evaluations,seconds,loss,loss:pde,loss:conditions[0].dirichlet,relL2,maxAbsErr,valLoss,rolledBack');
    expect(history.length).toBe(1 + 4);
  });

  it('solves a JSON problem file from outside the repository with no code change', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'kanpinn-user-'));
    const file = join(dir, 'bump.json');
    writeFileSync(
      file,
      JSON.stringify({
        name: 'bump',
        variables: ['x', 'y'],
        domain: { type: 'disk', center: [0, 0], radius: 1 },
        pde: 'lap(u) + 4',
        conditions: [{ type: 'dirichlet', on: 'boundary', value: '0' }],
        exact: '1 - x^2 - y^2',
      }),
    );
    const io = capture();
    expect(await main(['solve', file, ...TINY, '--json'])).toBe(0);
    const result = JSON.parse(io.out()) as { problem: string; relL2: number };
    expect(result.problem).toBe('bump');
    expect(Number.isFinite(result.relL2)).toBe(true);
  });

  it('refuses bad flags with one line naming the flag, exit code 2', async () => {
    const cases: [string[], string][] = [
      [['solve', 'nope'], 'kanpinn: problem: unknown problem "nope"; expected a built-in'],
      [['solve', 'poisson2d', '--width', '2,x,1'], 'kanpinn: --width: expected a comma-separated list of integers >= 1, got "2,x,1"'],
      [['solve', 'poisson2d', '--optimizer', 'sgd'], 'kanpinn: --optimizer: expected one of lbfgs, adam, adam+lbfgs, got "sgd"'],
      [['solve', 'poisson2d', '--width', '3,10,1'], 'kanpinn: --width: [3,10,1] does not fit problem poisson2d: it needs 2 inputs (x, y) and 1 output (u)'],
      [['solve', 'poisson2d', '--sampling', 'grid'], 'kanpinn: --sampling: expected one of random, sobol, halton, mesh, got "grid"'],
      [['solve', 'poisson2d', '--lbfgs-history', '0'], 'kanpinn: --lbfgs-history: expected an integer >= 1, got 0'],
      [['solve', 'poisson2d', '--grid-update-until', '-1'], 'kanpinn: --grid-update-until: expected an integer >= 0, got -1'],
      [['solve', 'poisson2d', '--causal', '-1'], 'kanpinn: --causal: expected a number >= 0, got -1'],
      [['solve', 'poisson2d', '--causal', '1'], 'kanpinn: causal: problem poisson2d has no time variable; causal weighting needs "time": [t0, t1]'],
      [['solve', 'poisson2d', '--weights', 'pde'], 'kanpinn: --weights: expected NAME=VALUE pairs with VALUE >= 0 such as pde=0.01, got "pde"'],
    ];
    for (const [argv, message] of cases) {
      const io = capture();
      expect(await main(argv), argv.join(' ')).toBe(2);
      expect(io.err().startsWith(message), io.err()).toBe(true);
      expect(io.err().trim().split('\n').length).toBe(1);
      vi.restoreAllMocks();
    }
  });

  it('refuses silent drops, conflicts and unreadable numbers, naming the flag (issue 11: 11, 12)', async () => {
    const cases: [string[], string][] = [
      [['solve', 'poisson2d', '--steps', 'abc'], 'kanpinn: --steps: expected an integer >= 0, got "abc"\n'],
      [['solve', 'poisson2d', '--seed', '1e30'], 'kanpinn: --seed: expected an integer from 0 to 4294967295, got 1e30\n'],
      [['solve', 'poisson2d', '--seed', '0.5'], 'kanpinn: --seed: expected an integer from 0 to 4294967295, got 0.5\n'],
      [['solve', 'poisson2d', '--boundary-points', '0'], 'kanpinn: --boundary-points: expected an integer >= 1, got 0\n'],
      [['solve', 'poisson2d', '--grid', '5', '--grids', '5,10'], 'kanpinn: --grid: conflicts with --grids; give --grid N for one stage or --grids A,B,C for a schedule, not both\n'],
      [['solve', 'poisson2d', '--target-loss', 'low'], 'kanpinn: --target-loss: expected a number >= 0, got "low"\n'],
      [['solve', 'poisson2d', '--target-rel-l2', '-1'], 'kanpinn: --target-rel-l2: expected a number >= 0, got -1\n'],
      [['solve', 'poisson2d', '--patience', '2.5'], 'kanpinn: --patience: expected an integer >= 0, got 2.5\n'],
      [['solve', 'poisson2d', '--min-delta', '1.5'], 'kanpinn: --min-delta: expected a number in [0, 1], got 1.5\n'],
      [['solve', 'poisson2d', '--model', 'mlp', '-k', '2'], 'kanpinn: --k: applies to a KAN only; --model mlp has no spline grid (drop --k or use --model kan)\n'],
    ];
    for (const [argv, message] of cases) {
      const io = capture();
      expect(await main(argv), argv.join(' ')).toBe(2);
      expect(io.err()).toBe(message);
      vi.restoreAllMocks();
    }
  });

  it('writes the best model and the report when a run diverges, and says why in words (issue 11, defect 1)', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'kanpinn-nan-'));
    const io = capture();
    const code = await main(['solve', 'poisson2d', '--optimizer', 'adam', '--lr', '1e30', '--steps', '5', '--grids', '3', '--points', '40', '--boundary-points', '16', '--quiet', '--out', dir]);
    expect(code).toBe(1);
    // Non-finite steps are first retried from the best state with a shorter step (src/train/loop.ts);
    // the warning lists those, and the last line says why the run ended and what was kept.
    const lines = io.err().split('\n').filter((l) => l);
    expect(lines).toHaveLength(2);
    expect(lines[0]).toMatch(/^warning: the loss became non-finite during step \d+ \(term [^)]+\)(, step \d+ \(term [^)]+\))*: restarted from the best parameters seen with a fresh optimizer and a 10× shorter step each time$/);
    expect(lines[1]).toMatch(/^kanpinn: the loss became non-finite during step \d+ \(term [^)]+\); kept the best parameters seen, from step 1 \(loss [\d.e+-]+\)$/);
    for (const file of ['model.json', 'metrics.json', 'history.csv', 'report.html']) expect(existsSync(join(dir, file)), file).toBe(true);
    const saved = await loadModel(join(dir, 'model.json'));
    expect(saved.variables().every((v) => v.dataSync().every((c) => Number.isFinite(c) && Math.abs(c) < 1e6))).toBe(true);
    saved.dispose();
  });

  it('numbers stages from 1 in history.csv and counts the same evaluations there as in the summary (issue 11, defect 13)', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'kanpinn-hist-'));
    const io = capture();
    expect(await main(['solve', 'poisson2d', ...TINY, '--json', '--out', dir])).toBe(0);
    const summary = JSON.parse(io.out()) as { evaluations: number };
    const rows = readFileSync(join(dir, 'history.csv'), 'utf8').trim().split('\n').slice(1).map((r) => r.split(',').map(Number));
    expect(rows.map((r) => r[1])).toEqual([1, 1, 2, 2]);
    expect(rows.at(-1)![3]).toBe(summary.evaluations);
  });

  it("shows an MLP's real step count in the report settings (issue 11, defect 13)", async () => {
    const problem = resolveProblem('poisson2d');
    const run = await solveProblem(problem, { model: 'mlp', steps: 2, grids: [3, 4], points: 30, boundaryPoints: 12 });
    run.model.dispose();
    expect(run.summary.steps).toBe(4);
    expect(runSettings(problem, run.summary, run.options).steps).toBe(4);
  });

  it('stops at --target-loss and says why in the summary and the JSON (issue 16, item 3)', async () => {
    const io = capture();
    expect(await main(['solve', 'poisson2d', ...TINY, '--target-loss', '1e9', '--json'])).toBe(0);
    const summary = JSON.parse(io.out()) as { steps: number; status: string; stoppedBy: string; message: string };
    expect(summary).toMatchObject({ steps: 1, status: 'completed', stoppedBy: 'targetLoss' });
    expect(summary.message).toMatch(/^stopped at step 1: the loss \S+ reached the target loss 1000000000$/);
  });

  it("takes the L-BFGS memory and grid updates from the problem's solver hint; flags win", async () => {
    const problem = resolveProblem('poisson2d-paper');
    const tiny = { steps: 1, grids: [3], points: 30, boundaryPoints: 12 };
    const hinted = await solveProblem(problem, { ...solveOptionsFromArgs({ recipe: 'tuned' }), ...tiny });
    hinted.model.dispose();
    expect(hinted.options).toMatchObject({ lbfgsHistory: 50, gridUpdateEvery: 5, gridUpdateUntil: 15, steps: 1 });
    const flagged = await solveProblem(problem, { ...solveOptionsFromArgs({ recipe: 'tuned', lbfgsHistory: 7, gridUpdateUntil: 0 }), ...tiny });
    flagged.model.dispose();
    expect(flagged.options).toMatchObject({ lbfgsHistory: 7, gridUpdateUntil: 0 });
    const plain = await solveProblem(resolveProblem('poisson2d'), { ...solveOptionsFromArgs({}), ...tiny });
    plain.model.dispose();
    expect(plain.options).toMatchObject({ lbfgsHistory: 10, gridUpdateEvery: 5, gridUpdateUntil: 50, optimizer: 'lbfgs', schedule: { kind: 'constant' }, resampleEvery: 0 });
  });

  it("takes a whole recipe from the hint (Heat 2d-MS: KAN width, Adam, schedule, resampling, causal); the MLP keeps its width; flags win", () => {
    const heat = resolveProblem('pinnacle-heat-2d-ms');
    expect(resolveSolveOptions(heat, solveOptionsFromArgs({ recipe: 'tuned' }))).toMatchObject({
      width: [3, 10, 10, 1], grids: [20], optimizer: 'adam', lr: 0.01, schedule: { kind: 'cosine', minFactor: 1e-4 }, steps: 5000, resampleEvery: 10, causal: 1, causalBins: 32,
    });
    expect(resolveSolveOptions(heat, solveOptionsFromArgs({ recipe: 'tuned', model: 'mlp' })).width).toBeNull();
    expect(resolveSolveOptions(heat, solveOptionsFromArgs({ recipe: 'tuned', optimizer: 'lbfgs', lrSchedule: 'constant', resampleEvery: 0, width: '3,5,1' }))).toMatchObject({
      optimizer: 'lbfgs', schedule: { kind: 'constant' }, resampleEvery: 0, width: [3, 5, 1],
    });
  });
});
