import { beforeAll, describe, expect, it } from 'vitest';
import { resolveProblem } from '../../problems/index.js';
import { solveProblem } from '../../solvers/solve.js';
import { setBackend } from '../../src/backend.js';
import { autoSymbolic, fixSymbolic, symbolicFormula } from '../../src/interpret/symbolic.js';
import type { KanModel } from '../../src/kan/model.js';
import { createRng } from '../../src/random.js';
import { train } from '../../src/train/trainer.js';

/** The bound for the recovered formula against sin(πx)·sin(πy). */
const FORMULA_TOL = 1e-2;

beforeAll(async () => {
  await setBackend('wasm');
});

describe("pykan's Example 6: interpreting a PDE solution", () => {
  it('a KAN [2,2,1] PINN on poisson2d, first layer fixed to x, the rest auto-symbolic, gives sin(πx)·sin(πy)', async () => {
    const problem = resolveProblem('poisson2d');
    // pykan's own settings (the problem's points and weights), not the automatic recipe's.
    const { model } = await solveProblem(problem, { recipe: 'tuned', width: [2, 2, 1], grids: [5, 10], steps: 50 });
    const kan = model as KanModel;
    const rng = createRng(3);
    const points = Float32Array.from({ length: 2000 }, () => rng.next() * 2 - 1);
    for (const [i, j] of [[0, 0], [0, 1], [1, 0], [1, 1]] as const) fixSymbolic(kan, 0, i, j, 'x', { points });
    await train(problem, kan, { steps: 30, grids: null, gridUpdateEvery: 0, sampling: 'sobol', evalEvery: 0 });
    const report = autoSymbolic(kan, points, { candidates: ['x', 'sin', 'cos'] });
    expect(report.skipped).toEqual([]);
    expect(report.fixed.map((e) => e.name)).toEqual(['sin', 'sin']);
    await train(problem, kan, { steps: 30, grids: null, gridUpdateEvery: 0, sampling: 'sobol', evalEvery: 0 });
    const [formula] = symbolicFormula(kan, { significantDigits: 4 });
    let maxErr = 0;
    for (let n = 0; n < 2000; n++) {
      const [x, y] = [rng.next() * 2 - 1, rng.next() * 2 - 1];
      maxErr = Math.max(maxErr, Math.abs(formula!.evaluate({ x, y }) - Math.sin(Math.PI * x) * Math.sin(Math.PI * y)));
    }
    expect(maxErr).toBeLessThan(FORMULA_TOL);
    expect(formula!.text).toMatch(/3\.142 \* \(x \+ y\)/);
    model.dispose();
  });
});
