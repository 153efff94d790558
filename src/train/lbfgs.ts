/**
 * L-BFGS with a strong-Wolfe line search over a flat `Float64Array` of parameters: a port of
 * PyTorch's `torch.optim.LBFGS` (itself from minFunc / torch7's `lbfgs.lua`, `lswolfe.lua`,
 * `polyinterp.lua`), including the state that persists between `step` calls, so that repeated
 * `step(objective, x)` calls continue one run exactly as repeated `optimizer.step(closure)` do.
 *
 * Deliberate differences from torch, each only where torch would misbehave or overrun:
 * - a trial point whose loss or gradient is not finite counts as a failed trial (its loss taken as
 *   +∞), so the line search bisects back toward the last finite point instead of spreading NaN;
 * - with `strictMaxEval` (default on) the line search is cut short so that one step never calls the
 *   objective more than `maxEval` times (torch checks the budget only between iterations);
 * - with `restartOnFailure` (default off) a line search that finds no lower point along an L-BFGS
 *   direction drops the memory and the step goes on from steepest descent. torch (and pykan) stop
 *   there and, as the memory is unchanged, every later step repeats the failed search until the
 *   objective changes. Off by default: on poisson2d and poisson2d-paper at pykan's settings the
 *   runs that went on lowered the loss but ended with a larger rel. L2 (README, Benchmarks).
 */
import { KanpinnInputError, describe } from '../errors.js';

/** The function minimised: loss f(x) and gradient ∇f(x) ∈ ℝⁿ. `grad` must be a new array (or one the caller won't reuse); `x` is only valid during the call. */
export type Objective = (x: Float64Array) => { loss: number; grad: Float64Array };

/** How each iteration picks its step length t along the direction d. */
export type LineSearchKind = 'strongWolfe' | 'none';

/** L-BFGS options; names follow torch's (`maxIter` = max_iter, …). */
export interface LbfgsOptions {
  /** Initial step length t (torch `lr`); the very first iteration uses min(1, 1/‖g‖₁)·lr. */
  lr: number;
  /** Iterations (direction + line search) per `step` call. */
  maxIter: number;
  /** Objective evaluations per `step` call; `null` means ⌊maxIter·5/4⌋ as in torch. */
  maxEval: number | null;
  /** Stop when ‖g‖∞ ≤ toleranceGrad. */
  toleranceGrad: number;
  /** Stop when gᵀd > −tol, ‖t·d‖∞ ≤ tol, or |f_k − f_{k−1}| < tol. */
  toleranceChange: number;
  /** A curvature pair (s, y) enters the memory only when yᵀs > toleranceYs (torch hardcodes 1e-10; pykan 1e-32). */
  toleranceYs: number;
  /** Number of (s, y) pairs kept. */
  historySize: number;
  /** 'strongWolfe' (torch `line_search_fn='strong_wolfe'`) or 'none' (fixed step t = lr). */
  lineSearch: LineSearchKind;
  /** Sufficient-decrease constant: f(t) ≤ f(0) + c1·t·gᵀd. */
  c1: number;
  /** Curvature constant: |g(t)ᵀd| ≤ −c2·gᵀd. */
  c2: number;
  /** The line search stops when its bracket is shorter than this (times ‖d‖∞); torch's `_strong_wolfe` default. */
  lineSearchToleranceChange: number;
  /** Line-search iterations (torch `max_ls`). */
  maxLineSearch: number;
  /** Cap each line search by the evaluations left in the step, so a step never exceeds max(maxEval, 2) (an iteration needs its start and one trial). */
  strictMaxEval: boolean;
  /** When a line search along an L-BFGS direction fails (t = 0), forget the memory and continue from steepest descent (torch stops; default off). */
  restartOnFailure: boolean;
}

