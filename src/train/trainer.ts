/**
 * The PINN trainer: minimises Σ_terms w·mean(residual²) over the model's parameters in the shared
 * optimisation loop (`./loop.ts`: stages, grid updates, Adam and/or L-BFGS, stop rules), and adds
 * what is PINN-specific: sampled points per term (grid updates follow the interior points),
 * resampling, residual-based refinement, weight annealing, causal weighting, metrics on the test set
 * at intervals. It never prints: progress goes to callbacks.
 */
import * as tf from '../tf.js';
import { backendName } from '../backend.js';
import { KanpinnInputError } from '../errors.js';
import type { Model } from '../createModel.js';
import { withoutImposedTerms } from '../architecture/choose.js';
import type { Problem, TermPoints } from '../problem/types.js';
import { createRng, type Rng } from '../random.js';
import type { LbfgsOptions } from './lbfgs.js';
import { optimize, stagePlan, type LoopResult, type PointSet, type StageOutcome, type StopRule } from './loop.js';
import { annealWeights } from './annealing.js';
import { balanceWeights } from './balancing.js';
import { accuracy, type Accuracy } from './metrics.js';
import { flattenGrads, readParams, trainableVariables, writeParams } from './params.js';
import { checkOptions, TRAINING_DEFAULTS, type TrainingOptions } from '../options/training.js';
import { setThreads } from '../engine/pool.js';
import { setKanKernel } from '../computePath.js';
import { jetDescription, setJetChoice } from './forwardLaplacian.js';
import { buildTermData, causalBins, disposeTermData, termLosses, termScope, type TermData } from './termData.js';
import { resolveTermWeights } from '../problem/weights.js';
import { nextCausalEpsilon } from './causalSchedule.js';
import { radPoints } from './rad.js';
import { splineDegreeWarnings } from '../problem/warnings.js';
import type { TrainCheckpoint } from './checkpoint.js';
import { attachInferred, parameterResults, type ParameterResult } from './inferParams.js';
import { backendHeapBytes, buildChunks, chooseChunkPoints, chunkedResidual, disposeChunks, evaluateChunks, type ChunkedTerms } from './chunking.js';
import { validationMeasure } from './validation.js';

export type { OptimizerName } from '../options/training.js';

/** Options of `train`: the training options (see `./options.ts`) plus what only a library caller passes. */
export interface TrainOptions extends TrainingOptions {
  /** L-BFGS settings beyond `lbfgsHistory` and the learning rate (tolerances, iterations per step). */
  lbfgs: Partial<LbfgsOptions>;
  /** Extra loss term added to the total inside the objective (e.g. `sparsityRegularizer`), at all training points; recorded as history column `reg`. */
  regularization?: (model: Model, points: Float32Array, count: number) => tf.Scalar;
  /** Called after every step with its progress (the CLI draws its bar from it). */
  onProgress?: (event: ProgressEvent) => void;
  /** Called every `checkpointEvery` steps with the state to save (`checkpointFiles` turns it into files); awaited. */
  checkpoint?: (state: TrainCheckpoint) => void | Promise<void>;
  /** Continue a run from a saved state (the model must hold that run's parameters): history, weights, Adam moments and step counters go on. */
  resume?: TrainCheckpoint;
  signal?: AbortSignal;
}

/** `TRAINING_DEFAULTS` and no extra L-BFGS settings. */
export const TRAIN_DEFAULTS: Readonly<TrainOptions> = Object.freeze({ ...TRAINING_DEFAULTS, lbfgs: {} });

/** What `onProgress` gets after each step: stage (from 0), step within the stage and overall (from 1), loss and rel. L2. */
export interface ProgressEvent {
  stage: number;
  stages: number;
  grid: number | null;
  step: number;
  stepsInStage: number;
  totalStep: number;
  totalSteps: number;
  loss: number;
  relL2: number | null;
  evaluations: number;
  seconds: number;
}

/** How a run ended: all steps done, stopped on a non-finite loss, or stopped by the abort signal. */
export type TrainStatus = 'completed' | 'diverged' | 'interrupted';

