/**
 * The forward Laplacian, chosen per loss term (Li et al. 2023, "Forward Laplacian: a new
 * computational framework for neural network-based variational Monte Carlo"): a residual that reads
 * the pure second derivatives u_{x_i x_i} only through one sum L = Σ_i c_i u_{x_i x_i} with constant
 * c_i (Poisson, heat, Helmholtz, equal-coefficient viscous terms, a u_xx + b u_yy) needs one jet
 * channel for them instead of one per axis: 1 + d + 1 channels instead of 1 + 2d (2-D: 5 → 4,
 * 5-D: 11 → 7), and every layer's work scales with the channels.
 *
 * Whether a residual has that form is found by probing it, the same way for expression and
 * TypeScript-function residuals: at the term's own points (its coordinate and extra columns), with
 * random values of every derivative it reads, tfjs autodiff gives ∂r/∂u_{x_i x_i} per point; their
 * ratios must be one constant vector at every point and every draw. The plan is then checked end to
 * end: the residual with u_{x_k x_k} := Σ_i ĉ_i u_{x_i x_i} and the other folded columns zero must
 * equal the residual itself at every probe, and the model's combined channel must equal Σ_i ĉ_i of
 * its plain second derivatives at a few of the points (this catches output transforms that do not
 * support a combined channel). Anything else falls back to the plain plan: mixed or higher
 * derivatives, an inverse problem's parameters (a trained coefficient may change the ratios), a
 * non-pointwise residual, non-finite probes, no saving in channels.
 *
 * The probe reads the first 4096 points of a set, and a decision made on at least 256 points is
 * kept for that term and model (resampled sets come from the same domain), so a training run
 * probes each term once.
 */
import * as tf from '../tf.js';
import { channelIndex, parseDerivative, type DerivativeName } from '../jet/plan.js';
import { inputJetTensor, planFor, type NamedPlan } from '../model/evaluate.js';
import type { ModelBase } from '../model/types.js';
import { JET_CHOICES, type JetChoice } from '../options/training.js';
import type { LossTerm, Scope, TermPoints } from '../problem/types.js';
import { createRng } from '../random.js';
import { KanpinnInputError } from '../errors.js';

let choice: JetChoice = 'auto';

/**
 * Sets how loss terms choose their jet plan: `auto` (the default) uses the forward Laplacian where
 * a term's residual allows it, `plain` never does. Returns the previous setting.
 */
export function setJetChoice(value: JetChoice): JetChoice {
  if (!(JET_CHOICES as readonly string[]).includes(value)) throw new KanpinnInputError(`jet: expected one of ${JET_CHOICES.join(', ')}, got ${JSON.stringify(value)}`);
  const previous = choice;
  choice = value;
  return previous;
}

/** The current setting (`auto` unless changed). */
export function jetChoice(): JetChoice {
  return choice;
}

/** Random draws of the derivative columns per probe (each gives gradients and a substitution check). */
const DRAWS = 3;
/** Relative agreement asked of the gradient ratios (float32 rounding is ~1e-7). */
const RATIO_TOLERANCE = 1e-4;
/** Points of the model check. */
const MODEL_POINTS = 8;
/** Points the residual is probed at (the first ones of the set): bounds the probe's cost (~30 ms). */
const PROBE_POINTS = 4096;
/**
 * A decision made on at least this many points is kept for the term and model: the trainer
 * rebuilds a term's data at every resampling, and probing each time cost 70–700 ms per build
 * (10k–100k points, load 10). Smaller sets (probes of a few points) decide afresh each time.
 */
const CACHE_POINTS = 256;

/** Kept decisions per term and model: the combined plan, or null for the plain plan. */
const decisions = new WeakMap<LossTerm, WeakMap<ModelBase, NamedPlan | null>>();

interface Second {
  name: string;
  output: number;
  axis: number;
}