/** Defaults: pykan's PINN settings (history 10, strong Wolfe, tolerances 1e-32) on torch's lr, maxIter, c1, c2, max_ls. */
export const LBFGS_DEFAULTS: Readonly<LbfgsOptions> = Object.freeze({
  lr: 1,
  maxIter: 20,
  maxEval: null,
  toleranceGrad: 1e-32,
  toleranceChange: 1e-32,
  toleranceYs: 1e-32,
  historySize: 10,
  lineSearch: 'strongWolfe',
  c1: 1e-4,
  c2: 0.9,
  lineSearchToleranceChange: 1e-9,
  maxLineSearch: 25,
  strictMaxEval: true,
  restartOnFailure: false,
});

/** torch.optim.LBFGS's own constructor defaults, for reproducing plain torch runs. */
export const TORCH_LBFGS_DEFAULTS: Readonly<LbfgsOptions> = Object.freeze({
  ...LBFGS_DEFAULTS,
  toleranceGrad: 1e-7,
  toleranceChange: 1e-9,
  toleranceYs: 1e-10,
  historySize: 100,
  lineSearch: 'none',
  strictMaxEval: false,
  restartOnFailure: false,
});

/** Why a `step` stopped. Tolerance reasons count as converged; budgets and non-finite values do not. */
export type LbfgsStopReason =
  | 'gradientTolerance' // ‖g‖∞ ≤ toleranceGrad
  | 'directionalDerivative' // gᵀd > −toleranceChange: d is no descent direction
  | 'stepTolerance' // ‖t·d‖∞ ≤ toleranceChange
  | 'lossChangeTolerance' // |f_k − f_{k−1}| < toleranceChange
  | 'maxIter'
  | 'maxEval'
  | 'nonFiniteStart' // the loss or gradient at x is not finite; x unchanged
  | 'nonFiniteLineSearch'; // every trial along d was non-finite or worse; x left at the last finite point

/** What one `step` did. */
export interface LbfgsStepInfo {
  /** Loss at x when the step began (torch returns this `orig_loss`). */
  loss: number;
  /** Loss at x when the step ended (with lineSearch 'none', the last one computed, as torch skips the final evaluation). */
  finalLoss: number;
  /** Objective evaluations in this step. */
  evaluations: number;
  /** Iterations in this step. */
  iterations: number;
  /** True when a tolerance test stopped the step. */
  converged: boolean;
  reason: LbfgsStopReason;
}

/** The run state torch keeps in `optimizer.state` between steps. */
interface LbfgsState {
  n: number;
  d: Float64Array;
  t: number;
  oldDirs: Float64Array[]; // y_i = g_{i+1} − g_i
  oldStps: Float64Array[]; // s_i = t_i·d_i
  ro: number[]; // 1 / y_iᵀs_i
  hDiag: number; // γ = yᵀs / yᵀy, the initial inverse-Hessian scale
  prevFlatGrad: Float64Array;
  prevLoss: number;
}

/** Result of one line search: the accepted step t, f(x + t·d), ∇f(x + t·d). */
export interface LineSearchResult {
  loss: number;
  grad: Float64Array;
  t: number;
  evaluations: number;
  /** Trials whose loss or gradient was not finite. */
  nonFiniteTrials: number;
}

/** Options of `strongWolfe` (a subset of `LbfgsOptions`). */
export type StrongWolfeOptions = Pick<LbfgsOptions, 'c1' | 'c2' | 'lineSearchToleranceChange' | 'maxLineSearch'>;

/**
 * Minimiser of the cubic through (x1, f1, f1') and (x2, f2, f2'), clamped to `bounds` (default
 * [min(x1,x2), max(x1,x2)]): d1 = g1 + g2 − 3(f1 − f2)/(x1 − x2), d2 = √(d1² − g1g2),
 * x* = x2 − (x2 − x1)(g2 + d2 − d1)/(g2 − g1 + 2d2). No real minimiser (or a non-finite one): the
 * bounds' midpoint.
 */
