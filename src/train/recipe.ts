/**
 * Choices the training recipe makes from the problem when the user leaves them open, each with one
 * line of why (shown in the report's settings table). The first of issue 14's automatic recipe.
 */
import type { Problem } from '../problem/types.js';
import { derivativeOrder } from '../problem/warnings.js';
import { DEFAULT_POINTS } from '../problem/define.js';
import { SOLVE_GRIDS, type BalanceRule, type SolveOptions } from '../options/training.js';
import { AUTO_TIME_BUDGET_S, EMBEDDING_COST_FACTOR, stepBudget } from './budget.js';
import { scalingNeeded } from '../architecture/scalingPlan.js';
import { sourceDominates, sourceFourierFeatures, spatialFourierFeatures } from '../architecture/suggestEmbedding.js';
import { initialBoundaryMismatches } from './compatibility.js';
import { hardConstraintsSafe } from '../architecture/hardPlan.js';
import { initialLength, steepFront } from './steepFront.js';

/** The spline degree a KAN gets when none is chosen: at least cubic (pykan's k = 3). */
export const MIN_AUTO_SPLINE_DEGREE = 3;

/** One choice of the recipe: its value and why it was made. */
export interface RecipeChoice {
  value: number;
  why: string;
}

/**
 * A KAN's spline degree: `given` when the user chose one, else max(3, the highest derivative order
 * the problem reads). A degree-k spline is a polynomial of degree k between knots, so derivatives of
 * order above k vanish there and jump at the knots, invisible to a pointwise residual (the failure
 * of cubic KANs on a 4th-order beam, issue 14); k ≥ the order keeps every derivative the PDE reads.
 */
export function splineDegreeChoice(problem: Problem, given: number | null | undefined): RecipeChoice {
  if (given !== null && given !== undefined) return { value: given, why: 'chosen (--k)' };
  const order = derivativeOrder(problem);
  const value = Math.max(MIN_AUTO_SPLINE_DEGREE, order);
  return {
    value,
    why: order > MIN_AUTO_SPLINE_DEGREE
      ? `automatic: the problem reads derivatives of order ${order}, and a spline of lower degree has none of that order between knots`
      : `automatic: max(${MIN_AUTO_SPLINE_DEGREE}, derivative order ${order})`,
  };
}

/** One decision of the automatic recipe: the option, the value as the settings table shows it, and why. */
export interface RecipeDecision {
  option: keyof SolveOptions;
  value: string;
  why: string;
}

/** What `autoRecipe` decided: the options it sets (the user's choices, applied over them, win) and each decision with its reason. */
export interface RecipeOutcome {
  options: Partial<SolveOptions>;
  decisions: RecipeDecision[];
}

/**
 * The causal ε schedule of the automatic recipe for time-dependent problems: Wang, Sankaran &
 * Perdikaris 2022's own, ε from 1e-2 to 1e2 by decades, raised when the last time bin's weight
 * exceeds 0.99 (the option's default threshold). Not tuned here: the paper's values.
 */
export const AUTO_CAUSAL = { start: 0.01, max: 100 } as const;

/** Gradient-norm weighting interval of the automatic recipe, in optimizer steps (L-BFGS steps of up to 20 iterations; Adam steps ×10). */
export const AUTO_BALANCE_EVERY = 10;

/**
 * Interior collocation points of the automatic recipe by input count (space and time): about
 * 2000 in 2-D (issue 14: a diffusion–reaction with a sin 8x source gave rel. L2 0.040 with the
 * old default 400 and 0.011 with 2000), growing with dimension; boundary points per condition.
 */
export const AUTO_POINTS: Readonly<Record<number, { interior: number; boundary: number }>> = {
  1: { interior: 200, boundary: 2 },
  2: { interior: 2000, boundary: 200 },
  3: { interior: 3000, boundary: 500 },
  4: { interior: 4000, boundary: 800 },
};

/** The problem's point counts are its own (a `"points"` field) rather than the per-dimension defaults. */
function ownPoints(problem: Problem): boolean {
  const dims = problem.variables.length;
  const base = DEFAULT_POINTS[Math.min(dims, 4)]!;
  return problem.defaults.interiorPoints !== base.interiorPoints || problem.defaults.boundaryPoints !== base.boundaryPoints;
}

/** A length as the settings table shows it (two significant digits). */
const fmtLength = (v: number): string => Number(v.toPrecision(2)).toString();

