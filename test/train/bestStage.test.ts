import * as tf from '../../src/tf.js';
import { beforeAll, describe, expect, it } from 'vitest';
import { setBackend } from '../../src/backend.js';
import { createKan } from '../../src/kan/model.js';
import { createMlp } from '../../src/mlp/mlp.js';
import { modelFromJson, modelToJson } from '../../src/io/modelFile.js';
import { readParams, writeParams } from '../../src/train/params.js';
import { train } from '../../src/train/trainer.js';
import { poissonFixture } from './poissonFixture.js';

beforeAll(async () => {
  await setBackend('wasm');
});

describe('best-model return across stages (validation set, rollback)', () => {
  it('a second stage made worse is rolled back: the first stage parameters and grid come back exactly, and the history and result say so', async () => {
    const model = createKan({ width: [2, 3, 1], grid: 3, seed: 4 });
    const before = tf.memory().numTensors;
    let stageOne: Float64Array | null = null;
    const result = await train(poissonFixture(), model, {
      grids: [3, 6],
      steps: 4,
      seed: 0,
      onProgress: (e) => {
        if (e.stage === 0 && e.step === e.stepsInStage) stageOne = readParams(model);
        // Corrupt the extended model after the last step of stage 2, before its validation.
        if (e.stage === 1 && e.step === e.stepsInStage) writeParams(model, readParams(model).map((v, i) => v + (i % 2 ? 50 : -50)));
      },
    });
    expect(result.status).toBe('completed');
    expect(result.returnedStage).toBe(1);
    expect(model.layers.every((l) => l.grid === 3)).toBe(true);
    expect(model.options.grid).toBe(3);
    expect(Array.from(readParams(model))).toEqual(Array.from(stageOne!));
    // What is saved is the returned model.
    const saved = modelFromJson(JSON.parse(JSON.stringify(modelToJson(model))));
    expect(saved.kind === 'kan' && saved.layers.map((l) => l.grid)).toEqual([3, 3]);
    expect(Array.from(readParams(saved))).toEqual(Array.from(stageOne!));
    saved.dispose();
    expect(result.stages.map((s) => [s.stage, s.grid, s.step, s.rolledBack, s.kept])).toEqual([[1, 3, 4, false, 1], [2, 6, 8, true, 1]]);
    expect(result.stages[1]!.validationLoss).toBeGreaterThan(result.stages[0]!.validationLoss);
    expect(result.message).toMatch(/^completed; stage 2 \(grid 6\) did not lower the validation loss \(\S+ vs \S+\) nor its plain mean \(\S+ vs \S+\): rolled back to the model of stage 1 \(grid 3\)$/);
    const cols = result.history.columns;
    const [val, back] = [cols.indexOf('valLoss'), cols.indexOf('rolledBack')];
    expect(result.history.rows.map((r) => r[back])).toEqual([NaN, NaN, NaN, 0, NaN, NaN, NaN, 1]);
    expect(result.history.rows[3]![val]).toBe(result.stages[0]!.validationLoss);
    // The result's loss and accuracy are the returned model's, not the corrupted one's.
    expect(result.loss).toBeLessThan(1);
    expect(tf.memory().numTensors).toBe(before);
    model.dispose();
  });

  it('a run that diverges in a later stage returns the best earlier stage, not that stage\'s parameters', async () => {
    const problem = poissonFixture();
    const pde = problem.terms[0]!;
    const residual = pde.residual.bind(pde);
    // Armed after stage 1's last step: its validation (one call) still passes, every later call is NaN.
    let armed = false;
    let passed = 0;
    pde.residual = (scope) => {
      const r = residual(scope);
      return armed && passed++ >= 1 ? (r.mul(NaN) as typeof r) : r;
    };
    const model = createKan({ width: [2, 3, 1], grid: 3, seed: 4 });
    let stageOne: Float64Array | null = null;
    const result = await train(problem, model, {
      grids: [3, 6],
      steps: 4,
      seed: 0,
      onProgress: (e) => {
        if (e.stage === 0 && e.step === e.stepsInStage) {
          stageOne = readParams(model);
          armed = true;
        }
      },
    });
    expect(result.status).toBe('diverged');
    expect(result.returnedStage).toBe(1);
    expect(model.layers[0]!.grid).toBe(3);
    expect(Array.from(readParams(model))).toEqual(Array.from(stageOne!));
    expect(result.message).toMatch(/; returned the model of stage 1 \(grid 3\) instead, lower on the validation set \(\S+ vs NaN\)$/);
    model.dispose();
  });

  it('a worsening stage in the middle: the next extension starts from the best stage model, and a later better stage is returned', async () => {
    const model = createKan({ width: [2, 3, 1], grid: 3, seed: 4 });
    const result = await train(poissonFixture(), model, {
      grids: [3, 5, 6],
      steps: 20,
      seed: 0,
      onProgress: (e) => {
        if (e.stage === 1 && e.step === e.stepsInStage) writeParams(model, readParams(model).map(() => 30));
      },
    });
    expect(result.stages.map((s) => [s.grid, s.rolledBack, s.kept])).toEqual([[3, false, 1], [5, true, 1], [6, false, 3]]);
    expect(result.returnedStage).toBe(3);
    expect(model.layers[0]!.grid).toBe(6);
    model.dispose();
  });

  it('a stage that lowers the validation loss is kept; one stage (an MLP) has no validation set', async () => {
    const kan = createKan({ width: [2, 3, 1], grid: 3, seed: 4 });
    const result = await train(poissonFixture(), kan, { grids: [3, 6], steps: 20, seed: 0 });
    expect(result.stages.map((s) => s.rolledBack)).toEqual([false, false]);
    expect(result.returnedStage).toBe(2);
    expect(result.stages[1]!.validationLoss).toBeLessThan(result.stages[0]!.validationLoss);
    kan.dispose();
    const mlp = createMlp({ width: [2, 8, 1], seed: 0 });
    const one = await train(poissonFixture(), mlp, { grids: [3, 6], steps: 2, seed: 0 });
    expect(one.returnedStage).toBe(1);
    expect(one.stages).toEqual([]);
    expect(one.history.columns).not.toContain('valLoss');
    mlp.dispose();
  });
});
