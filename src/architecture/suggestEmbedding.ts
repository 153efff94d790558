/**
 * Choosing an input embedding from the problem itself (`--embed auto`, and the automatic recipe):
 * periodic conditions give the periodic embedding, high frequencies in the problem's data give
 * Fourier features with σ per variable (see src/model/embedding.ts for what they are).
 */
import * as tf from '../tf.js';
import { parseDerivativeName } from '../jet/names.js';
import { buildEmbedding, type EmbeddingConfig } from '../model/embedding.js';
import { embedText, parseEmbedText, type EmbedSpec } from '../options/architecture.js';
import type { Problem, Scope } from '../problem/types.js';
import { createRng } from '../random.js';

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

/** Fourier features of the automatic recipe for a time-dependent problem (`spatialFourierFeatures`). */
export interface SpatialFeatures {
  /** `--embed` text: fixed harmonics at the measured cycles of the fast spatial inputs only, e.g. `harmonic:x=10`. */
  embed: string;
  /** The fast spatial inputs, with their cycles over the domain. */
  fast: Record<string, number>;
  /** Cycles per input (`estimateCycles`), for the reason shown. */
  cycles: Record<string, number>;
}

/**
 * Fourier features (Tancik et al. 2020; Wang, Wang & Perdikaris 2021) over the spatial inputs along
 * which a time-dependent problem's stated initial or Dirichlet values (not its sources) have at least
 * `HIGH_FREQUENCY_CYCLES` cycles over the domain: one fixed harmonic per fast input at the measured
 * cycles C, [cos(2πCx̂), sin(2πCx̂)] beside x itself (`harmonic:x=C`), every other input (slow spatial
 * ones and time) passed through unchanged. Null when no spatial input is fast, when the problem is
 * steady, or when the fast input is periodic (the periodic embedding's business).
 *
 * Why the measured frequency and not random features: on PINNacle Heat 2d-MS (sin 20πx sin πy
 * initially; KAN, seed 0, 6000 + 1500 points, 3 × 10 L-BFGS steps) `harmonic:x=10` (KAN [5,10,1])
 * reached rel. L2 0.081 where 16 random frequencies N(0, 10²) (`fourier:x=10:16`, KAN [34,10,1], 340
 * first-layer edges instead of 50) gave 0.195, and 4 random ones 0.45 after 10 steps; one evaluation
 * costs about 1.5× the plain model's instead of 3–7×. Slow inputs get no features: features mixing
 * x, y and t (`--embed auto`) left rel. L2 at 1.33 after 10 steps.
 */
export function spatialFourierFeatures(problem: Problem): SpatialFeatures | null {
  if (!problem.time) return null;
  const spatial = problem.variables.slice(0, -1);
  const periodic = new Set(periodicVariables(problem).map((p) => p.variable));
  // The conditions' values only: they are the solution's own values, while a source's frequency k
  // reaches the solution divided by about k² (diffusion–reaction's sin 8x source: u has sin 8x / 8,
  // and features from it made a good run bad, README "Input embeddings").
  const cycles = estimateCycles(problem, ['dirichlet', 'initial']);
  const fast: Record<string, number> = {};
  for (const v of spatial) if (!periodic.has(v) && (cycles[v] ?? 0) >= HIGH_FREQUENCY_CYCLES) fast[v] = Math.round(cycles[v]!);
  if (Object.keys(fast).length === 0) return null;
  return { embed: embedText({ periodic: [], harmonic: fast }), fast, cycles };
}

/** What `sourceFourierFeatures` measured on a steady problem, whether or not it proposes features. */
export interface SourceFeatures extends SpatialFeatures {
  /** Amplitude of the source's harmonic at the measured cycles (largest over the lines along the fast inputs). */
  harmonic: number;
  /** |P(κ)|: the size of the PDE's response to a unit plane wave at the measured wave numbers. */
  response: number;
  /** harmonic / response: the amplitude of u that this part of the source makes. */
  fastAmplitude: number;
  /** The slower rest of the source divided by the operator's response at the domain's lowest wave numbers: a bound on the rest of u. */
  slowAmplitude: number;
  /** Largest |g| of the Dirichlet values. */
  boundaryAmplitude: number;
}

