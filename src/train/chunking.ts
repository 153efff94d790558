/**
 * Loss and gradient in chunks of points, so that one evaluation's memory stays bounded at large
 * point counts. A loss+gradient evaluation keeps every layer's jet tensors (points × jet channels ×
 * width) for the backward pass; on tfjs-wasm they all live in one wasm32 heap of at most 4 GiB, and
 * past it XNNPACK's operator creation fails ("XNN status ... Got status 6", out of memory) and
 * tfjs-wasm goes on with an uninitialised product: measured on MLP [2,100,100,100,1] at 104k
 * points, the first layer's weight gradient came out 27 % wrong, differently at every evaluation,
 * with no error (README, "Large point counts").
 *
 * Each chunkable term's points are cut into pieces of at most `size` points; chunk k holds the k-th
 * piece of every term. Every piece enters with its share of its term's mean (weight × piece points /
 * term points), so the chunks' losses and gradients sum to the unchunked ones up to float rounding.
 * Causal terms (`CausalBins`) take two passes: the bin losses over all pieces first (their weights
 * are constants of the whole term), then each piece's per-bin sums of squares with those weights.
 * A periodic term pairs its points (first half against second half) and stays whole, in chunk 0.
 *
 * The trainer uses this only when the estimated bytes of one evaluation exceed the budget
 * (`chunkBudget`) or the user asks (`chunkPoints`); otherwise its unchunked path is unchanged.
 */
import * as tf from '../tf.js';
import { KanpinnInputError } from '../errors.js';
import type { ModelBase } from '../model/types.js';
import type { Model } from '../createModel.js';
import type { Problem, TermPoints } from '../problem/types.js';
import { flattenGrads, trainableVariables } from './params.js';
import { buildTermData, causalBins, disposeTermData, stepCausalWeights, termLosses, termScope, type TermData } from './termData.js';

/** The most bytes tfjs-wasm's heap can hold: wasm32 addresses 4 GiB. */
export const WASM_HEAP_BYTES = 4 * 2 ** 30;

/** The smallest piece the automatic choice makes: below it per-op costs dominate and memory hardly drops. */
export const MIN_CHUNK_POINTS = 256;

/**
 * Peak bytes of one loss+gradient evaluation per point, per jet channel and per unit of
 * `widthUnits`, measured on a Poisson loss (5-channel interior jet, 1-channel boundary jet) in a
 * fresh process: an MLP's growth of the wasm heap (where its jets live: MLP [2,100,100,100,1] at
 * 5k, 10k and 20k points 29–31 bytes, MLP [2,16,16,1] at 100k 28), a KAN's growth of the resident
 * memory (its kernels keep their arrays in JS: KAN [2,10,1] G5 between 1k and 400k points 1.4),
 * rounded up.
 */
export const BYTES_PER_UNIT = { mlp: 32, kan: 2 } as const;

/**
 * The model's size per point and jet channel, in the units of `BYTES_PER_UNIT`: an MLP's layer
 * widths after the input; a KAN's per layer in × (G + k + 1) basis values and in × out edge values,
 * at grid `grid` (the largest of a grid-extension schedule; default the model's).
 */
export function widthUnits(model: Model, grid?: number): number {
  const w = model.width;
  if (model.kind === 'mlp') return w.slice(1).reduce((s, n) => s + n, 0);
  const basis = (grid ?? model.options.grid) + model.options.k + 1;
  let units = 0;
  for (let l = 0; l + 1 < w.length; l++) units += w[l]! * basis + w[l]! * w[l + 1]!;
  return units;
}

/** The estimated peak bytes of one loss+gradient evaluation over `counts[t]` points of terms with `channels[t]` jet channels. */
export function evaluationBytes(model: Model, counts: readonly number[], channels: readonly number[], grid?: number): number {
  const perChannel = widthUnits(model, grid) * BYTES_PER_UNIT[model.kind];
  return counts.reduce((s, n, t) => s + n * channels[t]! * perChannel, 0);
}

/** Whether a term's residual is pointwise (one value per point), so that its points can be cut anywhere. */
function chunkable(data: TermData): boolean {
  return data.term.kind !== 'periodic';
}

