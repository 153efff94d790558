/**
 * Input and output scaling inside a model (issue 14's first item of the automatic recipe): the
 * layers see every input mapped affinely from the domain's bounding box to [−1, 1],
 * x̂ = (x − c)/h with c the box's centre and h its half-width, and their output N is multiplied by
 * an output scale s, u = s·N. Both maps are inside the model, so every consumer (training,
 * evaluation, model files, reports) sees the original units, and the network works in units where
 * inputs and outputs are of order one (the usual non-dimensionalisation of a PINN; Wang, Sankaran,
 * Wang & Perdikaris 2023, "An expert's guide to training physics-informed neural networks", §3).
 *
 * Both maps are linear, so jets follow by the chain rule without new channels: the input jet's
 * every channel is multiplied by 1/h per input (its value channel also shifted by −c/h), and the
 * output jet's every channel by s. An input embedding (embedding.ts) keeps its own features (cos
 * and sin are of unit size already): the scaling then maps the inputs it passes through.
 */
import * as tf from '../tf.js';
import { KanpinnInputError } from '../errors.js';

/** Built scaling (plain data, saved as `config.scaling` in model.json). */
export interface ScalingConfig {
  /** Per input: the centre c of its range; the layers see (x − c)/h. */
  center: number[];
  /** Per input: the half-width h (> 0) of its range. */
  halfWidth: number[];
  /** Per output: the scale s (> 0) of the network's output, u = s·N. */
  outputScale: number[];
  /** Where the output scale came from, one line (reports). */
  source: string;
}

/**
 * Scaling of inputs with ranges [min, max] (the domain's bounding box) to [−1, 1], and outputs by
 * `outputScale`. Throws naming `where` for a range without finite positive extent or a bad scale.
 */
export function buildScaling(bounds: { min: readonly number[]; max: readonly number[] }, outputScale: readonly number[], source: string, names?: readonly string[], where = '--scale'): ScalingConfig {
  const center: number[] = [];
  const halfWidth: number[] = [];
  bounds.min.forEach((lo, a) => {
    const hi = bounds.max[a]!;
    const h = (hi - lo) / 2;
    if (!(h > 0) || !Number.isFinite(h)) throw new KanpinnInputError(`${where}: input '${names?.[a] ?? a}' has no finite extent [${lo}, ${hi}] to scale over`);
    center.push((lo + hi) / 2);
    halfWidth.push(h);
  });
  outputScale.forEach((s, j) => {
    if (!(s > 0) || !Number.isFinite(s)) throw new KanpinnInputError(`${where}: output scale ${j} must be a finite number > 0, got ${s}`);
  });
  return { center, halfWidth, outputScale: [...outputScale], source };
}

/** Checks a scaling config from a file or a library caller (`path` names it in messages). */
export function checkScalingConfig(value: unknown, inputs: number, outputs: number, path: string): ScalingConfig {
  const fail = (what: string): never => {
    throw new KanpinnInputError(`${path}: ${what}`);
  };
  if (typeof value !== 'object' || value === null || Array.isArray(value)) fail('expected an object { center, halfWidth, outputScale, source }');
  const o = value as Record<string, unknown>;
  const finite = (v: unknown, length: number, field: string, positive: boolean): number[] => {
    if (!Array.isArray(v) || v.length !== length || v.some((x) => typeof x !== 'number' || !Number.isFinite(x) || (positive && !(x > 0)))) {
      fail(`${field}: expected ${length} finite numbers${positive ? ' > 0' : ''}`);
    }
    return [...(v as number[])];
  };
  const source = o.source ?? '';
  if (typeof source !== 'string') fail('source: expected text');
  return {
    center: finite(o.center, inputs, 'center', false),
    halfWidth: finite(o.halfWidth, inputs, 'halfWidth', true),
    outputScale: finite(o.outputScale, outputs, 'outputScale', true),
    source: source as string,
  };
}

/** An affine map per feature of the first layer, f̂ = f·mul + add (mul > 0). */
export interface FeatureAffine {
  mul: number[];
  add: number[];
}

/**
 * The affine map of the first layer's features: feature i that passes input `passthrough[i]`
 * through is scaled; the `extra` features after them (an embedding's cos and sin) are unchanged.
 */
export function featureAffine(config: ScalingConfig, passthrough: readonly number[], extra: number): FeatureAffine {
  const mul = [...passthrough.map((a) => 1 / config.halfWidth[a]!), ...new Array<number>(extra).fill(1)];
  const add = [...passthrough.map((a) => -config.center[a]! / config.halfWidth[a]!), ...new Array<number>(extra).fill(0)];
  return { mul, add };
}

/** The jet [C, N, F] of the mapped features: every channel times mul, the value channel plus add (call inside `tf.tidy`). */
export function affineJet(map: FeatureAffine, jet: tf.Tensor3D): tf.Tensor3D {
  const [C, , F] = jet.shape;
  const scaled = tf.mul(jet, tf.tensor3d(map.mul, [1, 1, F]));
  // The shift is a constant: it moves the value channel only (its derivatives are zero).
  const shift = new Float32Array(C * F);
  shift.set(map.add);
  return tf.add(scaled, tf.tensor3d(shift, [C, 1, F])) as tf.Tensor3D;
}

/** Mapped feature values of row-major [count, F] (float64 arithmetic), row-major [count, F]. */
export function affineValues(map: FeatureAffine, features: Float32Array, count: number): Float32Array {
  const F = map.mul.length;
  const out = new Float32Array(count * F);
  for (let n = 0; n < count; n++) {
    for (let f = 0; f < F; f++) out[n * F + f] = features[n * F + f]! * map.mul[f]! + map.add[f]!;
  }
  return out;
}

/** A range [lo, hi] of a feature mapped by feature f of the map. */
export function affineRange(map: FeatureAffine, f: number, range: [number, number]): [number, number] {
  return [range[0] * map.mul[f]! + map.add[f]!, range[1] * map.mul[f]! + map.add[f]!];
}

/** The output jet [C, N, outputs] of u = s·N from the network's jet (call inside `tf.tidy`). */
export function scaleOutputJet(config: ScalingConfig, networkJet: tf.Tensor3D): tf.Tensor3D {
  return tf.mul(networkJet, tf.tensor3d(config.outputScale, [1, 1, config.outputScale.length])) as tf.Tensor3D;
}

/** The scaling of a model that keeps inputs `keepIn` and outputs `keepOut` (pruning). */
export function subsetScaling(config: ScalingConfig, keepIn: readonly number[], keepOut: readonly number[]): ScalingConfig {
  return {
    center: keepIn.map((a) => config.center[a]!),
    halfWidth: keepIn.map((a) => config.halfWidth[a]!),
    outputScale: keepOut.map((j) => config.outputScale[j]!),
    source: config.source,
  };
}
