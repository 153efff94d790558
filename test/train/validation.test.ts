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

/**
 * Replaces the validation residuals at the end of stages 1 and 2 by given values (the PDE term's
 * 200 points; the boundary term's are 0), so that the statistics the stages are judged on are known.
 */
async function craftedStages(stageOne: (n: number) => number, stageTwo: (n: number) => number) {
  const problem = poissonFixture();
  const [pde, bc] = [problem.terms[0]!, problem.terms[1]!];
  const [pdeResidual, bcResidual] = [pde.residual.bind(pde), bc.residual.bind(bc)];
  let values: ((n: number) => number) | null = null;
  let zero = false;
  pde.residual = (scope) => {
    const r = pdeResidual(scope);
    if (!values) return r;
    const v = values;
    values = null;
    return tf.tensor(Float32Array.from({ length: r.size }, (_, n) => v(n)), r.shape) as typeof r;
  };
  bc.residual = (scope) => {
    const r = bcResidual(scope);
    if (!zero) return r;
    zero = false;
    return tf.zerosLike(r) as typeof r;
  };
  const model = createKan({ width: [2, 3, 1], grid: 3, seed: 4 });
  const result = await train(problem, model, {
    grids: [3, 6],
    steps: 2,
    seed: 0,
    onProgress: (e) => {
      if (e.step !== e.stepsInStage) return;
      values = e.stage === 0 ? stageOne : stageTwo;
      zero = true;
    },
  });
  model.dispose();
  return result;
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

  it('a stage whose gain lies in its worst points (plain mean lower, trimmed mean higher) is kept; one higher on both is rolled back', async () => {
    // Stage 1: residual 1 at 196 points and 10 at 4 (trimmed mean 2.0, plain 2.98, before the PDE weight).
    const one = (n: number): number => (n < 4 ? 10 : 1);
    const kept = await craftedStages(one, () => 1.5); // 2.25 on both
    expect(kept.stages[1]!.validationLoss).toBeGreaterThan(kept.stages[0]!.validationLoss);
    expect(kept.stages[1]!.validationMean!).toBeLessThan(kept.stages[0]!.validationMean!);
    expect(kept.stages.map((s) => [s.rolledBack, s.kept])).toEqual([[false, 1], [false, 2]]);
    expect(kept.stages[1]!.validationLoss / kept.stages[0]!.validationLoss).toBeCloseTo(2.25 / 2, 5);
    expect(kept.stages[1]!.validationMean! / kept.stages[0]!.validationMean!).toBeCloseTo(2.25 / 2.98, 5);
    const worse = await craftedStages(one, () => 1.8); // 3.24 on both
    expect(worse.stages.map((s) => [s.rolledBack, s.kept])).toEqual([[false, 1], [true, 1]]);
    expect(worse.returnedStage).toBe(1);
    expect(worse.message).toMatch(/did not lower the validation loss \(\S+ vs \S+\) nor its plain mean \(\S+ vs \S+\): rolled back to the model of stage 1 \(grid 3\)$/);
  });
});
