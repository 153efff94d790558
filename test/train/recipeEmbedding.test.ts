/**
 * The automatic recipe's input embedding (issue 14, item 6): a fixed harmonic at the measured
 * frequency of each spatial input along which a time-dependent problem's stated data oscillate fast
 * (PINNacle Heat 2d-MS), nothing elsewhere, and the step budget counts the dearer evaluation.
 */
import { describe, expect, it } from 'vitest';
import { builtinNames, resolveProblem } from '../../problems/index.js';
import { defineProblem, loadProblem } from '../../src/index.js';
import { HIGH_FREQUENCY_CYCLES, embeddingFor, estimateCycles, spatialFourierFeatures } from '../../src/architecture/suggestEmbedding.js';
import { EMBEDDING_COST_FACTOR, stepBudget } from '../../src/train/budget.js';
import { autoRecipe } from '../../src/train/recipe.js';
import { embedValues, featureWidth } from '../../src/model/embedding.js';
import { resolveSolveOptions } from '../../solvers/solve.js';

/** A 2-D heat problem whose initial state has `cycles` cycles along x over [0, 1] (and half a cycle along y). */
const heat = (cycles: number, time = true) =>
  defineProblem({
    name: `heat-${cycles}`,
    variables: ['x', 'y'],
    ...(time ? { time: [0, 1] as [number, number] } : {}),
    domain: { type: 'rectangle', min: [0, 0], max: [1, 1] },
    pde: time ? 'u_t - 0.01*u_xx - 0.01*u_yy' : `u_xx + u_yy + sin(${2 * cycles}*pi*x)*sin(pi*y)`,
    conditions: [
      { type: 'dirichlet', on: 'boundary', value: 0 },
      ...(time ? [{ type: 'initial' as const, value: `sin(${2 * cycles}*pi*x) * sin(pi*y)` }] : []),
    ],
  });

