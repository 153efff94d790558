import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { main } from '../../solvers/cli.js';
import { createKan, createMlp, saveModel, setBackend } from '../../src/index.js';
import { capture } from './capture.js';

afterEach(() => {
  vi.restoreAllMocks();
  process.exitCode = undefined;
});

const dir = mkdtempSync(join(tmpdir(), 'kanpinn-predict-'));
const poissonFile = join(dir, 'poisson.json');
const heatFile = join(dir, 'heat.json');
const mlpFile = join(dir, 'mlp.json');
const mlp = createMlp({ width: [2, 5, 1], inputs: ['x', 'y'], outputs: ['u'], seed: 3 });
const kan = createKan({ width: [2, 3, 1], grid: 4, k: 3, seed: 2, inputs: ['x', 'y'], outputs: ['u'], gridRange: [[-1, 1], [-1, 1]] });
const heat = createKan({ width: [2, 2, 1], grid: 3, k: 3, seed: 1, inputs: ['x', 't'], outputs: ['u'], gridRange: [[0, 1], [0, 1]] });

beforeAll(async () => {
  await setBackend('wasm');
  await saveModel(kan, poissonFile, { problem: 'poisson2d' });
  await saveModel(heat, heatFile, { problem: 'heat1d' });
  await saveModel(mlp, mlpFile, { problem: 'poisson2d' });
});

const rowsOf = (csv: string): number[][] => csv.trim().split('\n').slice(1).map((l) => l.split(',').map(Number));

