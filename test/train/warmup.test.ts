/**
 * Adam warm-up then L-BFGS (`optimizer: 'adam+lbfgs'`): in every stage the first `adamSteps` steps
 * are Adam steps (one objective evaluation each) and the rest L-BFGS steps (a line search: two or
 * more), read from the history's evaluation counts.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { setBackend } from '../../src/backend.js';
import { createKan } from '../../src/kan/model.js';
import { train } from '../../src/train/trainer.js';
import { poissonFixture } from './poissonFixture.js';

beforeAll(async () => {
  await setBackend('wasm');
});

describe('Adam warm-up then L-BFGS', () => {
  it('switches from Adam to L-BFGS after adamSteps in each stage', async () => {
    const model = createKan({ width: [2, 3, 1], grid: 3, seed: 0 });
    const result = await train(poissonFixture(), model, { optimizer: 'adam+lbfgs', adamSteps: 4, steps: 2, grids: [3, 4], seed: 0, points: 50, boundaryPoints: 20, gridUpdateEvery: 0, evalEvery: 0 });
    expect(result.status).toBe('completed');
    const { columns, rows } = result.history;
    const evals = rows.map((r) => r[columns.indexOf('evaluations')]!);
    const perStep = evals.map((e, i) => e - (i === 0 ? 0 : evals[i - 1]!));
    const stage = rows.map((r) => r[columns.indexOf('stage')]!);
    expect(stage).toEqual([1, 1, 1, 1, 1, 1, 2, 2, 2, 2, 2, 2]);
    const adam = perStep.map((n) => n === 1);
    expect(adam).toEqual([true, true, true, true, false, false, true, true, true, true, false, false]);
    for (const i of [4, 5, 10, 11]) expect(perStep[i]).toBeGreaterThanOrEqual(2);
    model.dispose();
  });
});
