/**
 * The PINN trainer: minimises Σ_terms w·mean(residual²) over the model's parameters with Adam
 * and/or L-BFGS, stage by stage over a grid-extension schedule (KAN), with grid updates from the
 * current activations of all training points early in each stage (pykan: every 5 steps while
 * step < 50), optional point
 * resampling and residual-based refinement, metrics at intervals, and a guard that stops on a
 * non-finite loss with the best parameters restored. It never prints: progress goes to callbacks.
 */
import * as tf from '@tensorflow/tfjs';
import { backendName } from '../backend.js';
import { KanpinnInputError } from '../errors.js';
import { updateGrid } from '../kan/gridUpdate.js';
import type { KanModel } from '../kan/model.js';
import type { Model } from '../createModel.js';
import type { Problem, TermPoints } from '../problem/types.js';
import { createRng, type Rng } from '../random.js';
import { Adam } from './adam.js';
import { Lbfgs, type LbfgsOptions } from './lbfgs.js';
import { annealWeights } from './annealing.js';
import { accuracy, type Accuracy } from './metrics.js';
import { flattenGrads, readParams, writeParams } from './params.js';
import { checkOptions, learningRates, TRAINING_DEFAULTS, type TrainingOptions } from './options.js';
import { learningRateAt } from './schedule.js';
import { buildTermData, causalBins, disposeTermData, termLosses, termScope, type TermData } from './termData.js';
import { resolveTermWeights } from '../problem/weights.js';
import { splineDegreeWarnings } from '../problem/warnings.js';

export type { OptimizerName } from './options.js';

/** Options of `train`: the training options (see `./options.ts`) plus what only a library caller passes. */
export interface TrainOptions extends TrainingOptions {
  /** L-BFGS settings beyond `lbfgsHistory` and the learning rate (tolerances, iterations per step). */
  lbfgs: Partial<LbfgsOptions>;
  /** Extra loss term added to the total inside the objective (e.g. `sparsityRegularizer`), at all training points; recorded as history column `reg`. */
  regularization?: (model: Model, points: Float32Array, count: number) => tf.Scalar;
  onProgress?: (event: ProgressEvent) => void;
  signal?: AbortSignal;
}

/** `TRAINING_DEFAULTS` and no extra L-BFGS settings. */
export const TRAIN_DEFAULTS: Readonly<TrainOptions> = Object.freeze({ ...TRAINING_DEFAULTS, lbfgs: {} });

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

export type TrainStatus = 'completed' | 'diverged' | 'interrupted';

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
}