export function cubicInterpolate(
  x1: number, f1: number, g1: number, x2: number, f2: number, g2: number, bounds?: readonly [number, number],
): number {
  const [lo, hi] = bounds ?? (x1 <= x2 ? [x1, x2] : [x2, x1]);
  const d1 = g1 + g2 - (3 * (f1 - f2)) / (x1 - x2);
  const d2Square = d1 * d1 - g1 * g2;
  if (d2Square >= 0) {
    const d2 = Math.sqrt(d2Square);
    const minPos = x1 <= x2
      ? x2 - (x2 - x1) * ((g2 + d2 - d1) / (g2 - g1 + 2 * d2))
      : x1 - (x1 - x2) * ((g1 + d2 - d1) / (g1 - g2 + 2 * d2));
    // torch would return NaN here (a +∞ loss from a failed trial); bisect instead.
    if (Number.isFinite(minPos)) return Math.min(Math.max(minPos, lo), hi);
  }
  return (lo + hi) / 2;
}

/**
 * Strong-Wolfe line search along d from f = f(x), g = ∇f(x), gtd = gᵀd < 0 (torch `_strong_wolfe`):
 * bracket a step with f(t) ≤ f + c1·t·gtd and |∇f(x+td)ᵀd| ≤ −c2·gtd by cubic extrapolation
 * (t ∈ [t + 0.01(t − t_prev), 10t]), then zoom with safeguarded cubic interpolation.
 * `evaluate(t)` returns f and ∇f at x + t·d. Non-finite trials count as f = +∞.
 */
