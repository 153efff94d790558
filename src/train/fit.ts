/**
 * Supervised fitting (pykan's `fit`): minimises mean((f(x) − y)²) + λ·reg over the model's
 * parameters in the shared optimisation loop (`./loop.ts`: L-BFGS, Adam or both, a KAN's grid
 * updates from the training inputs every `gridUpdateEvery` steps while step < `gridUpdateUntil`,
 * from step `gridUpdateEvery` on, the best parameters kept when a run stops early). With λ = 0 the forward pass is the plain value-only kernel; with λ > 0 it is the
 * per-edge kernel, which gives the prediction and the activation scales in one pass.
 */
import * as tf from '../tf.js';
import { KanpinnInputError, describe } from '../errors.js';
import { createJetPlan } from '../jet/plan.js';
import type { Model } from '../createModel.js';
import { inputJetTensor } from '../model/evaluate.js';
import type { LbfgsOptions } from './lbfgs.js';
import { optimize, type LoopResult } from './loop.js';
import { checkOptions, TRAINING_DEFAULTS, type TrainingOptions } from '../options/training.js';
import { flattenGrads, writeParams } from './params.js';
import { edgeForward, resolveRegularization, sparsityPenalty, type RegularizationOptions } from './regularization.js';

/** A data set: inputs [count, inputs] and targets [count, outputs], row-major. */
export interface FitData {
  readonly inputs: Float32Array;
  readonly targets: Float32Array;
  readonly count: number;
}

/** The training options `fit` takes (names, values and rules from `./options.ts`); the grid update runs on the training inputs. */
export type FitTrainingOptions = Pick<TrainingOptions, 'optimizer' | 'steps' | 'adamSteps' | 'lr' | 'schedule' | 'lbfgsHistory' | 'gridUpdateEvery' | 'gridUpdateUntil' | 'targetLoss' | 'patience' | 'minDelta'>;

/** Options of `fit`; `FIT_DEFAULTS` has pykan's values. */
export interface FitOptions extends FitTrainingOptions {
  /** L-BFGS settings beyond `lbfgsHistory` and the learning rate. */
  lbfgs: Partial<LbfgsOptions>;
  regularization: Partial<RegularizationOptions>;
  /** Held-out data for the `testRmse` column; null: none. */
  test: FitData | null;
  /** Called after every step with its progress. */
  onStep?: (event: FitProgress) => void;
  signal?: AbortSignal;
}

/** pykan's defaults: the training defaults (L-BFGS, lr 1, grid updates every 5 steps before step 50) with 100 steps, λ = 0. */
export const FIT_DEFAULTS: Readonly<FitOptions> = Object.freeze({
  optimizer: TRAINING_DEFAULTS.optimizer,
  steps: 100,
  adamSteps: TRAINING_DEFAULTS.adamSteps,
  lr: TRAINING_DEFAULTS.lr,
  schedule: TRAINING_DEFAULTS.schedule,
  lbfgsHistory: TRAINING_DEFAULTS.lbfgsHistory,
  gridUpdateEvery: TRAINING_DEFAULTS.gridUpdateEvery,
  gridUpdateUntil: TRAINING_DEFAULTS.gridUpdateUntil,
  targetLoss: TRAINING_DEFAULTS.targetLoss,
  patience: TRAINING_DEFAULTS.patience,
  minDelta: TRAINING_DEFAULTS.minDelta,
  lbfgs: {},
  regularization: {},
  test: null,
});

/** Reported after every step. */
export interface FitProgress {
  step: number;
  steps: number;
  trainRmse: number;
  testRmse: number | null;
  reg: number;
  evaluations: number;
}

/** Outcome of `fit`: final errors and one history row per step. */
export interface FitResult {
  status: 'completed' | 'diverged' | 'interrupted';
  message: string;
  steps: number;
  evaluations: number;
  seconds: number;
  trainRmse: number;
  testRmse: number | null;
  reg: number;
  /** Columns step, evaluations, seconds, trainRmse, testRmse, reg. */
  history: { columns: string[]; rows: number[][] };
}

function checkData(model: Model, data: FitData, where: string): void {
  const [d, o] = [model.inputs.length, model.outputs.length];
  if (!Number.isInteger(data.count) || data.count < 1) throw new KanpinnInputError(`${where}.count: expected an integer >= 1, found ${describe(data.count)}`);
  if (data.inputs.length < data.count * d) throw new KanpinnInputError(`${where}.inputs: expected ${data.count * d} values (${data.count} rows of ${d}), found ${data.inputs.length}`);
  if (data.targets.length < data.count * o) throw new KanpinnInputError(`${where}.targets: expected ${data.count * o} values (${data.count} rows of ${o}), found ${data.targets.length}`);
}

