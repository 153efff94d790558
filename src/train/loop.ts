/**
 * The optimisation loop that the PINN trainer (`train`) and supervised fitting (`fit`) share:
 * stages over a KAN grid-extension schedule, grid updates early in each stage, Adam and/or L-BFGS
 * steps on an objective, the best parameters seen, and the stop rules (non-finite loss, abort).
 * Each caller plugs in its objective, the points the grid follows, and what it does around a step
 * (the PINN resamples, refines and anneals before a step; both record history after it).
 *
 * Step numbers in results and messages count from 1, as the history's `step` column does: step k
 * is the k-th optimizer step, and its row holds the loss measured during it.
 */
import { updateGrid } from '../kan/gridUpdate.js';
import type { Model } from '../createModel.js';
import { Adam, type AdamState } from './adam.js';
import { Lbfgs, type LbfgsOptions, type Objective } from './lbfgs.js';
import { learningRates, type TrainingOptions } from '../options/training.js';
import { readParams, writeParams } from './params.js';
import { restoreModel, snapshotModel, type ModelSnapshot } from './snapshot.js';
import { learningRateAt } from '../options/schedule.js';

/** The training options the loop reads. */
export type LoopOptions = Pick<TrainingOptions, 'optimizer' | 'steps' | 'adamSteps' | 'lr' | 'schedule' | 'lbfgsHistory' | 'gridUpdateEvery' | 'gridUpdateUntil' | 'targetLoss' | 'patience' | 'minDelta'> & {
  /** Stop once the metric `afterStep` returns is at most this (the PINN's rel. L2); absent: no target. */
  targetRelL2?: number | null;
  /** L-BFGS settings beyond `lbfgsHistory` and the learning rate. */
  lbfgs: Partial<LbfgsOptions>;
  /** L-BFGS memory at a grid update (see `TrainingOptions.gridUpdateLbfgs`); absent: reset. */
  gridUpdateLbfgs?: TrainingOptions['gridUpdateLbfgs'];
  /** Grid update at step 0 of a stage (see `TrainingOptions.gridUpdateStart`); absent: skip. */
  gridUpdateStart?: TrainingOptions['gridUpdateStart'];
};

/** Points as one row-major array. */
export interface PointSet {
  coords: Float32Array;
  count: number;
}

/** Where the loop is: stage and step (0-based within the stage), and the steps completed before this one. */
export interface StepAt {
  stage: number;
  stages: number;
  grid: number | null;
  step: number;
  stageLength: number;
  totalStep: number;
  totalSteps: number;
}

/** What a caller's hook before a step did. */
export interface BeforeStep {
  /** The objective changed (new points or weights): the L-BFGS memory and the best loss so far no longer apply. */
  objectiveChanged?: boolean;
  /** Objective evaluations the hook spent (counted with the loop's own). */
  evaluations?: number;
}

/**
 * Where the loop is between two steps, as plain data (a checkpoint): `resume` in `LoopSpec` starts
 * the loop here, so that a resumed Adam run takes the very steps an uninterrupted one takes. The
 * L-BFGS memory is not part of it: a resumed L-BFGS stage starts with an empty memory.
 */
export interface LoopState {
  /** The stage and the step within it that come next (0-based). */
  stage: number;
  step: number;
  /** Steps completed and objective evaluations so far. */
  totalStep: number;
  evaluations: number;
  /** The optimizer's parameters (float64; the model holds them rounded to float32). */
  x: number[];
  /** This stage's Adam moments and step count; null: no Adam step taken in this stage. */
  adam: AdamState | null;
  /** The best loss seen (null: none finite yet), its parameters and its step. */
  best: { loss: number | null; x: number[]; step: number };
  /** Patience: the stage's best loss (null: none yet) and the steps since it improved. */
  plateau: { best: number | null; since: number };
  /** The stages judged on the validation set so far, the best one's model (to roll back to), and the stage a stop returns. */
  judged?: {
    stages: StageOutcome[];
    rollbacks: string[];
    returnedStage: number;
    best: { stage: number; grid: number | null; loss: number | null; params: number[]; layers: { grid: number; knots: number[][] }[] | null } | null;
  };
}

