/**
 * The MLP PINN for honest comparison: dense layers with tanh (or sin, silu), Glorot-uniform
 * weights, zero biases, a linear output layer. Jets are carried through the same way as in the KAN:
 * z = x·W (+ b on the value channel), then Faà di Bruno through the activation, with σ^{(m)}
 * written in closed form (tanh' = 1 − t², tanh'' = −2t(1 − t²), …). All tfjs ops, so it runs on
 * every backend; the matrix product has its own gradient with explicit transposes (the wasm
 * backend's transposed matmul is off its fast path, see PERF_NOTES.md).
 */
import * as tf from '@tensorflow/tfjs';
import { KanpinnInputError } from '../errors.js';
import type { JetPlan } from '../jet.js';
import { defaultInputNames, defaultOutputNames, newVariable } from '../kan/model.js';
import { createRng } from '../random.js';
import { evaluateModel } from './evaluate.js';
import type { EvaluateOptions, ModelBase, PointsInput } from './types.js';

export const MLP_ACTIVATIONS = ['tanh', 'sin', 'silu'] as const;
export type MlpActivation = (typeof MLP_ACTIVATIONS)[number];

export interface MlpOptions {
  kind: 'mlp';
  width: number[];
  activation: MlpActivation;
  seed: number;
  inputs: string[];
  outputs: string[];
}

export const MLP_DEFAULTS: Pick<MlpOptions, 'kind' | 'activation' | 'seed'> = { kind: 'mlp', activation: 'tanh', seed: 0 };

export interface MlpLayer {
  weight: tf.Variable; // [nIn, nOut]
  bias: tf.Variable; // [nOut]
}

export interface MlpModel extends ModelBase {
  readonly kind: 'mlp';
  readonly options: MlpOptions;
  readonly layers: MlpLayer[];
}

/** a·b with a gradient that uses explicitly transposed operands. */
const matMul = tf.customGrad((...args: unknown[]) => {
  const [a, b, save] = args as [tf.Tensor2D, tf.Tensor2D, tf.GradSaveFunc];
  save([a, b]);
  return {
    value: tf.matMul(a, b),
    gradFunc: (dy: tf.Tensor, saved: tf.Tensor[]) => {
      const [sa, sb] = saved as [tf.Tensor2D, tf.Tensor2D];
      return [tf.matMul(dy as tf.Tensor2D, tf.transpose(sb)), tf.matMul(tf.transpose(sa), dy as tf.Tensor2D)];
    },
  };
}) as (a: tf.Tensor2D, b: tf.Tensor2D) => tf.Tensor2D;

/** Polynomials of tanh's derivatives in t = tanh z: P_0 = t, P_{n+1} = P_n'(t)·(1 − t²). */
function tanhPolys(order: number): number[][] {
  const polys: number[][] = [[0, 1]];
  for (let n = 0; n < order; n++) {
    const d = polys[n]!.slice(1).map((c, i) => c * (i + 1));
    const next = new Array<number>(d.length + 2).fill(0);
    d.forEach((c, i) => {
      next[i] = next[i]! + c;
      next[i + 2] = next[i + 2]! - c;
    });
    polys.push(next);
  }
  return polys;
}

function polyval(coefficients: number[], t: tf.Tensor): tf.Tensor {
  let result: tf.Tensor | undefined;
  for (let p = coefficients.length - 1; p >= 0; p--) {
    const c = coefficients[p]!;
    result = result === undefined ? tf.scalar(c) : result.mul(t).add(c);
  }
  return result ?? tf.zerosLike(t);
}

/** σ^{(m)}(z) for m = 0..order as tensors shaped like z. */
function activationDerivatives(activation: MlpActivation, z: tf.Tensor, order: number): tf.Tensor[] {
  switch (activation) {
    case 'tanh': {
      const t = tf.tanh(z);
      return tanhPolys(order).map((p, m) => (m === 0 ? t : polyval(p, t)));
    }
    case 'sin': {
      const s = tf.sin(z);
      const c = order > 0 ? tf.cos(z) : s;
      return Array.from({ length: order + 1 }, (_, m) => [s, c, s.neg(), c.neg()][m % 4]!);
    }
    case 'silu': {
      const s = tf.sigmoid(z);
      const out: tf.Tensor[] = [z.mul(s)];
      // σ^{(n)} as polynomials in s; silu^{(n)} = z·σ^{(n)} + n·σ^{(n−1)}.
      const sig: tf.Tensor[] = [s];
      let poly = [0, 1];
      for (let n = 1; n <= order; n++) {
        const d = poly.slice(1).map((c, i) => c * (i + 1));
        const next = new Array<number>(d.length + 2).fill(0);
        d.forEach((c, i) => {
          next[i + 1] = next[i + 1]! + c;
          next[i + 2] = next[i + 2]! - c;
        });
        poly = next;
        sig.push(polyval(poly, s));
        out.push(z.mul(sig[n]!).add(sig[n - 1]!.mul(n)));
      }
      return out;
    }
    default: {
      const never: never = activation;
      throw new Error(`unknown activation ${String(never)}`);
    }
  }
}