/**
 * The jet plan of a term at these points: the forward-Laplacian plan where the term's residual
 * reads its pure second derivatives only through one constant-coefficient sum (and it saves
 * channels), else the plain plan. `columns` are the points' coordinate and extra columns.
 */
export function termPlan(model: ModelBase, term: LossTerm, points: TermPoints, columns: Scope): NamedPlan {
  const plain = planFor(term.derivatives, model.inputs, model.outputs);
  if (choice === 'plain' || points.count === 0) return plain;
  const kept = decisions.get(term)?.get(model);
  if (kept !== undefined) return kept ?? plain;
  const combined = decide(model, term, points, columns, plain);
  if (points.count >= CACHE_POINTS) {
    const perModel = decisions.get(term) ?? new WeakMap<ModelBase, NamedPlan | null>();
    perModel.set(model, combined);
    decisions.set(term, perModel);
  }
  return combined ?? plain;
}

/** The combined plan for this term and model, probed at these points, or null. */
function decide(model: ModelBase, term: LossTerm, points: TermPoints, columns: Scope, plain: NamedPlan): NamedPlan | null {
  const count = Math.min(points.count, PROBE_POINTS);
  const probeColumns = count === points.count ? columns : tf.tidy(() => Object.fromEntries(Object.entries(columns).map(([name, t]) => [name, t.shape[0] === points.count ? t.slice(0, count) : t.clone()])) as Scope);
  let laplacian: number[] | null;
  try {
    laplacian = laplacianOf(model, term, probeColumns, count);
  } finally {
    if (probeColumns !== columns) tf.dispose(Object.values(probeColumns));
  }
  if (laplacian === null) return null;
  let combined: NamedPlan;
  try {
    combined = planFor(term.derivatives, model.inputs, model.outputs, laplacian);
  } catch {
    // An output that reads only some of the summed derivatives (the probe should have refused it).
    return null;
  }
  if (combined.plan.channels.length >= plain.plan.channels.length) return null;
  return modelAgrees(model, plain, combined, points) ? combined : null;
}

/**
 * The normalised coefficients ĉ (largest |ĉ_i| = ĉ_k = 1, one per input) through which the term's
 * residual reads its pure second derivatives, or null when it does not read them so (see above).
 */
export function laplacianOf(model: ModelBase, term: LossTerm, columns: Scope, count: number): number[] | null {
  if (count === 0 || model.inferred) return null;
  let parsed: DerivativeName[];
  try {
    parsed = term.derivatives.map((n) => parseDerivative(n, model.inputs, model.outputs));
  } catch {
    return null;
  }
  if (parsed.some((p) => p.axes.length > 2 || (p.axes.length === 2 && p.axes[0] !== p.axes[1]))) return null;
  const seconds: Second[] = parsed.filter((p) => p.axes.length === 2).map((p) => ({ name: p.name, output: p.output, axis: p.axes[0]! }));
  if (seconds.length < 2) return null;
  const rng = createRng(0x4c61706c);
  // The random columns live across the draws; freed here whatever happens.
  const created: tf.Tensor[] = [];
  try {
    const draws: { scope: Scope; grads: Float32Array[] }[] = [];
    for (let t = 0; t < DRAWS; t++) {
      const scope: Scope = { ...columns };
      for (const name of term.derivatives) {
        // Both signs: |u_xx| + |u_yy| must not pass for u_xx + u_yy.
        scope[name] = tf.tensor1d(Float32Array.from({ length: count }, () => 4 * rng.next() - 2));
        created.push(scope[name]!);
      }
      const grads = secondGradients(term, scope, seconds);
      if (grads === null || grads.some((g) => g.length !== count)) return null;
      draws.push({ scope, grads });
    }
    const coefficients = ratios(seconds, draws.map((d) => d.grads), model.inputs.length);
    if (coefficients === null) return null;
    return draws.every((d) => substitutes(term, d.scope, d.grads, seconds, coefficients, count)) ? coefficients : null;
  } catch {
    return null;
  } finally {
    for (const t of created) t.dispose();
  }
}

