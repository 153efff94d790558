/**
 * The automatic recipe's steep-front rule (issue 14, Burgers): a time-dependent PDE that advects its
 * unknown by itself with fronts narrower than the finest grid's knots gets the initial condition
 * imposed exactly and the last stage returned; linear and steady problems, and a viscous Burgers
 * whose fronts the knots resolve, are left alone. `--stage-select last` returns the last stage.
 */
import * as tf from '../../src/tf.js';
import { beforeAll, describe, expect, it } from 'vitest';
import { setBackend } from '../../src/backend.js';
import { defineProblem, loadProblem } from '../../src/index.js';
import { resolveProblem } from '../../problems/index.js';
import { createKan } from '../../src/kan/model.js';
import { readParams, writeParams } from '../../src/train/params.js';
import { autoRecipe } from '../../src/train/recipe.js';
import { initialLength, steepFront } from '../../src/train/steepFront.js';
import { train } from '../../src/train/trainer.js';
import { resolveSolveOptions } from '../../solvers/solve.js';
import { poissonFixture } from './poissonFixture.js';

beforeAll(async () => {
  await setBackend('wasm');
});

/** Viscous Burgers on [−1, 1] × [0, 1] with viscosity `nu` and u0 = −sin(πx). */
const burgers = (nu: string) => defineProblem({
  name: `burgers-${nu}`,
  variables: ['x'],
  time: [0, 1],
  define: { nu },
  domain: { type: 'interval', min: -1, max: 1 },
  pde: 'u_t + u*u_x - nu*u_xx',
  conditions: [
    { type: 'dirichlet', on: 'boundary', value: '0' },
    { type: 'initial', value: '-sin(pi*x)' },
  ],
});