/** Jets through activation: channels z [C] of shape [N, n] → σ∘z channels (Faà di Bruno). */
function activationJet(activation: MlpActivation, plan: JetPlan, z: tf.Tensor[]): tf.Tensor[] {
  const derivs = activationDerivatives(activation, z[0]!, plan.maxOrder);
  return plan.terms.map((terms) => {
    let sum: tf.Tensor | undefined;
    for (const term of terms) {
      let product = derivs[term.order]!;
      for (const b of term.blocks) product = product.mul(z[b]!);
      if (term.coefficient !== 1) product = product.mul(term.coefficient);
      sum = sum === undefined ? product : sum.add(product);
    }
    return sum!;
  });
}

export function resolveMlpOptions(partial: Partial<MlpOptions> & { width: number[] }): MlpOptions {
  const width = partial.width;
  if (!Array.isArray(width) || width.length < 2 || width.some((w) => !Number.isInteger(w) || w < 1)) {
    throw new KanpinnInputError(`width: expected at least two positive integer widths such as [2, 16, 16, 1], got ${JSON.stringify(width)}`);
  }
  const options: MlpOptions = {
    ...MLP_DEFAULTS,
    inputs: defaultInputNames(width[0]!),
    outputs: defaultOutputNames(width[width.length - 1]!),
    ...Object.fromEntries(Object.entries(partial).filter(([, v]) => v !== undefined)),
    width,
  } as MlpOptions;
  if (!MLP_ACTIVATIONS.includes(options.activation)) {
    throw new KanpinnInputError(`activation: expected one of ${MLP_ACTIVATIONS.join(', ')}, got ${JSON.stringify(options.activation)}`);
  }
  if (options.inputs.length !== width[0]) throw new KanpinnInputError(`inputs: expected ${width[0]} names (width[0]), got ${options.inputs.length}`);
  if (options.outputs.length !== width[width.length - 1]) {
    throw new KanpinnInputError(`outputs: expected ${width[width.length - 1]} names (last width), got ${options.outputs.length}`);
  }
  return options;
}

/** Creates an MLP (Glorot-uniform weights from the seed, zero biases), or wraps given layers. */
export function createMlp(partial: Partial<MlpOptions> & { width: number[] }, layers?: MlpLayer[]): MlpModel {
  const options = resolveMlpOptions(partial);
  const rng = createRng(options.seed);
  const own =
    layers ??
    options.width.slice(0, -1).map((nIn, l) => {
      const nOut = options.width[l + 1]!;
      const limit = Math.sqrt(6 / (nIn + nOut));
      const weight = Float32Array.from({ length: nIn * nOut }, () => (rng.next() * 2 - 1) * limit);
      return { weight: newVariable(weight, [nIn, nOut]), bias: newVariable(new Float32Array(nOut), [nOut]) };
    });
  const last = own.length - 1;
  const model: MlpModel = {
    kind: 'mlp',
    options,
    layers: own,
    inputs: options.inputs,
    outputs: options.outputs,
    width: options.width,
    variables: () => own.flatMap((layer) => [layer.weight, layer.bias]),
    paramCount: () => own.reduce((sum, layer) => sum + layer.weight.size + layer.bias.size, 0),
    jetForward(plan: JetPlan, inputJet: tf.Tensor3D, count: number): tf.Tensor3D {
      const C = plan.channels.length;
      let x: tf.Tensor2D = inputJet.reshape([C * count, inputJet.shape[2]]);
      own.forEach((layer, l) => {
        const nOut = layer.weight.shape[1]!;
        const z = matMul(x, layer.weight as tf.Tensor2D);
        const channels = Array.from({ length: C }, (_, c) => z.slice([c * count, 0], [count, nOut]));
        channels[0] = channels[0]!.add(layer.bias);
        const y = l === last ? channels : activationJet(options.activation, plan, channels);
        x = (C === 1 ? y[0]! : tf.concat(y, 0)) as tf.Tensor2D;
      });
      return x.reshape([C, count, options.outputs.length]);
    },
    evaluate(points: PointsInput, evaluateOptions?: EvaluateOptions) {
      return evaluateModel(model, points, evaluateOptions?.derivatives);
    },
    dispose() {
      for (const layer of own) {
        layer.weight.dispose();
        layer.bias.dispose();
      }
    },
  };
  return model;
}
