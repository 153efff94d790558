/**
 * The automatic step budget (issue 14): how many L-BFGS steps a solve with `--recipe auto` gets,
 * from what the problem says — its loss terms, the derivatives each reads, the points each gets —
 * so that a KAN and an MLP each train in about `AUTO_TIME_BUDGET_S` on a quiet 2-core machine.
 * The rule is a cost model, not a clock: the same problem and options give the same budget on any
 * machine and under any load, so results stay reproducible from the seed.
 */
import type { Problem } from '../problem/types.js';
import { parseDerivativeName } from '../jet/names.js';

/**
 * Seconds of training one model may take on a quiet 2-core machine under the automatic budget:
 * a KAN and an MLP together stay under 5 minutes per problem (issue 14's limit) with room for
 * start-up, the validation set and the test metrics.
 */
export const AUTO_TIME_BUDGET_S = 120;

/**
 * Quiet-machine cost of one loss+gradient evaluation per work unit (`evaluationWork`), in µs, for
 * the default models (KAN [d,10,1] at grids 5–20, MLP [d,16,16,1]; wasm backend, 2 threads). Set
 * from the accuracy suite of record (bench/results/accuracy.json, quiet machine): 0.57–0.97 µs per
 * unit for poisson2d, poisson2d-paper, heat1d, Poisson 2d-C and 2d-CG (KAN and MLP), 1.4 for Heat
 * 2d-MS's two-layer KAN; rounded up so that the estimate errs long.
 */
export const AUTO_COST_US_PER_UNIT = 1.0;

/**
 * Cost of one evaluation with one harmonic of the automatic recipe's Fourier features (a fast input
 * x given [cos, sin](2πC x̂) beside itself, `spatialFourierFeatures`: 2 more first-layer inputs)
 * relative to the same model without; each further fast input adds as much again. Measured on
 * PINNacle Heat 2d-MS's KAN [3,10,1] → [5,10,1] (grid 10, 6000 + 1500 points, runs side by side
 * under load 20–28): 1.53× over 68 evaluations, 1.65× over 113 (the plain run finished first, so
 * both read low); rounded up so that the estimate errs long. (The 16 random frequencies it replaced,
 * KAN [34,10,1], cost 3–7×.) An estimate for the budget, not a measurement on a quiet machine.
 */
export const EMBEDDING_COST_FACTOR = 1.6;

/** Evaluations one L-BFGS step may take (maxIter 20, ⌊20·5/4⌋ = 25 with the line search's trials). */
export const EVALS_PER_LBFGS_STEP = 25;

/**
 * Fewest and most L-BFGS steps per stage the budget gives: below 10 a stage barely moves; the
 * ceiling keeps a cheap problem from spending its whole budget on steps that no longer gain. It was
 * 50 (the former fixed default), which left cheap problems far under budget and short of
 * converged: PINNacle Poisson 2d-C (≈ 25 s of its 120 s at 50) gave rel. L2 0.082 at 50 steps per
 * stage, 0.070 at 75 and 0.044 at 100 (its tuned recipe, PDE weight 2e-4 at 50, 0.031); seed 0,
 * 2026-11-30, load 5–8.
 */
export const AUTO_STEPS_RANGE: Readonly<{ min: number; max: number }> = { min: 10, max: 100 };

/**
 * Work of one loss evaluation in units of "a point through one derivative": Σ over the loss terms
 * of its points × Σ over the derivatives it reads of (1 + their order) (`u` 1, `u_x` 2, `u_xx` 3),
 * as a forward jet of order r carries about r + 1 values per output. PDE terms get `interior`
 * points, the other terms `boundary` each (a data term's fixed points are counted as `boundary`:
 * an estimate, not a count).
 */
export function evaluationWork(problem: Problem, interior: number, boundary: number): number {
  let work = 0;
  for (const term of problem.terms) {
    const points = term.region === 'interior' ? interior : boundary;
    const perPoint = term.derivatives.reduce((sum, name) => sum + 1 + (parseDerivativeName(name, problem.variables, problem.unknowns)?.axes.length ?? 0), 0);
    work += points * Math.max(1, perPoint);
  }
  return work;
}

/** The step budget of one solve, with the figures it came from. */
export interface StepBudget {
  /** L-BFGS steps per stage (a KAN's grid stage; an MLP runs steps × stages in one). */
  steps: number;
  /** Work units of one evaluation (`evaluationWork`). */
  work: number;
  /** Estimated quiet-machine seconds of one evaluation and of the whole budget (at the worst case of 25 evaluations per step). */
  secondsPerEvaluation: number;
  seconds: number;
}

/**
 * L-BFGS steps per stage so that `stages` stages of at most 25 evaluations per step fit in
 * `AUTO_TIME_BUDGET_S` at `AUTO_COST_US_PER_UNIT`, within `AUTO_STEPS_RANGE`. `costFactor`
 * multiplies the cost per unit for a model dearer than the defaults (an input embedding:
 * `EMBEDDING_COST_FACTOR`).
 */
export function stepBudget(problem: Problem, interior: number, boundary: number, stages: number, costFactor = 1): StepBudget {
  const work = evaluationWork(problem, interior, boundary);
  const secondsPerEvaluation = (work * AUTO_COST_US_PER_UNIT * costFactor) / 1e6;
  const fit = Math.floor(AUTO_TIME_BUDGET_S / (secondsPerEvaluation * EVALS_PER_LBFGS_STEP * Math.max(1, stages)));
  const steps = Math.min(AUTO_STEPS_RANGE.max, Math.max(AUTO_STEPS_RANGE.min, fit));
  return { steps, work, secondsPerEvaluation, seconds: secondsPerEvaluation * EVALS_PER_LBFGS_STEP * Math.max(1, stages) * steps };
}