/** What `train` returns: status and message, final loss and terms, accuracy on the test set, and the history table. */
export interface TrainResult {
  status: TrainStatus;
  message: string;
  backend: string;
  steps: number;
  evaluations: number;
  seconds: number;
  loss: number;
  terms: Record<string, number>;
  weights: Record<string, number>;
  accuracy: Accuracy | null;
  params: number;
  history: { columns: string[]; rows: number[][] };
  warnings: string[];
  /** The early-stopping rule that ended a completed run (`patience`: it ended at least one stage early), else null. */
  stoppedBy: StopRule;
  /**
   * The stage (from 1) whose model is returned: with several stages, the best one on the validation
   * set (a later stage that did not lower its loss was rolled back), else the last one run.
   */
  returnedStage: number;
  /** Per stage, with several stages: the validation loss at its end and whether it was rolled back (empty with one stage). */
  stages: StageOutcome[];
  /** An inverse problem's parameters (`infer`): final value, and error against the truth when given; absent otherwise. */
  parameters?: Record<string, ParameterResult>;
  /** Points per term in each chunk of an evaluation, when the evaluations were chunked (`chunkPoints`, src/train/chunking.ts); absent otherwise. */
  chunkPoints?: number;
  /** The jets of the loss terms at the end: `plain`, or `forward Laplacian on pde (5 -> 4 channels)` (`jet`, src/train/forwardLaplacian.ts). */
  jet?: string;
}

/** Checks what the options schema cannot: the options against this problem and model. */
function validate(options: TrainOptions, problem: Problem, model: Model): void {
  if (options.causal > 0 && !problem.time) throw new KanpinnInputError(`causal: problem ${problem.name} has no time variable; causal weighting needs "time": [t0, t1]`);
  if (options.causalMax > 0 && options.causal === 0) throw new KanpinnInputError(`causalMax: the ε schedule raises the causal weighting's ε from causal (--causal EPS), which is 0 (off)`);
  if (options.resample === 'rad' && options.resampleEvery === 0) throw new KanpinnInputError(`resample: rad redraws the PDE points every resampleEvery steps (--resample-every N), which is 0 (never)`);
  if (model.inputs.length !== problem.variables.length) {
    throw new KanpinnInputError(`model: has ${model.inputs.length} inputs but problem ${problem.name} has variables ${problem.variables.join(', ')}`);
  }
  resolveTermWeights(problem.terms, options.weights);
}

/** Number of points for a term from the options, else the problem's defaults. */
function pointCount(problem: Problem, options: TrainOptions, region: string): number {
  if (region === 'interior') return options.points ?? problem.defaults.interiorPoints;
  return options.boundaryPoints ?? problem.defaults.boundaryPoints;
}

function samplePoints(problem: Problem, options: TrainOptions, rng: Rng): TermPoints[] {
  const method = options.sampling ?? problem.defaults.method ?? 'sobol';
  return problem.terms.map((term) => term.sample(pointCount(problem, options, term.region), rng, method));
}

function concatPoints(sets: TermPoints[], dim: number): { coords: Float32Array; count: number } {
  const count = sets.reduce((n, p) => n + p.count, 0);
  const coords = new Float32Array(count * dim);
  let offset = 0;
  for (const p of sets) {
    coords.set(p.coords.subarray(0, p.count * dim), offset);
    offset += p.count * dim;
  }
  return { coords, count };
}

/**
 * Samples for grid updates: knots follow the interior (PDE) points; boundary, initial and data
 * points only widen the range the grid covers (clustered on faces such as t = 0, they would pull
 * knots together and let the spline jump between a face and the interior).
 */
function gridSamples(data: TermData[], dim: number): { points: PointSet; range: PointSet } {
  const inner = data.filter((d) => d.term.region === 'interior').map((d) => d.points);
  const outer = data.filter((d) => d.term.region !== 'interior').map((d) => d.points);
  return { points: concatPoints(inner.length ? inner : outer, dim), range: concatPoints(outer, dim) };
}

/** Merges extra points into a term's point set (residual-based refinement). */
function appendPoints(a: TermPoints, b: TermPoints, dim: number): TermPoints {
  const coords = new Float32Array((a.count + b.count) * dim);
  coords.set(a.coords.subarray(0, a.count * dim));
  coords.set(b.coords.subarray(0, b.count * dim), a.count * dim);
  const merged: TermPoints = { coords, count: a.count + b.count };
  if (a.extra && b.extra) {
    merged.extra = Object.fromEntries(
      Object.entries(a.extra).map(([k, v]) => {
        const w = new Float32Array(a.count + b.count);
        w.set(v.subarray(0, a.count));
        w.set(b.extra![k]!.subarray(0, b.count), a.count);
        return [k, w];
      }),
    );
  }
  return merged;
}

