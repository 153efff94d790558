import { beforeAll, describe, expect, it } from 'vitest';
import { resolveProblem } from '../../problems/index.js';
import { setBackend } from '../../src/backend.js';
import { autoSymbolicOnProblem, pruneOnProblem, zeroModelLoss } from '../../src/interpret/onProblem.js';
import { subsetKan } from '../../src/interpret/prune.js';
import { fixSymbolic } from '../../src/interpret/symbolic.js';
import { createKan, type KanModel } from '../../src/kan/model.js';
import { createRng } from '../../src/random.js';

beforeAll(async () => {
  await setBackend('wasm');
});

/**
 * A [2,3,1] KAN holding poisson2d's exact solution in nodes 0 and 1,
 * sin(πx)·sin(πy) = −½cos(π(x + y)) + ½cos(π(x − y)), and a fresh spline node 2 beside them.
 */
function exactPlusSpare(): KanModel {
  const kan = createKan({ width: [2, 3, 1], grid: 5, k: 3, seed: 2, inputs: ['x', 'y'], outputs: ['u'], gridRange: [-1, 1] });
  const linear = (i: number, j: number, c: number): void => void fixSymbolic(kan, 0, i, j, 'x', { params: { a: 1, b: 0, c, d: 0 } });
  linear(0, 0, 1);
  linear(1, 0, 1);
  linear(0, 1, 1);
  linear(1, 1, -1);
  fixSymbolic(kan, 1, 0, 0, 'cos', { params: { a: Math.PI, b: 0, c: -0.5, d: 0 } });
  fixSymbolic(kan, 1, 1, 0, 'cos', { params: { a: Math.PI, b: 0, c: 0.5, d: 0 } });
  return kan;
}

const rng = createRng(1);
const points = Float32Array.from({ length: 1000 }, () => rng.next() * 2 - 1);

describe('zeroModelLoss', () => {
  it("is poisson2d's loss of u = 0: 0.01 · mean (2π² sin(πx) sin(πy))² ≈ 0.974 (boundary terms 0)", async () => {
    const kan = exactPlusSpare();
    const loss = await zeroModelLoss(resolveProblem('poisson2d'), kan);
    expect(loss).toBeGreaterThan(0.974 * 0.9);
    expect(loss).toBeLessThan(0.974 * 1.1);
    kan.dispose();
  });
});

describe('pruneOnProblem', () => {
  it('removes the spare node (retrained loss stays tiny) and stops before the solution loses a node', async () => {
    const problem = resolveProblem('poisson2d');
    const kan = exactPlusSpare();
    const result = await pruneOnProblem(problem, kan, points, { steps: 5, edgeThreshold: 0 });
    expect(result.model.width).toEqual([2, 2, 1]);
    expect(result.steps.map((s) => [s.action, s.kept])).toEqual([
      ['thresholds', true],
      ['remove node 1,2', true],
      [expect.stringMatching(/^remove node 1,[01]$/), false],
    ]);
    expect(result.steps[1]!.loss).toBeLessThan(1e-6);
    expect(result.steps[2]!.loss).toBeGreaterThan(result.limit);
    expect(result.limit).toBeCloseTo(0.01 * result.zeroLoss, 12);
    // The input model is untouched.
    expect(kan.width).toEqual([2, 3, 1]);
    result.model.dispose();
    kan.dispose();
  });

  it('refuses bad options with a message naming them', async () => {
    const kan = exactPlusSpare();
    await expect(pruneOnProblem(resolveProblem('poisson2d'), kan, points, { steps: 1.5 })).rejects.toThrow('pruneOnProblem: steps: expected an integer >= 0, found 1.5');
    await expect(pruneOnProblem(resolveProblem('poisson2d'), kan, points, { tolerance: -1 })).rejects.toThrow('pruneOnProblem: tolerance: expected a finite number >= 0, found -1');
    kan.dispose();
  });
});

describe('autoSymbolicOnProblem', () => {
  it('leaves a fully symbolic model as it is: one kept trial per layer, nothing fixed, no restart', async () => {
    const problem = resolveProblem('poisson2d');
    const spare = exactPlusSpare();
    const kan = subsetKan(spare, [[0, 1], [0, 1], [0]]); // the exact [2,2,1] core, every edge symbolic
    spare.dispose();
    const result = await autoSymbolicOnProblem(problem, kan, points, { steps: 2, candidates: ['x', 'sin', 'cos'] });
    expect(result.fixed).toEqual([]);
    expect(result.trials.map((t) => [t.layer, t.maxComplexity, t.restart, t.kept])).toEqual([
      [0, 1, 0, true],
      [1, 1, 0, true],
    ]);
    expect(result.trials[1]!.loss).toBeLessThan(1e-8);
    result.model.dispose();
    kan.dispose();
  });

  it('refuses bad options with a message naming them', async () => {
    const kan = exactPlusSpare();
    const problem = resolveProblem('poisson2d');
    await expect(autoSymbolicOnProblem(problem, kan, points, { restarts: -1 })).rejects.toThrow('autoSymbolicOnProblem: restarts: expected an integer >= 0, found -1');
    await expect(autoSymbolicOnProblem(problem, kan, points, { factor: 0.5 })).rejects.toThrow('autoSymbolicOnProblem: factor: expected a finite number >= 1, found 0.5');
    kan.dispose();
  });
});
