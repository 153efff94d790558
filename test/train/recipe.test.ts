import { beforeAll, describe, expect, it } from 'vitest';
import { setBackend } from '../../src/backend.js';
import { loadProblem, resolveProblem } from '../../src/index.js';
import { AUTO_POINTS, autoRecipe, splineDegreeChoice } from '../../src/train/recipe.js';
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
    expect(mlp.recipe.k).toBeUndefined();
    expect(runSettings(beam, mlp.summary, mlp.options, mlp.recipe)['spline degree k']).toBeNull();
    mlp.model.dispose();
  }, 60_000);
});

describe('the automatic recipe (--recipe auto, issue 14)', () => {
  const helmholtz = loadProblem('bench/unseen/helmholtz-hole.json');
  const paper = resolveProblem('poisson2d-paper');

  it('decides points and loss balancing from the problem, each with a reason; the user\'s choices win', () => {
    const auto = autoRecipe(helmholtz, {});
    expect(auto.options).toMatchObject({ points: AUTO_POINTS[2]!.interior, boundaryPoints: AUTO_POINTS[2]!.boundary, balanceEvery: 10 });
    expect(auto.decisions.map((d) => d.option)).toEqual(['points', 'boundaryPoints', 'steps', 'balanceEvery']);
    expect(auto.decisions.every((d) => d.why.length > 10 && !d.why.includes('\n'))).toBe(true);
    // Flags win: a given option is neither set nor reported; --weights turns balancing off.
    const given = autoRecipe(helmholtz, { points: 50, weights: { pde: 2 } });
    expect(given.options.points).toBeUndefined();
    expect(given.options.balanceEvery).toBeUndefined();
    expect(resolveSolveOptions(helmholtz, { points: 50, balanceEvery: 0 })).toMatchObject({ points: 50, balanceEvery: 0, recipe: 'auto' });
    // Adam steps are cheap: balance every 100 of them.
    expect(autoRecipe(helmholtz, { optimizer: 'adam' }).options.balanceEvery).toBe(100);
  });

  it("keeps a problem's own points; reads its solver hint only with --recipe tuned", () => {
    // poisson2d-paper declares 2000 + 248 points and a solver hint (L-BFGS history 50).
    expect(autoRecipe(paper, {}).options.points).toBeUndefined();
    expect(resolveSolveOptions(paper, {}).lbfgsHistory).toBe(10);
    expect(resolveSolveOptions(paper, { recipe: 'tuned' })).toMatchObject({ lbfgsHistory: 50, balanceEvery: 0 });
  });

  it('a solve reports the decisions in the settings table and the --json summary', async () => {
    const run = await solveProblem(helmholtz, { steps: 1, grids: [3], points: 30, boundaryPoints: 12, seed: 0 });
    run.model.dispose();
    const settings = runSettings(helmholtz, run.summary, run.options, run.recipe);
    expect(settings.recipe).toBe('auto');
    expect(settings['recipe: balance-every']).toMatch(/^every 10 steps \(2 loss terms: the geometric mean of gradient-norm and NTK-trace weighting/);
    expect(settings['recipe: points']).toBeUndefined();
    expect(run.summary.recipe?.name).toBe('auto');
    expect(run.summary.recipe?.decisions.map((d) => d.option)).toEqual(['k', 'balanceEvery']);
  }, 60_000);
});