/** Root-mean-square error of the model on a data set (value-only forward). */
export function rmse(model: Model, data: FitData): number {
  const plan = createJetPlan([], model.inputs.length);
  return tf.tidy(() => {
    const out = model.jetForward(plan, inputJetTensor(plan, data.inputs, data.count), data.count).reshape([data.count, model.outputs.length]);
    const y = tf.tensor2d(data.targets.subarray(0, data.count * model.outputs.length), [data.count, model.outputs.length]);
    return Math.sqrt(tf.mean(tf.square(tf.sub(out, y))).dataSync()[0]!);
  });
}

/** Fits `model` to `train` in place (see the module comment); resolves with the history. */
export async function fit(model: Model, train: FitData, partial: Partial<FitOptions> = {}): Promise<FitResult> {
  const o: FitOptions = { ...FIT_DEFAULTS, ...checkOptions(partial, 'fit: ') };
  checkData(model, train, 'fit: train');
  if (o.test) checkData(model, o.test, 'fit: test');
  const reg = resolveRegularization(o.regularization);
  // The regularised objective needs a KAN's per-edge pass; narrowed once here.
  const regularized = model.kind === 'kan' && reg.lamb > 0 ? model : null;
  const start = performance.now();
  const { count } = train;
  const [d, nOut] = [model.inputs.length, model.outputs.length];
  const plan = createJetPlan([], d);
  const x2d = tf.tensor2d(train.inputs.subarray(0, count * d), [count, d]);
  const jetIn = inputJetTensor(plan, train.inputs, count);
  const y = tf.tensor2d(train.targets.subarray(0, count * nOut), [count, nOut]);
  let lastMse = NaN;
  let lastReg = 0;
  const objective = (x: Float64Array): { loss: number; grad: Float64Array } => {
    writeParams(model, x);
    const out = tf.tidy(() => {
      let mse: tf.Scalar | undefined;
      let penalty: tf.Scalar | undefined;
      const { value, grads } = tf.variableGrads(() => {
        if (regularized) {
          const forward = edgeForward(regularized, x2d, count);
          mse = tf.keep(tf.mean(tf.square(tf.sub(forward.output, y))) as tf.Scalar);
          penalty = tf.keep(sparsityPenalty(regularized, forward.scales, reg));
          return tf.add(mse, tf.mul(penalty, reg.lamb)) as tf.Scalar;
        }
        const pred = model.jetForward(plan, jetIn, count).reshape([count, nOut]);
        mse = tf.keep(tf.mean(tf.square(tf.sub(pred, y))) as tf.Scalar);
        return mse;
      }, model.variables());
      return { value, grads, mse: mse!, penalty };
    });
    lastMse = out.mse.dataSync()[0]!;
    lastReg = out.penalty ? out.penalty.dataSync()[0]! : 0;
    const result = { loss: out.value.dataSync()[0]!, grad: flattenGrads(model, out.grads) };
    tf.dispose([out.value, out.mse, ...(out.penalty ? [out.penalty] : []), ...Object.values(out.grads)]);
    return result;
  };

  const rows: number[][] = [];
  const seconds = (): number => (performance.now() - start) / 1000;
  let loop: LoopResult;
  try {
    loop = await optimize(
      {
        model,
        options: o,
        grids: [null],
        objective,
        gridPoints: () => ({ points: { coords: train.inputs, count } }),
        afterStep: (at, _loss, evaluations) => {
          const testRmse = o.test ? rmse(model, o.test) : null;
          rows.push([at.totalStep + 1, evaluations, seconds(), Math.sqrt(lastMse), testRmse ?? NaN, lastReg]);
          o.onStep?.({ step: at.totalStep + 1, steps: at.totalSteps, trainRmse: Math.sqrt(lastMse), testRmse, reg: lastReg, evaluations });
        },
        explainNonFinite: () => (Number.isFinite(lastMse) ? 'regularisation' : 'mean squared error'),
        signal: o.signal,
      },
      o.steps,
      o.optimizer === 'adam+lbfgs' ? o.adamSteps : 0,
    );
  } finally {
    tf.dispose([x2d, jetIn, y]);
  }
  const { status, message, evaluations } = loop;
  return {
    status,
    message,
    steps: loop.steps,
    evaluations,
    seconds: seconds(),
    trainRmse: rmse(model, train),
    testRmse: o.test ? rmse(model, o.test) : null,
    reg: lastReg,
    history: { columns: ['step', 'evaluations', 'seconds', 'trainRmse', 'testRmse', 'reg'], rows },
  };
}