/**
 * The automatic recipe (`--recipe auto`): the options it sets for `problem`, from what the problem
 * says (dimension, time, terms), the same for a KAN and an MLP so that their comparisons stay fair
 * (the KAN's spline degree is decided apart, `splineDegreeChoice`, as with every recipe). It leaves
 * alone every option in `given` (the user's flags always win) and the problem's own `"points"`; the
 * problem's `"solver"` hint is not read (that is `--recipe tuned`).
 *
 * Not decided here, and why (README, "Time and optimiser in the automatic recipe"): residual-based
 * adaptive resampling (`--resample rad`; on 9 problems, KAN and MLP, it gained up to 2.9× on some,
 * Burgers' fronts among them, and cost up to 3.3× on others, poisson2d's KAN 1.55×; geometric mean 1.02); Adam warm-up before
 * L-BFGS (`--optimizer adam+lbfgs`; it gained 12× on the KAN of heat1d but made the MLP 28–190×
 * worse on three problems); hard constraints and input embeddings beyond the fast-initial-value
 * rule below (`--hard auto`, `--embed auto` exist; on that wave together they made it diverge, 23;
 * `--embed auto` cost the sin 8x diffusion–reaction 0.0095 → 0.93) — the place to add them is
 * here, as a decision with its reason, once a measurement says where they are safe.
 */