describe('automatic recipe: Fourier features for fast spatial data', () => {
  it('fires on a time-dependent problem whose initial state oscillates fast along x: the harmonic at the measured cycles beside x, with its reason', () => {
    const fast = heat(8);
    expect(spatialFourierFeatures(fast)?.embed).toBe('harmonic:x=8');
    expect(spatialFourierFeatures(heat(5))?.embed).toBe('harmonic:x=5');
    const auto = autoRecipe(fast, {});
    expect(auto.options.embed).toBe('harmonic:x=8');
    const decision = auto.decisions.find((d) => d.option === 'embed')!;
    expect(decision.value).toBe('harmonic:x=8');
    expect(decision.why).toMatch(/^the initial\/boundary values oscillate fast \(8 cycles along x over the domain\): Fourier features at that frequency beside x \(Tancik et al\. 2020\), the other inputs as they are$/);
    // The solve builds it: x, y and t pass through, cos and sin of 8 cycles along x beside them.
    expect(resolveSolveOptions(fast, {}).embed).toBe('harmonic:x=8');
    const config = embeddingFor(fast, 'harmonic:x=8', 0).config!;
    expect(config.passthrough).toEqual([0, 1, 2]);
    expect(featureWidth(config)).toBe(5);
    const v = embedValues(config, Float32Array.from([1 / 32, 0.5, 0.2]), 1, 3);
    expect(v[4]!).toBeCloseTo(1, 5); // sin(2π · 8 · 1/32) = sin(π/2)
  });

  it('gives each fast input its own harmonic, and the budget counts each', () => {
    const both = defineProblem({
      name: 'heat-xy',
      variables: ['x', 'y'],
      time: [0, 1],
      domain: { type: 'rectangle', min: [0, 0], max: [1, 2] },
      pde: 'u_t - 0.01*u_xx - 0.01*u_yy',
      conditions: [
        { type: 'dirichlet', on: 'boundary', value: 0 },
        { type: 'initial', value: 'sin(12*pi*x) * sin(5*pi*y)' },
      ],
    });
    expect(spatialFourierFeatures(both)?.embed).toBe('harmonic:x=6,y=5');
    const auto = autoRecipe(both, { points: 6000, boundaryPoints: 1500, model: 'mlp' });
    expect(auto.options.steps).toBe(stepBudget(both, 6000, 1500, 3, 1 + 2 * (EMBEDDING_COST_FACTOR - 1)).steps);
  });

  it('does not fire on a fast source under slow initial and boundary values (diffusion–reaction: u gets sin 8x / 8)', () => {
    const reaction = loadProblem('bench/unseen/diffusion-reaction.json');
    expect(estimateCycles(reaction).x).toBeGreaterThanOrEqual(HIGH_FREQUENCY_CYCLES); // the source is fast
    expect(spatialFourierFeatures(reaction)).toBeNull();
    expect(autoRecipe(reaction, {}).options.embed).toBeUndefined();
  });

  it('does not fire on slow data, on a steady problem, or when the user chose an embedding', () => {
    expect(spatialFourierFeatures(heat(1))).toBeNull();
    expect(autoRecipe(heat(1), {}).decisions.some((d) => d.option === 'embed')).toBe(false);
    expect(spatialFourierFeatures(heat(8, false))).toBeNull();
    // A steady problem is the source rule's (recipeSourceFeatures.test.ts): its u is the source's harmonic.
    expect(autoRecipe(heat(8, false), {}).options.embed).toBe('harmonic:x=8');
    expect(autoRecipe(heat(8), { embed: null }).options.embed).toBeUndefined();
    expect(resolveSolveOptions(heat(8), { embed: null }).embed).toBeNull();
    expect(resolveSolveOptions(heat(8), { embed: 'fourier:2:4' }).embed).toBe('fourier:2:4');
    expect(resolveSolveOptions(heat(8), { recipe: 'tuned' }).embed).toBeNull();
  });

  it('the step budget counts the features: fewer steps, and the reason says so', () => {
    const fast = heat(8);
    const auto = autoRecipe(fast, { points: 6000, boundaryPoints: 1500, model: 'mlp' });
    const interior = 6000;
    const boundary = 1500;
    expect(auto.options.steps).toBe(stepBudget(fast, interior, boundary, 3, EMBEDDING_COST_FACTOR).steps);
    expect(auto.options.steps).toBeLessThan(stepBudget(fast, interior, boundary, 3).steps);
    expect(auto.decisions.find((d) => d.option === 'steps')?.why).toContain(`(×${EMBEDDING_COST_FACTOR} for the input embedding)`);
    // The KAN's one stage gets the whole budget.
    expect(autoRecipe(fast, { points: 6000, boundaryPoints: 1500 }).options.steps).toBe(stepBudget(fast, interior, boundary, 1, EMBEDDING_COST_FACTOR).steps);
    // Heat 2d-MS's own 6000 + 1500 points: the MLP 3 × 19 steps with the harmonic (3 × 31 without; 3 × 10, the floor, under the random features' ×5), the KAN one stage of 58 (3 × 19 plus the remainder: the budget, under the ceiling of 100).
    expect(autoRecipe(resolveProblem('pinnacle-heat-2d-ms'), { model: 'mlp' }).options.steps).toBe(19);
    expect(autoRecipe(resolveProblem('pinnacle-heat-2d-ms'), {}).options.steps).toBe(58);
    expect(autoRecipe(heat(1), { points: 6000, boundaryPoints: 1500 }).decisions.find((d) => d.option === 'steps')?.why).not.toContain('input embedding');
  });

  it('a KAN trains one stage at the middle grid of the schedule, unless the user chose grids; the MLP gets no grid decision', () => {
    const fast = heat(8);
    const auto = autoRecipe(fast, {});
    expect(auto.options.grids).toEqual([10]);
    expect(auto.decisions.find((d) => d.option === 'grids')?.why).toBe('one stage at grid 10: with the features the budget affords few steps, and each grid extension restarts L-BFGS');
    expect(resolveSolveOptions(fast, {}).grids).toEqual([10]);
    expect(resolveSolveOptions(fast, { grids: [5, 10] }).grids).toEqual([5, 10]);
    expect(resolveSolveOptions(fast, { grid: 7 }).grids).toEqual([7]);
    expect(autoRecipe(fast, { grid: 7 }).options.grids).toBeUndefined();
    expect(autoRecipe(fast, { model: 'mlp' }).options.grids).toBeUndefined();
    expect(autoRecipe(heat(1), {}).options.grids).toBeUndefined();
    expect(autoRecipe(fast, { embed: null }).options.grids).toBeUndefined();
  });

  it('among the built-ins it fires on PINNacle Heat 2d-MS alone (x: 10 cycles), not on heat1d, Wave 1d-C, Burgers or Heat 2d-LT', () => {
    const fired = builtinNames().filter((name) => autoRecipe(resolveProblem(name), {}).options.embed !== undefined);
    // helmholtz2d is the steady source rule's (recipeSourceFeatures.test.ts).
    expect(fired).toEqual(['helmholtz2d', 'pinnacle-heat-2d-ms']);
    expect(autoRecipe(resolveProblem('pinnacle-heat-2d-ms'), {}).options.embed).toBe('harmonic:x=10');
  });
});
