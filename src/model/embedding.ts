/**
 * Input embeddings: the network sees features of its inputs instead of the raw coordinates.
 *
 * - Random Fourier features (Tancik et al. 2020, "Fourier features let networks learn high frequency
 *   functions in low dimensional domains"; Wang, Wang & Perdikaris 2021, "On the eigenvector bias of
 *   Fourier feature networks", for PINNs): [cos(2πBx̂), sin(2πBx̂)] with a seeded Gaussian
 *   B ~ N(0, σ²) per input and x̂ the input mapped to [0, 1] over the domain, so that σ counts cycles
 *   over the domain's extent. A network of such features fits high frequencies that a plain network
 *   learns only after a very long time (spectral bias).
 * - Periodic embedding (Dong & Ni 2021, "A method for representing periodic functions and enforcing
 *   exactly periodic boundary conditions with deep neural networks"): x → [cos(2πx/P), sin(2πx/P)]
 *   with P the domain's extent along x, so that the model and every derivative are exactly periodic.
 *
 * Both are z = x·W + offset followed by cos and sin, so the forward jets go through in closed form
 * (cos^{(n)}(z) = cos(z + nπ/2), Faà di Bruno over the jet plan; `trigJets`) and PDE residuals stay
 * exact. Variables that are neither periodic nor given a σ pass through unchanged. The config keeps
 * W and the offset themselves (not just the seed), so a model file rebuilds the same features.
 */
import * as tf from '@tensorflow/tfjs';
import { KanpinnInputError } from '../errors.js';
import type { JetPlan } from '../jet/plan.js';
import { parseDerivativeName } from '../jet/names.js';
import { embedText, parseEmbedText, type EmbedSpec } from '../options/architecture.js';
import type { Problem, Scope } from '../problem/types.js';
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