export function strongWolfe(
  evaluate: (t: number) => { loss: number; grad: Float64Array },
  t0: number, d: Float64Array, f: number, g: Float64Array, gtd: number, options: StrongWolfeOptions,
): LineSearchResult {
  const { c1, c2, lineSearchToleranceChange: tolChange, maxLineSearch: maxLs } = options;
  let t = t0;
  let evaluations = 0;
  let nonFiniteTrials = 0;
  const trial = (at: number): { f: number; g: Float64Array; gtd: number } => {
    const r = evaluate(at);
    evaluations++;
    const slope = dot(r.grad, d);
    if (Number.isFinite(r.loss) && Number.isFinite(slope) && allFinite(r.grad)) return { f: r.loss, g: r.grad, gtd: slope };
    nonFiniteTrials++;
    return { f: Infinity, g: r.grad, gtd: NaN };
  };
  const dNorm = maxAbs(d);
  let { f: fNew, g: gNew, gtd: gtdNew } = trial(t);

  // Bracketing phase.
  let tPrev = 0;
  let fPrev = f;
  let gPrev = g;
  let gtdPrev = gtd;
  let done = false;
  let lsIter = 0;
  let bracket: number[] = [];
  let bracketF: number[] = [];
  let bracketG: Float64Array[] = [];
  let bracketGtd: number[] = [];
  while (lsIter < maxLs) {
    // Checked in torch's order: Armijo failure (or no decrease), strong Wolfe met, slope turned up.
    const armijoFails = fNew > f + c1 * t * gtd || (lsIter > 1 && fNew >= fPrev);
    if (!armijoFails && Math.abs(gtdNew) <= -c2 * gtd) {
      bracket = [t];
      bracketF = [fNew];
      bracketG = [gNew];
      bracketGtd = [gtdNew];
      done = true;
      break;
    }
    if (armijoFails || gtdNew >= 0) {
      bracket = [tPrev, t];
      bracketF = [fPrev, fNew];
      bracketG = [gPrev, gNew];
      bracketGtd = [gtdPrev, gtdNew];
      break;
    }
    const minStep = t + 0.01 * (t - tPrev);
    const maxStep = t * 10;
    const tmp = t;
    t = cubicInterpolate(tPrev, fPrev, gtdPrev, t, fNew, gtdNew, [minStep, maxStep]);
    tPrev = tmp;
    fPrev = fNew;
    gPrev = gNew;
    gtdPrev = gtdNew;
    ({ f: fNew, g: gNew, gtd: gtdNew } = trial(t));
    lsIter++;
  }
  if (lsIter === maxLs) {
    bracket = [0, t];
    bracketF = [f, fNew];
    bracketG = [g, gNew];
    bracketGtd = [gtd, gtdNew];
  }

  // Zoom phase: shrink the bracket until a point meets the strong Wolfe conditions.
  let insufProgress = false;
  let [low, high] = at(bracketF, 0) <= at(bracketF, bracketF.length - 1) ? [0, 1] : [1, 0];
  while (!done && lsIter < maxLs) {
    if (Math.abs(at(bracket, 1) - at(bracket, 0)) * dNorm < tolChange) break;
    t = cubicInterpolate(at(bracket, 0), at(bracketF, 0), at(bracketGtd, 0), at(bracket, 1), at(bracketF, 1), at(bracketGtd, 1));
    // Keep t at least 10% of the bracket away from its ends when interpolation stalls there.
    const bMax = Math.max(at(bracket, 0), at(bracket, 1));
    const bMin = Math.min(at(bracket, 0), at(bracket, 1));
    const eps = 0.1 * (bMax - bMin);
    if (Math.min(bMax - t, t - bMin) < eps) {
      if (insufProgress || t >= bMax || t <= bMin) {
        t = Math.abs(t - bMax) < Math.abs(t - bMin) ? bMax - eps : bMin + eps;
        insufProgress = false;
      } else {
        insufProgress = true;
      }
    } else {
      insufProgress = false;
    }
    ({ f: fNew, g: gNew, gtd: gtdNew } = trial(t));
    lsIter++;
    if (fNew > f + c1 * t * gtd || fNew >= at(bracketF, low)) {
      bracket[high] = t;
      bracketF[high] = fNew;
      bracketG[high] = gNew;
      bracketGtd[high] = gtdNew;
      [low, high] = at(bracketF, 0) <= at(bracketF, 1) ? [0, 1] : [1, 0];
    } else {
      if (Math.abs(gtdNew) <= -c2 * gtd) {
        done = true;
      } else if (gtdNew * (at(bracket, high) - at(bracket, low)) >= 0) {
        bracket[high] = at(bracket, low);
        bracketF[high] = at(bracketF, low);
        bracketG[high] = at(bracketG, low);
        bracketGtd[high] = at(bracketGtd, low);
      }
      bracket[low] = t;
      bracketF[low] = fNew;
      bracketG[low] = gNew;
      bracketGtd[low] = gtdNew;
    }
  }
  return { loss: at(bracketF, low), grad: at(bracketG, low), t: at(bracket, low), evaluations, nonFiniteTrials };
}

/**
 * L-BFGS minimiser (torch.optim.LBFGS semantics). Each `step` runs up to `maxIter` iterations:
 * d = −H·g by the two-loop recursion over the last `historySize` pairs (s, y) with H₀ = γI,
 * γ = yᵀs/yᵀy; then a strong-Wolfe line search (or a fixed step) x ← x + t·d. The memory, d, t
 * and the iteration count persist across steps until `reset()`.
 */
export class Lbfgs {
  readonly options: Readonly<LbfgsOptions>;
  private state: LbfgsState | null = null;
  private totalEvaluations = 0;
  private totalIterations = 0;

  constructor(options: Partial<LbfgsOptions> = {}) {
    this.options = validateLbfgsOptions(options);
  }

  /** Objective evaluations over all steps since construction or `reset()` (torch `func_evals`). */
  get evaluations(): number {
    return this.totalEvaluations;
  }

  /** Iterations over all steps since construction or `reset()` (torch `n_iter`). */
  get iterations(): number {
    return this.totalIterations;
  }

  /** Forgets the memory and counters: the next step starts a new run (first step t = min(1, 1/‖g‖₁)·lr). */
  reset(): void {
    this.state = null;
    this.totalEvaluations = 0;
    this.totalIterations = 0;
  }