/** What `chooseChunkPoints` decided: the piece size (null: no chunking) and the estimates behind it. */
export interface ChunkChoice {
  /** Points per piece of each chunkable term; null: one evaluation over all points. */
  size: number | null;
  /** Estimated peak bytes of one unchunked evaluation. */
  fullBytes: number;
  /** Estimated peak bytes of one chunk (equal to `fullBytes` without chunking). */
  chunkBytes: number;
}

/** The estimated peak bytes of one chunk whose pieces hold at most `size` points of each chunkable term. */
function chunkBytesAt(model: Model, data: readonly TermData[], size: number, grid?: number): number {
  const counts = data.map((d) => (chunkable(d) ? Math.min(size, d.points.count) : d.points.count));
  return evaluationBytes(model, counts, data.map((d) => d.named.plan.channels.length), grid);
}

/**
 * The piece size of an evaluation of `data`: with `chunkPoints` > 0 that many points (no chunking
 * when every term has fewer), with 0 (automatic) the largest size whose estimated peak stays within
 * `chunkBudget` MiB, at least `MIN_CHUNK_POINTS`, evened out over the chunks it takes, or no
 * chunking when the whole evaluation fits.
 * `heapBytes` is the backend's hard limit (wasm: 4 GiB; null: none known): a chunk estimated past it
 * is refused with an error that names the option to change, before anything is allocated. `grid`:
 * a KAN's largest grid of the run (its memory grows with the grid).
 */
export function chooseChunkPoints(model: Model, data: readonly TermData[], options: { chunkPoints: number; chunkBudget: number }, heapBytes: number | null, grid?: number): ChunkChoice {
  const largest = Math.max(0, ...data.filter(chunkable).map((d) => d.points.count));
  const fullBytes = chunkBytesAt(model, data, largest, grid);
  let size: number | null;
  if (options.chunkPoints > 0) size = options.chunkPoints < largest ? options.chunkPoints : null;
  else if (fullBytes <= options.chunkBudget * 2 ** 20 || largest <= MIN_CHUNK_POINTS) size = null;
  else {
    // The chunk's bytes grow with the size: bisect for the largest size within the budget.
    let lo = MIN_CHUNK_POINTS;
    let hi = largest;
    while (hi - lo > 1) {
      const mid = Math.floor((lo + hi) / 2);
      if (chunkBytesAt(model, data, mid, grid) <= options.chunkBudget * 2 ** 20) lo = mid;
      else hi = mid;
    }
    // Pieces of equal size (the same number of chunks): the kernels' reused buffers keep one size.
    size = Math.ceil(largest / Math.ceil(largest / lo));
  }
  const chunkBytes = size === null ? fullBytes : chunkBytesAt(model, data, size, grid);
  if (heapBytes !== null && chunkBytes > heapBytes) {
    const gib = (b: number): string => `${(b / 2 ** 30).toFixed(1)} GiB`;
    const what = size === null ? `one evaluation of all ${largest} points` : `one chunk of ${size} points per term`;
    const fix =
      options.chunkPoints > 0
        ? 'give a smaller --chunk-points N, or 0 to choose it from --chunk-budget'
        : size !== null && size <= MIN_CHUNK_POINTS
          ? 'chunking cannot help: use a narrower model (--width), fewer boundary or data points, or a backend with more memory (--backend)'
          : 'give a smaller --chunk-budget MIB or --chunk-points N';
    throw new KanpinnInputError(`chunkPoints: ${what} needs about ${gib(chunkBytes)}, over the backend's ${gib(heapBytes)} limit; ${fix}`);
  }
  return { size, fullBytes, chunkBytes };
}

/**
 * The hard limit of the memory the model's evaluation lives in: an MLP's jets on tfjs-wasm lie in
 * the wasm32 heap (4 GiB); a KAN's kernels keep theirs in JS memory, and other backends' limits are
 * not known (null).
 */
export function backendHeapBytes(backend: string, model: Model): number | null {
  return backend === 'wasm' && model.kind === 'mlp' ? WASM_HEAP_BYTES : null;
}

