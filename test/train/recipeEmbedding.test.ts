/**
 * The automatic recipe's input embedding (issue 14, item 6): Fourier features over the spatial
 * inputs along which a time-dependent problem's stated data oscillate fast (PINNacle Heat 2d-MS),
 * nothing elsewhere, and the step budget counts the dearer evaluation.
 */
import { describe, expect, it } from 'vitest';
import { builtinNames, resolveProblem } from '../../problems/index.js';
import { defineProblem, loadProblem } from '../../src/index.js';
import { HIGH_FREQUENCY_CYCLES, estimateCycles, spatialFourierFeatures } from '../../src/architecture/suggestEmbedding.js';
import { EMBEDDING_COST_FACTOR, stepBudget } from '../../src/train/budget.js';
import { autoRecipe } from '../../src/train/recipe.js';
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
  it('fires on a time-dependent problem whose initial state oscillates fast along x: features over x only, with its reason', () => {
    const fast = heat(8);
    expect(spatialFourierFeatures(fast)?.embed).toBe('fourier:x=8:16');
    const auto = autoRecipe(fast, {});
    expect(auto.options.embed).toBe('fourier:x=8:16');
    const decision = auto.decisions.find((d) => d.option === 'embed')!;
    expect(decision.value).toBe('fourier:x=8:16');
    expect(decision.why).toMatch(/^the initial\/boundary values oscillate fast \(8 cycles along x over the domain\): Fourier features over x \(Tancik et al\. 2020\), the other inputs as they are$/);
    // The solve builds it (y and t pass through).
    expect(resolveSolveOptions(fast, {}).embed).toBe('fourier:x=8:16');
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
    expect(autoRecipe(heat(8, false), {}).options.embed).toBeUndefined();
    expect(autoRecipe(heat(8), { embed: null }).options.embed).toBeUndefined();
    expect(resolveSolveOptions(heat(8), { embed: null }).embed).toBeNull();
    expect(resolveSolveOptions(heat(8), { embed: 'fourier:2:4' }).embed).toBe('fourier:2:4');
    expect(resolveSolveOptions(heat(8), { recipe: 'tuned' }).embed).toBeNull();
  });

  it('the step budget counts the features: fewer steps, and the reason says so', () => {
    const fast = heat(8);
    const auto = autoRecipe(fast, { points: 6000, boundaryPoints: 1500 });
    const interior = 6000;
    const boundary = 1500;
    expect(auto.options.steps).toBe(stepBudget(fast, interior, boundary, 3, EMBEDDING_COST_FACTOR).steps);
    expect(auto.options.steps).toBeLessThan(stepBudget(fast, interior, boundary, 3).steps);
    expect(auto.decisions.find((d) => d.option === 'steps')?.why).toContain(`(×${EMBEDDING_COST_FACTOR} for the input embedding)`);
    expect(autoRecipe(heat(1), { points: 6000, boundaryPoints: 1500 }).decisions.find((d) => d.option === 'steps')?.why).not.toContain('input embedding');
  });

  it('among the built-ins it fires on PINNacle Heat 2d-MS alone (x: 10 cycles), not on heat1d, Wave 1d-C, Burgers or Heat 2d-LT', () => {
    const fired = builtinNames().filter((name) => autoRecipe(resolveProblem(name), {}).options.embed !== undefined);
    expect(fired).toEqual(['pinnacle-heat-2d-ms']);
    expect(autoRecipe(resolveProblem('pinnacle-heat-2d-ms'), {}).options.embed).toBe('fourier:x=10:16');
  });
});
