import { describe, expect, it } from 'vitest';
import { builtinNames, resolveProblem } from '../../src/index.js';
import { AUTO_COST_US_PER_UNIT, AUTO_STEPS_RANGE, AUTO_TIME_BUDGET_S, EVALS_PER_LBFGS_STEP, evaluationWork, stepBudget } from '../../src/train/budget.js';
import { autoRecipe } from '../../src/train/recipe.js';
import { resolveSolveOptions } from '../../solvers/solve.js';

describe('the automatic step budget (issue 14)', () => {
  const poisson = resolveProblem('poisson2d');
  const ns = resolveProblem('pinnacle-ns-2d-c');

  it('counts the work of one evaluation from the terms, their derivatives and their points', () => {
    // poisson2d: the PDE reads u_xx and u_yy (3 + 3 per point), the Dirichlet term u (1 per point).
    expect(evaluationWork(poisson, 441, 84)).toBe(441 * 6 + 84);
    expect(evaluationWork(poisson, 882, 84)).toBe(882 * 6 + 84);
  });

  it('gives fewer steps to costlier problems, within its range, and fits the time budget', () => {
    const cheap = stepBudget(poisson, 441, 84, 3);
    expect(cheap.steps).toBe(AUTO_STEPS_RANGE.max);
    const dear = stepBudget(ns, 2000, 400, 3);
    const perEval = (dear.work * AUTO_COST_US_PER_UNIT) / 1e6;
    // The largest step count whose worst case (25 evaluations a step) fits the budget.
    expect(dear.steps).toBe(Math.floor(AUTO_TIME_BUDGET_S / (perEval * EVALS_PER_LBFGS_STEP * 3)));
    expect(dear.steps).toBeLessThan(AUTO_STEPS_RANGE.max);
    expect(dear.seconds).toBeLessThanOrEqual(AUTO_TIME_BUDGET_S);
    expect(stepBudget(ns, 2000, 400, 1).steps).toBeGreaterThan(dear.steps);
    expect(stepBudget(ns, 200_000, 400, 3).steps).toBe(AUTO_STEPS_RANGE.min);
  });

  it('every built-in gets a budget whose estimate fits the time budget (or the floor of the range), the same on every call', () => {
    for (const name of builtinNames()) {
      const problem = resolveProblem(name);
      const options = resolveSolveOptions(problem, {});
      const budget = stepBudget(problem, options.points ?? problem.defaults.interiorPoints, options.boundaryPoints ?? problem.defaults.boundaryPoints, options.grids?.length ?? 1);
      expect(options.steps, name).toBe(budget.steps);
      if (budget.steps > AUTO_STEPS_RANGE.min) expect(budget.seconds, name).toBeLessThanOrEqual(AUTO_TIME_BUDGET_S);
      expect(resolveSolveOptions(problem, {}).steps).toBe(options.steps);
    }
  });

  it('is a decision of the automatic recipe with its reason, made only when the user leaves the steps and L-BFGS alone', () => {
    const auto = autoRecipe(ns, {});
    const decision = auto.decisions.find((d) => d.option === 'steps');
    expect(auto.options.steps).toBe(stepBudget(ns, 2000, 400, 3).steps);
    expect(decision?.why).toMatch(/^8 terms on 2000 \+ 400 points: \d+ derivative-point units per evaluation/);
    expect(autoRecipe(ns, { steps: 7 }).options.steps).toBeUndefined();
    expect(autoRecipe(ns, { optimizer: 'adam' }).options.steps).toBeUndefined();
    // One grid stage: the whole budget in it.
    expect(autoRecipe(ns, { grids: [10] }).options.steps).toBe(stepBudget(ns, 2000, 400, 1).steps);
    // The tuned recipe keeps the problem's own steps.
    expect(resolveSolveOptions(ns, { recipe: 'tuned' }).steps).toBe(50);
  });
});