export function autoRecipe(problem: Problem, given: Partial<SolveOptions>): RecipeOutcome {
  const options: Partial<SolveOptions> = {};
  const decisions: RecipeDecision[] = [];
  const decide = <K extends keyof SolveOptions>(option: K, value: SolveOptions[K], shown: string, why: string): void => {
    options[option] = value;
    decisions.push({ option, value: shown, why });
  };
  const dims = problem.variables.length;

  // Points: more for more inputs, unless the user or the problem file chose.
  if (given.points === undefined && given.boundaryPoints === undefined && !ownPoints(problem)) {
    const counts = AUTO_POINTS[Math.min(dims, 4)]!;
    const interior = dims > 4 ? counts.interior + 1000 * (dims - 4) : counts.interior;
    decide('points', interior, String(interior), `${dims} input${dims > 1 ? 's' : ''}${problem.time ? ' (time included)' : ''}: ${interior} interior points (the former default ${problem.defaults.interiorPoints} under-resolved a sin 8x source)`);
    decide('boundaryPoints', counts.boundary, String(counts.boundary), `per condition, for ${dims} input${dims > 1 ? 's' : ''}`);
  }

  // Fast spatial data in a time-dependent problem: Fourier features (Tancik et al. 2020; Wang, Wang &
  // Perdikaris 2021, spectral bias) at the frequency measured in the stated initial and Dirichlet
  // values, not the sources: one fixed harmonic [cos, sin](2πC x̂) per fast input beside the input
  // itself (suggestEmbedding.ts, `spatialFourierFeatures`), the other inputs passed through.
  // PINNacle Heat 2d-MS (sin 20πx sin πy initially; KAN, seed 0, 6000 + 1500 points): rel. L2 0.893
  // without (3 × 31 L-BFGS steps), 0.195 with 16 random frequencies (`fourier:x=10:16`, ×5 per
  // evaluation, so 3 × 10 steps), 0.081 with `harmonic:x=10` at the same 3 × 10 steps; the plain KAN
  // cannot follow 10 cycles along x. The harmonic makes an evaluation about 1.5× dearer
  // (EMBEDDING_COST_FACTOR), which the step budget below counts. Only for time-dependent problems:
  // the one class measured.
  let costFactor = 1;
  if (given.embed === undefined) {
    const features = spatialFourierFeatures(problem);
    if (features) {
      costFactor = 1 + (EMBEDDING_COST_FACTOR - 1) * Object.keys(features.fast).length;
      const fast = Object.entries(features.fast).map(([v, c]) => `${c} cycles along ${v}`).join(', ');
      decide('embed', features.embed, features.embed, `the initial/boundary values oscillate fast (${fast} over the domain): Fourier features at that frequency beside ${Object.keys(features.fast).join(', ')} (Tancik et al. 2020), the other inputs as they are`);
      // A KAN then trains one stage at the schedule's middle grid: the features carry the fast
      // variation, and each extension restarts L-BFGS, which the dearer evaluations' few steps per
      // stage cannot afford (Heat 2d-MS, seed 1: rel. L2 0.095 with 5 → 10 → 20 at 19 steps each,
      // 0.035 with one grid-10 stage of 50; seed 0: 0.0555 → 0.0149; seed 2: 0.068 → 0.025). The MLP has no grid: it keeps the
      // schedule's step count.
      const single = SOLVE_GRIDS[Math.floor(SOLVE_GRIDS.length / 2)]!;
      if ((given.model ?? 'kan') === 'kan' && given.grids === undefined && (given.grid ?? null) === null) {
        decide('grids', [single], String(single), `one stage at grid ${single}: with the features the budget affords few steps, and each grid extension restarts L-BFGS`);
      }
    }
  }

  // A steady problem whose solution is its source's fast harmonic: the same fixed harmonic features
  // (Tancik et al. 2020; Wang, Wang & Perdikaris 2021), at the source's frequency, when the source's
  // harmonic divided by the operator's response to it (|P(κ)|, the PDE put through a plane wave)
  // outweighs the Dirichlet values and the slower rest of the source (suggestEmbedding.ts,
  // `sourceFourierFeatures`). helmholtz2d (u_xx + u_yy + 16u = f, u = sin πx sin 4πy, zero boundary
  // values): |P| = 17π² − 16 = 152 leaves the source's 4 cycles along y at full amplitude in u.
  // Measured (seed 0 unless said, 900 + 200 points, 3 × 100 L-BFGS steps, geomean balancing, load
  // 7–11): MLP [2,16,16,1] rel. L2 2.82 without (seeds 1, 2: 0.229, 1.51; seed 0's PDE loss 116
  // of 5.7e3 at the start, boundary 0.037: the boundary holds, the PDE's 4 cycles are not found,
  // and what the MLP fits of them is amplified by Δ + 16's small response near |κ| = 4;
  // gradient-norm balancing instead: 3.72), 4.7e-4 with
  // `harmonic:y=4` (seeds 1, 2: 1.1e-3, 8.6e-4); KAN [2,10,1] 1.12e-2 without, 2.6e-3 with. Not on
  // Poisson 2d-CG (the same source under −Δ + 64: amplitude 0.75 beside boundary values 1) nor on
  // any other built-in; a sin 8x among slower sines under −Δ (the diffusion–reaction's source) is
  // damped to a small part of u and left alone.
  if (given.embed === undefined && options.embed === undefined) {
    const source = sourceFourierFeatures(problem);
    if (source && sourceDominates(source)) {
      costFactor = 1 + (EMBEDDING_COST_FACTOR - 1) * Object.keys(source.fast).length;
      const fast = Object.entries(source.fast).map(([v, c]) => `${c} cycles along ${v}`).join(', ');
      decide('embed', source.embed, source.embed, `steady, and the source oscillates fast (${fast}); the operator's response to it (|P(κ)| ${Number(source.response.toPrecision(3))}) leaves u that harmonic at amplitude ${Number(source.fastAmplitude.toPrecision(2))} (boundary values ${Number(source.boundaryAmplitude.toPrecision(2))}, slower rest ≤ ${Number(source.slowAmplitude.toPrecision(2))}): Fourier features at that frequency (Tancik et al. 2020)`);
    }
  }

  // Step budget: L-BFGS steps from the problem's cost per evaluation (budget.ts), so that each model
  // trains in about AUTO_TIME_BUDGET_S on a quiet 2-core machine; a cost model, not a clock, so the
  // run is the same from the seed on any machine.
  if (given.steps === undefined && (given.optimizer ?? 'lbfgs') === 'lbfgs') {
    const interior = given.points ?? options.points ?? problem.defaults.interiorPoints;
    const boundary = given.boundaryPoints ?? options.boundaryPoints ?? problem.defaults.boundaryPoints;
    const stages = (given.grids ?? options.grids)?.length ?? (given.grid !== undefined && given.grid !== null ? 1 : SOLVE_GRIDS.length);
    const budget = stepBudget(problem, interior, boundary, stages, costFactor);
    decide('steps', budget.steps, `${budget.steps} per stage`, `${problem.terms.length} terms on ${interior} + ${boundary} points: ${budget.work} derivative-point units per evaluation${costFactor !== 1 ? ` (×${Number(costFactor.toFixed(2))} for the input embedding)` : ''}, ≈ ${(budget.secondsPerEvaluation * 1000).toFixed(1)} ms; ${stages} stage${stages > 1 ? 's' : ''} × ${budget.steps} steps × ≤ 25 evaluations ≈ ${Math.round(budget.seconds)} s on a quiet 2-core machine (budget ${AUTO_TIME_BUDGET_S} s per model)`);
  }

  // Loss balancing (balancing.ts), keyed on whether the problem has time. Steady problems: the
  // geometric mean of the expert's guide's gradient-norm weights (Wang, Sankaran, Wang & Perdikaris
  // 2023) and the NTK-trace weights (Wang, Yu & Perdikaris 2022), `geomean`. Measured (KAN, seed 0,
  // gradient norm / trace / geomean): Poisson 2d-C 0.901 / 0.052 / 0.082, helmholtz2d 0.056 / 0.214 /
  // 0.011. Time-dependent problems keep the gradient norm: on Wave 1d-C (causal PDE term) every
  // trace-based rule starved the PDE (0.420 / 1.12 / 1.15). The user's --balance-rule wins.
  const weighted = given.weights !== undefined && Object.keys(given.weights).length > 0;
  const ruleChoice: { rule: BalanceRule; why: string } = problem.time
    ? { rule: 'gradnorm', why: 'gradient-norm weighting (Wang et al. 2023; time-dependent: trace-based rules starved Wave 1d-C\'s causal PDE term)' }
    : { rule: 'geomean', why: 'the geometric mean of gradient-norm and NTK-trace weighting (Wang et al. 2023, 2022), so that no term\'s gradient drowns the others\' and a condition that already holds is not weighed up' };
  const autoBalance = given.balanceEvery === undefined && given.annealEvery === undefined && !weighted && problem.terms.length >= 2;
  if (autoBalance) {
    const every = (given.optimizer ?? 'lbfgs') === 'adam' ? 10 * AUTO_BALANCE_EVERY : AUTO_BALANCE_EVERY;
    decide('balanceEvery', every, `every ${every} steps`, `${problem.terms.length} loss terms: ${ruleChoice.why}`);
    if (given.balanceRule === undefined) options.balanceRule = ruleChoice.rule;
  } else if (given.balanceRule === undefined && (given.balanceEvery ?? 0) > 0) {
    decide('balanceRule', ruleChoice.rule, ruleChoice.rule, ruleChoice.why);
  }

  // Scaling: inputs to [−1, 1] and outputs to unit scale inside the model unless the problem is in unit form already (scalingPlan.ts); off is the default, so only "on" is a decision.
  if (given.scale === undefined) {
    const rule = scalingNeeded(problem);
    if (rule.on) decide('scale', 'on', 'on', rule.why);
  }

  // Time: causal weighting with Wang et al.'s ε schedule (causalSchedule.ts), for time-dependent problems.
  // (A --causal-max alone gets the schedule's start; --causal alone is a fixed ε, as asked.)
  // Not when observations are part of the loss (an inverse problem): the data fix u at later times
  // directly, so holding those times back behind the earlier ones only slows the fit (HInv, KAN,
  // seed 0: rel. L2 0.374 with the schedule, 0.031 without; inverse-heat1d 7.1e-5 and 6.4e-5).
  const observed = problem.terms.some((t) => t.kind === 'data');
  if (problem.time && given.causal === undefined && observed) {
    decide('causal', 0, 'off', 'time-dependent, but observations inside the time domain fix u there: no causal weighting (on HInv it cost 12×)');
  } else if (problem.time && given.causal === undefined) {
    const max = given.causalMax ?? AUTO_CAUSAL.max;
    decide('causal', AUTO_CAUSAL.start, `ε ${AUTO_CAUSAL.start} → ${max}`, `time-dependent: causal weighting over ${given.causalBins ?? 32} time bins (Wang et al. 2022), ε ×10 whenever the last bin's weight exceeds ${given.causalThreshold ?? 0.99}, so that later times wait for earlier ones`);
    if (given.causalMax === undefined) decide('causalMax', AUTO_CAUSAL.max, String(AUTO_CAUSAL.max), "the largest ε of the schedule (the paper's 1e-2 … 1e2)");
  }
  // Incompatible initial and boundary data (compatibility.ts): the boundary condition's residual
  // cannot vanish near t0 (the true solution has a √(t − t0) layer there that a network smooth in t
  // does not follow). (1) The gradient-norm rule weighs a term by 1/‖∇L_i‖, which grows as its
  // residual shrinks, so this irreducible residual keeps the condition that drives the solution
  // weighed down for the whole run: the NTK-trace rule (Wang, Yu & Perdikaris 2022), which does not
  // read the residual. (2) Weighed fully, that condition pulls u(·, t0) off the initial value:
  // impose the initial value exactly, u = u0 + ((t − t0)/T)·N (Lagaris et al. 1998). Measured on
  // PINNacle Heat 2d-CG (u = 0 at t = 0, u + ∂u/∂n = 5 on the holes; KAN, seed 0, 3 × 20 L-BFGS
  // steps): rel. L2 0.365 gradient norm, 0.462 with the hard initial value alone, 0.243 trace (38 % of
  // its squared error at t = 0), 0.210 both. Only problems whose data disagree at t0 are touched.
  const mismatches = problem.time && problem.terms.some((t) => t.kind === 'initial') ? initialBoundaryMismatches(problem) : [];
  if (mismatches.length > 0) {
    const worst = mismatches.reduce((a, b) => (b.mismatch > a.mismatch ? b : a));
    const what = `${mismatches.map((m) => m.condition).join(', ')} disagree${mismatches.length === 1 ? 's' : ''} with ${worst.initial} at t0 (by up to ${Number(worst.mismatch.toPrecision(3))})`;
    const balancing = (options.balanceEvery ?? given.balanceEvery ?? 0) > 0;
    if (given.balanceRule === undefined && balancing) {
      decide('balanceRule', 'trace', 'trace', `${what}: a residual that cannot vanish near t0 would keep the condition weighed down under gradient-norm weighting; the NTK trace (Wang et al. 2022) does not read the residual`);
    }
    if (given.hard === undefined && hardConstraintsSafe(problem).kinds.includes('initial')) {
      decide('hard', 'initial', 'initial', `${what}: the initial value imposed exactly (Lagaris et al. 1998), so that the boundary condition cannot pull u(·, t0) off it`);
    }
  }

  // Steep fronts (nonlinear advection with little diffusion, steepFront.ts): a time-dependent PDE
  // that advects u by itself (u·u_x) with fronts narrower than the finest grid's knot spacing.
  // (1) The initial condition imposed exactly, u = u0 + τ·N (Lagaris et al. 1998; Lu et al. 2021,
  // hPINN): otherwise the residual of the forming front outweighs the initial term and training
  // settles on a smeared profile that misses u0 itself (PINNacle Burgers 1d-C, KAN, seed 0: rel. L2
  // 0.25 already at t = 0; at the end of the G = 20 stage 0.292 without, 0.080 with). (2) The last
  // stage's model returned: the validation residual is then dominated by the few points inside the
  // front, so it prefers a smeared front; on Burgers 1d-C it rolled back a finer stage in 12 of 20
  // runs (various settings), each time the more accurate one (auto, seed 0: stage ends 0.395, 0.346,
  // 0.292, stage 1 returned; initial condition exact, seeds 0 and 2: 0.080 and 0.133 at the end,
  // 0.161 and 0.202 returned), and the last stage was the most accurate in 19 of the 20.
  if (problem.time) {
    const finest = given.grids?.[given.grids.length - 1] ?? given.grid ?? SOLVE_GRIDS[SOLVE_GRIDS.length - 1]!;
    const front = steepFront(problem, finest);
    if (front) {
      // Only smooth initial data: a lift u0 that is itself a front narrower than the knots (a
      // travelling front given from t0) leaves N to cancel it and build the moved one, which the
      // knots cannot (unseen Burgers front, KAN: rel. L2 0.13 → 0.55 with it).
      const length = initialLength(problem, front.unknown);
      if (given.hard === undefined && options.hard === undefined && length !== null && length >= front.spacing && hardConstraintsSafe(problem).kinds.includes('initial')) {
        decide('hard', 'initial', 'initial', `${front.why}; u0 changes by its scale over ${fmtLength(length)}, which the knots resolve: the initial condition imposed exactly (Lu et al. 2021), so that the front's residual cannot pull u away from u0`);
      }
      if (given.stageSelect === undefined) {
        decide('stageSelect', 'last', 'last', 'a steep front puts most of the validation residual into the few points inside it: the last (finest) stage is returned, not the one lowest on that residual');
      }
    }
  }
  return { options, decisions };
}