  /** One torch `optimizer.step(closure)`: updates x in place and reports what happened. */
  step(objective: Objective, x: Float64Array): LbfgsStepInfo {
    const o = this.options;
    const n = x.length;
    if (this.state !== null && this.state.n !== n) {
      throw new KanpinnInputError(`Lbfgs.step: x has length ${n} but the optimizer's memory is for length ${this.state.n} (call reset() after changing the parameters)`);
    }
    const maxEval = o.maxEval ?? Math.floor((o.maxIter * 5) / 4);
    let evaluations = 0;
    const evaluate = (point: Float64Array): { loss: number; grad: Float64Array } => {
      const r = objective(point);
      evaluations++;
      this.totalEvaluations++;
      if (r.grad.length !== n) {
        throw new KanpinnInputError(`Lbfgs.step: objective returned a gradient of length ${r.grad.length} for ${n} parameters`);
      }
      return r;
    };
    const result = (loss: number, iterations: number, reason: LbfgsStopReason): LbfgsStepInfo => ({
      loss: origLoss, finalLoss: loss, evaluations, iterations, converged: isConvergedReason(reason), reason,
    });

    const first = evaluate(x);
    const origLoss = first.loss;
    let loss = first.loss;
    let flatGrad = first.grad;
    if (!Number.isFinite(loss) || !allFinite(flatGrad)) return result(loss, 0, 'nonFiniteStart');
    let optCond = maxAbs(flatGrad) <= o.toleranceGrad;
    if (optCond) return result(loss, 0, 'gradientTolerance');

    const prior = this.state;
    let d = prior?.d ?? new Float64Array(n);
    let t = prior?.t ?? o.lr;
    let oldDirs = prior?.oldDirs ?? [];
    let oldStps = prior?.oldStps ?? [];
    let ro = prior?.ro ?? [];
    let hDiag = prior?.hDiag ?? 1;
    let prevFlatGrad = prior?.prevFlatGrad ?? flatGrad;
    let prevLoss = prior?.prevLoss ?? loss;

    let nIter = 0;
    let reason: LbfgsStopReason = 'maxIter';
    // After a failed line search with memory: the next direction is −g with the first step's length rule.
    let restarted = false;
    while (nIter < o.maxIter) {
      nIter++;
      this.totalIterations++;
      if (this.totalIterations === 1) {
        d = scaled(flatGrad, -1);
        oldDirs = [];
        oldStps = [];
        ro = [];
        hDiag = 1;
      } else {
        const y = difference(flatGrad, prevFlatGrad);
        const s = scaled(d, t);
        const ys = dot(y, s);
        if (ys > o.toleranceYs) {
          if (oldDirs.length === o.historySize) {
            oldDirs.shift();
            oldStps.shift();
            ro.shift();
          }
          oldDirs.push(y);
          oldStps.push(s);
          ro.push(1 / ys);
          hDiag = ys / dot(y, y);
        }
        d = twoLoop(flatGrad, oldDirs, oldStps, ro, hDiag);
      }
      prevFlatGrad = flatGrad;
      prevLoss = loss;

      t = this.totalIterations === 1 || restarted ? Math.min(1, 1 / sumAbs(flatGrad)) * o.lr : o.lr;
      restarted = false;
      const gtd = dot(flatGrad, d);
      if (gtd > -o.toleranceChange) {
        reason = 'directionalDerivative';
        break;
      }

      let nonFinite = false;
      if (o.lineSearch === 'strongWolfe') {
        const budget = maxEval - evaluations - 1; // evaluations a line search may add beyond its first
        const maxLineSearch = o.strictMaxEval ? Math.max(0, Math.min(o.maxLineSearch, budget)) : o.maxLineSearch;
        const dir = d;
        const ls = strongWolfe((at) => evaluate(stepped(x, at, dir)), t, d, loss, flatGrad, gtd, { ...o, maxLineSearch });
        loss = ls.loss;
        flatGrad = ls.grad;
        t = ls.t;
        addScaled(x, t, d);
        optCond = maxAbs(flatGrad) <= o.toleranceGrad;
        nonFinite = t === 0 && ls.nonFiniteTrials > 0;
        if (t === 0 && !nonFinite && o.restartOnFailure && oldDirs.length > 0 && nIter < o.maxIter && evaluations < maxEval) {
          // No lower point along d: the memory misleads. Forget it; the next iteration takes −g
          // (its pair (s, y) is skipped, as s = t·d = 0 gives yᵀs = 0).
          oldDirs = [];
          oldStps = [];
          ro = [];
          hDiag = 1;
          restarted = true;
          continue;
        }
      } else {
        const before = Float64Array.from(x);
        addScaled(x, t, d);
        if (nIter !== o.maxIter) {
          const r = evaluate(x);
          if (Number.isFinite(r.loss) && allFinite(r.grad)) {
            loss = r.loss;
            flatGrad = r.grad;
            optCond = maxAbs(flatGrad) <= o.toleranceGrad;
          } else {
            x.set(before);
            t = 0;
            nonFinite = true;
          }
        }
      }

      if (nonFinite) {
        reason = 'nonFiniteLineSearch';
        break;
      }
      if (nIter === o.maxIter) {
        reason = 'maxIter';
        break;
      }
      if (evaluations >= maxEval) {
        reason = 'maxEval';
        break;
      }
      if (optCond) {
        reason = 'gradientTolerance';
        break;
      }
      if (maxAbs(d) * Math.abs(t) <= o.toleranceChange) {
        reason = 'stepTolerance';
        break;
      }
      if (Math.abs(loss - prevLoss) < o.toleranceChange) {
        reason = 'lossChangeTolerance';
        break;
      }
    }
    this.state = { n, d, t, oldDirs, oldStps, ro, hDiag, prevFlatGrad, prevLoss };
    return result(loss, nIter, reason);
  }
}