/**
 * Trains `model` on `problem` in place and returns the result: the PINN objective (weighted mean
 * squared residuals of the problem's terms at sampled points) in the shared loop (`./loop.ts`), with
 * resampling, residual-based refinement and weight annealing between steps. Stops early on a
 * non-finite loss (best parameters restored) or when `signal` aborts; the result says which.
 */
export async function train(given: Problem, model: Model, partial: Partial<TrainOptions> = {}): Promise<TrainResult> {
  const options: TrainOptions = { ...TRAIN_DEFAULTS, ...checkOptions(partial) };
  if (options.threads !== null) setThreads(options.threads);
  if (options.kanKernel !== null) setKanKernel(options.kanKernel);
  if (options.jet !== null) setJetChoice(options.jet);
  validate(options, given, model);
  // An inverse problem's parameters train with the model's variables (created here for a fresh model).
  attachInferred(model, given);
  // Terms the model satisfies exactly (hard constraints, a periodic embedding) are left out of the loss.
  const imposes = model.transforms.imposes;
  const problem = withoutImposedTerms(given, imposes);
  options.weights = Object.fromEntries(Object.entries(options.weights).filter(([name]) => !imposes.includes(name)));
  const resume = options.resume;
  const start = performance.now() - (resume?.seconds ?? 0) * 1000;
  const seconds = (): number => (performance.now() - start) / 1000;
  const rng = createRng(options.seed);
  const dim = problem.variables.length;
  // Said before training: a KAN whose spline degree is below the PDE's derivative order.
  const warnings = [...(model.kind === 'kan' ? splineDegreeWarnings(problem, model.options.k) : []), ...(problem.inferred?.warnings ?? [])];
  let weights = resolveTermWeights(problem.terms, options.weights);
  if (resume) {
    if (resume.weights.length !== weights.length) throw new KanpinnInputError(`resume: the checkpoint has ${resume.weights.length} term weights but problem ${problem.name} has ${weights.length} terms`);
    weights = resume.weights.slice();
    if (options.optimizer !== 'adam') warnings.push(`resumed at step ${resume.loop.totalStep}: the L-BFGS memory is not saved and restarts empty (Adam moments and step counters continue)`);
    if (options.resampleEvery > 0 || options.refineEvery > 0) warnings.push(`resumed at step ${resume.loop.totalStep}: the points are drawn again from the seed, so resampling and refinement differ from an uninterrupted run`);
    if (options.causalMax > 0) warnings.push(`resumed at step ${resume.loop.totalStep}: the causal ε schedule is not saved and starts again at ε = ${options.causal}`);
  }
  const termNames = problem.terms.map((t) => t.name);
  // With several unknowns, each one's rel. L2 too (the pooled one is dominated by the largest).
  const ownErrors = problem.unknowns.length > 1 ? problem.unknowns : [];
  // The trajectory of each parameter to infer, one history column each.
  const inferNames = model.inferred?.declared.map((p) => p.name) ?? [];
  const plan = stagePlan(model, options, options.grids);
  // With several stages: the validation loss at each stage's end and whether the stage was rolled back.
  const judged = plan.grids.length > 1 && options.stageSelect === 'validation';
  const columns = ['step', 'stage', 'grid', 'evaluations', 'seconds', 'loss', ...termNames.map((n) => `loss:${n}`), 'relL2', 'maxAbsErr', ...ownErrors.map((u) => `relL2:${u}`), ...inferNames.map((n) => `param:${n}`), ...(options.regularization ? ['reg'] : []), ...(options.causalMax > 0 ? ['causalEps'] : []), ...(judged ? ['valLoss', 'rolledBack'] : [])];
  if (resume && resume.history.columns.join(',') !== columns.join(',')) {
    throw new KanpinnInputError(`resume: the checkpoint's history columns (${resume.history.columns.join(',')}) differ from this run's (${columns.join(',')})`);
  }
  const rows: number[][] = resume ? resume.history.rows.map((r) => r.slice()) : [];
  const test = problem.testSet ? problem.testSet() : undefined;

  let data: TermData[] = [];
  // The causal weighting's ε, raised between steps by its schedule (causalSchedule.ts) when causalMax > 0.
  let causalEpsilon = options.causal;
  // All training points in one array for the regulariser, rebuilt only when the points change.
  let regPoints: { coords: Float32Array; count: number } | null = null;
  // Chunked evaluation (chunking.ts) when one evaluation would need more memory than the budget;
  // null: the plain path below, unchanged. A KAN is sized at the largest grid of its schedule.
  let chunked: ChunkedTerms | null = null;
  let chunkPoints: number | undefined;
  const largestGrid = Math.max(0, ...plan.grids.map((g) => g ?? 0)) || undefined;
  const chunkFor = (set: TermData[]): ChunkedTerms | null => {
    const size = chooseChunkPoints(model, set, options, backendHeapBytes(backendName(), model), largestGrid).size;
    return size === null ? null : buildChunks(problem, model, set, size);
  };
  const setPoints = (points: TermPoints[]): void => {
    data.forEach(disposeTermData);
    if (chunked) disposeChunks(chunked);
    data = points.map((p, i) => {
      const d = buildTermData(problem, model, problem.terms[i]!, p);
      if (options.causal > 0 && problem.time && d.term.kind === 'pde') {
        d.causal = causalBins(p, dim, dim - 1, problem.time, causalEpsilon, options.causalBins);
      }
      return d;
    });
    chunked = chunkFor(data);
    if (chunked) chunkPoints = chunked.size;
    regPoints = options.regularization ? concatPoints(points, dim) : null;
  };
  setPoints(samplePoints(problem, options, rng));

  let lastTerms = new Float64Array(problem.terms.length);
  let lastReg = NaN;
  /** Loss and gradient at x; not counted here (the loop counts the evaluations it asks for). */
  const objective = (x: Float64Array): { loss: number; grad: Float64Array } => {
    writeParams(model, x);
    if (chunked) {
      const reg = options.regularization && regPoints ? (): tf.Scalar => options.regularization!(model, regPoints!.coords, regPoints!.count) : undefined;
      const value = evaluateChunks(model, chunked, data, weights, { gradient: true, ...(reg ? { regularization: reg } : {}) });
      lastTerms = Float64Array.from(value.terms);
      if (reg) lastReg = value.reg;
      return { loss: value.loss, grad: value.grad! };
    }
    const out = tf.tidy(() => {
      let terms: tf.Tensor1D | undefined;
      let reg: tf.Scalar | undefined;
      const { value, grads } = tf.variableGrads(() => {
        const losses = termLosses(model, data, weights);
        terms = tf.keep(losses.terms);
        if (!options.regularization || !regPoints) return losses.total;
        reg = tf.keep(options.regularization(model, regPoints.coords, regPoints.count));
        return tf.add(losses.total, reg) as tf.Scalar;
      }, trainableVariables(model));
      return { value, grads, terms: terms!, reg };
    });
    lastTerms = Float64Array.from(out.terms.dataSync());
    if (out.reg) lastReg = out.reg.dataSync()[0]!;
    const result = { loss: out.value.dataSync()[0]!, grad: flattenGrads(model, out.grads) };
    tf.dispose([out.value, out.terms, ...(out.reg ? [out.reg] : []), ...Object.values(out.grads)]);
    return result;
  };

  let latest = null as Accuracy | null;
  // Validation residual set (several stages only): fixed, seeded apart from the training points,
  // random (training defaults to Sobol), as many per term as the training's; weighted by the initial
  // weights, so that stages are compared on one measure even when annealing moves the weights.
  const validation = judged ? validationSet(problem, model, options) : null;
  const validationChunks = validation ? chunkFor(validation) : null;
  // Loss balancing starts balanced: before the first step the weights take λ̂ itself (no
  // history to average with yet; the loop asks for the averaged updates every balanceEvery steps),
  // and the validation set weighs its terms with these, so stages are judged on a balanced measure.
  // With chunked evaluations the terms' gradients come chunk by chunk as well (annealing; balancing's
  // traces take one point at a time).
  const termGradient = (unit: number[]): Float64Array => evaluateChunks(model, chunked!, data, unit, { gradient: true }).grad!;
  if (options.balanceEvery > 0 && !resume) weights = balanceWeights(model, data, weights, 0, options.balanceRule, chunked ? termGradient : undefined);
  const validationWeights = weights.slice();
  const valColumn = columns.indexOf('valLoss');
  let loop: LoopResult;
  try {
    loop = await optimize(
      {
        model,
        options,
        grids: plan.grids,
        objective,
        gridPoints: () => gridSamples(data, dim),
        beforeStep: ({ step }) => {
          let objectiveChanged = false;
          let evaluations = 0;
          // Each step's first evaluation sets the causal weights its line search keeps (termData.ts).
          for (const d of data) if (d.causal) d.causal.frozen = undefined;
          if (options.causalMax > 0) {
            // The last bin's weight at the last evaluation (the smallest): every bin resolved at this ε, raise it.
            const last = Math.min(...data.map((d) => d.causal?.lastWeight ?? Infinity));
            const next = nextCausalEpsilon(causalEpsilon, last, { threshold: options.causalThreshold, max: options.causalMax });
            if (next !== causalEpsilon) {
              causalEpsilon = next;
              for (const d of data) if (d.causal) d.causal.epsilon = next;
              objectiveChanged = true;
            }
          }
          if (options.resampleEvery > 0 && step % options.resampleEvery === 0) {
            setPoints(options.resample === 'rad' ? radResample(problem, model, options, rng, data, chunked?.size) : samplePoints(problem, options, rng));
            objectiveChanged = true;
          }
          if (options.refineEvery > 0 && step % options.refineEvery === 0) {
            refineByResidual(problem, model, options, rng, data, setPoints);
            objectiveChanged = true;
          }
          if (options.balanceEvery > 0 && step % options.balanceEvery === 0) {
            weights = balanceWeights(model, data, weights, options.balanceAlpha, options.balanceRule, chunked ? termGradient : undefined);
            evaluations += data.length;
            objectiveChanged = true;
          }
          if (options.annealEvery > 0 && step % options.annealEvery === 0) {
            weights = annealWeights(model, data, weights, options.annealAlpha, chunked ? termGradient : undefined);
            evaluations += data.length;
            objectiveChanged = true;
          }
          return { objectiveChanged, evaluations };
        },
        afterStep: (at, loss, evaluations) => {
          const totalStep = at.totalStep + 1;
          const measure = options.evalEvery > 0 && (totalStep % options.evalEvery === 0 || at.step === at.stageLength - 1);
          if (measure && test) latest = accuracy(model, test);
          const metrics = [measure && latest ? latest.relL2 : NaN, measure && latest ? latest.maxAbsErr : NaN, ...ownErrors.map((u) => (measure && latest ? latest.unknowns[u]?.relL2 ?? NaN : NaN))];
          // Stages count from 1 in the history, as on the progress bar.
          const inferred = model.inferred?.values() ?? {};
          rows.push([totalStep, at.stage + 1, at.grid ?? NaN, evaluations, seconds(), loss, ...lastTerms, ...metrics, ...inferNames.map((n) => inferred[n]!), ...(options.regularization ? [lastReg] : []), ...(options.causalMax > 0 ? [causalEpsilon] : []), ...(validation ? [NaN, NaN] : [])]);
          options.onProgress?.({
            stage: at.stage,
            stages: at.stages,
            grid: at.grid,
            step: at.step + 1,
            stepsInStage: at.stageLength,
            totalStep,
            totalSteps: at.totalSteps,
            loss,
            relL2: latest?.relL2 ?? null,
            evaluations,
            seconds: seconds(),
          });
          return measure && latest ? latest.relL2 : null;
        },
        ...(validation
          ? {
              // Each term's mean trimmed of its worst points and the plain mean (validation.ts): a stage lowering neither is rolled back.
              validationLoss: () => validationMeasure(model, validation, validationWeights, validationChunks),
              afterStage: (outcome: StageOutcome) => {
                // On the stage's last history row (the validation columns are empty elsewhere).
                const row = rows[rows.length - 1];
                if (!row || row[0] !== outcome.step) return;
                row[valColumn] = outcome.validationLoss;
                row[valColumn + 1] = outcome.rolledBack ? 1 : 0;
              },
            }
          : {}),
        explainNonFinite: () => {
          const bad = termNames.filter((_, i) => !Number.isFinite(lastTerms[i]!));
          return bad.length ? `term ${bad.join(', ')}` : 'total loss';
        },
        signal: options.signal,
        resume: resume?.loop,
        checkpoint: options.checkpoint && options.checkpointEvery > 0 ? { every: options.checkpointEvery, save: (loop) => options.checkpoint!({ loop, history: { columns, rows }, weights: Array.from(weights), seconds: seconds() }) } : undefined,
      },
      plan.stepsPerStage,
      plan.adamSteps,
    );
  } catch (error) {
    data.forEach(disposeTermData);
    validation?.forEach(disposeTermData);
    if (chunked) disposeChunks(chunked);
    if (validationChunks) disposeChunks(validationChunks);
    throw error;
  }
  validation?.forEach(disposeTermData);
  if (validationChunks) disposeChunks(validationChunks);

  const final = test ? accuracy(model, test) : null;
  // The loss and its terms at the final parameters (a measurement for the result, not an optimizer
  // evaluation): after Adam the last step's loss was measured before its update.
  const finalLoss = objective(readParams(model)).loss;
  const result: TrainResult = {
    status: loop.status,
    message: loop.message,
    backend: backendName(),
    steps: loop.steps,
    evaluations: loop.evaluations,
    seconds: seconds(),
    loss: Number.isFinite(finalLoss) ? finalLoss : lastTerms.reduce((s, v, i) => s + v * weights[i]!, 0),
    terms: Object.fromEntries(termNames.map((n, i) => [n, lastTerms[i]!])),
    weights: Object.fromEntries(termNames.map((n, i) => [n, weights[i]!])),
    accuracy: final,
    params: model.paramCount(),
    history: { columns, rows },
    warnings: [...warnings, ...loop.warnings],
    stoppedBy: loop.stoppedBy,
    returnedStage: loop.returnedStage,
    stages: loop.stages,
  };
  if (model.inferred) result.parameters = parameterResults(model);
  if (chunkPoints !== undefined) result.chunkPoints = chunkPoints;
  result.jet = jetDescription(model, data);
  data.forEach(disposeTermData);
  if (chunked) disposeChunks(chunked);
  return result;
}

