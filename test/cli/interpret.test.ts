import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { main } from '../../solvers/cli.js';
import { createKan, createMlp, fixSymbolic, loadModel, saveModel, setBackend, type KanModel } from '../../src/index.js';
import { capture } from './capture.js';

afterEach(() => {
  vi.restoreAllMocks();
  process.exitCode = undefined;
});

const dir = mkdtempSync(join(tmpdir(), 'kanpinn-interpret-'));
const path = (name: string): string => join(dir, name);

async function run(argv: string[]): Promise<{ code: number; out: string; err: string }> {
  const io = capture();
  const code = await main(argv);
  const result = { code, out: io.out(), err: io.err() };
  vi.restoreAllMocks();
  return result;
}

const range: [number, number][] = [[-1, 1], [-1, 1]];

beforeAll(async () => {
  await setBackend('wasm');
  // A [2,3,1] KAN whose hidden node 1 carries nothing (its edges are zero): prune must remove it.
  const kan = createKan({ width: [2, 3, 1], grid: 4, k: 3, seed: 4, inputs: ['x', 'y'], outputs: ['u'], gridRange: range });
  for (const i of [0, 1]) fixSymbolic(kan, 0, i, 1, '0', { params: { a: 1, b: 0, c: 0, d: 0 } });
  fixSymbolic(kan, 1, 1, 0, '0', { params: { a: 1, b: 0, c: 0, d: 0 } });
  await saveModel(kan, path('dead.json'), { problem: 'poisson2d' });
  // u = sin(πx) + y² with exact symbolic edges (layer 0) and identity-like numeric edges in layer 1.
  const sym = createKan({ width: [2, 1, 1], grid: 5, k: 3, seed: 1, inputs: ['x', 'y'], outputs: ['u'], gridRange: range });
  fixSymbolic(sym, 0, 0, 0, 'sin', { params: { a: Math.PI, b: 0, c: 1, d: 0 } });
  fixSymbolic(sym, 0, 1, 0, 'x^2', { params: { a: 1, b: 0, c: 1, d: 0 } });
  await saveModel(sym, path('sym.json'));
  await saveModel(createMlp({ width: [2, 4, 1], inputs: ['x', 'y'], outputs: ['u'], seed: 0 }), path('mlp.json'), { problem: 'poisson2d' });
});

describe('kanpinn prune', () => {
  it('removes a hidden node that carries nothing and writes model.json into --out, keeping the problem name', async () => {
    const r = await run(['prune', path('dead.json'), '--out', path('pruned'), '--edge-threshold', '0', '--train', '0', '--json']);
    expect(r.code, r.err).toBe(0);
    const result = JSON.parse(r.out) as { width: number[]; widthBefore: number[]; relL2Before: number; relL2After: number; file: string };
    expect(result.widthBefore).toEqual([2, 3, 1]);
    expect(result.width).toEqual([2, 2, 1]);
    expect(result.file).toBe(join(path('pruned'), 'model.json'));
    // Pruning a node with zero contribution does not change the function.
    expect(result.relL2After).toBeCloseTo(result.relL2Before, 5);
    const saved = JSON.parse(readFileSync(result.file, 'utf8')) as { meta: { problem: string; prunedFrom: string } };
    expect(saved.meta.problem).toBe('poisson2d');
    expect(saved.meta.prunedFrom).toBe(path('dead.json'));
  });

  it('refuses bad input with one line naming the flag, exit code 2', async () => {
    const cases: [string[], string][] = [
      [['prune', path('dead.json'), '--out', path('x'), '--threshold', '-1'], 'kanpinn: --threshold: expected a number >= 0, got -1'],
      [['prune', path('dead.json'), '--out', path('x'), '--edge-threshold', 'abc'], 'kanpinn: --edge-threshold: expected a number >= 0, got NaN'],
      [['prune', path('dead.json'), '--out', path('x'), '--samples', '0'], 'kanpinn: --samples: expected an integer >= 1, got 0'],
      [['prune', path('dead.json'), '--out', path('x'), '--train', '1.5'], 'kanpinn: --train: expected an integer >= 0, got 1.5'],
      [['prune', path('dead.json'), '--out', path('x'), '--tolerance', '-0.1'], 'kanpinn: --tolerance: expected a number >= 0, got -0.1'],
      [['prune', path('dead.json'), '--out', path('x'), '--problem', 'heat1d'], 'kanpinn: --problem: problem heat1d has inputs (x, t)'],
      [['prune', path('dead.json')], 'kanpinn: Missing required argument: out'],
      [['prune', path('mlp.json'), '--out', path('x')], 'kanpinn: prune: '],
    ];
    for (const [argv, message] of cases) {
      const r = await run(argv);
      expect(r.code, argv.join(' ')).toBe(2);
      expect(r.err.startsWith(message), `${argv.join(' ')}: ${r.err}`).toBe(true);
      expect(r.err.trim().split('\n').length).toBe(1);
    }
  });
});