/** The variables along which a problem has periodic conditions, with the condition names. */
export function periodicVariables(problem: Problem): { variable: string; term: string }[] {
  const out: { variable: string; term: string }[] = [];
  const d = problem.variables.length;
  for (const term of problem.terms) {
    if (term.kind !== 'periodic') continue;
    // A periodic term's points come in mirrored halves that differ only along its axis.
    const { coords, count } = term.sample(4, createRng(1), 'random');
    const half = count / 2;
    for (let a = 0; a < d; a++) {
      if (coords[a]! !== coords[half * d + a]!) {
        out.push({ variable: problem.variables[a]!, term: term.name });
        break;
      }
    }
  }
  return out;
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

/** What `suggestEmbedding` proposes, with why (one line) and the measured frequencies. */
export interface EmbeddingSuggestion {
  /** `--embed` text, or null for no embedding. */
  embed: string | null;
  why: string;
  /** Estimated cycles over the domain's extent per variable. */
  cycles: Record<string, number>;
}

/** Cycles over the extent at or above which Fourier features are proposed. */
export const HIGH_FREQUENCY_CYCLES = 4;
const LINE_SAMPLES = 256;
const LINES = 5;

/**
 * Proposes an embedding from the problem itself: periodic conditions give `periodic:x`; the
 * dominant frequency of the problem's data (initial values and rates, Dirichlet values, sources:
 * each term's residual at u = 0, counted by zero crossings along lines through the domain), and
 * for time the frequency the PDE's dispersion relation gives to the data's spatial wave number,
 * give Fourier features with σ per variable when some variable has ≥ HIGH_FREQUENCY_CYCLES cycles.
 */
export function suggestEmbedding(problem: Problem): EmbeddingSuggestion {
  const periodic = periodicVariables(problem);
  const periodicNames = [...new Set(periodic.map((p) => p.variable))];
  const cycles = estimateCycles(problem);
  const shown = Object.entries(cycles)
    .map(([v, c]) => `${Number(c.toPrecision(2))} along ${v}`)
    .join(', ');
  const others = problem.variables.filter((v) => !periodicNames.includes(v));
  const high = others.some((v) => (cycles[v] ?? 0) >= HIGH_FREQUENCY_CYCLES);
  const spec: EmbedSpec = { periodic: periodicNames };
  if (high) {
    const sigma: Record<string, number> = {};
    for (const v of others) sigma[v] = Math.max(1, Math.round(cycles[v] ?? 0));
    spec.fourier = { sigma, features: 16 };
  }
  if (!high && periodicNames.length === 0) return { embed: null, why: `no periodic condition; data cycles over the domain: ${shown || 'none measured'} (< ${HIGH_FREQUENCY_CYCLES})`, cycles };
  const reasons: string[] = [];
  if (periodicNames.length > 0) reasons.push(`periodic conditions along ${periodicNames.join(', ')} (made exact)`);
  if (high) reasons.push(`high frequency in the data (cycles over the domain: ${shown})`);
  return { embed: embedText(spec), why: reasons.join('; '), cycles };
}

/** Per variable, the largest number of cycles over its extent seen in the problem's data (see `suggestEmbedding`). */
export function estimateCycles(problem: Problem): Record<string, number> {
  const { variables } = problem;
  const d = variables.length;
  const { min, max } = problem.bounds;
  const rng = createRng(11);
  const cycles: Record<string, number> = Object.fromEntries(variables.map((v) => [v, 0]));
  const terms = problem.terms.filter((t) => t.kind === 'pde' || t.kind === 'dirichlet' || t.kind === 'initial');
  for (let a = 0; a < d; a++) {
    const count = LINES * LINE_SAMPLES;
    const coords = new Float32Array(count * d);
    for (let line = 0; line < LINES; line++) {
      const fixed = variables.map((_, b) => min[b]! + (0.1 + 0.8 * rng.next()) * (max[b]! - min[b]!));
      for (let s = 0; s < LINE_SAMPLES; s++) {
        const row = (line * LINE_SAMPLES + s) * d;
        for (let b = 0; b < d; b++) coords[row + b] = b === a ? min[a]! + ((s + 0.5) / LINE_SAMPLES) * (max[a]! - min[a]!) : fixed[b]!;
      }
    }
    for (const term of terms) {
      for (const signal of dataSignals(problem, term, coords, count)) {
        for (let line = 0; line < LINES; line++) {
          cycles[variables[a]!] = Math.max(cycles[variables[a]!]!, crossings(signal.subarray(line * LINE_SAMPLES, (line + 1) * LINE_SAMPLES)) / 2);
        }
      }
    }
  }
  if (problem.time && d > 1) {
    const t = d - 1;
    const spatial = variables.slice(0, t);
    const a = spatial.reduce((best, _, b) => ((cycles[variables[b]!]! / (max[b]! - min[b]!)) > (cycles[variables[best]!]! / (max[best]! - min[best]!)) ? b : best), 0);
    const k = (2 * Math.PI * Math.max(cycles[variables[a]!]!, 0.5)) / (max[a]! - min[a]!);
    const omega = dispersionFrequency(problem, a, k);
    if (omega !== undefined) cycles[variables[t]!] = Math.max(cycles[variables[t]!]!, (omega * (max[t]! - min[t]!)) / (2 * Math.PI));
  }
  return cycles;
}

/** The term's residual at u = 0 (so −g for a condition, −f for a PDE) at the points, as one or more signals. */
function dataSignals(problem: Problem, term: Problem['terms'][number], coords: Float32Array, count: number): Float32Array[] {
  try {
    const values = tf.tidy(() => {
      const scope: Scope = {};
      problem.variables.forEach((v, b) => (scope[v] = tf.tensor1d(Float32Array.from({ length: count }, (_, n) => coords[n * problem.variables.length + b]!))));
      for (const name of term.derivatives) scope[name] = tf.zeros([count]) as tf.Tensor1D;
      return term.residual(scope).dataSync() as Float32Array;
    });
    const parts: Float32Array[] = [];
    for (let start = 0; start + count <= values.length; start += count) parts.push(values.slice(start, start + count));
    return parts;
  } catch {
    // A term whose residual needs more than coordinates and zero outputs tells nothing here.
    return [];
  }
}

/** Sign changes of a signal around its mean, ignoring values within 1e-6 of its scale. */
function crossings(signal: Float32Array): number {
  let mean = 0;
  for (const v of signal) mean += v;
  mean /= signal.length;
  let scale = 0;
  for (const v of signal) scale = Math.max(scale, Math.abs(v - mean));
  if (scale < 1e-9) return 0;
  let last = 0;
  let count = 0;
  for (const v of signal) {
    const x = v - mean;
    if (Math.abs(x) <= 1e-6 * scale) continue;
    const sign = Math.sign(x);
    if (last !== 0 && sign !== last) count++;
    last = sign;
  }
  return count;
}

/**
 * The angular frequency ω > 0 for which the plane wave cos(k x_a − ω t) solves the PDE (its
 * dispersion relation, e.g. ω = c k for u_tt = c² u_xx, ω = a k for u_t + a u_x = 0), found by a scan;
 * undefined when there is none (diffusion) or the PDE does not evaluate on plain values.
 */
export function dispersionFrequency(problem: Problem, axis: number, k: number): number | undefined {
  const pde = problem.terms.find((t) => t.kind === 'pde');
  if (!pde) return undefined;
  const d = problem.variables.length;
  const t = d - 1;
  const span = problem.bounds.max[t]! - problem.bounds.min[t]!;
  const steps = 4000;
  const omegas = Float32Array.from({ length: steps }, (_, i) => ((i + 1) / steps) * ((2 * Math.PI * 200) / span));
  const evaluate = (theta: number): Float32Array | undefined => {
    try {
      return tf.tidy(() => {
        const scope: Scope = {};
        problem.variables.forEach((v, b) => (scope[v] = tf.fill([steps], (problem.bounds.min[b]! + problem.bounds.max[b]!) / 2) as tf.Tensor1D));
        for (const name of pde.derivatives) {
          const parsed = parseDerivativeName(name, problem.variables, problem.unknowns);
          if (!parsed) continue;
          if (parsed.output !== 0 || parsed.axes.some((b) => b !== axis && b !== t)) {
            scope[name] = tf.zeros([steps]) as tf.Tensor1D;
            continue;
          }
          // ∂ of cos(θ) with θ = k x_a − ω t: each x_a gives k, each t gives −ω, and cos^{(n)}(θ) = cos(θ + nπ/2).
          const n = parsed.axes.length;
          const p = parsed.axes.filter((b) => b === axis).length;
          const q = n - p;
          const base = k ** p * Math.cos(theta + (n * Math.PI) / 2);
          scope[name] = tf.tensor1d(Float32Array.from(omegas, (w) => base * (-w) ** q));
        }
        const zero: Scope = { ...scope };
        for (const name of pde.derivatives) zero[name] = tf.zeros([steps]) as tf.Tensor1D;
        return tf.sub(pde.residual(scope), pde.residual(zero)).dataSync() as Float32Array;
      });
    } catch {
      return undefined;
    }
  };
  const r0 = evaluate(0);
  const r1 = evaluate(Math.PI / 2);
  if (!r0 || !r1) return undefined;
  const scale = Math.max(...r0.map(Math.abs), ...r1.map(Math.abs));
  if (!(scale > 0)) return undefined;
  const flat = (r: Float32Array, i: number): boolean => Math.abs(r[i]!) <= 1e-5 * scale && Math.abs(r[i + 1]!) <= 1e-5 * scale;
  const changes = (r: Float32Array, i: number): boolean => Math.sign(r[i]!) !== Math.sign(r[i + 1]!);
  for (let i = 0; i + 1 < steps; i++) {
    const ok0 = changes(r0, i) || flat(r0, i);
    const ok1 = changes(r1, i) || flat(r1, i);
    if (ok0 && ok1 && !(flat(r0, i) && flat(r1, i))) return omegas[i]!;
  }
  return undefined;
}

/** Parses and builds `--embed` text for a problem ('auto' asks `suggestEmbedding`); null for none. */
export function embeddingFor(problem: Problem, text: string | null, seed: number, where = '--embed'): { config: EmbeddingConfig | null; why: string } {
  if (text === null) return { config: null, why: 'none' };
  let parsed = parseEmbedText(text, where);
  let why = 'given';
  if (parsed === 'auto') {
    const suggestion = suggestEmbedding(problem);
    if (suggestion.embed === null) return { config: null, why: `auto: none (${suggestion.why})` };
    parsed = parseEmbedText(suggestion.embed, where) as EmbedSpec;
    why = `auto: ${suggestion.embed} (${suggestion.why})`;
  }
  if (parsed === null) return { config: null, why: 'none' };
  const periodic = periodicVariables(problem);
  const imposes = periodic.filter((p) => (parsed as EmbedSpec).periodic.includes(p.variable)).map((p) => p.term);
  return { config: buildEmbedding(parsed, problem.variables, problem.bounds, seed, where, imposes), why };
}