/** What `optimize` needs from its caller. */
export interface LoopSpec {
  model: Model;
  options: LoopOptions;
  /** One entry per stage: the KAN grid of the stage (null: keep the model's). */
  grids: (number | null)[];
  /** Loss and gradient at x (it writes x into the model). */
  objective: Objective;
  /** The points a KAN grid update or extension follows; `range` points only widen the range the grid covers. */
  gridPoints: () => { points: PointSet; range?: PointSet };
  /** Work before a step (not at the first step of a stage, which starts fresh). */
  beforeStep?: (at: StepAt) => BeforeStep | void;
  /** After a step: history and progress. `loss` is the loss the step measured. Returns the rel. L2 when it measured one. */
  afterStep: (at: StepAt, loss: number, evaluations: number) => number | null | void;
  /**
   * The loss on a fixed validation set (points apart from the training points) at the model's
   * parameters: `loss`, a statistic robust to a few outlying points (the trainer's is trimmed of
   * them, `validation.ts`), and optionally `mean`, the plain mean. Given: it is measured at the end
   * of every stage; a stage that lowers neither (`loss` nor, when given, `mean`) below the best
   * stage's is rolled back (the best stage's model restored, and the next stage starts from it), so
   * the model returned is the best stage's on it, not the last stage's.
   */
  validationLoss?: () => { loss: number; mean?: number };
  /** After a stage's validation (with `validationLoss` only): what was measured and whether the stage was rolled back. */
  afterStage?: (outcome: StageOutcome) => void;
  /** Names the part of the objective that was non-finite at the last evaluation ("term pde"), for messages. */
  explainNonFinite?: () => string;
  signal?: AbortSignal;
  /** Start from a saved state (see `LoopState`) instead of step 1. */
  resume?: LoopState;
  /** Called with the state every `checkpointEvery` completed steps (awaited before the next step). */
  checkpoint?: { every: number; save: (state: LoopState) => void | Promise<void> };
}

export type LoopStatus = 'completed' | 'diverged' | 'interrupted';

/** Which early-stopping rule ended a completed run (or a stage, for patience); null: the step budget. */
export type StopRule = 'targetLoss' | 'targetRelL2' | 'patience' | null;

/** One stage's end as judged on the validation set (stages count from 1, as in the history). */
export interface StageOutcome {
  stage: number;
  grid: number | null;
  /** Steps completed when the stage ended (the history row of its last step). */
  step: number;
  validationLoss: number;
  /** The plain weighted mean of the squared validation residuals, when `validationLoss` is a robust statistic beside it. */
  validationMean?: number;
  /** The stage lowered neither the validation loss nor its plain mean below the best stage's: that stage's model was restored. */
  rolledBack: boolean;
  /** The stage whose model the run holds after this one (itself unless rolled back). */
  kept: number;
}

/** What `optimize` did; the model holds the final parameters (the best seen when the run did not complete). */
export interface LoopResult {
  status: LoopStatus;
  /** In words, with the step numbers of the history. */
  message: string;
  /** Steps completed. */
  steps: number;
  totalSteps: number;
  /** Objective evaluations, the hooks' included. */
  evaluations: number;
  /** The loss at the model's final parameters as last measured (the best seen when restored); NaN when none was finite. */
  loss: number;
  /** Grid-update warnings, with the step. */
  warnings: string[];
  /** The early-stopping rule that ended the run (patience: its last stage), else null. */
  stoppedBy: StopRule;
  /** Per stage judged on the validation set (empty without `validationLoss`). */
  stages: StageOutcome[];
  /** The stage (from 1) whose model the run returns. */
  returnedStage: number;
}

/**
 * Recoveries from a non-finite step per stage: the step is taken again from the best parameters
 * seen with a fresh optimizer and its step length (L-BFGS's lr, Adam's rate) divided by
 * RECOVERY_SHRINK; the run stops as diverged only at the (MAX_RECOVERIES + 1)-th non-finite step of
 * a stage. A stage's step length stays shortened after a recovery; the next stage starts at full length.
 */