/** Points [a, b) of a point set (views, not copies: the tensors built from them copy). */
function slicePoints(points: TermPoints, dim: number, a: number, b: number): TermPoints {
  const out: TermPoints = { coords: points.coords.subarray(a * dim, b * dim), count: b - a };
  if (points.extra) out.extra = Object.fromEntries(Object.entries(points.extra).map(([k, v]) => [k, v.subarray(a, b)]));
  return out;
}

/** One piece of a term's points in a chunk: the term's index, the piece's tensors, its share of the term's mean, and a causal term's bin membership. */
interface Piece {
  term: number;
  data: TermData;
  /** Piece points / term points (1 for a term kept whole). */
  share: number;
  /** One-hot time bins of the piece's points [count, bins] (causal terms only). */
  bin?: tf.Tensor2D;
}

/** A training set cut into chunks: chunk k holds the k-th piece of every term that has one. */
export interface ChunkedTerms {
  /** Points per piece. */
  size: number;
  chunks: Piece[][];
}

/**
 * Cuts every term of `data` into pieces of at most `size` points (a periodic term stays whole, in
 * chunk 0) and makes their tensors; `timeAxis` is the column of t for causal terms' bins. Free with
 * `disposeChunks`.
 */
export function buildChunks(problem: Problem, model: ModelBase, data: readonly TermData[], size: number): ChunkedTerms {
  const dim = problem.variables.length;
  const chunks: Piece[][] = [];
  data.forEach((d, t) => {
    const n = d.points.count;
    if (n === 0) return;
    const pieces = chunkable(d) ? Math.ceil(n / size) : 1;
    for (let k = 0; k < pieces; k++) {
      const a = chunkable(d) ? k * size : 0;
      const b = chunkable(d) ? Math.min(n, a + size) : n;
      const points = pieces === 1 ? d.points : slicePoints(d.points, dim, a, b);
      const piece: Piece = { term: t, data: buildTermData(problem, model, d.term, points), share: pieces === 1 ? 1 : (b - a) / n };
      if (d.causal && problem.time) {
        const bins = causalBins(points, dim, dim - 1, problem.time, d.causal.epsilon, d.causal.count);
        bins.sizes.dispose();
        piece.bin = bins.bin;
      }
      (chunks[k] ??= []).push(piece);
    }
  });
  return { size, chunks };
}

/** Frees the tensors of `buildChunks`. */
export function disposeChunks(chunked: ChunkedTerms): void {
  for (const chunk of chunked.chunks) {
    for (const piece of chunk) {
      disposeTermData(piece.data);
      piece.bin?.dispose();
    }
  }
}

/** What `evaluateChunks` returns: the total loss, each term's plain mean squared residual, the gradient (null when not asked) and the regulariser's value. */
export interface ChunkedValue {
  loss: number;
  terms: Float64Array;
  grad: Float64Array | null;
  reg: number;
}

/** Per-bin sums of squared residuals of one causal piece, [bins] (inside tf.tidy). */
function binSums(model: ModelBase, piece: Piece): tf.Tensor1D {
  const squares = tf.square(piece.data.term.residual(termScope(model, piece.data)));
  return tf.reshape(tf.matMul(tf.reshape(squares, [1, -1]), piece.bin!), [-1]) as tf.Tensor1D;
}

/**
 * The loss Σ_t w_t·L_t of `data` (its causal weighting included, as `termLosses`) and, with
 * `gradient`, its gradient over the trainable variables, evaluated chunk by chunk: each chunk's
 * tensors are freed before the next is made. `regularization` is added once (in chunk 0). Causal
 * terms' `lastWeight` is set as `termLosses` sets it.
 */
