/**
 * The automatic recipe's Fourier features for a steady problem whose solution is its source's fast
 * harmonic (issue 14: the MLP of helmholtz2d ended at rel. L2 2.8 without them): the source's
 * harmonic over the operator's response |P(κ)| must outweigh the Dirichlet values and the slower rest.
 */
import { describe, expect, it } from 'vitest';
import { resolveProblem } from '../../problems/index.js';
import { defineProblem, loadProblem } from '../../src/index.js';
import { fitHarmonic, operatorResponse, sourceDominates, sourceFourierFeatures } from '../../src/architecture/suggestEmbedding.js';
import { EMBEDDING_COST_FACTOR, stepBudget } from '../../src/train/budget.js';
import { autoRecipe } from '../../src/train/recipe.js';

/** −u_xx = f on [−π, π] whose u is sin x + … + sin 8x / 8: the fast part of the source is a small part of u. */
const mixed = defineProblem({
  name: 'mixed-steady',
  variables: ['x'],
  domain: { type: 'interval', min: -Math.PI, max: Math.PI },
  pde: '-u_xx - (sin(x) + 2*sin(2*x) + 3*sin(3*x) + 4*sin(4*x) + 8*sin(8*x))',
  conditions: [{ type: 'dirichlet', on: 'boundary', value: 0 }],
});

/** u_xx + u_yy + c·u = f with u = sin(πx) sin(4πy) on [−1, 1]², boundary values `g` added to u (0: helmholtz2d's data). */
const helmholtz = (c: number, g = 0) =>
  defineProblem({
    name: `helmholtz-${c}-${g}`,
    variables: ['x', 'y'],
    domain: { type: 'rectangle', min: [-1, -1], max: [1, 1] },
    pde: `u_xx + u_yy + ${c}*u - (${c} - 17*pi^2)*sin(pi*x)*sin(4*pi*y) - ${c * g}`,
    conditions: [{ type: 'dirichlet', on: 'boundary', value: g }],
  });

describe('automatic recipe: Fourier features at a steady source\'s frequency', () => {
  it('fits a harmonic and measures the operator\'s response to a plane wave', () => {
    const xs = Array.from({ length: 200 }, (_, i) => -1 + (i + 0.5) / 100);
    const fit = fitHarmonic(xs, xs.map((x) => 3 * Math.sin(4 * Math.PI * x + 0.3) + 0.5), 4 * Math.PI);
    expect(fit.amplitude).toBeCloseTo(3, 2);
    expect(fit.rest).toBeCloseTo(0.5 * Math.SQRT2, 1); // the mean is part of the rest
    // Δ + 16 at κ = (π, 4π): 16 − 17π²; −Δ at (π/2, π/2): π²/2.
    expect(operatorResponse(helmholtz(16), [Math.PI, 4 * Math.PI])).toBeCloseTo(17 * Math.PI ** 2 - 16, 1);
    expect(operatorResponse(resolveProblem('poisson2d'), [Math.PI / 2, Math.PI / 2])).toBeCloseTo(Math.PI ** 2 / 2, 3);
  });

  it('fires on helmholtz2d: the source\'s 4 cycles along y reach u undamped', () => {
    const problem = resolveProblem('helmholtz2d');
    const m = sourceFourierFeatures(problem)!;
    expect(m.embed).toBe('harmonic:y=4');
    expect(m.response).toBeCloseTo(17 * Math.PI ** 2 - 16, 1);
    expect(m.fastAmplitude).toBeGreaterThan(0.9);
    expect(m.fastAmplitude).toBeLessThanOrEqual(1.0001);
    expect(m.boundaryAmplitude).toBeLessThan(1e-6);
    expect(sourceDominates(m)).toBe(true);
    for (const model of ['kan', 'mlp'] as const) {
      const auto = autoRecipe(problem, { model });
      expect(auto.options.embed).toBe('harmonic:y=4');
      expect(auto.decisions.find((d) => d.option === 'embed')!.why).toMatch(/^steady, and the source oscillates fast \(4 cycles along y\); the operator's response to it \(\|P\(κ\)\| 152\) leaves u that harmonic at amplitude 0\.9\d/);
      // The budget counts the dearer evaluation (one harmonic).
      expect(auto.options.steps).toBe(stepBudget(problem, problem.defaults.interiorPoints, problem.defaults.boundaryPoints, 3, EMBEDDING_COST_FACTOR).steps);
    }
    expect(autoRecipe(problem, { embed: null }).options.embed).toBeUndefined();
    expect(autoRecipe(problem, { embed: 'fourier:2' }).options.embed).toBeUndefined();
  });

  it('does not fire where u is not made of the fast harmonic: large boundary values, a damped fast source, slow sources, time-dependent problems', () => {
    // The same source under boundary values 5: u's harmonic (1) is small beside them.
    const lifted = sourceFourierFeatures(helmholtz(16, 5))!;
    expect(lifted.fastAmplitude).toBeGreaterThan(0.9);
    expect(sourceDominates(lifted)).toBe(false);
    expect(autoRecipe(helmholtz(16, 5), {}).options.embed).toBeUndefined();
    // −u_xx = f with sin 8x among slower sines: no single fast harmonic carries u.
    const m = sourceFourierFeatures(mixed);
    expect(m === null || !sourceDominates(m)).toBe(true);
    expect(autoRecipe(mixed, {}).options.embed).toBeUndefined();
    // Poisson 2d-CG: the same sin πx sin 4πy source under −Δ + 64 (|P| 232) beside boundary values 1.
    expect(autoRecipe(resolveProblem('pinnacle-poisson-2d-cg'), {}).options.embed).toBeUndefined();
    for (const name of ['poisson1d', 'poisson2d', 'poisson2d-paper', 'pinnacle-poisson-2d-c', 'pinnacle-pnd', 'pinnacle-ns-2d-c', 'pinnacle-pinv']) {
      expect(autoRecipe(resolveProblem(name), {}).options.embed, name).toBeUndefined();
    }
    expect(sourceFourierFeatures(loadProblem('bench/unseen/diffusion-reaction.json'))).toBeNull();
  });
});
