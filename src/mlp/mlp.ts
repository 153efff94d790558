/**
 * The MLP PINN for honest comparison: dense layers with tanh (or sin, silu), Glorot-uniform
 * weights, zero biases, a linear output layer. Jets are carried through the same way as in the KAN:
 * z = x·W for all channels in one matmul (with its own gradient using explicit transposes: the
 * wasm backend's transposed matmul is off its fast path, see PERF_NOTES.md), then bias and
 * activation by Faà di Bruno in one fused kernel (activationKernel.ts), σ^{(m)} in closed form.
 * On wasm and cpu the whole network's jets run as one op (fusedMlp.ts) on the backend's memory;
 * other backends (webgl, webgpu, tensorflow) take the per-layer tf ops below.
 */
import * as tf from '../tf.js';
import { KanpinnInputError } from '../errors.js';
import type { JetPlan } from '../jet/plan.js';
import { defaultInputNames, defaultOutputNames, newVariable } from '../model/variables.js';
import { createRng } from '../random.js';
import { activationJet } from './activationKernel.js';
import { activationJetOps } from './activationOps.js';
import { usesOpsKernels } from '../computePath.js';
import { hostMemoryBackend } from '../engine/backendMemory.js';
import { fusedMlpJet } from './fusedMlp.js';
import { evaluateModel } from '../model/evaluate.js';
import type { EvaluateOptions, ModelBase, PointsInput } from '../model/types.js';
import { modelTransforms, type ModelTransforms, type TransformOptions } from '../model/transforms.js';

/** The activations of an MLP's hidden layers. */
export const MLP_ACTIVATIONS = ['tanh', 'sin', 'silu'] as const;
/** One of `MLP_ACTIVATIONS`. */
export type MlpActivation = (typeof MLP_ACTIVATIONS)[number];

/** Options of an MLP: layer widths (input and output included), hidden activation, seed and variable names. */
export interface MlpOptions extends TransformOptions {
  kind: 'mlp';
  width: number[];
  activation: MlpActivation;
  seed: number;
  inputs: string[];
  outputs: string[];
}

/** Defaults of an MLP's options: tanh, seed 0. */
export const MLP_DEFAULTS: Pick<MlpOptions, 'kind' | 'activation' | 'seed'> = { kind: 'mlp', activation: 'tanh', seed: 0 };

/** One dense layer of an MLP: weight [nIn, nOut] and bias [nOut]. */
export interface MlpLayer {
  weight: tf.Variable; // [nIn, nOut]
  bias: tf.Variable; // [nOut]
}

export interface MlpModel extends ModelBase {
  readonly kind: 'mlp';
  readonly options: MlpOptions;
  readonly layers: MlpLayer[];
  /** The input embedding and output transform around the layers (identity without them). */
  readonly transforms: ModelTransforms;
}

let fusedMlp = true;

/**
 * Whether MLP jets on host-memory backends (wasm, cpu) run as one fused op (fusedMlp.ts, the
 * default) or through the per-layer tf ops that GPU backends use; returns the previous setting.
 * For tests and before/after benchmarks.
 */
export function useFusedMlp(enabled: boolean): boolean {
  const previous = fusedMlp;
  fusedMlp = enabled;
  return previous;
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
  const transforms = modelTransforms(options.inputs, options.outputs, options);
  const widths = [transforms.featureWidth, ...options.width.slice(1)];
  const own =
    layers ??
    widths.slice(0, -1).map((nIn, l) => {
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
    transforms,
    inputs: options.inputs,
    outputs: options.outputs,
    width: widths,
    variables: () => own.flatMap((layer) => [layer.weight, layer.bias]),
    paramCount: () => own.reduce((sum, layer) => sum + layer.weight.size + layer.bias.size, 0),
    jetForward(plan: JetPlan, inputJet: tf.Tensor3D, count: number): tf.Tensor3D {
      const C = plan.channels.length;
      const features = transforms.embed(plan, inputJet);
      const onDevice = usesOpsKernels(); // GPU backends (or forced): activation jets as tfjs ops, no dataSync
      if (fusedMlp && hostMemoryBackend() && !onDevice) {
        // the op reads the jets [C, N, d] as rows [C·N, d] and writes [C, N, nOut]: no reshapes
        return transforms.output(plan, inputJet, fusedMlpJet(options.activation, plan, own, features, count, [C, count, options.outputs.length]) as tf.Tensor3D);
      }
      let x: tf.Tensor2D = features.reshape([C * count, features.shape[2]]);
      own.forEach((layer, l) => {
        const z = matMul(x, layer.weight as tf.Tensor2D); // [C·N, nOut], all channels at once
        x = (onDevice ? activationJetOps : activationJet)(l === last ? 'identity' : options.activation, plan, z, layer.bias, count);
      });
      return transforms.output(plan, inputJet, x.reshape([C, count, options.outputs.length]));
    },
    evaluate(points: PointsInput, evaluateOptions?: EvaluateOptions) {
      return evaluateModel(model, points, evaluateOptions?.derivatives);
    },
    dispose() {
      for (const layer of own) {
        layer.weight.dispose();
        layer.bias.dispose();
      }
      model.inferred?.dispose();
    },
  };
  return model;
}
