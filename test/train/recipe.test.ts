import { beforeAll, describe, expect, it } from 'vitest';
import { setBackend } from '../../src/backend.js';
import { loadProblem, resolveProblem } from '../../src/index.js';
import { splineDegreeChoice } from '../../src/train/recipe.js';
import { resolveSolveOptions, solveProblem } from '../../solvers/solve.js';
import { runSettings } from '../../solvers/commands/solve.js';

beforeAll(async () => {
  await setBackend('wasm');
});

describe('automatic spline degree (issue 14)', () => {
  const beam = loadProblem('bench/unseen/beam.json');
  const poisson = resolveProblem('poisson1d');

  it('is max(3, the highest derivative order) when k is not chosen, the chosen k otherwise', () => {
    expect(splineDegreeChoice(beam, null)).toEqual({ value: 4, why: 'automatic: the problem reads derivatives of order 4, and a spline of lower degree has none of that order between knots' });
    expect(splineDegreeChoice(poisson, undefined)).toEqual({ value: 3, why: 'automatic: max(3, derivative order 2)' });
    expect(splineDegreeChoice(beam, 2)).toEqual({ value: 2, why: 'chosen (--k)' });
    expect(resolveSolveOptions(beam, {}).k).toBe(4);
    expect(resolveSolveOptions(poisson, {}).k).toBe(3);
    expect(resolveSolveOptions(beam, { k: 5 }).k).toBe(5);
  });

  it('a solve builds the KAN with it, returns the choice and shows it in the settings; no degree warning is left', async () => {
    const tiny = { steps: 1, grids: [3], points: 20, boundaryPoints: 4, seed: 0 };
    const auto = await solveProblem(beam, { ...tiny });
    expect(auto.model.kind === 'kan' && auto.model.options.k).toBe(4);
    expect(auto.options.k).toBe(4);
    expect(auto.recipe.k?.value).toBe(4);
    expect(auto.result.warnings.filter((w) => w.includes('spline'))).toEqual([]);
    expect(runSettings(beam, auto.summary, auto.options, auto.recipe)['spline degree k']).toBe('4 (automatic: the problem reads derivatives of order 4, and a spline of lower degree has none of that order between knots)');
    auto.model.dispose();
    const cubic = await solveProblem(beam, { ...tiny, k: 3 });
    expect(cubic.recipe.k).toEqual({ value: 3, why: 'chosen (--k)' });
    expect(cubic.result.warnings.some((w) => w.includes('degree k = 3'))).toBe(true);
    cubic.model.dispose();
    const mlp = await solveProblem(beam, { ...tiny, model: 'mlp' });
    expect(mlp.recipe).toEqual({});
    expect(runSettings(beam, mlp.summary, mlp.options, mlp.recipe)['spline degree k']).toBeNull();
    mlp.model.dispose();
  }, 60_000);
});
