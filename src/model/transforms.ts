/**
 * What a model does around its layers, shared by the KAN and the MLP: the input embedding
 * (embedding.ts) and input scaling (scaling.ts) before the first layer, and the output scale
 * (scaling.ts) and the hard-constraint output transform (hardConstraints.ts) after the last:
 * u = A + B·(s·N). Without them, both sides are the identity and cost nothing.
 */
import type * as tf from '../tf.js';
import type { JetPlan } from '../jet/plan.js';
import { checkEmbeddingConfig, embedJet, embedValues, featureRanges, featureWidth, type EmbeddingConfig } from './embedding.js';
import { checkHardConfig, compileHard, type HardConfig } from './hardConstraints.js';
import { affineJet, affineRange, affineValues, checkScalingConfig, featureAffine, scaleOutputJet, type ScalingConfig } from './scaling.js';

/** The optional architecture fields of a model's options (saved in model.json's config). */
export interface TransformOptions {
  /** Input embedding; absent: the layers see the inputs. */
  embedding?: EmbeddingConfig;
  /** Output transform u = A + B·N imposing conditions exactly; absent: u = N. */
  hard?: HardConfig;
  /** Inputs mapped to [−1, 1] and the output scaled (u = s·N), so the layers work in units of order one; absent: none. */
  scaling?: ScalingConfig;
}

/** The transforms of one model. */
export interface ModelTransforms {
  /** Input width of the first layer (the inputs, or the embedding's features). */
  readonly featureWidth: number;
  /** Input jet [C, N, inputs] → the first layer's input jet [C, N, featureWidth]. */
  embed(plan: JetPlan, inputJet: tf.Tensor3D): tf.Tensor3D;
  /** The network's output jet → the model's output jet (the input jet is the identity jet of the points). */
  output(plan: JetPlan, inputJet: tf.Tensor3D, networkJet: tf.Tensor3D): tf.Tensor3D;
  /** Row-major points [count, inputs] → the first layer's inputs [count, featureWidth] (grid updates, activations). */
  embedPoints(points: Float32Array, count: number): Float32Array;
  /** Grid ranges of the first layer's inputs, from the inputs' ranges (in the inputs' own units). */
  firstRanges(inputRange: (a: number) => [number, number]): [number, number][];
  /** Names of the first layer's inputs: the inputs, or passthrough inputs then `cos(z1)`…, `sin(z1)`…. */
  readonly featureNames: string[];
  /** Loss terms the transforms satisfy exactly (the trainer drops them). */
  readonly imposes: string[];
}

/** The transforms of a model with these inputs, outputs and options (checked; messages name `config.embedding`/`config.hard`/`config.scaling`). */
export function modelTransforms(inputs: readonly string[], outputs: readonly string[], options: TransformOptions): ModelTransforms {
  const d = inputs.length;
  const embedding = options.embedding === undefined ? undefined : checkEmbeddingConfig(options.embedding, d, 'embedding');
  const hard = options.hard === undefined ? undefined : compileHard(checkHardConfig(options.hard, inputs, outputs, 'hard'), inputs);
  const scaling = options.scaling === undefined ? undefined : checkScalingConfig(options.scaling, d, outputs.length, 'scaling');
  // The scaling maps the inputs the first layer sees as they are (all, or an embedding's passthrough ones).
  const passthrough = embedding ? embedding.passthrough : inputs.map((_, a) => a);
  const affine = scaling ? featureAffine(scaling, passthrough, embedding ? 2 * embedding.frequencies : 0) : undefined;
  const features = (plan: JetPlan, inputJet: tf.Tensor3D): tf.Tensor3D => (embedding ? embedJet(embedding, plan, inputJet) : inputJet);
  const featurePoints = (points: Float32Array, count: number): Float32Array => (embedding ? embedValues(embedding, points, count, d) : points.subarray(0, count * d));
  const rawRanges = (inputRange: (a: number) => [number, number]): [number, number][] => (embedding ? featureRanges(embedding, inputRange) : inputs.map((_, a) => inputRange(a)));
  return {
    featureWidth: embedding ? featureWidth(embedding) : d,
    embed: (plan, inputJet) => (affine ? affineJet(affine, features(plan, inputJet)) : features(plan, inputJet)),
    output: (plan, inputJet, networkJet) => {
      const scaled = scaling ? scaleOutputJet(scaling, networkJet) : networkJet;
      return hard ? hard.apply(plan, inputJet, scaled) : scaled;
    },
    embedPoints: (points, count) => (affine ? affineValues(affine, featurePoints(points, count), count) : featurePoints(points, count)),
    firstRanges: (inputRange) => (affine ? rawRanges(inputRange).map((r, f) => affineRange(affine, f, r)) : rawRanges(inputRange)),
    featureNames: embedding
      ? [
          ...embedding.passthrough.map((a) => inputs[a]!),
          ...Array.from({ length: embedding.frequencies }, (_, j) => `cos(z${j + 1})`),
          ...Array.from({ length: embedding.frequencies }, (_, j) => `sin(z${j + 1})`),
        ]
      : [...inputs],
    imposes: [...(embedding?.imposes ?? []), ...(options.hard?.imposes ?? [])],
  };
}