/** True for the stop reasons that are tolerance tests (the run has converged by torch's criteria). */
export function isConvergedReason(reason: LbfgsStopReason): boolean {
  switch (reason) {
    case 'gradientTolerance':
    case 'directionalDerivative':
    case 'stepTolerance':
    case 'lossChangeTolerance':
      return true;
    case 'maxIter':
    case 'maxEval':
    case 'nonFiniteStart':
    case 'nonFiniteLineSearch':
      return false;
    default: {
      const never: never = reason;
      return never;
    }
  }
}

/** Fills in `LBFGS_DEFAULTS` and checks every field; throws `KanpinnInputError` naming the field. */
export function validateLbfgsOptions(options: Partial<LbfgsOptions>): Readonly<LbfgsOptions> {
  const o: LbfgsOptions = { ...LBFGS_DEFAULTS, ...options };
  const fail = (field: string, expected: string, found: unknown): never => {
    throw new KanpinnInputError(`Lbfgs options.${field}: expected ${expected}, found ${describe(found)}`);
  };
  const positive = (field: keyof LbfgsOptions, value: unknown): void => {
    if (typeof value !== 'number' || !Number.isFinite(value) || value <= 0) fail(field, 'a positive finite number', value);
  };
  const nonNegative = (field: keyof LbfgsOptions, value: unknown): void => {
    if (typeof value !== 'number' || !(value >= 0) || value === Infinity) fail(field, 'a finite number >= 0', value);
  };
  const count = (field: keyof LbfgsOptions, value: unknown, min: number): void => {
    if (typeof value !== 'number' || !Number.isInteger(value) || value < min) fail(field, `an integer >= ${min}`, value);
  };
  positive('lr', o.lr);
  count('maxIter', o.maxIter, 1);
  if (o.maxEval !== null) count('maxEval', o.maxEval, 1);
  nonNegative('toleranceGrad', o.toleranceGrad);
  nonNegative('toleranceChange', o.toleranceChange);
  nonNegative('toleranceYs', o.toleranceYs);
  count('historySize', o.historySize, 1);
  if (o.lineSearch !== 'strongWolfe' && o.lineSearch !== 'none') fail('lineSearch', "'strongWolfe' or 'none'", o.lineSearch);
  if (!(o.c1 > 0 && o.c1 < o.c2 && o.c2 < 1)) fail('c1, c2', '0 < c1 < c2 < 1', [o.c1, o.c2]);
  nonNegative('lineSearchToleranceChange', o.lineSearchToleranceChange);
  count('maxLineSearch', o.maxLineSearch, 0);
  if (typeof o.strictMaxEval !== 'boolean') fail('strictMaxEval', 'true or false', o.strictMaxEval);
  if (typeof o.restartOnFailure !== 'boolean') fail('restartOnFailure', 'true or false', o.restartOnFailure);
  return Object.freeze(o);
}

