/**
 * Recovery from a non-finite step (loop.ts, MAX_RECOVERIES): the step is taken again from the best
 * parameters seen with a fresh optimizer and a shorter step, so that a passing non-finite loss does
 * not end the run (issue 14: unseen-beam's KAN ended "diverged" at step 182 of 300); only a loss that
 * stays non-finite does.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { setBackend } from '../../src/backend.js';
import { createKan } from '../../src/kan/model.js';
import { readParams } from '../../src/train/params.js';
import { MAX_RECOVERIES, RECOVERY_SHRINK } from '../../src/train/loop.js';
import { train } from '../../src/train/trainer.js';
import { poissonFixture } from './poissonFixture.js';

beforeAll(async () => {
  await setBackend('wasm');
});

/** The fixture with its PDE residual NaN at the next `count` calls after `arm()`. */
function flakyProblem(): { problem: ReturnType<typeof poissonFixture>; arm: (count: number) => void } {
  const problem = poissonFixture();
  const pde = problem.terms[0]!;
  const residual = pde.residual.bind(pde);
  let poisoned = 0;
  pde.residual = (scope) => {
    const r = residual(scope);
    if (poisoned === 0) return r;
    poisoned--;
    return r.mul(NaN) as typeof r;
  };
  return { problem, arm: (count) => void (poisoned = count) };
}

describe('recovery from a non-finite step', () => {
  for (const optimizer of ['lbfgs', 'adam'] as const) {
    it(`${optimizer}: one non-finite evaluation at the start of step 3 is recovered from and the run completes all its steps`, async () => {
      const { problem, arm } = flakyProblem();
      const model = createKan({ width: [2, 3, 1], grid: 4, seed: 3 });
      const steps = optimizer === 'adam' ? 12 : 6;
      const result = await train(problem, model, {
        optimizer,
        steps,
        seed: 0,
        gridUpdateEvery: 0,
        ...(optimizer === 'adam' ? { lr: 0.01 } : {}),
        onProgress: (e) => {
          if (e.totalStep === 2) arm(1);
        },
      });
      expect(result.status).toBe('completed');
      expect(result.steps).toBe(steps);
      expect(result.history.rows.length).toBe(steps);
      expect(result.message).toBe(`completed; the loss became non-finite during step 3 (term pde): restarted from the best parameters seen with a fresh optimizer and a ${RECOVERY_SHRINK}× shorter step each time`);
      expect(Number.isFinite(result.loss)).toBe(true);
      expect(readParams(model).every(Number.isFinite)).toBe(true);
      // The run went on from a finite state and kept lowering the loss after the recovery.
      const losses = result.history.rows.map((r) => r[5]!);
      expect(losses.every(Number.isFinite)).toBe(true);
      expect(losses[steps - 1]!).toBeLessThan(losses[2]!);
      model.dispose();
    });
  }

  it('a loss that stays non-finite still ends the run as diverged after MAX_RECOVERIES retries, with the best parameters and a warning', async () => {
    const { problem, arm } = flakyProblem();
    const model = createKan({ width: [2, 3, 1], grid: 4, seed: 3 });
    const result = await train(problem, model, {
      optimizer: 'adam',
      lr: 0.01,
      steps: 10,
      seed: 0,
      gridUpdateEvery: 0,
      onProgress: (e) => {
        if (e.totalStep === 2) arm(1e9);
      },
    });
    expect(result.status).toBe('diverged');
    expect(result.steps).toBe(2);
    expect(result.message).toMatch(/^the loss became non-finite during step 3 \(term pde\); kept the best parameters seen, from step 2 /);
    expect(result.warnings).toContain(`the loss became non-finite during ${Array(MAX_RECOVERIES).fill('step 3 (term pde)').join(', ')}: restarted from the best parameters seen with a fresh optimizer and a ${RECOVERY_SHRINK}× shorter step each time`);
    expect(readParams(model).every(Number.isFinite)).toBe(true);
    model.dispose();
  });
});