/**
 * Fourier features for a steady problem whose solution oscillates at the frequency of its source
 * (Tancik et al. 2020; Wang, Wang & Perdikaris 2021): fixed harmonics `harmonic:x=C` on the spatial
 * inputs along which the source (the PDE's residual at u = 0) has at least HIGH_FREQUENCY_CYCLES
 * cycles, proposed only when that harmonic is what u is made of. A source component at wave numbers
 * κ reaches u divided by the operator's response |P(κ)| (the PDE put through a unit plane wave
 * cos(κ·x), `operatorResponse`): −Δ's κ² damps a fast source (the diffusion–reaction's sin 8x source
 * is only u's sin 8x / 8, and features from it made a good run bad, README "Input embeddings"),
 * while Helmholtz's κ² − k² does not. So: the harmonic's amplitude over |P(κ)| must be at least the
 * Dirichlet values' largest |g| and at least the rest of the source over the response at the
 * domain's lowest wave numbers (π / extent per input), i.e. the fast part must dominate u. Null for
 * time-dependent problems (`spatialFourierFeatures`), systems (one PDE term only), periodic fast
 * inputs, or a source that is not fast.
 *
 * Counted crossings read C full periods that start and end at a zero (sin 4πy on [−1, 1]) as
 * 2C − 1 crossings: a line is fast from 2·HIGH_FREQUENCY_CYCLES − 1 crossings, and its wave
 * number is read as (crossings + 1) / 2 cycles.
 */
export function sourceFourierFeatures(problem: Problem): SourceFeatures | null {
  if (problem.time) return null;
  const pdes = problem.terms.filter((t) => t.kind === 'pde');
  if (pdes.length !== 1 || problem.unknowns.length !== 1) return null;
  const { variables } = problem;
  const { min, max } = problem.bounds;
  const periodic = new Set(periodicVariables(problem).map((p) => p.variable));
  const counted = estimateCycles(problem, ['pde']);
  const cycles: Record<string, number> = Object.fromEntries(variables.map((v) => [v, (counted[v] ?? 0) > 0 ? counted[v]! + 0.5 : 0]));
  const fast: Record<string, number> = {};
  for (const v of variables) if (!periodic.has(v) && cycles[v]! >= HIGH_FREQUENCY_CYCLES) fast[v] = Math.round(cycles[v]!);
  if (Object.keys(fast).length === 0) return null;
  const kappa = variables.map((v, a) => (2 * Math.PI * cycles[v]!) / (max[a]! - min[a]!));
  const lowest = variables.map((_, a) => Math.PI / (max[a]! - min[a]!));
  const response = operatorResponse(problem, kappa);
  const low = operatorResponse(problem, lowest);
  if (response === undefined || low === undefined) return null;
  let harmonic = 0;
  let rest = 0;
  for (const v of Object.keys(fast)) {
    const fit = lineHarmonic(problem, pdes[0]!, variables.indexOf(v), kappa[variables.indexOf(v)]!);
    harmonic = Math.max(harmonic, fit.harmonic);
    rest = Math.max(rest, fit.rest);
  }
  const boundaryAmplitude = dirichletAmplitude(problem);
  const fastAmplitude = response > 0 ? harmonic / response : Infinity;
  const slowAmplitude = low > 0 ? rest / low : rest > 0 ? Infinity : 0;
  const base = { embed: embedText({ periodic: [], harmonic: fast }), fast, cycles, harmonic, response, fastAmplitude, slowAmplitude, boundaryAmplitude };
  return base;
}

/** Whether `sourceFourierFeatures`' measurement says u is made of the fast harmonic: its part of u at least the Dirichlet values' and the slow rest's. */
export function sourceDominates(m: SourceFeatures): boolean {
  return m.fastAmplitude > 0 && m.fastAmplitude >= m.boundaryAmplitude && m.fastAmplitude >= m.slowAmplitude;
}

/**
 * |P(κ)| of the single PDE at the domain's centre: the residual of u = cos(κ·x + θ) minus that of
 * u = 0, at θ = 0 and π/2 (the real and imaginary parts of the symbol of a linear operator with
 * constant coefficients; for other PDEs an estimate at the centre and unit amplitude). Undefined
 * when the PDE does not evaluate on plain values.
 */