/**
 * The L-BFGS direction d = −H·g, where H is the inverse-Hessian estimate built from H₀ = γI by
 * the BFGS updates H ← (I − ρsyᵀ)H(I − ρysᵀ) + ρssᵀ, ρ = 1/yᵀs, over `pairs` oldest first.
 */
export function lbfgsDirection(g: Float64Array, pairs: readonly { s: Float64Array; y: Float64Array }[], gamma: number): Float64Array {
  return twoLoop(g, pairs.map((p) => p.y), pairs.map((p) => p.s), pairs.map((p) => 1 / dot(p.y, p.s)), gamma);
}

/** d = −H·g: torch's two-loop recursion collapsed into one buffer. */
function twoLoop(g: Float64Array, dirs: Float64Array[], stps: Float64Array[], ro: number[], hDiag: number): Float64Array {
  const q = scaled(g, -1);
  const al = new Array<number>(dirs.length).fill(0);
  for (let i = dirs.length - 1; i >= 0; i--) {
    const a = dot(at(stps, i), q) * at(ro, i);
    al[i] = a;
    addScaled(q, -a, at(dirs, i));
  }
  const r = scaled(q, hDiag);
  for (let i = 0; i < dirs.length; i++) {
    const be = dot(at(dirs, i), r) * at(ro, i);
    addScaled(r, at(al, i) - be, at(stps, i));
  }
  return r;
}

function at<T>(items: readonly T[], i: number): T {
  const v = items[i];
  if (v === undefined) throw new Error(`lbfgs: index ${i} out of range ${items.length}`);
  return v;
}

function dot(a: Float64Array, b: Float64Array): number {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += (a[i] as number) * (b[i] as number);
  return s;
}

function maxAbs(a: Float64Array): number {
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i] as number));
  return m;
}

function sumAbs(a: Float64Array): number {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += Math.abs(a[i] as number);
  return s;
}

function allFinite(a: Float64Array): boolean {
  for (let i = 0; i < a.length; i++) if (!Number.isFinite(a[i] as number)) return false;
  return true;
}

function scaled(a: Float64Array, c: number): Float64Array {
  const out = new Float64Array(a.length);
  for (let i = 0; i < a.length; i++) out[i] = c * (a[i] as number);
  return out;
}

function difference(a: Float64Array, b: Float64Array): Float64Array {
  const out = new Float64Array(a.length);
  for (let i = 0; i < a.length; i++) out[i] = (a[i] as number) - (b[i] as number);
  return out;
}

/** target ← target + c·v, in place. */
function addScaled(target: Float64Array, c: number, v: Float64Array): void {
  for (let i = 0; i < target.length; i++) target[i] = (target[i] as number) + c * (v[i] as number);
}

/** A new array x + t·d (the trial point; x itself is untouched). */
function stepped(x: Float64Array, t: number, d: Float64Array): Float64Array {
  const out = Float64Array.from(x);
  addScaled(out, t, d);
  return out;
}