/** ∂(Σ r)/∂u_{x_i x_i} per point for every folded column, or null when tfjs cannot differentiate or a value is not finite. */
function secondGradients(term: LossTerm, scope: Scope, seconds: readonly Second[]): Float32Array[] | null {
  let grads: Float32Array[] | null = null;
  try {
    tf.tidy(() => {
      const f = (...xs: tf.Tensor[]): tf.Scalar => tf.sum(term.residual({ ...scope, ...Object.fromEntries(seconds.map((s, i) => [s.name, xs[i] as tf.Tensor1D])) }));
      grads = tf.grads(f)(seconds.map((s) => scope[s.name]!)).map((g) => Float32Array.from(g.dataSync() as Float32Array));
    });
  } catch {
    return null;
  }
  const found = grads as Float32Array[] | null;
  return found !== null && found.every((g) => g.every(Number.isFinite)) ? found : null;
}

/**
 * The one ratio vector of the gradients (normalised by the axis of largest gradient, rounded to
 * seven digits: float32 precision, and equal plans for equal residuals), or null when the ratios
 * vary over points, draws or outputs.
 */
function ratios(seconds: readonly Second[], draws: readonly Float32Array[][], d: number): number[] | null {
  const outputs = [...new Set(seconds.map((s) => s.output))];
  let common: number[] | null = null;
  let k = -1;
  for (const output of outputs) {
    const own = seconds.flatMap((s, i) => (s.output === output ? [i] : []));
    const size = own.map((i) => draws.reduce((sum, g) => sum + g[i]!.reduce((a, v) => a + Math.abs(v), 0), 0));
    if (k < 0) k = seconds[own[size.indexOf(Math.max(...size))]!]!.axis;
    const ref = own.find((i) => seconds[i]!.axis === k);
    if (ref === undefined) return null;
    // The reference point: the largest |∂r/∂u_kk|.
    let best = 0;
    let at: [number, number] = [0, 0];
    let top = 0;
    draws.forEach((g, t) =>
      g[ref]!.forEach((v, n) => {
        if (Math.abs(v) > best) [best, at] = [Math.abs(v), [t, n]];
      }),
    );
    for (const g of draws) for (const i of own) for (const v of g[i]!) top = Math.max(top, Math.abs(v));
    if (best === 0) return null;
    const vector = new Array<number>(d).fill(0);
    for (const i of own) {
      const r = draws[at[0]]![i]![at[1]]! / draws[at[0]]![ref]![at[1]]!;
      for (const g of draws) {
        const gi = g[i]!;
        const gk = g[ref]!;
        for (let n = 0; n < gi.length; n++) {
          if (Math.abs(gi[n]! - r * gk[n]!) > RATIO_TOLERANCE * (Math.abs(gi[n]!) + Math.abs(r * gk[n]!)) + 1e-6 * top) return null;
        }
      }
      vector[seconds[i]!.axis] = Number(r.toPrecision(7));
    }
    if (vector.some((c) => Math.abs(c) > 1)) return null;
    if (common === null) common = vector;
    else if (common.some((c, a) => Math.abs(c - vector[a]!) > 2e-6)) return null;
  }
  return common;
}

/**
 * Whether the residual with u_{x_k x_k} := Σ_i ĉ_i u_{x_i x_i} (per output) and its other folded
 * columns zero equals the residual at this draw: pointwise within 1e-3 of the change the gradients
 * predict for that substitution (were it not along a level set) plus float32 rounding.
 */
