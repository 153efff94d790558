/**
 * The automatic recipe's time decision (issue 14, item 4): causal weighting with Wang et al.'s ε
 * schedule for a time-dependent problem, none for a steady one, and the user's choices win.
 */
import { describe, expect, it } from 'vitest';
import { resolveProblem } from '../../src/index.js';
import { AUTO_CAUSAL, autoRecipe } from '../../src/train/recipe.js';
import { resolveSolveOptions } from '../../solvers/solve.js';

describe('automatic recipe: time', () => {
  const heat = resolveProblem('heat1d');
  const poisson = resolveProblem('poisson2d');

  it('weights a time-dependent problem causally with an ε schedule from 1e-2 to 1e2, with its reason', () => {
    const auto = autoRecipe(heat, {});
    expect(AUTO_CAUSAL).toEqual({ start: 0.01, max: 100 });
    expect(auto.options).toMatchObject({ causal: 0.01, causalMax: 100 });
    const causal = auto.decisions.find((d) => d.option === 'causal')!;
    expect(causal.value).toBe('ε 0.01 → 100');
    expect(causal.why).toMatch(/^time-dependent: causal weighting over 32 time bins \(Wang et al\. 2022\), ε ×10 whenever the last bin's weight exceeds 0\.99/);
    expect(resolveSolveOptions(heat, {})).toMatchObject({ causal: 0.01, causalMax: 100, causalThreshold: 0.99 });
  });

  it('leaves a steady problem alone, and leaves the choice to the user who makes one', () => {
    expect(autoRecipe(poisson, {}).options.causal).toBeUndefined();
    expect(autoRecipe(poisson, {}).decisions.some((d) => d.option === 'causal' || d.option === 'causalMax')).toBe(false);
    expect(autoRecipe(heat, { causal: 0 }).options.causal).toBeUndefined();
    expect(resolveSolveOptions(heat, { causal: 0 })).toMatchObject({ causal: 0, causalMax: 0 });
    expect(resolveSolveOptions(heat, { causal: 1 })).toMatchObject({ causal: 1, causalMax: 0 }); // a fixed ε, as asked
    expect(resolveSolveOptions(heat, { causalMax: 10 })).toMatchObject({ causal: 0.01, causalMax: 10 }); // the schedule's start, to the user's cap
    expect(autoRecipe(heat, { causalMax: 10 }).decisions.map((d) => `${d.option} ${d.value}`)).toContain('causal ε 0.01 → 10');
    expect(resolveSolveOptions(heat, { recipe: 'tuned' }).causal).toBe(0);
  });

  it('leaves a time-dependent problem with observations (an inverse problem) uncausal, with its reason', () => {
    const inverse = resolveProblem('inverse-heat1d');
    expect(inverse.time).toBeTruthy();
    expect(inverse.terms.some((t) => t.kind === 'data')).toBe(true);
    const auto = autoRecipe(inverse, {});
    expect(auto.options.causal).toBe(0);
    expect(auto.options.causalMax).toBeUndefined();
    expect(auto.decisions.find((d) => d.option === 'causal')?.why).toMatch(/observations/);
    expect(resolveSolveOptions(inverse, {})).toMatchObject({ causal: 0 });
    // the user's choice still wins
    expect(resolveSolveOptions(inverse, { causal: 1 })).toMatchObject({ causal: 1 });
  });
});