export function operatorResponse(problem: Problem, kappa: readonly number[]): number | undefined {
  const pde = problem.terms.find((t) => t.kind === 'pde');
  if (!pde) return undefined;
  const { variables, unknowns } = problem;
  const centre = variables.map((_, b) => (problem.bounds.min[b]! + problem.bounds.max[b]!) / 2);
  const theta0 = kappa.reduce((s, k, b) => s + k * centre[b]!, 0);
  const at = (phase: number): number | undefined => {
    try {
      return tf.tidy(() => {
        const scope: Scope = {};
        const zero: Scope = {};
        variables.forEach((v, b) => (scope[v] = zero[v] = tf.tensor1d([centre[b]!])));
        for (const name of pde.derivatives) {
          zero[name] = tf.zeros([1]) as tf.Tensor1D;
          const parsed = parseDerivativeName(name, variables, unknowns);
          if (!parsed) {
            scope[name] = zero[name]!;
            continue;
          }
          // ∂ of cos(θ) along axes a1…an: ∏κ_ai · cos(θ + nπ/2).
          const n = parsed.axes.length;
          const factor = parsed.axes.reduce((p, b) => p * kappa[b]!, 1);
          scope[name] = tf.tensor1d([factor * Math.cos(theta0 + phase + (n * Math.PI) / 2)]);
        }
        return tf.sub(pde.residual(scope), pde.residual(zero)).dataSync()[0]!;
      });
    } catch {
      return undefined;
    }
  };
  const r0 = at(0);
  const r1 = at(Math.PI / 2);
  if (r0 === undefined || r1 === undefined || !Number.isFinite(r0) || !Number.isFinite(r1)) return undefined;
  return Math.hypot(r0, r1);
}

/**
 * LINES lines of LINE_SAMPLES evenly spaced points along `axis` across the box [min, max], each line
 * at a random position (inside the middle 80 %) in the other inputs; row-major [point, input].
 */
function lineSamples(min: readonly number[], max: readonly number[], axis: number, rng: { next(): number }): Float32Array {
  const d = min.length;
  const coords = new Float32Array(LINES * LINE_SAMPLES * d);
  for (let line = 0; line < LINES; line++) {
    const fixed = min.map((lo, b) => lo + (0.1 + 0.8 * rng.next()) * (max[b]! - lo));
    for (let s = 0; s < LINE_SAMPLES; s++) {
      const row = (line * LINE_SAMPLES + s) * d;
      for (let b = 0; b < d; b++) coords[row + b] = b === axis ? min[axis]! + ((s + 0.5) / LINE_SAMPLES) * (max[axis]! - min[axis]!) : fixed[b]!;
    }
  }
  return coords;
}

/**
 * Along LINES lines through the domain parallel to input `axis` (as `estimateCycles` draws them),
 * the term's residual at u = 0 fitted by least squares with c + a·cos(κs) + b·sin(κs): the largest
 * harmonic amplitude √(a² + b²) and the largest RMS·√2 of what the fit leaves (the rest of the source,
 * as the amplitude of a sine of that power; the mean c included).
 */
function lineHarmonic(problem: Problem, term: Problem['terms'][number], axis: number, kappa: number): { harmonic: number; rest: number } {
  const { variables } = problem;
  const d = variables.length;
  const { min, max } = problem.bounds;
  const count = LINES * LINE_SAMPLES;
  const coords = lineSamples(min, max, axis, createRng(11));
  let harmonic = 0;
  let rest = 0;
  for (const signal of dataSignals(problem, term, coords, count)) {
    for (let line = 0; line < LINES; line++) {
      const xs: number[] = [];
      const ys: number[] = [];
      for (let s = 0; s < LINE_SAMPLES; s++) {
        const n = line * LINE_SAMPLES + s;
        xs.push(coords[n * d + axis]!);
        ys.push(signal[n]!);
      }
      const fit = fitHarmonic(xs, ys, kappa);
      harmonic = Math.max(harmonic, fit.amplitude);
      rest = Math.max(rest, fit.rest);
    }
  }
  return { harmonic, rest };
}