describe('kanpinn predict', () => {
  it('--grid 5x4 on the recorded problem\'s domain prints CSV with the model\'s values', async () => {
    const io = capture();
    expect(await main(['predict', poissonFile, '--grid', '5x4'])).toBe(0);
    const [header] = io.out().split('\n');
    expect(header).toBe('x,y,u');
    const rows = rowsOf(io.out());
    expect(rows.length).toBe(20);
    expect(rows[0]!.slice(0, 2)).toEqual([-1, -1]);
    expect(rows[19]!.slice(0, 2)).toEqual([1, 1]);
    expect(rows[1]![1]).toBeCloseTo(-1 / 3, 6);
    const u = kan.evaluate(rows.map((r) => [r[0]!, r[1]!])).u!;
    rows.forEach((r, n) => expect(r[2]).toBeCloseTo(u[n]!, 6));
    expect(io.err()).toMatch(/^predict: 20 points \(grid 5x4\)/);
  });

  it('--problem adds exact, error and the PDE residual, consistent with the derivatives (JSON file)', async () => {
    const out = join(dir, 'p.json');
    const io = capture();
    expect(await main(['predict', poissonFile, '--grid', '6x6', '--problem', 'poisson2d', '--derivatives', 'u,u_xx,u_yy', '--out', out, '--chunk', '7'])).toBe(0);
    expect(io.out()).toMatch(/^wrote .*p\.json: 36 points \(grid 6x6\); rel\. L2 [0-9.e+-]+, max \|error\| [0-9.e+-]+; residual pde rms/);
    expect(io.err()).toContain('predict: 7/36 points');
    const data = JSON.parse(readFileSync(out, 'utf8')) as { columns: string[]; rows: number[][]; summary: { relL2: number; points: number } };
    expect(data.columns).toEqual(['x', 'y', 'u', 'u_xx', 'u_yy', 'exact:u', 'error:u', 'residual']);
    expect(data.rows.length).toBe(36);
    let num = 0;
    let den = 0;
    for (const [x, y, u, uxx, uyy, exact, error, residual] of data.rows as number[][] as [number, number, number, number, number, number, number, number][]) {
      const s = Math.sin(Math.PI * x) * Math.sin(Math.PI * y);
      expect(exact).toBeCloseTo(s, 5);
      expect(error).toBeCloseTo(u - exact, 5);
      // poisson2d's residual is lap(u) + 2π² sin(πx) sin(πy).
      expect(residual).toBeCloseTo(uxx + uyy + 2 * Math.PI ** 2 * s, 3);
      num += error * error;
      den += exact * exact;
    }
    expect(data.summary.relL2).toBeCloseTo(Math.sqrt(num / den), 5);
  });

  it('--points reads the named columns of a CSV (others ignored); --test uses the test set', async () => {
    const csv = join(dir, 'pts.csv');
    writeFileSync(csv, 'id,y,x\n1,0.5,0.25\n2,-0.5,0\n# comment\n3,0,1\n');
    let io = capture();
    expect(await main(['predict', poissonFile, '--points', csv, '--quiet'])).toBe(0);
    const rows = rowsOf(io.out());
    expect(rows.map((r) => r.slice(0, 2))).toEqual([[0.25, 0.5], [0, -0.5], [1, 0]]);
    expect(io.err()).toBe('');
    vi.restoreAllMocks();
    const out = join(dir, 'test.csv');
    io = capture();
    expect(await main(['predict', poissonFile, '--test', '--out', out])).toBe(0);
    expect(readFileSync(out, 'utf8').trim().split('\n').length).toBe(1 + 10000);
    expect(io.out()).toMatch(/10000 points \(test set \(exact, 10000 points\)\); rel\. L2/);
  });

  it('evaluates an MLP the same way, with derivatives', async () => {
    const io = capture();
    expect(await main(['predict', mlpFile, '--grid', '3x3', '--derivatives', 'u,u_x', '--quiet'])).toBe(0);
    expect(io.out().split('\n')[0]).toBe('x,y,u,u_x');
    const rows = rowsOf(io.out());
    const want = mlp.evaluate(rows.map((r) => [r[0]!, r[1]!]), { derivatives: ['u', 'u_x'] });
    rows.forEach((r, n) => {
      expect(r[2]).toBeCloseTo(want.u![n]!, 6);
      expect(r[3]).toBeCloseTo(want.u_x![n]!, 6);
    });
  });

  it('--grid with --time makes one slice per time for a time-dependent problem', async () => {
    const io = capture();
    expect(await main(['predict', heatFile, '--grid', '3', '--time', '0,0.5,1', '--quiet'])).toBe(0);
    const rows = rowsOf(io.out());
    expect(io.out().split('\n')[0]).toBe('x,t,u');
    expect(rows.map((r) => r.slice(0, 2))).toEqual([[0, 0], [0.5, 0], [1, 0], [0, 0.5], [0.5, 0.5], [1, 0.5], [0, 1], [0.5, 1], [1, 1]]);
  });

  it('refuses bad input with one line naming the flag, exit code 2', async () => {
    const csv = join(dir, 'bad.csv');
    writeFileSync(csv, 'x,z\n1,2\n');
    const bad = join(dir, 'badnum.csv');
    writeFileSync(bad, 'x,y\n1,abc\n');
    const cases: [string[], string][] = [
      [['predict', poissonFile], 'kanpinn: predict: give exactly one of --points FILE.csv, --grid NxM or --test, got 0'],
      [['predict', poissonFile, '--grid', '5x5', '--test'], 'kanpinn: predict: give exactly one of --points FILE.csv, --grid NxM or --test, got 2'],
      [['predict', poissonFile, '--grid', '5'], 'kanpinn: --grid: expected 2 counts >= 2 joined by "x", one per axis (x, y), such as 100x100, got "5"'],
      [['predict', poissonFile, '--grid', '5x1'], 'kanpinn: --grid: expected 2 counts >= 2'],
      [['predict', poissonFile, '--grid', '5x5', '--time', '0'], 'kanpinn: --time: problem poisson2d has no time variable'],
      [['predict', heatFile, '--grid', '5', '--time', '0,2'], 'kanpinn: --time: expected comma-separated times in [0, 1] such as 0,0.5,1, got "0,2"'],
      [['predict', poissonFile, '--time', '0', '--test'], 'kanpinn: --time: only with --grid'],
      [['predict', poissonFile, '--points', join(dir, 'none.csv')], 'kanpinn: --points: cannot read'],
      [['predict', poissonFile, '--points', csv], 'kanpinn: --points: '],
      [['predict', poissonFile, '--points', bad], 'kanpinn: --points: '],
      [['predict', poissonFile, '--grid', '3x3', '--derivatives', 'u,u_z'], 'kanpinn: --derivatives: expected outputs and derivatives of the model'],
      [['predict', poissonFile, '--grid', '3x3', '--problem', 'nope'], 'kanpinn: --problem: problem: unknown problem "nope"'],
      [['predict', poissonFile, '--grid', '3x3', '--problem', 'heat1d'], 'kanpinn: --problem: problem heat1d has inputs (x, t)'],
      [['predict', poissonFile, '--grid', '3x3', '--out', 'u.txt'], 'kanpinn: --out: expected a file name ending in .csv or .json, got "u.txt"'],
      [['predict', poissonFile, '--grid', '3x3', '--chunk', '0'], 'kanpinn: --chunk: expected an integer >= 1, got 0'],
      [['predict', join(dir, 'missing.json'), '--grid', '3x3'], 'kanpinn: model file: cannot read'],
    ];
    for (const [argv, message] of cases) {
      const io = capture();
      expect(await main(argv), argv.join(' ')).toBe(2);
      expect(io.err().startsWith(message), `${argv.join(' ')}: ${io.err()}`).toBe(true);
      expect(io.err().trim().split('\n').length).toBe(1);
      vi.restoreAllMocks();
    }
  });
});