describe('kanpinn symbolic', () => {
  it('--suggest ranks the library for one edge: the sin edge is sin with R² 1', async () => {
    const r = await run(['symbolic', path('sym.json'), '--suggest', '0,0,0', '--lib', 'x,x^2,sin,exp', '--top', '3', '--json']);
    expect(r.code, r.err).toBe(0);
    const { candidates } = JSON.parse(r.out) as { candidates: { name: string; r2: number }[] };
    expect(candidates.length).toBe(3);
    expect(candidates[0]!.name).toBe('sin');
    expect(candidates[0]!.r2).toBeGreaterThan(0.9999);
    const text = await run(['symbolic', path('sym.json'), '--suggest', '0,1,0', '--lib', 'x,x^2,sin']);
    expect(text.out.split('\n')[1]).toMatch(/^ {2}x\^2 +R² 1\.0000/);
  });

  it('--fix makes the remaining numeric edge symbolic, prints the formula and its error, --out saves the model', async () => {
    const out = path('fixed.json');
    const r = await run(['symbolic', path('sym.json'), '--fix', '1,0,0=x', '--out', out, '--json']);
    expect(r.code, r.err).toBe(0);
    const result = JSON.parse(r.out) as { fixed: { name: string; r2: number }[]; formulas: { formula: string; relL2VsNumeric: number }[]; exact: unknown };
    expect(result.fixed.map((f) => f.name)).toEqual(['x']);
    expect(result.formulas[0]!.formula).toMatch(/sin\(pi \* x\)/);
    expect(result.formulas[0]!.formula).toMatch(/y \^ 2/);
    // A fresh KAN's output edge is only roughly linear: the error is that of the fit, finite and below 1.
    expect(result.formulas[0]!.relL2VsNumeric).toBeGreaterThan(0);
    expect(result.formulas[0]!.relL2VsNumeric).toBeLessThan(1);
    expect(result.exact).toBeNull();
    const saved = (await loadModel(out)) as KanModel;
    expect(saved.layers[1]!.symbolic?.functions[0]?.name ?? saved.layers[1]!.symbolic?.functions[0]).toBeTruthy();
    saved.dispose();
    // The saved model is fully symbolic: the plain command prints its formula.
    const plain = await run(['symbolic', out]);
    expect(plain.out).toMatch(/^u = .*sin\(pi \* x\)/);
  });

  it('solve → prune → symbolic --auto runs end to end and reports the error against the numeric model and the exact solution', async () => {
    const runDir = path('p');
    const solved = await run(['solve', 'poisson2d', '--steps', '2', '--grids', '3', '--points', '60', '--boundary-points', '16', '--quiet', '--out', runDir]);
    expect(solved.code, solved.err).toBe(0);
    const pruned = await run(['prune', join(runDir, 'model.json'), '--out', path('pp'), '--train', '0']);
    expect(pruned.code, pruned.err).toBe(0);
    expect(pruned.out).toMatch(/^pruned \[2,10,1\] → \[2,\d+,1\]/);
    const r = await run(['symbolic', join(path('pp'), 'model.json'), '--auto', '--lib', 'x,x^2,sin', '--train', '2']);
    expect(r.code, r.err).toBe(0);
    // --train 2 also turns on the PDE-checked search: one line per layer trial, then the formula.
    const lines = r.out.trim().split('\n').filter((l) => !l.startsWith('layer '));
    expect(r.out).toMatch(/^layer 0 complexity <= 1: x, loss [0-9.e+-]+ after retraining (kept|rejected)$/m);
    expect(lines[0]).toMatch(/^u = /);
    expect(lines[1]).toMatch(/rel\. L2 vs the numeric model [0-9.e+-]+ on 2000 points \(constants refitted: 2 L-BFGS steps on poisson2d\)/);
    expect(lines[2]).toMatch(/rel\. L2 vs exact \(10000 points\) [0-9.e+-]+/);
  });

  it('refuses bad input with one line naming the flag, exit code 2', async () => {
    const cases: [string[], string][] = [
      [['symbolic', path('sym.json'), '--suggest', '0,0'], 'kanpinn: --suggest: expected LAYER,I,J'],
      [['symbolic', path('sym.json'), '--suggest', '2,0,0'], 'kanpinn: --suggest: edge 2,0,0 is not in the model [2,1,1]'],
      [['symbolic', path('sym.json'), '--suggest', '0,0,0', '--auto'], 'kanpinn: --suggest: use it alone'],
      [['symbolic', path('sym.json'), '--fix', '1,0,0'], 'kanpinn: --fix: expected LAYER,I,J=NAME'],
      [['symbolic', path('sym.json'), '--fix', '1,0,0=sine'], 'kanpinn: --fix: "sine" is not a library function'],
      [['symbolic', path('sym.json'), '--fix', '1,5,0=sin'], 'kanpinn: --fix: edge 1,5,0 is not in the model'],
      [['symbolic', path('sym.json'), '--auto', '--lib', 'sin,foo'], 'kanpinn: --lib: expected comma-separated library functions'],
      [['symbolic', path('sym.json'), '--auto', '--r2', '2'], 'kanpinn: --r2: expected a number in [0, 1], got 2'],
      [['symbolic', path('sym.json'), '--auto', '--train', '-1'], 'kanpinn: --train: expected an integer >= 0, got -1'],
      [['symbolic', path('sym.json'), '--suggest', '0,0,0', '--top', '0'], 'kanpinn: --top: expected an integer >= 1, got 0'],
      [['symbolic', path('sym.json'), '--out', path('o.json')], 'kanpinn: --out: only with --fix or --auto'],
      [['symbolic', path('mlp.json'), '--auto'], 'kanpinn: symbolic: '],
    ];
    for (const [argv, message] of cases) {
      const r = await run(argv);
      expect(r.code, argv.join(' ')).toBe(2);
      expect(r.err.startsWith(message), `${argv.join(' ')}: ${r.err}`).toBe(true);
      expect(r.err.trim().split('\n').length).toBe(1);
    }
  });
});