/** The validation residual set: every term's points, drawn at random from a generator of its own seed. */
function validationSet(problem: Problem, model: Model, options: TrainOptions): TermData[] {
  // A seed apart from the training's (which draws from createRng(seed)), fixed for a given seed.
  const rng = createRng((options.seed ^ 0x5bd1e995) >>> 0);
  return problem.terms.map((term) => buildTermData(problem, model, term, term.sample(pointCount(problem, options, term.region), rng, 'random')));
}

/**
 * Redraws every term's points: the PDE terms' by their residual density (RAD, `rad.ts`), from
 * uniform candidates (their residuals in pieces of `chunk` points when given); the other terms'
 * with the sampling method, as `samplePoints`.
 */
function radResample(problem: Problem, model: Model, options: TrainOptions, rng: Rng, data: TermData[], chunk?: number): TermPoints[] {
  const method = options.sampling ?? problem.defaults.method ?? 'sobol';
  const dim = problem.variables.length;
  return data.map((d) => {
    const count = pointCount(problem, options, d.term.region);
    if (d.term.kind !== 'pde') return d.term.sample(count, rng, method);
    const residualAt = (candidates: TermPoints): Float32Array => {
      // Ten candidates per point: in pieces of the training's chunk size when it is chunked.
      if (chunk !== undefined) return chunkedResidual(problem, model, d.term, candidates, chunk);
      const probe = buildTermData(problem, model, d.term, candidates);
      const residual = tf.tidy(() => d.term.residual(termScope(model, probe)).dataSync() as Float32Array);
      disposeTermData(probe);
      return residual;
    };
    return radPoints((n) => d.term.sample(n, rng, 'random'), residualAt, count, dim, rng);
  });
}