describe('steep fronts in the automatic recipe', () => {
  it('reads the advection and diffusion coefficients of a Burgers PDE and compares the front width with the knot spacing', () => {
    const front = steepFront(resolveProblem('pinnacle-burgers-1d-c'), 20)!;
    expect(front).not.toBeNull();
    expect(front).toMatchObject({ unknown: 'u', axis: 'x', spacing: 0.1 });
    expect(front.advection).toBeCloseTo(1, 5);
    expect(front.diffusion).toBeCloseTo(0.01 / Math.PI, 6);
    expect(front.width).toBeCloseTo(0.01 / Math.PI, 6); // U = 1, the initial value's scale
    // ν = 0.2: fronts 0.2 wide are not below the spacing 0.1 of grid 20, but are below 0.4 of grid 5.
    expect(steepFront(burgers('0.2'), 20)).toBeNull();
    expect(steepFront(burgers('0.2'), 5)?.width).toBeCloseTo(0.2, 6);
    // Without diffusion every front is a shock.
    expect(steepFront(burgers('0'), 5)?.width).toBe(0);
  });

  it('fires for Burgers-like problems: the last stage returned, and the initial condition exact where u0 is smooth at the knots, each with its reason', () => {
    const pinnacle = resolveProblem('pinnacle-burgers-1d-c');
    expect(initialLength(pinnacle, 'u')).toBeCloseTo(1 / Math.PI, 2); // −sin(πx): U = 1, slope π
    const auto = autoRecipe(pinnacle, {});
    expect(auto.options).toMatchObject({ hard: 'initial', stageSelect: 'last' });
    const hard = auto.decisions.find((d) => d.option === 'hard')!;
    expect(hard.why).toMatch(/advects u by itself along x .* below the knot spacing 0\.1 of grid 20; u0 changes by its scale over 0\.32, which the knots resolve: the initial condition imposed exactly/);
    expect(resolveSolveOptions(pinnacle, {})).toMatchObject({ hard: 'initial', stageSelect: 'last' });
    // A travelling front given from t0 (width 4ν ≈ 0.013): u0 itself is steeper than the knots, so it is not imposed.
    const front = loadProblem('bench/unseen/burgers-front.json');
    expect(initialLength(front, 'u')).toBeCloseTo(8 * 0.01 / Math.PI, 2); // 1 / (0.5 / (4ν))
    expect(autoRecipe(front, {}).options).toMatchObject({ stageSelect: 'last' });
    expect(autoRecipe(front, {}).options.hard).toBeUndefined();
    expect(resolveSolveOptions(front, {})).toMatchObject({ hard: null, stageSelect: 'last' });
  });

  it('leaves linear, steady and well-resolved problems alone, and the user\'s choices win', () => {
    const names = ['poisson2d', 'heat1d', 'diffusion1d', 'wave1d', 'pinnacle-wave-1d-c', 'inverse-heat1d', 'pinnacle-ns-2d-c', 'pinnacle-heat-2d-ms'];
    for (const name of names) {
      const auto = autoRecipe(resolveProblem(name), {});
      expect([name, auto.options.hard, auto.options.stageSelect]).toEqual([name, undefined, undefined]);
      expect(resolveSolveOptions(resolveProblem(name), {})).toMatchObject({ hard: null, stageSelect: 'validation' });
    }
    expect(autoRecipe(burgers('0.15'), {}).options.hard).toBeUndefined();
    // A coarser last grid leaves unresolved a front that grid 20 resolves.
    expect(autoRecipe(burgers('0.15'), { grids: [10] }).options).toMatchObject({ hard: 'initial', stageSelect: 'last' });
    const burgers1d = resolveProblem('pinnacle-burgers-1d-c');
    expect(resolveSolveOptions(burgers1d, { hard: 'dirichlet', stageSelect: 'validation' })).toMatchObject({ hard: 'dirichlet', stageSelect: 'validation' });
    expect(autoRecipe(burgers1d, { hard: 'dirichlet' }).decisions.map((d) => d.option)).not.toContain('hard');
  });

  it('--stage-select last returns the last stage even when the validation set would roll it back', async () => {
    const run = async (stageSelect: 'validation' | 'last') => {
      const model = createKan({ width: [2, 3, 1], grid: 3, seed: 4 });
      let corrupted: Float64Array | null = null;
      const result = await train(poissonFixture(), model, {
        grids: [3, 6],
        steps: 4,
        seed: 0,
        stageSelect,
        onProgress: (e) => {
          // Corrupt the extended model after the last step of stage 2, before its validation.
          if (e.stage === 1 && e.step === e.stepsInStage) {
            corrupted = readParams(model).map((v, i) => v + (i % 2 ? 50 : -50));
            writeParams(model, corrupted);
          }
        },
      });
      const params = readParams(model);
      const grid = model.layers[0]!.grid;
      model.dispose();
      return { result, params, corrupted: corrupted!, grid };
    };
    const before = tf.memory().numTensors;
    const judged = await run('validation');
    expect(judged.result.returnedStage).toBe(1);
    expect(judged.grid).toBe(3);
    const last = await run('last');
    expect(last.result.returnedStage).toBe(2);
    expect(last.grid).toBe(6);
    expect(Math.max(...last.params.map((v, i) => Math.abs(v - last.corrupted[i]!)))).toBeLessThan(1e-5); // float32 parameters
    expect(last.result.stages).toEqual([]);
    expect(last.result.history.columns).not.toContain('valLoss');
    expect(last.result.message).toBe('completed');
    expect(tf.memory().numTensors).toBe(before);
  });
});

describe('hard initial condition whose value reads t', () => {
  it('takes the initial data at t0: the lift of an exact solution given as u0 does not carry its later times', async () => {
    const { hardFor } = await import('../../src/architecture/hardPlan.js');
    const front = loadProblem('bench/unseen/burgers-front.json');
    const lift = hardFor(front, 'initial').config!.outputs[0]!.lift;
    expect(lift).not.toMatch(/\bt\b/);
    const direct = defineProblem({
      name: 'decay', variables: ['x'], time: [0.5, 1], domain: { type: 'interval', min: 0, max: 1 },
      pde: 'u_t - u_xx', conditions: [{ type: 'initial', value: 'exp(-t) * sin(pi*x)' }],
    });
    const decay = hardFor(direct, 'initial').config!.outputs[0]!;
    expect(decay.lift).not.toMatch(/\bt\b/);
    expect(decay.lift).toContain('0.5');
  });
});