/** Least squares y ≈ a·cos(κx) + b·sin(κx) (no constant: a mean is part of the rest): amplitude √(a² + b²) and √2·RMS of the remainder. */
export function fitHarmonic(xs: readonly number[], ys: readonly number[], kappa: number): { amplitude: number; rest: number } {
  let cc = 0, cs = 0, ss = 0, cy = 0, sy = 0;
  for (let i = 0; i < xs.length; i++) {
    const c = Math.cos(kappa * xs[i]!);
    const s = Math.sin(kappa * xs[i]!);
    cc += c * c; cs += c * s; ss += s * s; cy += c * ys[i]!; sy += s * ys[i]!;
  }
  const det = cc * ss - cs * cs;
  const a = det > 0 ? (cy * ss - sy * cs) / det : 0;
  const b = det > 0 ? (sy * cc - cy * cs) / det : 0;
  let r2 = 0;
  for (let i = 0; i < xs.length; i++) {
    const r = ys[i]! - a * Math.cos(kappa * xs[i]!) - b * Math.sin(kappa * xs[i]!);
    r2 += r * r;
  }
  return { amplitude: Math.hypot(a, b), rest: Math.sqrt((2 * r2) / Math.max(1, xs.length)) };
}

/** The largest |g| of the problem's Dirichlet values, from each Dirichlet term's residual at u = 0 on 256 of its points (0 without one). */
function dirichletAmplitude(problem: Problem): number {
  let amplitude = 0;
  for (const term of problem.terms) {
    if (term.kind !== 'dirichlet') continue;
    try {
      const { coords, count, extra } = term.sample(256, createRng(5), 'random');
      const values = tf.tidy(() => {
        const scope: Scope = {};
        problem.variables.forEach((v, b) => (scope[v] = tf.tensor1d(Float32Array.from({ length: count }, (_, n) => coords[n * problem.variables.length + b]!))));
        for (const [k, v] of Object.entries(extra ?? {})) scope[k] = tf.tensor1d(v);
        for (const name of term.derivatives) scope[name] = tf.zeros([count]) as tf.Tensor1D;
        return term.residual(scope).dataSync() as Float32Array;
      });
      for (const v of values) if (Number.isFinite(v)) amplitude = Math.max(amplitude, Math.abs(v));
    } catch {
      // A value that needs more than coordinates tells nothing here.
    }
  }
  return amplitude;
}

/** Kinds of loss terms whose data `estimateCycles` reads by default: sources, Dirichlet and initial values. */
const DATA_KINDS: readonly string[] = ['pde', 'dirichlet', 'initial'];

/**
 * Per variable, the largest number of cycles over its extent seen in the problem's data (see
 * `suggestEmbedding`); `kinds` limits which terms' data are read (default: sources, Dirichlet and
 * initial values).
 */
export function estimateCycles(problem: Problem, kinds: readonly string[] = DATA_KINDS): Record<string, number> {
  const { variables } = problem;
  const d = variables.length;
  const { min, max } = problem.bounds;
  const rng = createRng(11);
  const cycles: Record<string, number> = Object.fromEntries(variables.map((v) => [v, 0]));
  const terms = problem.terms.filter((t) => kinds.includes(t.kind));
  for (let a = 0; a < d; a++) {
    const count = LINES * LINE_SAMPLES;
    const coords = lineSamples(min, max, a, rng);
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
  // A component that vanishes for every ω (odd derivatives at θ = 0, even ones at π/2) sets no condition;
  // the others must change sign together at the root.
  const trivial = (r: Float32Array): boolean => r.every((v) => Math.abs(v) <= 1e-6 * scale);
  const [t0, t1] = [trivial(r0), trivial(r1)];
  if (t0 && t1) return undefined;
  const changes = (r: Float32Array, i: number): boolean => Math.sign(r[i]!) !== Math.sign(r[i + 1]!);
  for (let i = 0; i + 1 < steps; i++) {
    if ((t0 || changes(r0, i)) && (t1 || changes(r1, i))) {
      // Linear interpolation of the changing component's root inside the step.
      const r = t0 ? r1 : r0;
      const w = r[i]! / (r[i]! - r[i + 1]!);
      return omegas[i]! + (Number.isFinite(w) ? w : 0) * (omegas[i + 1]! - omegas[i]!);
    }
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