function substitutes(term: LossTerm, scope: Scope, grads: readonly Float32Array[], seconds: readonly Second[], c: readonly number[], count: number): boolean {
  return tf.tidy(() => {
    const k = c.indexOf(1);
    const swapped: Scope = { ...scope };
    const outputs = [...new Set(seconds.map((s) => s.output))];
    for (const output of outputs) {
      const own = seconds.filter((s) => s.output === output && c[s.axis] !== 0);
      const sum = own.map((s) => tf.mul(scope[s.name]!, c[s.axis]!)).reduce((a, b) => tf.add(a, b)) as tf.Tensor1D;
      for (const s of own) swapped[s.name] = s.axis === k ? sum : (tf.zeros([count]) as tf.Tensor1D);
    }
    const r1 = term.residual(scope).dataSync() as Float32Array;
    const r2 = term.residual(swapped).dataSync() as Float32Array;
    if (r1.length !== count || r2.length !== count) return false;
    const change = seconds.map((s) => {
      const before = scope[s.name]!.dataSync() as Float32Array;
      const after = swapped[s.name]!.dataSync() as Float32Array;
      return Float32Array.from(before, (v, n) => Math.abs(v - after[n]!));
    });
    for (let n = 0; n < count; n++) {
      let sensitivity = 0;
      seconds.forEach((_, i) => (sensitivity += Math.abs(grads[i]![n]!) * change[i]![n]!));
      const tolerance = 1e-3 * sensitivity + 1e-5 * (Math.abs(r1[n]!) + Math.abs(r2[n]!)) + 1e-30;
      if (!(Math.abs(r1[n]! - r2[n]!) <= tolerance)) return false;
    }
    return true;
  });
}

/**
 * Whether the model's jets under the combined plan are the plain plan's at the first few points:
 * every channel the residual reads directly, and the combined channel against Σ_i ĉ_i of the plain
 * second derivatives (a transform that cannot carry a combined channel throws or differs here).
 */
function modelAgrees(model: ModelBase, plain: NamedPlan, combined: NamedPlan, points: TermPoints): boolean {
  const n = Math.min(points.count, MODEL_POINTS);
  const coords = points.coords.subarray(0, n * model.inputs.length);
  const nOut = model.outputs.length;
  try {
    return tf.tidy(() => {
      const a = model.jetForward(plain.plan, inputJetTensor(plain.plan, coords, n), n).dataSync() as Float32Array;
      const b = model.jetForward(combined.plan, inputJetTensor(combined.plan, coords, n), n).dataSync() as Float32Array;
      const at = (values: Float32Array, channel: number, p: number, o: number): number => values[(channel * n + p) * nOut + o]!;
      const { channel, coefficients } = combined.plan.combined!;
      let worst = 0;
      let scale = 0;
      for (let o = 0; o < nOut; o++) {
        for (let p = 0; p < n; p++) {
          let sum = 0;
          coefficients.forEach((c, axis) => {
            if (c === 0) return;
            const v = c * at(a, channelIndex(plain.plan, [axis, axis]), p, o);
            sum += v;
            scale = Math.max(scale, Math.abs(v));
          });
          worst = Math.max(worst, Math.abs(at(b, channel, p, o) - sum));
          for (const pick of combined.picks) {
            if (pick.zero || pick.channel === channel || pick.output !== o) continue;
            const same = plain.picks.find((q) => q.name === pick.name)!;
            const v = at(a, same.channel, p, o);
            scale = Math.max(scale, Math.abs(v));
            worst = Math.max(worst, Math.abs(at(b, pick.channel, p, o) - v));
          }
        }
      }
      return Number.isFinite(worst) && worst <= 1e-3 * scale + 1e-6;
    });
  } catch {
    return false;
  }
}

/**
 * One line on the jets of these terms' plans for a summary: `forward Laplacian on pde (5 -> 4
 * channels)`, or `plain` when no term uses it.
 */
export function jetDescription(model: ModelBase, terms: readonly { term: LossTerm; named: NamedPlan }[]): string {
  const used = terms.filter((t) => t.named.plan.combined);
  if (used.length === 0) return 'plain';
  const counts = [...new Set(used.map((t) => `${planFor(t.term.derivatives, model.inputs, model.outputs).plan.channels.length} -> ${t.named.plan.channels.length}`))];
  return `forward Laplacian on ${[...new Set(used.map((t) => t.term.name))].join(', ')} (${counts.join(', ')} channels)`;
}
