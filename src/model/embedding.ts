/**
 * Input embeddings: the network sees features of its inputs instead of the raw coordinates.
 *
 * - Random Fourier features (Tancik et al. 2020, "Fourier features let networks learn high frequency
 *   functions in low dimensional domains"; Wang, Wang & Perdikaris 2021, "On the eigenvector bias of
 *   Fourier feature networks", for PINNs): [cos(2πBx̂), sin(2πBx̂)] with a seeded Gaussian
 *   B ~ N(0, σ²) per input and x̂ the input mapped to [0, 1] over the domain, so that σ counts cycles
 *   over the domain's extent. A network of such features fits high frequencies that a plain network
 *   learns only after a very long time (spectral bias).
 * - Fixed harmonics (`harmonic:x=C`): [cos(2πCx̂), sin(2πCx̂)] at exactly C cycles over x's extent, x
 *   itself passed through as well: Fourier features at a frequency measured in the problem's data
 *   (the automatic recipe's, `spatialFourierFeatures`) instead of random ones, 2 inputs instead of 2M.
 * - Periodic embedding (Dong & Ni 2021, "A method for representing periodic functions and enforcing
 *   exactly periodic boundary conditions with deep neural networks"): x → [cos(2πx/P), sin(2πx/P)]
 *   with P the domain's extent along x, so that the model and every derivative are exactly periodic.
 *
 * All are z = x·W + offset followed by cos and sin, so the forward jets go through in closed form
 * (cos^{(n)}(z) = cos(z + nπ/2), Faà di Bruno over the jet plan; `trigJets`) and PDE residuals stay
 * exact. Variables that are neither periodic nor given a σ pass through unchanged. The config keeps
 * W and the offset themselves (not just the seed), so a model file rebuilds the same features.
 */
import * as tf from '../tf.js';
import { KanpinnInputError } from '../errors.js';
import type { JetPlan } from '../jet/plan.js';
import { embedText, type EmbedSpec } from '../options/architecture.js';
import { createRng } from '../random.js';
import { trigJets } from './jetOps.js';

/** A built embedding (plain data, saved as `config.embedding` in model.json). */
export interface EmbeddingConfig {
  /** The `--embed` text it was built from (canonical form), for reports. */
  spec: string;
  /** Indices of the inputs passed through unchanged (the first features). */
  passthrough: number[];
  /** Number of frequencies m: features are [passthrough, cos(z), sin(z)] with z = x·W + offset. */
  frequencies: number;
  /** W row-major [inputs, m], 2π folded in. */
  weights: number[];
  /** [m]. */
  offset: number[];
  /** Names of the loss terms the embedding satisfies exactly (periodic conditions on periodic variables). */
  imposes: string[];
}

/** Number of features the first layer sees. */
export function featureWidth(config: EmbeddingConfig): number {
  return config.passthrough.length + 2 * config.frequencies;
}

/**
 * Builds the embedding of `spec` for inputs `variables` over `bounds` (the domain's bounding box);
 * `seed` draws the Fourier frequencies; `imposes` lists the periodic terms it makes exact.
 * Throws a one-line error starting with `where` for a variable the problem lacks.
 */
export function buildEmbedding(spec: EmbedSpec, variables: readonly string[], bounds: { min: readonly number[]; max: readonly number[] }, seed: number, where = '--embed', imposes: string[] = []): EmbeddingConfig {
  const d = variables.length;
  const index = (name: string): number => {
    const a = variables.indexOf(name);
    if (a < 0) throw new KanpinnInputError(`${where}: '${name}' is not an input (inputs are ${variables.join(', ')})`);
    return a;
  };
  const extent = (a: number): number => {
    const L = bounds.max[a]! - bounds.min[a]!;
    if (!(L > 0) || !Number.isFinite(L)) throw new KanpinnInputError(`${where}: input '${variables[a]}' has no finite extent [${bounds.min[a]}, ${bounds.max[a]}] to embed over`);
    return L;
  };
  const periodic = spec.periodic.map(index);
  const columns: { w: number[]; offset: number }[] = [];
  for (const a of periodic) {
    const w = new Array<number>(d).fill(0);
    w[a] = (2 * Math.PI) / extent(a);
    columns.push({ w, offset: -w[a]! * bounds.min[a]! });
  }
  const rest = variables.map((_, a) => a).filter((a) => !periodic.includes(a));
  // Fixed harmonics: C cycles over the extent along one input, the input itself still passed through.
  for (const [name, cycles] of Object.entries(spec.harmonic ?? {})) {
    const a = index(name);
    if (periodic.includes(a)) throw new KanpinnInputError(`${where}: '${name}' is both periodic and given harmonics; give it one of them`);
    const w = new Array<number>(d).fill(0);
    w[a] = (2 * Math.PI * cycles) / extent(a);
    columns.push({ w, offset: -w[a]! * bounds.min[a]! });
  }
  const sigmas = new Map<number, number>();
  if (spec.fourier) {
    const s = spec.fourier.sigma;
    if (typeof s === 'number') rest.forEach((a) => sigmas.set(a, s));
    else {
      for (const [name, value] of Object.entries(s)) {
        const a = index(name);
        if (periodic.includes(a)) throw new KanpinnInputError(`${where}: '${name}' is both periodic and given a Fourier σ; give it one of them`);
        sigmas.set(a, value);
      }
    }
    if (sigmas.size === 0) throw new KanpinnInputError(`${where}: fourier has no input left to embed (every input is periodic)`);
    const rng = createRng(seed + 0x5eed);
    for (let j = 0; j < spec.fourier.features; j++) {
      const w = new Array<number>(d).fill(0);
      let offset = 0;
      for (const [a, sigma] of sigmas) {
        // b ~ N(0, σ²) cycles over the extent; z = 2π b (x − min)/L.
        w[a] = (2 * Math.PI * sigma * rng.normal()) / extent(a);
        offset -= w[a]! * bounds.min[a]!;
      }
      columns.push({ w, offset });
    }
  }
  const passthrough = rest.filter((a) => !sigmas.has(a));
  const m = columns.length;
  const weights = new Array<number>(d * m).fill(0);
  columns.forEach((col, j) => col.w.forEach((v, a) => (weights[a * m + j] = v)));
  return { spec: embedText(spec), passthrough, frequencies: m, weights, offset: columns.map((c) => c.offset), imposes };
}