export const MAX_RECOVERIES = 3;
export const RECOVERY_SHRINK = 10;

/** Steps per stage: a KAN's budget is per stage; an MLP trains one stage of the same total. */
export function stagePlan(model: Model, options: LoopOptions, grids: number[] | null): { grids: (number | null)[]; stepsPerStage: number; adamSteps: number } {
  if (model.kind === 'kan') {
    return { grids: grids ?? [model.layers[0]!.grid], stepsPerStage: options.steps, adamSteps: options.optimizer === 'adam+lbfgs' ? options.adamSteps : 0 };
  }
  const stages = grids?.length ?? 1;
  return { grids: [null], stepsPerStage: options.steps * stages, adamSteps: options.optimizer === 'adam+lbfgs' ? options.adamSteps * stages : 0 };
}

/**
 * Grid update (same size) or extension (`grid`) of a KAN from the caller's points; keeps the
 * model's `options.grid` true (it is saved in model.json).
 */
function placeGrid(model: Model, spec: LoopSpec, where: string, warnings: string[], grid?: number): void {
  if (model.kind !== 'kan') return;
  const { points, range } = spec.gridPoints();
  const reports = updateGrid(model, { points, ...(grid !== undefined ? { grid } : {}), ...(range ? { range } : {}) });
  for (const r of reports.flat()) if (r.warning) warnings.push(`${where}: ${r.warning}`);
}

/**
 * Runs the loop (see the module comment). Grid updates run at steps every, 2·every, … while
 * step < `gridUpdateUntil` of each stage, and at step 0 only with `gridUpdateStart: 'update'`
 * (pykan's): by default the grid has just been placed there (over the data's range when the model
 * was made, or on the very points by the stage's extension), though a hidden layer's initial grid
 * is [−1, 1] whatever its inputs. An update resets the L-BFGS memory unless `gridUpdateLbfgs` is
 * 'keep' (pykan's); a stage's first step always starts a fresh one. A non-finite loss or
 * gradient (Adam and L-BFGS alike) restarts the step from the best parameters seen with a fresh
 * optimizer and a shorter step (`MAX_RECOVERIES`, `RECOVERY_SHRINK`); past that the run stops as
 * diverged with the best parameters seen.
 */
