import * as tf from '../../src/tf.js';
import { beforeAll, describe, expect, it } from 'vitest';
import { resolveProblem } from '../../problems/index.js';
import { setBackend } from '../../src/backend.js';
import { createKan } from '../../src/kan/model.js';
import { createRng } from '../../src/random.js';
import { fit, type FitData } from '../../src/train/fit.js';
import { regularizationLoss, resolveRegularization, sparsityRegularizer } from '../../src/train/regularization.js';
import { train } from '../../src/train/trainer.js';

beforeAll(async () => {
  await setBackend('wasm');
});

function data(count: number, seed: number): FitData {
  const rng = createRng(seed);
  const inputs = Float32Array.from({ length: 2 * count }, () => rng.next() * 2 - 1);
  const targets = Float32Array.from({ length: count }, (_, n) => inputs[2 * n]! * inputs[2 * n + 1]!);
  return { inputs, targets, count };
}

describe('supervised fit', () => {
  it('lowers the error with Adam and with L-BFGS, records history, and leaks no tensors', async () => {
    const set = data(200, 1);
    for (const optimizer of ['adam', 'lbfgs'] as const) {
      const model = createKan({ width: [2, 3, 1], seed: 2 });
      const before = tf.memory().numTensors;
      const result = await fit(model, set, { optimizer, steps: optimizer === 'adam' ? 30 : 5, lr: optimizer === 'adam' ? 0.02 : 1, test: data(50, 2) });
      expect(tf.memory().numTensors).toBe(before);
      const first = result.history.rows[0]!;
      expect(result.trainRmse).toBeLessThan(first[3]!);
      expect(result.testRmse).not.toBeNull();
      model.dispose();
    }
  });

  it('with λ > 0 lowers the sparsity penalty against the same run without it', async () => {
    const set = data(200, 3);
    const penalties: number[] = [];
    for (const lamb of [0, 0.01]) {
      const model = createKan({ width: [2, 4, 1], seed: 5 });
      await fit(model, set, { steps: 10, regularization: { lamb } });
      penalties.push(tf.tidy(() => regularizationLoss(model, set.inputs, set.count, resolveRegularization({ lamb: 1 })).dataSync()[0]!));
      model.dispose();
    }
    expect(penalties[1]!).toBeLessThan(penalties[0]!);
  });

  it('refuses bad options naming them', async () => {
    const model = createKan({ width: [2, 1], seed: 0 });
    await expect(fit(model, data(10, 1), { steps: -1 })).rejects.toThrow('fit: steps: expected an integer >= 0, got -1');
    await expect(fit(model, { inputs: new Float32Array(3), targets: new Float32Array(2), count: 2 })).rejects.toThrow('fit: train.inputs: expected 4 values (2 rows of 2), found 3');
    model.dispose();
  });
});

describe('the PINN trainer with the sparsification hook', () => {
  it('adds λ·reg to the loss and records it as history column reg', async () => {
    const problem = resolveProblem('poisson2d');
    const model = createKan({ width: [2, 3, 1], seed: 0 });
    const regularization = sparsityRegularizer({ lamb: 0.01 });
    const result = await train(problem, model, { steps: 2, points: 50, boundaryPoints: 20, regularization, evalEvery: 0 });
    const column = result.history.columns.indexOf('reg');
    expect(column).toBeGreaterThan(0);
    for (const row of result.history.rows) expect(row[column]!).toBeGreaterThan(0);
    expect(sparsityRegularizer({ lamb: 0 })).toBeUndefined();
    model.dispose();
  });
});