export function evaluateChunks(
  model: ModelBase,
  chunked: ChunkedTerms,
  data: readonly TermData[],
  weights: readonly number[],
  options: { gradient: boolean; regularization?: () => tf.Scalar },
): ChunkedValue {
  const terms = new Float64Array(data.length);
  // Causal terms, pass 1: bin losses over all the pieces, their weights, and the per-bin
  // coefficients w_t·w_b / (bins · size_b) each piece's per-bin sums enter the loss with.
  const coefficients = new Map<number, Float32Array>();
  let loss = 0;
  data.forEach((d, t) => {
    if (!d.causal || d.points.count === 0) return;
    const { count } = d.causal;
    const sums = new Float64Array(count);
    for (const chunk of chunked.chunks) {
      for (const piece of chunk) {
        if (piece.term !== t) continue;
        const s = tf.tidy(() => binSums(model, piece).dataSync());
        for (let b = 0; b < count; b++) sums[b] = sums[b]! + s[b]!;
      }
    }
    const sizes = d.causal.sizes.dataSync();
    const binLosses = Array.from(sums, (s, b) => s / sizes[b]!);
    const w = stepCausalWeights(d.causal, binLosses);
    // Every point is in one bin: the plain mean is the sum of the bins' sums over the points.
    terms[t] = sums.reduce((a, b) => a + b, 0) / d.points.count;
    coefficients.set(t, Float32Array.from(w, (wb, b) => (weights[t]! * wb) / (count * sizes[b]!)));
    if (!options.gradient) loss += binLosses.reduce((a, l, b) => a + w[b]! * l, 0) * (weights[t]! / count);
  });
  const variables = trainableVariables(model);
  const grad = options.gradient ? new Float64Array(variables.reduce((n, v) => n + v.size, 0)) : null;
  let reg = NaN;
  chunked.chunks.forEach((chunk, k) => {
    const plain = chunk.filter((p) => !coefficients.has(p.term));
    const causal = chunk.filter((p) => coefficients.has(p.term));
    if (!options.gradient && plain.length === 0 && !(k === 0 && options.regularization)) return;
    tf.tidy(() => {
      let means: tf.Tensor1D | undefined;
      let regValue: tf.Scalar | undefined;
      const f = (): tf.Scalar => {
        const parts: tf.Scalar[] = [];
        if (plain.length > 0) {
          const losses = termLosses(
            model,
            plain.map((p) => p.data),
            plain.map((p) => weights[p.term]! * p.share),
          );
          means = tf.keep(losses.terms);
          parts.push(losses.total);
        }
        if (options.gradient) for (const p of causal) parts.push(tf.sum(tf.mul(binSums(model, p), tf.tensor1d(coefficients.get(p.term)!))) as tf.Scalar);
        if (k === 0 && options.regularization) {
          regValue = tf.keep(options.regularization());
          parts.push(regValue);
        }
        return (parts.length === 1 ? parts[0]! : tf.addN(parts)) as tf.Scalar;
      };
      if (grad) {
        const { value, grads } = tf.variableGrads(f, variables);
        loss += value.dataSync()[0]!;
        const flat = flattenGrads(model, grads);
        for (let i = 0; i < flat.length; i++) grad[i] = grad[i]! + flat[i]!;
      } else {
        loss += f().dataSync()[0]!;
      }
      // Kept out of the gradient's scope to be read here; kept tensors outlive the tidy, so freed here.
      if (means) {
        const m = means.dataSync();
        plain.forEach((p, i) => (terms[p.term] = terms[p.term]! + m[i]! * p.share));
        means.dispose();
      }
      if (regValue) {
        reg = regValue.dataSync()[0]!;
        regValue.dispose();
      }
    });
  });
  return { loss, terms, grad, reg };
}

/**
 * The residual of a pointwise term at `points`, evaluated in pieces of at most `size` points
 * (forward only), concatenated: the residual-based resampling's candidates (10 per point) would
 * otherwise hold ten times the training's jets at once.
 */
export function chunkedResidual(problem: Problem, model: ModelBase, term: TermData['term'], points: TermPoints, size: number): Float32Array {
  const dim = problem.variables.length;
  const out = new Float32Array(points.count);
  for (let a = 0; a < points.count; a += size) {
    const b = Math.min(points.count, a + size);
    const probe = buildTermData(problem, model, term, slicePoints(points, dim, a, b));
    const r = tf.tidy(() => term.residual(termScope(model, probe)).dataSync() as Float32Array);
    disposeTermData(probe);
    if (r.length !== b - a) return new Float32Array(0); // not pointwise: the caller keeps uniform candidates
    out.set(r, a);
  }
  return out;
}