/** Adds, per PDE term, the candidate points of largest |residual| (RAR, Lu et al. 2021). */
function refineByResidual(problem: Problem, model: Model, options: TrainOptions, rng: Rng, data: TermData[], setPoints: (p: TermPoints[]) => void): void {
  const dim = problem.variables.length;
  const next = data.map((d) => {
    if (d.term.kind !== 'pde') return d.points;
    const candidates = d.term.sample(Math.max(10 * options.refineAdd, 1000), rng, 'random');
    const probe = buildTermData(problem, model, d.term, candidates);
    const residual = tf.tidy(() => tf.abs(d.term.residual(termScope(model, probe))).dataSync() as Float32Array);
    disposeTermData(probe);
    const order = Array.from(residual.keys()).sort((a, b) => residual[b]! - residual[a]!).slice(0, options.refineAdd);
    const picked: TermPoints = { coords: new Float32Array(order.length * dim), count: order.length };
    order.forEach((src, n) => picked.coords.set(candidates.coords.subarray(src * dim, (src + 1) * dim), n * dim));
    if (candidates.extra) picked.extra = Object.fromEntries(Object.entries(candidates.extra).map(([k, v]) => [k, Float32Array.from(order, (src) => v[src]!)]));
    return appendPoints(d.points, picked, dim);
  });
  setPoints(next);
}
