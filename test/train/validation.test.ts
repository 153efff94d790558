import * as tf from '../../src/tf.js';
import { beforeAll, describe, expect, it } from 'vitest';
import { setBackend } from '../../src/backend.js';
import { createKan } from '../../src/kan/model.js';
import { train } from '../../src/train/trainer.js';
import { trimmedMean, VALIDATION_TRIM } from '../../src/train/validation.js';
import { poissonFixture } from './poissonFixture.js';

beforeAll(async () => {
  await setBackend('wasm');
});

describe('trimmed mean of the validation residuals', () => {
  it('drops the largest floor(1 %) of the values, nothing under 100 values, and stays non-finite for NaN and infinity', () => {
    expect(VALIDATION_TRIM).toBe(0.01);
    const ones = (n: number): number[] => Array.from({ length: n }, () => 1);
    expect(trimmedMean([...ones(99), 1e6])).toBe(1);
    expect(trimmedMean([1e6, ...ones(199), 1e6])).toBeCloseTo(1, 12);
    // Two outliers in 100 values: one is dropped, the other still counts.
    expect(trimmedMean([...ones(98), 1e6, 1e6])).toBeCloseTo((98 + 1e6) / 99, 6);
    expect(trimmedMean([...ones(98), 1e6])).toBeCloseTo((98 + 1e6) / 99, 6);
    expect(trimmedMean([1, 2, 3], 0)).toBe(2);
    expect(trimmedMean([])).toBe(0);
    expect(trimmedMean([...ones(199), NaN])).toBeNaN();
    expect(trimmedMean([...ones(199), Infinity])).toBe(Infinity);
  });
});

/**
 * Adds `spike` to the PDE residual at the points `at` picks, in the one residual evaluation that
 * follows the arming: the validation at the end of stage 2 (armed after its last step).
 */
function spiked(at: (n: number) => boolean, spike: number): { problem: ReturnType<typeof poissonFixture>; arm: () => void } {
  const problem = poissonFixture();
  const pde = problem.terms[0]!;
  const residual = pde.residual.bind(pde);
  let armed = false;
  pde.residual = (scope) => {
    const r = residual(scope);
    if (!armed) return r;
    armed = false;
    const add = Float32Array.from({ length: r.size }, (_, n) => (at(n) ? spike : 0));
    return r.add(tf.tensor(add, r.shape)) as typeof r;
  };
  return { problem, arm: () => (armed = true) };
}

async function twoStages(at: (n: number) => boolean, spike: number) {
  const { problem, arm } = spiked(at, spike);
  const model = createKan({ width: [2, 3, 1], grid: 3, seed: 4 });
  const result = await train(problem, model, {
    grids: [3, 6],
    steps: 20,
    seed: 0,
    onProgress: (e) => {
      if (e.stage === 1 && e.step === e.stepsInStage) arm();
    },
  });
  const grid = model.layers[0]!.grid;
  model.dispose();
  return { result, grid };
}

describe('stages judged on the trimmed validation statistic', () => {
  it('a stage better everywhere but at one singular validation point is kept (the plain mean would roll it back)', async () => {
    // Without the spike the grid-6 stage lowers the validation loss (bestStage.test.ts).
    const { result, grid } = await twoStages((n) => n === 7, 1e3);
    const [one, two] = result.stages;
    expect(two!.validationMean!).toBeGreaterThan(one!.validationMean!);
    expect(two!.validationLoss).toBeLessThan(one!.validationLoss);
    expect(result.stages.map((s) => [s.stage, s.rolledBack, s.kept])).toEqual([[1, false, 1], [2, false, 2]]);
    expect(result.returnedStage).toBe(2);
    expect(grid).toBe(6);
  });

  it('a stage worse at every point is still rolled back, and so is one worse at more points than the trim drops (5 %)', async () => {
    const everywhere = await twoStages(() => true, 30);
    expect(everywhere.result.stages.map((s) => [s.rolledBack, s.kept])).toEqual([[false, 1], [true, 1]]);
    expect(everywhere.result.returnedStage).toBe(1);
    expect(everywhere.grid).toBe(3);
    // 10 of the 200 interior validation points: the trim drops 2.
    const some = await twoStages((n) => n % 20 === 3, 1e3);
    expect(some.result.stages.map((s) => [s.rolledBack, s.kept])).toEqual([[false, 1], [true, 1]]);
    expect(some.result.returnedStage).toBe(1);
  });
});