/** Checks what the options schema cannot: the options against this problem and model. */
function validate(options: TrainOptions, problem: Problem, model: Model): void {
  if (options.causal > 0 && !problem.time) throw new KanpinnInputError(`causal: problem ${problem.name} has no time variable; causal weighting needs "time": [t0, t1]`);
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
function gridSamples(data: TermData[], dim: number): { interior: { coords: Float32Array; count: number }; rest: { coords: Float32Array; count: number } } {
  const inner = data.filter((d) => d.term.region === 'interior').map((d) => d.points);
  const outer = data.filter((d) => d.term.region !== 'interior').map((d) => d.points);
  return { interior: concatPoints(inner.length ? inner : outer, dim), rest: concatPoints(outer, dim) };
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
 * Trains `model` on `problem` in place and returns the result. Stops early on a non-finite loss
 * (best parameters restored) or when `signal` aborts; the result says which.
 */
export async function train(problem: Problem, model: Model, partial: Partial<TrainOptions> = {}): Promise<TrainResult> {
  const options: TrainOptions = { ...TRAIN_DEFAULTS, ...checkOptions(partial) };
  validate(options, problem, model);
  const rates = learningRates(options);
  const start = performance.now();
  const seconds = (): number => (performance.now() - start) / 1000;
  const rng = createRng(options.seed);
  const warnings: string[] = [];
  const isKan = model.kind === 'kan';
  if (isKan) warnings.push(...splineDegreeWarnings(problem, (model as KanModel).options.k));
  const grids = isKan ? (options.grids ?? [(model as KanModel).layers[0]!.grid]) : [null];
  const stepsPerStage = isKan ? options.steps : options.steps * (options.grids?.length ?? 1);
  const adamSteps = options.optimizer === 'adam+lbfgs' ? (isKan ? options.adamSteps : options.adamSteps * (options.grids?.length ?? 1)) : 0;
  const stageLength = stepsPerStage + adamSteps;
  const totalSteps = stageLength * grids.length;
  let weights = resolveTermWeights(problem.terms, options.weights);
  const termNames = problem.terms.map((t) => t.name);
  // With several unknowns, each one's rel. L2 too (the pooled one is dominated by the largest).
  const ownErrors = problem.unknowns.length > 1 ? problem.unknowns : [];
  const columns = ['step', 'stage', 'grid', 'evaluations', 'seconds', 'loss', ...termNames.map((n) => `loss:${n}`), 'relL2', 'maxAbsErr', ...ownErrors.map((u) => `relL2:${u}`), ...(options.regularization ? ['reg'] : [])];
  const rows: number[][] = [];
  const test = problem.testSet ? problem.testSet() : undefined;

  let data: TermData[] = [];
  // All training points in one array for the regulariser, rebuilt only when the points change.
  let regPoints: { coords: Float32Array; count: number } | null = null;
  const setPoints = (points: TermPoints[]): void => {
    data.forEach(disposeTermData);
    data = points.map((p, i) => {
      const d = buildTermData(problem, model, problem.terms[i]!, p);
      if (options.causal > 0 && problem.time && d.term.kind === 'pde') {
        const dim = problem.variables.length;
        d.causal = causalBins(p, dim, dim - 1, problem.time, options.causal, options.causalBins);
      }
      return d;
    });
    regPoints = options.regularization ? concatPoints(points, problem.variables.length) : null;
  };
  setPoints(samplePoints(problem, options, rng));

  let evaluations = 0;
  let lastTerms = new Float64Array(problem.terms.length);
  let lastReg = NaN;
  const objective = (x: Float64Array): { loss: number; grad: Float64Array } => {
    writeParams(model, x);
    evaluations++;
    const out = tf.tidy(() => {
      let terms: tf.Tensor1D | undefined;
      let reg: tf.Scalar | undefined;
      const { value, grads } = tf.variableGrads(() => {
        const losses = termLosses(model, data, weights);
        terms = tf.keep(losses.terms);
        if (!options.regularization || !regPoints) return losses.total;
        reg = tf.keep(options.regularization(model, regPoints.coords, regPoints.count));
        return tf.add(losses.total, reg) as tf.Scalar;
      }, model.variables());
      return { value, grads, terms: terms!, reg };
    });
    lastTerms = Float64Array.from(out.terms.dataSync());
    if (out.reg) lastReg = out.reg.dataSync()[0]!;
    const result = { loss: out.value.dataSync()[0]!, grad: flattenGrads(model, out.grads) };
    tf.dispose([out.value, out.terms, ...(out.reg ? [out.reg] : []), ...Object.values(out.grads)]);
    return result;
  };

  let x = readParams(model);
  let best = { loss: Infinity, x: x.slice(), step: 0 };
  let status: TrainStatus = 'completed';
  let message = 'completed';
  let totalStep = 0;
  let loss = NaN;
  let latest = null as Accuracy | null;

  const record = (stage: number, grid: number | null, withMetrics: boolean): void => {
    if (withMetrics && test) latest = accuracy(model, test);
    rows.push([totalStep, stage, grid ?? NaN, evaluations, seconds(), loss, ...lastTerms, withMetrics && latest ? latest.relL2 : NaN, withMetrics && latest ? latest.maxAbsErr : NaN, ...ownErrors.map((u) => (withMetrics && latest ? latest.unknowns[u]?.relL2 ?? NaN : NaN)), ...(options.regularization ? [lastReg] : [])]);
  };
  const badTerms = (): string => termNames.filter((_, i) => !Number.isFinite(lastTerms[i]!)).join(', ') || 'total';

  outer: for (let stage = 0; stage < grids.length; stage++) {
    const grid = grids[stage]!;
    if (isKan && grid !== null && grid !== (model as KanModel).layers[0]!.grid) {
      const { interior, rest } = gridSamples(data, problem.variables.length);
      const reports = updateGrid(model as KanModel, interior.coords, interior.count, grid, {}, rest);
      for (const r of reports.flat()) if (r.warning) warnings.push(`stage ${stage} grid ${grid}: ${r.warning}`);
      x = readParams(model);
      best = { loss: Infinity, x: x.slice(), step: totalStep };
    }
    const lbfgs = new Lbfgs({ lr: rates.lbfgs, historySize: options.lbfgsHistory, ...options.lbfgs });
    const adam = new Adam({ lr: rates.adam });
    for (let step = 0; step < stageLength; step++) {
      if (options.signal?.aborted) {
        status = 'interrupted';
        message = `interrupted at step ${totalStep}`;
        break outer;
      }
      if (isKan && options.gridUpdateEvery > 0 && step % options.gridUpdateEvery === 0 && step < options.gridUpdateUntil && step > 0) {
        const { interior, rest } = gridSamples(data, problem.variables.length);
        const reports = updateGrid(model as KanModel, interior.coords, interior.count, undefined, {}, rest);
        for (const r of reports.flat()) if (r.warning) warnings.push(`step ${totalStep}: ${r.warning}`);
        x = readParams(model);
        lbfgs.reset();
      }
      if (options.resampleEvery > 0 && step > 0 && step % options.resampleEvery === 0) {
        setPoints(samplePoints(problem, options, rng));
        lbfgs.reset();
      }
      if (options.refineEvery > 0 && options.refineAdd > 0 && step > 0 && step % options.refineEvery === 0) {
        refineByResidual(problem, model, options, rng, data, setPoints);
        lbfgs.reset();
      }
      if (options.annealEvery > 0 && step % options.annealEvery === 0) {
        weights = annealWeights(model, data, weights, options.annealAlpha);
        evaluations += data.length;
        lbfgs.reset();
      }
      const useAdam = options.optimizer === 'adam' || (options.optimizer === 'adam+lbfgs' && step < adamSteps);
      if (useAdam) {
        const { loss: value, grad } = objective(x);
        loss = value;
        if (!Number.isFinite(value) || !grad.every(Number.isFinite)) {
          status = 'diverged';
          message = `non-finite loss at step ${totalStep} (term ${badTerms()})`;
          break outer;
        }
        adam.step(x, grad, learningRateAt(options.schedule, rates.adam, step, useAdam && options.optimizer === 'adam' ? stageLength : adamSteps));
      } else {
        const info = lbfgs.step(objective, x);
        loss = info.finalLoss;
        if (info.reason === 'nonFiniteStart' || info.reason === 'nonFiniteLineSearch' || !Number.isFinite(info.loss)) {
          status = 'diverged';
          message = `non-finite loss at step ${totalStep} (term ${badTerms()}): ${info.reason}`;
          break outer;
        }
      }
      writeParams(model, x);
      if (loss < best.loss) best = { loss, x: x.slice(), step: totalStep };
      totalStep++;
      const measure = options.evalEvery > 0 && (totalStep % options.evalEvery === 0 || step === stageLength - 1);
      record(stage, grid, measure);
      options.onProgress?.({
        stage,
        stages: grids.length,
        grid,
        step: step + 1,
        stepsInStage: stageLength,
        totalStep,
        totalSteps,
        loss,
        relL2: latest?.relL2 ?? null,
        evaluations,
        seconds: seconds(),
      });
      // Let signals (Ctrl-C) and timers run between steps.
      if (totalStep % 5 === 0) await new Promise((resolve) => setTimeout(resolve, 0));
    }
  }

  if (status !== 'completed' && best.loss < Infinity) {
    writeParams(model, best.x);
    loss = best.loss;
    message += `; parameters restored from step ${best.step} (loss ${best.loss.toExponential(3)})`;
  }
  const final = test ? accuracy(model, test) : null;
  // Final loss terms at the final parameters.
  objective(readParams(model));
  const result: TrainResult = {
    status,
    message,
    backend: backendName(),
    steps: totalStep,
    evaluations,
    seconds: seconds(),
    loss: Number.isFinite(loss) ? loss : lastTerms.reduce((s, v, i) => s + v * weights[i]!, 0),
    terms: Object.fromEntries(termNames.map((n, i) => [n, lastTerms[i]!])),
    weights: Object.fromEntries(termNames.map((n, i) => [n, weights[i]!])),
    accuracy: final,
    params: model.paramCount(),
    history: { columns, rows },
    warnings,
  };
  data.forEach(disposeTermData);
  return result;
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