export async function optimize(spec: LoopSpec, stepsPerStage: number, adamSteps: number): Promise<LoopResult> {
  const { model, options } = spec;
  const rates = learningRates(options);
  const stageLength = stepsPerStage + adamSteps;
  const totalSteps = stageLength * spec.grids.length;
  const warnings: string[] = [];
  let resume = spec.resume;
  let evaluations = resume?.evaluations ?? 0;
  let totalStep = resume?.totalStep ?? 0;
  let x = resume ? Float64Array.from(resume.x) : readParams(model);
  // The best loss seen, paired with the very parameters that produced it, and the step (1-based) that evaluated them.
  let best: { loss: number; x: Float64Array; step: number } = resume
    ? { loss: resume.best.loss ?? Infinity, x: Float64Array.from(resume.best.x), step: resume.best.step }
    : { loss: Infinity, x: x.slice(), step: 0 };
  let lastLoss = Number.NaN;
  const forgetBest = (): void => {
    best = { loss: Infinity, x: readParams(model), step: totalStep };
  };
  const evaluate: Objective = (point) => {
    const r = spec.objective(point);
    evaluations++;
    if (Number.isFinite(r.loss) && r.loss < best.loss && r.grad.every(Number.isFinite)) best = { loss: r.loss, x: Float64Array.from(point), step: totalStep + 1 };
    return r;
  };
  let status: LoopStatus = 'completed';
  let message = 'completed';
  let stoppedBy: StopRule = null;
  const stops: string[] = [];
  // Best-model return across stages: the best stage on the validation set, its model kept aside.
  const stages: StageOutcome[] = [];
  // (Asserted, not annotated: assigned in endStage, so that it is not narrowed to null below.)
  let bestStage = null as { stage: number; grid: number | null; loss: number; mean?: number; snap: ModelSnapshot } | null;
  let returnedStage = 1;
  const rollbacks: string[] = [];
  // Steps whose loss became non-finite and were taken again from the best parameters (see RECOVERY_SHRINK).
  const recovered: string[] = [];
  if (resume?.judged) {
    const saved = resume.judged;
    stages.push(...saved.stages);
    rollbacks.push(...saved.rollbacks);
    returnedStage = saved.returnedStage;
    if (saved.best) {
      const snap: ModelSnapshot = { params: Float64Array.from(saved.best.params), layers: saved.best.layers?.map((l) => ({ grid: l.grid, knots: l.knots.map((k) => Float64Array.from(k)) })) ?? null };
      const mean = saved.stages.find((o) => o.stage === saved.best!.stage && !o.rolledBack)?.validationMean;
      bestStage = { stage: saved.best.stage, grid: saved.best.grid, loss: saved.best.loss ?? Number.NaN, ...(mean === undefined ? {} : { mean }), snap };
    }
  }
  /**
   * A stage is worse than the best one when it lowers neither the robust statistic nor the plain
   * mean: one singular point (which only the mean sees) cannot veto a stage better elsewhere, and
   * a stage whose gain lies in its worst points (which only the mean sees) is kept too; a rollback
   * needs both to agree. Without a mean, the statistic alone decides.
   */
  const worseThan = (best: { loss: number; mean?: number }, loss: number, mean?: number): boolean =>
    !(loss <= best.loss) && (mean === undefined || best.mean === undefined || !(mean <= best.mean));
  const endStage = (stage: number, grid: number | null): void => {
    if (!spec.validationLoss) return;
    const { loss, mean } = spec.validationLoss();
    const worse = bestStage !== null && worseThan(bestStage, loss, mean);
    const outcome: StageOutcome = { stage: stage + 1, grid, step: totalStep, validationLoss: loss, ...(mean === undefined ? {} : { validationMean: mean }), rolledBack: worse, kept: stage + 1 };
    if (worse && bestStage) {
      restoreModel(model, bestStage.snap);
      x = readParams(model);
      lastLoss = Number.NaN; // the caller measures the restored model's loss
      forgetBest();
      outcome.kept = returnedStage = bestStage.stage;
      const g = (v: number | null): string => (v === null ? '' : ` (grid ${v})`);
      const plain = mean !== undefined && bestStage.mean !== undefined ? ` nor its plain mean (${mean.toExponential(3)} vs ${bestStage.mean.toExponential(3)})` : '';
      rollbacks.push(`stage ${stage + 1}${g(grid)} did not lower the validation loss (${loss.toExponential(3)} vs ${bestStage.loss.toExponential(3)})${plain}: rolled back to the model of stage ${bestStage.stage}${g(bestStage.grid)}`);
    } else bestStage = { stage: stage + 1, grid, loss, ...(mean === undefined ? {} : { mean }), snap: snapshotModel(model) };
    stages.push(outcome);
    spec.afterStage?.(outcome);
  };

  outer: for (let stage = resume?.stage ?? 0; stage < spec.grids.length; stage++) {
    const grid = spec.grids[stage]!;
    returnedStage = stage + 1;
    if (model.kind === 'kan' && grid !== null && grid !== model.layers[0]!.grid) {
      placeGrid(model, spec, `stage ${stage + 1} grid ${grid}`, warnings, grid);
      x = readParams(model);
      forgetBest();
    }
    // Step-size factor of this stage: divided by RECOVERY_SHRINK at each recovery from a non-finite step.
    let shrink = 1;
    let recoveries = 0;
    const makeLbfgs = (): Lbfgs => new Lbfgs({ ...options.lbfgs, lr: (options.lbfgs.lr ?? rates.lbfgs) * shrink, historySize: options.lbfgs.historySize ?? options.lbfgsHistory });
    let lbfgs = makeLbfgs();
    let adam = new Adam({ lr: rates.adam });
    // Patience: the best loss of this stage and the steps since it improved by more than minDelta.
    let plateau = { best: Infinity, since: 0 };
    let firstStep = 0;
    if (resume) {
      if (resume.adam) adam.restore(resume.adam);
      plateau = { best: resume.plateau.best ?? Infinity, since: resume.plateau.since };
      firstStep = resume.step;
      resume = undefined;
    }
    for (let step = firstStep; step < stageLength; step++) {
      const at: StepAt = { stage, stages: spec.grids.length, grid, step, stageLength, totalStep, totalSteps };
      if (spec.signal?.aborted) {
        status = 'interrupted';
        message = `interrupted at step ${totalStep}`; // the last completed step, the last row of the history
        break outer;
      }
      if (model.kind === 'kan' && options.gridUpdateEvery > 0 && (step > 0 || options.gridUpdateStart === 'update') && step % options.gridUpdateEvery === 0 && step < options.gridUpdateUntil) {
        placeGrid(model, spec, `step ${totalStep + 1}`, warnings);
        x = readParams(model);
        // 'keep' (pykan): the next step pairs the last move with the gradient after the refit, as
        // pykan's optimizer does, unaware of the update; the parameter count is unchanged.
        if (options.gridUpdateLbfgs !== 'keep') lbfgs.reset();
        forgetBest();
      }
      if (step > 0 && spec.beforeStep) {
        const done = spec.beforeStep(at);
        if (done?.evaluations) evaluations += done.evaluations;
        if (done?.objectiveChanged) {
          lbfgs.reset();
          forgetBest();
        }
      }
      const useAdam = options.optimizer === 'adam' || (options.optimizer === 'adam+lbfgs' && step < adamSteps);
      let loss = Number.NaN;
      let finite = false;
      for (;;) {
        if (useAdam) {
          const r = evaluate(x);
          loss = r.loss;
          finite = Number.isFinite(loss) && r.grad.every(Number.isFinite);
          if (finite) adam.step(x, r.grad, shrink * learningRateAt(options.schedule, rates.adam, step, options.optimizer === 'adam' ? stageLength : adamSteps));
        } else {
          const info = lbfgs.step(evaluate, x);
          loss = info.finalLoss;
          finite = info.reason !== 'nonFiniteStart' && info.reason !== 'nonFiniteLineSearch' && Number.isFinite(info.loss) && Number.isFinite(loss);
        }
        if (finite || recoveries >= MAX_RECOVERIES) break;
        // Recovery (issue 14): back to the best parameters seen (the state at the last grid update
        // or weight change when none was finite since), a fresh optimizer (no L-BFGS memory, no Adam
        // moments) and a shorter step, and the step again. On unseen-beam (KAN, k = 4) L-BFGS's line
        // search found only non-finite points along its direction at step 182 of 300, and the run
        // ended there with the remaining 118 steps unused.
        recoveries++;
        shrink /= RECOVERY_SHRINK;
        const what = spec.explainNonFinite?.() ?? '';
        x = best.x.slice();
        writeParams(model, x);
        lbfgs = makeLbfgs();
        adam = new Adam({ lr: rates.adam });
        recovered.push(`step ${totalStep + 1}${what ? ` (${what})` : ''}`);
      }
      if (!finite) {
        const what = spec.explainNonFinite?.() ?? '';
        status = 'diverged';
        message = `the loss became non-finite during step ${totalStep + 1}${what ? ` (${what})` : ''}`;
        break outer;
      }
      writeParams(model, x);
      lastLoss = loss;
      totalStep++;
      const relL2 = spec.afterStep(at, loss, evaluations);
      // Let signals (Ctrl-C) and timers run between steps.
      if (totalStep % 5 === 0) await new Promise((resolve) => setTimeout(resolve, 0));
      if (options.targetLoss !== null && loss <= options.targetLoss) {
        stoppedBy = 'targetLoss';
        message = `stopped at step ${totalStep}: the loss ${loss.toExponential(3)} reached the target loss ${options.targetLoss}`;
        break outer;
      }
      if (options.targetRelL2 != null && typeof relL2 === 'number' && relL2 <= options.targetRelL2) {
        stoppedBy = 'targetRelL2';
        message = `stopped at step ${totalStep}: rel. L2 ${relL2.toExponential(3)} reached the target ${options.targetRelL2}`;
        break outer;
      }
      if (options.patience > 0) {
        if (plateau.best === Infinity || loss < plateau.best * (1 - options.minDelta)) plateau = { best: loss, since: 0 };
        else if (++plateau.since >= options.patience && step < stageLength - 1) {
          stoppedBy = 'patience';
          stops.push(`stage ${stage + 1} ended at step ${totalStep}: no improvement of the loss by more than ${options.minDelta * 100}% in ${options.patience} steps`);
          break;
        }
      }
      if (spec.checkpoint && spec.checkpoint.every > 0 && totalStep % spec.checkpoint.every === 0) {
        const finiteOrNull = (v: number): number | null => (Number.isFinite(v) ? v : null);
        await spec.checkpoint.save({
          stage,
          step: step + 1,
          totalStep,
          evaluations,
          x: Array.from(x),
          adam: adam.steps > 0 ? adam.state() : null,
          best: { loss: finiteOrNull(best.loss), x: Array.from(best.x), step: best.step },
          plateau: { best: finiteOrNull(plateau.best), since: plateau.since },
          judged: {
            stages: stages.map((o) => ({ ...o })),
            rollbacks: rollbacks.slice(),
            returnedStage,
            best: bestStage
              ? { stage: bestStage.stage, grid: bestStage.grid, loss: finiteOrNull(bestStage.loss), params: Array.from(bestStage.snap.params), layers: bestStage.snap.layers?.map((l) => ({ grid: l.grid, knots: l.knots.map((k) => Array.from(k)) })) ?? null }
              : null,
          },
        });
      }
    }
    endStage(stage, grid);
  }
  if (status === 'completed' && stoppedBy === 'patience') message = ['completed', ...stops].join('; ');
  if (rollbacks.length) message = [message, ...rollbacks].join('; ');
  if (recovered.length) {
    const note = `the loss became non-finite during ${recovered.join(', ')}: restarted from the best parameters seen with a fresh optimizer and a ${RECOVERY_SHRINK}× shorter step each time`;
    // A completed run says it in its message; a diverged one keeps its message and warns.
    if (status === 'completed') message = `${message}; ${note}`;
    else warnings.push(note);
  }

  if (status !== 'completed') {
    writeParams(model, best.x);
    if (best.loss < Infinity) {
      lastLoss = best.loss;
      message += `; kept the best parameters seen, from step ${best.step} (loss ${best.loss.toExponential(3)})`;
    } else {
      lastLoss = Number.NaN;
      message += best.step === 0 ? '; no finite loss was seen, kept the initial parameters' : `; no finite loss was seen since step ${best.step}, kept the parameters of then`;
    }
    // Stopped mid-stage: an earlier stage's model is returned when it does better on the validation set.
    if (spec.validationLoss && bestStage && bestStage.stage !== returnedStage) {
      const { loss, mean } = spec.validationLoss();
      if (worseThan(bestStage, loss, mean)) {
        restoreModel(model, bestStage.snap);
        lastLoss = Number.NaN; // the caller measures the restored model's loss
        message += `; returned the model of stage ${bestStage.stage}${bestStage.grid === null ? '' : ` (grid ${bestStage.grid})`} instead, lower on the validation set (${bestStage.loss.toExponential(3)} vs ${loss.toExponential(3)})`;
        returnedStage = bestStage.stage;
      }
    }
  }
  return { status, message, steps: totalStep, totalSteps, evaluations, loss: lastLoss, warnings, stoppedBy: status === 'completed' ? stoppedBy : null, stages, returnedStage };
}