/** Checks an embedding config read from a file or given by a library caller (`path` names it in messages). */
export function checkEmbeddingConfig(value: unknown, inputs: number, path: string): EmbeddingConfig {
  const fail = (what: string): never => {
    throw new KanpinnInputError(`${path}: ${what}`);
  };
  if (typeof value !== 'object' || value === null || Array.isArray(value)) fail('expected an object { spec, passthrough, frequencies, weights, offset, imposes }');
  const o = value as Record<string, unknown>;
  if (typeof o.spec !== 'string') fail('spec: expected the embedding text');
  const m = o.frequencies;
  if (typeof m !== 'number' || !Number.isInteger(m) || m < 0) fail('frequencies: expected an integer >= 0');
  const finite = (v: unknown, length: number, field: string): number[] => {
    if (!Array.isArray(v) || v.length !== length || v.some((x) => typeof x !== 'number' || !Number.isFinite(x))) fail(`${field}: expected ${length} finite numbers`);
    return [...(v as number[])];
  };
  const weights = finite(o.weights, inputs * (m as number), 'weights');
  const offset = finite(o.offset, m as number, 'offset');
  const passthrough = o.passthrough;
  if (!Array.isArray(passthrough) || passthrough.some((a) => !Number.isInteger(a) || a < 0 || a >= inputs) || new Set(passthrough).size !== passthrough.length) {
    fail(`passthrough: expected distinct input indices below ${inputs}`);
  }
  const imposes = o.imposes ?? [];
  if (!Array.isArray(imposes) || imposes.some((n) => typeof n !== 'string')) fail('imposes: expected term names');
  if ((passthrough as number[]).length + 2 * (m as number) < 1) fail('expected at least one feature');
  return { spec: o.spec as string, passthrough: [...(passthrough as number[])], frequencies: m as number, weights, offset, imposes: [...(imposes as string[])] };
}

/** The feature jet [C, N, features] of an input jet [C, N, inputs] (call inside `tf.tidy`). */
export function embedJet(config: EmbeddingConfig, plan: JetPlan, inputJet: tf.Tensor3D): tf.Tensor3D {
  const [C, N, d] = inputJet.shape;
  const m = config.frequencies;
  const parts: tf.Tensor3D[] = [];
  if (config.passthrough.length > 0) parts.push(tf.gather(inputJet, config.passthrough, 2) as tf.Tensor3D);
  if (m > 0) {
    const W = tf.tensor2d(config.weights, [d, m]);
    const linear = tf.matMul(inputJet.reshape([C * N, d]), W).reshape([C, N, m]) as tf.Tensor3D;
    // The offset is a constant: it shifts the value channel only.
    const shift = tf.concat([tf.tensor3d(config.offset, [1, 1, m]).tile([1, N, 1]), tf.zeros([C - 1, N, m])], 0);
    const { cos, sin } = trigJets(plan, tf.add(linear, shift) as tf.Tensor3D);
    parts.push(cos, sin);
  }
  return (parts.length === 1 ? parts[0]! : tf.concat(parts, 2)) as tf.Tensor3D;
}

/** Feature values of row-major points [count, inputs] (float64 arithmetic), row-major [count, features]. */
export function embedValues(config: EmbeddingConfig, points: Float32Array, count: number, inputs: number): Float32Array {
  const m = config.frequencies;
  const p = config.passthrough.length;
  const F = p + 2 * m;
  const out = new Float32Array(count * F);
  for (let n = 0; n < count; n++) {
    const row = n * inputs;
    config.passthrough.forEach((a, i) => (out[n * F + i] = points[row + a]!));
    for (let j = 0; j < m; j++) {
      let z = config.offset[j]!;
      for (let a = 0; a < inputs; a++) z += points[row + a]! * config.weights[a * m + j]!;
      out[n * F + p + j] = Math.cos(z);
      out[n * F + p + m + j] = Math.sin(z);
    }
  }
  return out;
}

/** Grid ranges of the features: a passed-through input keeps its range, cos and sin features get [-1, 1]. */
export function featureRanges(config: EmbeddingConfig, inputRange: (a: number) => [number, number]): [number, number][] {
  return [...config.passthrough.map(inputRange), ...Array.from({ length: 2 * config.frequencies }, (): [number, number] => [-1, 1])];
}

