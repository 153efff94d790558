/**
 * The MLP's jets as one differentiable op over the whole network, for backends whose tensors live
 * in host memory (`wasm`, `cpu`; see backendMemory.ts). Per layer: Z = X·W by tfjs's matMul
 * (XNNPACK on wasm), then bias + activation jets by the JS kernel (activationKernel.ts) reading Z
 * and writing Y in place. The backward pass is written out by hand: per layer the activation's
 * reverse kernel gives dZ and dbias (and dZ's column blocks for the weight gradient, in the same
 * pass; for narrow layers dZᵀ), then dW = Xᵀ·dZ (`blockedWeightGradient`, or dWᵀ = dZᵀ·X) and
 * dX = dZ·Wᵀ, with every transpose written by a loop (the wasm backend's transposed matMul is
 * 12–18× slower, PERF_NOTES.md; a transpose kernel's dispatch costs more than these copies). The
 * first layer's dW (a 2- or 3-wide input) is added up by its activation kernel itself, with no dZ
 * and no matMul. Hidden layers keep the activation's values (tanh's t and sech², …) from the
 * forward pass for the backward pass.
 *
 * Against one customGrad per matMul and per activation (the tf-ops path in mlp.ts, kept for GPU
 * backends) this removes the copies between the wasm heap and JS arrays (dataSync/tf.tensor, four
 * per layer), the Identity copies tfjs makes of every tensor a customGrad saves (now only each
 * layer's X and Z, once), and most of the per-op dispatch at small sizes.
 */
import * as tf from '../tf.js';
import type { JetPlan } from '../jet/plan.js';
import { activationBackwardFused, activationBackwardInto, activationBackwardTransposed, activationForwardCached, activationForwardInto, type KernelActivation } from './activationKernel.js';
import { ArrayPool } from '../engine/scratch.js';
import { GRADIENT_BLOCK } from './activationCodegen.js';
import { computeTensor, computeTensors } from '../engine/backendMemory.js';
import { cachedKernel, compileKernel } from '../jet/codegen.js';
import { input, output, runThreaded, threadsFor, type ThreadedKernel } from '../engine/pool.js';

/** One dense layer's parameters: weight [nIn, nOut], bias [nOut]. */
export interface FusedLayer {
  weight: tf.Tensor;
  bias: tf.Tensor;
}

/** Arrays a forward pass keeps for its backward pass (the activations' values), reused across calls. */
const cacheArrays = new ArrayPool();

/**
 * Most value-channel elements (points × width) of a hidden layer whose forward pass keeps the
 * activation's values for its backward pass (activationKernel.ts `activationForwardCached`, two
 * float64 each: 4 MB at most per layer). An MLP [2,16,16,1] at 525 points has 7k per layer, at
 * 10.4k points 166k; [2,100,100,100,1] at 525 points 44k.
 */
const CACHE_ELEMENTS = 1 << 18;

/**
 * The activation's values cache of a hidden layer with `n` outputs at `count` points where one
 * is kept (a tape records, and the layer is small enough), else null.
 */
function takeCache(keep: boolean, count: number, n: number): Float64Array | null {
  return activationCache && keep && count * n <= CACHE_ELEMENTS ? cacheArrays.f64(2 * count * n) : null;
}

let activationCache = true;

/**
 * Whether hidden layers keep the activation's values from the forward to the backward pass (the
 * default) or the backward pass evaluates the activation again; returns the previous setting.
 * For tests and before/after benchmarks: both give the same values.
 */
export function useActivationCache(enabled: boolean): boolean {
  const previous = activationCache;
  activationCache = enabled;
  return previous;
}

/**
 * Y = the activation jets of Z into `Y`; with a cache array, keeps the activation's values there
 * where the cached kernel runs and returns that array (else it is given back, and null returned).
 */
function activateInto(activation: KernelActivation, plan: JetPlan, Z: Float32Array, bias: Float32Array, count: number, n: number, Y: Float32Array, cache: Float64Array | null): Float64Array | null {
  if (cache !== null && activationForwardCached(activation, plan, Z, bias, count, n, Y, cache)) return cache;
  cacheArrays.give(cache);
  const out = activationForwardInto(activation, plan, Z, bias, count, n, Y);
  if (out !== Y) Y.set(out); // the threaded kernel wrote its own (shared) array
  return null;
}

/**
 * Bias + activation jets of one layer: Z [C·N, n] → Y of `shape` (Z's by default; the same
 * elements), and the activation's values kept for the backward pass where `keep` (`takeCache`).
 */
function activate(activation: KernelActivation, plan: JetPlan, z: tf.Tensor, bias: tf.Tensor, count: number, shape: number[], keep: boolean): { y: tf.Tensor; cache: Float64Array | null } {
  const n = z.shape[1]!;
  let cache = activation === 'identity' ? null : takeCache(keep, count, n);
  const y = computeTensor(shape, [z, bias], ([Z, B], Y) => {
    // B.slice(): the bias as its own small array; the threaded kernel posts it to the workers,
    // and a view of the wasm heap would post the whole heap (measured: 7× slower on two threads)
    cache = activateInto(activation, plan, Z!, B!.slice(), count, n, Y, cache);
  });
  return { y, cache };
}

/** Reverse of `activate`: dL/dY → dL/dZ (a tensor) and dL/dbias (float64 sums). */
function activateBackward(activation: KernelActivation, plan: JetPlan, z: tf.Tensor, bias: tf.Tensor, dy: tf.Tensor, count: number, cache: Float64Array | null): { dz: tf.Tensor; dBias: Float64Array } {
  const n = z.shape[1]!;
  const dBias = new Float64Array(n);
  const dz = computeTensor(z.shape, [z, bias, dy], ([Z, B, dY], dZ) => {
    const out = activationBackwardInto(activation, plan, Z!, B!.slice(), count, n, dY!, dZ, dBias, cache);
    if (out !== dZ) dZ.set(out);
  });
  return { dz, dBias };
}

/**
 * Wᵀ [nOut, nIn] of a weight W [nIn, nOut] as a new tensor, by a loop: at these sizes (≤ 100²
 * elements) a transpose kernel's dispatch costs more than the copy.
 */
function transposedWeight(weight: tf.Tensor): tf.Tensor {
  const [nIn, nOut] = weight.shape as [number, number];
  return computeTensor([nOut, nIn], [weight], ([W], T) => transposeInto(W!, nIn, nOut, T));
}

/** T [cols, rows] = Aᵀ for A [rows, cols] row-major. */
function transposeInto(A: Float32Array, rows: number, cols: number, T: Float32Array | Float64Array): void {
  for (let r = 0; r < rows; r++) for (let c = 0; c < cols; c++) T[c * rows + r] = A[r * cols + c]!;
}

/** Copies the column blocks of D [R, nOut] (widths `widths`) into `outs`, rows [r0, r1). */
function copyColumnBlocks(r0: number, r1: number, D: Float32Array, nOut: number, widths: number[], ...outs: Float32Array[]): void {
  for (let b = 0, j0 = 0; b < widths.length; j0 += widths[b]!, b++) {
    const out = outs[b]!;
    const w = widths[b]!;
    for (let r = r0, src = r0 * nOut + j0, dst = r0 * w; r < r1; r++, src += nOut, dst += w) {
      for (let jj = 0; jj < w; jj++) out[dst + jj] = D[src + jj]!;
    }
  }
}

const COPY_KERNEL: ThreadedKernel = { key: 'mlp-column-blocks', source: () => copyColumnBlocks.toString() };

/**
 * `copyColumnBlocks` over all rows, on the kernel threads when D and the blocks are in shared
 * memory (tfjs-wasm's threaded build: used in place) and the copy is large: at 10.4k points the
 * copy was 18 % of an MLP [2,100,100,100,1] loss+gradient on one thread (CPU profile). A copied
 * element counts 1 work unit against the pool's crossover (a KAN edge-channel counts 1 and costs
 * several times more), so copies from 1M elements go to the threads.
 */
function splitColumns(D: Float32Array, R: number, nOut: number, widths: number[], outs: Float32Array[]): void {
  const shared = typeof SharedArrayBuffer !== 'undefined' && [D, ...outs].every((a) => a.buffer instanceof SharedArrayBuffer);
  const threads = shared ? threadsFor(R * nOut, R) : 1;
  if (threads < 2) copyColumnBlocks(0, R, D, nOut, widths, ...outs);
  else runThreaded({ kernel: COPY_KERNEL, points: R, threads, args: [input(D), nOut, widths, ...outs.map((o) => output(o))] });
}

/** The column widths of dZ [R, nOut] in blocks of `GRADIENT_BLOCK`. */
function blockWidths(nOut: number): number[] {
  const widths: number[] = [];
  for (let j0 = 0; j0 < nOut; j0 += GRADIENT_BLOCK) widths.push(Math.min(GRADIENT_BLOCK, nOut - j0));
  return widths;
}

/**
 * dW = Xᵀ·dZ for X [R, nIn], dZ [R, nOut], R = C·N rows, given dZ also as column blocks [R, ≤ 16].
 * XNNPACK packs a product's right operand as weights, reading it column by column: for dZ
 * [50000, 100] that strided pass cost twice the product itself (measured: 540 ms against 160 for
 * X·W on the loaded machine). Each block [R, 16] packs in one cache-friendly sweep, and the
 * [nIn, 16] products are concatenated (~2× faster in all).
 */
function blockedWeightGradient(x: tf.Tensor, blocks: tf.Tensor[]): tf.Tensor {
  const xt = tf.transpose(x as tf.Tensor2D);
  return tf.concat(
    blocks.map((block) => tf.matMul(xt, block as tf.Tensor2D)),
    1,
  );
}

/** A hidden layer's gradients: dL/dZ, dL/dbias, and dW, or its transpose dWᵀ (narrow layers). */
interface LayerGradients {
  dz: tf.Tensor;
  dW: tf.Tensor | null;
  dWT: tf.Tensor | null;
  dBias: Float64Array;
}

/**
 * One layer's reverse pass below its output gradient dy: dZ (for the layer below), dW and dbias.
 * Up to `GRADIENT_BLOCK` inputs and outputs the activation kernel writes dZ and dZᵀ in one pass
 * (activationCodegen.ts `transposed` variant) and dWᵀ = dZᵀ·X is one product: the transposed
 * input Xᵀ was a transpose kernel per layer, and at a few hundred points a kernel's dispatch
 * costs about what its arithmetic does. Wider layers on wasm: the activation kernel writes dZ's
 * column blocks in the same pass as dZ (`blocks` variant; with the kernel threads or the loop
 * kernels the blocks are copied out of dZ afterwards).
 */
function layerBackward(activation: KernelActivation, plan: JetPlan, x: tf.Tensor, z: tf.Tensor, bias: tf.Tensor, dy: tf.Tensor, count: number, cache: Float64Array | null): LayerGradients {
  const [R, nOut] = z.shape as [number, number];
  const nIn = x.shape[1]!;
  // dZᵀ·X packs X [R, nIn] as XNNPACK's right operand, Xᵀ·dZ packs dZ [R, nOut]: packing a wide
  // operand is slow (see blockedWeightGradient), so the transposed form only where X is narrow
  // too (an MLP [2,100,100,100,1]'s output layer at 10.4k points packed X [52k, 100]: 1.13–1.27×
  // the time of the whole evaluation)
  if (nOut <= GRADIENT_BLOCK && nIn <= GRADIENT_BLOCK) {
    const dBias = new Float64Array(nOut);
    const [dz, dzT] = computeTensors([[R, nOut], [nOut, R]], [z, bias, dy], ([Z, B, dY], [dZ, dZT]) =>
      activationBackwardTransposed(activation, plan, Z!, B!.slice(), count, nOut, dY!, dZ!, dZT!, dBias, cache),
    );
    const dWT = tf.matMul(dzT as tf.Tensor2D, x as tf.Tensor2D);
    dzT!.dispose();
    return { dz: dz!, dW: null, dWT, dBias };
  }
  if (nOut <= GRADIENT_BLOCK || tf.getBackend() !== 'wasm') {
    const { dz, dBias } = activateBackward(activation, plan, z, bias, dy, count, cache);
    return { dz, dW: tf.matMul(tf.transpose(x as tf.Tensor2D), dz as tf.Tensor2D), dWT: null, dBias };
  }
  const widths = blockWidths(nOut);
  const dBias = new Float64Array(nOut);
  const [dz, ...blocks] = computeTensors([[R, nOut], ...widths.map((w) => [R, w])], [z, bias, dy], ([Z, B, dY], [dZ, ...outs]) => {
    const b = B!.slice(); // see `activate`
    if (activationBackwardFused(activation, plan, Z!, b, count, nOut, dY!, dBias, { kind: 'blocks', dZ: dZ!, blocks: outs }, cache)) return;
    const out = activationBackwardInto(activation, plan, Z!, b, count, nOut, dY!, dZ!, dBias);
    if (out !== dZ) dZ!.set(out);
    splitColumns(dZ!, R, nOut, widths, outs);
  });
  return { dz: dz!, dW: blockedWeightGradient(x, blocks), dWT: null, dBias };
}

/**
 * Widest first-layer input whose weight gradient the activation kernel adds up itself (the
 * `inputs<d>` variant: 2d flops per jet element), instead of a matMul Xᵀ·dZ whose packing of dZ
 * costs as much as a wide layer's.
 */
const FUSED_INPUT_WIDTH = 8;

/**
 * The first layer's reverse pass: dW and dbias from the activation kernel alone (no dZ tensor, no
 * matMul; the input is data, so no dX either). Where that kernel does not run here (no code
 * generation), the plain reverse pass into an array and dW = Xᵀ·dZ as a loop.
 */
function firstLayerBackward(
  activation: KernelActivation,
  plan: JetPlan,
  x: tf.Tensor,
  z: tf.Tensor,
  bias: tf.Tensor,
  dy: tf.Tensor,
  count: number,
  nIn: number,
  cache: Float64Array | null,
): { dW: Float64Array; dBias: Float64Array } {
  const [R, nOut] = z.shape as [number, number];
  const dBias = new Float64Array(nOut);
  const dW = new Float64Array(nIn * nOut);
  computeTensors([], [z, bias, dy, x], ([Z, B, dY, X]) => {
    const b = B!.slice();
    if (activationBackwardFused(activation, plan, Z!, b, count, nOut, dY!, dBias, { kind: 'inputs', X: X!, width: nIn, dW }, cache)) return;
    const dZ = activationBackwardInto(activation, plan, Z!, b, count, nOut, dY!, new Float32Array(R * nOut), dBias);
    for (let r = 0; r < R; r++) {
      for (let i = 0; i < nIn; i++) {
        const xi = X![r * nIn + i]!;
        for (let j = 0; j < nOut; j++) dW[i * nOut + j] = dW[i * nOut + j]! + xi * dZ[r * nOut + j]!;
      }
    }
  });
  return { dW, dBias };
}

/**
 * Most elements (rows × inputs) of a linear output layer whose reverse pass runs as one JS loop
 * (`outputLayerBackward`). Below it the loop's few flops per element cost less than the five
 * tfjs kernels it replaces (an identity activation pass, two transposes, two products: ~8 % of
 * the ~90 kernels of an MLP [2,16,16,1] evaluation at 525 points, 42k elements: 0.95× in
 * interleaved rounds); at 262k elements (MLP [2,100,100,100,1], 525 points) it was already
 * 1–3 % slower than XNNPACK's products, and those also run on the kernel threads.
 */
const OUTPUT_LOOP_ELEMENTS = 1 << 16;

/** The output layer's reverse pass as a kernel: X [R, nIn], W [nIn, nOut], DY [R, nOut] → DX; adds into dW, dBias. */
type OutputBackwardKernel = (X: Float32Array, W: Float32Array, DY: Float32Array, DX: Float32Array, R: number, count: number, dW: Float64Array, dBias: Float64Array) => void;

/** The reverse pass of a linear output layer as a loop (the reference, and where code generation is not allowed). */
function outputBackwardLoop(X: Float32Array, W: Float32Array, DY: Float32Array, DX: Float32Array, R: number, count: number, dW: Float64Array, dBias: Float64Array): void {
  const nIn = X.length / R;
  const nOut = DY.length / R;
  for (let row = 0; row < R; row++) {
    for (let k = 0; k < nOut; k++) {
      const g = DY[row * nOut + k]!;
      if (row < count) dBias[k] = dBias[k]! + g;
    }
    const x0 = row * nIn;
    for (let i = 0; i < nIn; i++) {
      const xi = X[x0 + i]!;
      let sum = 0;
      for (let k = 0; k < nOut; k++) {
        const g = DY[row * nOut + k]!;
        dW[i * nOut + k] = dW[i * nOut + k]! + xi * g;
        sum += g * W[i * nOut + k]!;
      }
      DX[x0 + i] = sum;
    }
  }
}

/**
 * Most weights (nIn·nOut) of an output layer whose reverse pass is generated as straight-line
 * code (`outputBackwardSource`); wider ones take the loop.
 */
const OUTPUT_UNROLL_WEIGHTS = 64;

/**
 * The body of `outputBackwardLoop` for fixed nIn, nOut, unrolled: the weights and the dW, dbias
 * sums are locals (float64, added up in the same row order as the loop, so the same values) and
 * the value channel's rows (which carry the bias) run as their own loop instead of a test per row.
 * The loop read and wrote dW through memory for every element: it was ~10 % of an MLP
 * [2,16,16,1] evaluation at 525 points (CPU profile), for 35k multiply-adds.
 */
function outputBackwardSource(nIn: number, nOut: number): string {
  const I = Array.from({ length: nIn }, (_, i) => i);
  const K = Array.from({ length: nOut }, (_, k) => k);
  const row = (bias: boolean): string =>
    [
      ...K.map((k) => `const g${k} = DY[yo + ${k}];`),
      ...(bias ? K.map((k) => `b${k} += g${k};`) : []),
      ...I.flatMap((i) => [`const x${i} = X[xo + ${i}];`, ...K.map((k) => `a${i}_${k} += x${i} * g${k};`), `DX[xo + ${i}] = 0${K.map((k) => ` + g${k} * w${i}_${k}`).join('')};`]),
    ].join('\n    ');
  return `
  ${I.flatMap((i) => K.map((k) => `const w${i}_${k} = W[${i * nOut + k}]; let a${i}_${k} = 0;`)).join('\n  ')}
  ${K.map((k) => `let b${k} = 0;`).join(' ')}
  ${rowLoops(nIn, nOut, row)}
  ${I.flatMap((i) => K.map((k) => `dW[${i * nOut + k}] += a${i}_${k};`)).join(' ')}
  ${K.map((k) => `dBias[${k}] += b${k};`).join(' ')}`;
}

const outputBackwardCache = new Map<string, OutputBackwardKernel>();

/** The output layer's reverse-pass kernel for these widths: generated where allowed and small enough, else the loop. */
function outputBackwardKernel(nIn: number, nOut: number): OutputBackwardKernel {
  if (nIn * nOut > OUTPUT_UNROLL_WEIGHTS) return outputBackwardLoop;
  const generated = cachedKernel(outputBackwardCache, `${nIn},${nOut}`, () =>
    compileKernel<OutputBackwardKernel>(['X', 'W', 'DY', 'DX', 'R', 'count', 'dW', 'dBias'], outputBackwardSource(nIn, nOut)),
  );
  return generated ?? outputBackwardLoop;
}

let generatedOutputLayer = true;

/** Whether the output layer's reverse pass runs generated (the default) or as the loop; returns the previous setting. For tests. */
export function useGeneratedOutputLayer(enabled: boolean): boolean {
  const previous = generatedOutputLayer;
  generatedOutputLayer = enabled;
  return previous;
}

/**
 * The reverse pass of a linear output layer with few outputs (the network's last layer), as one
 * pass over its input X [R, nIn] and dL/dY [R, nOut]: dW = Xᵀ·dY, dbias = the value channel's
 * rows of dY summed (the bias adds to the value channel only), and dL/dX = dY·Wᵀ; null where the
 * layer is too big for it.
 */
function outputLayerBackward(x: tf.Tensor, weight: tf.Tensor, dy: tf.Tensor, count: number): { dx: tf.Tensor; dW: Float64Array; dBias: Float64Array } | null {
  const [R, nIn] = x.shape as [number, number];
  const nOut = weight.shape[1]!;
  if (nOut > 4 || R * nIn > OUTPUT_LOOP_ELEMENTS) return null;
  const dW = new Float64Array(nIn * nOut);
  const dBias = new Float64Array(nOut);
  const kernel = generatedOutputLayer ? outputBackwardKernel(nIn, nOut) : outputBackwardLoop;
  const [dx] = computeTensors([[R, nIn]], [x, weight, dy], ([X, W, DY], [DX]) => kernel(X!, W!, DY!, DX!, R, count, dW, dBias));
  return { dx: dx!, dW, dBias };
}

/** The output layer's forward pass as a kernel: X [R, nIn], W [nIn, nOut], bias [nOut] → Y [R, nOut]. */
type OutputForwardKernel = (X: Float32Array, W: Float32Array, B: Float32Array, Y: Float32Array, R: number, count: number) => void;

/**
 * The forward pass of a linear output layer for fixed nIn, nOut, unrolled: Y = X·W, plus the bias
 * on the value channel's rows (the first `count`). As the matMul and identity activation it
 * replaces, Z is rounded to float32 before the bias is added in float64 and the sum rounded
 * again; only Z's own summation order differs from XNNPACK's (a sequential float64 sum here).
 */
function outputForwardSource(nIn: number, nOut: number): string {
  const I = Array.from({ length: nIn }, (_, i) => i);
  const K = Array.from({ length: nOut }, (_, k) => k);
  const row = (bias: boolean): string =>
    [
      ...I.map((i) => `const x${i} = X[xo + ${i}];`),
      ...K.map((k) => `Y[yo + ${k}] = ${bias ? 'Math.fround(' : ''}0${I.map((i) => ` + x${i} * w${i}_${k}`).join('')}${bias ? `) + b${k}` : ''};`),
    ].join('\n    ');
  return `
  ${I.flatMap((i) => K.map((k) => `const w${i}_${k} = W[${i * nOut + k}];`)).join(' ')}
  ${K.map((k) => `const b${k} = B[${k}];`).join(' ')}
  ${rowLoops(nIn, nOut, row)}`;
}

const outputForwardCache = new Map<string, OutputForwardKernel>();

/**
 * The output layer's forward pass as one generated JS pass instead of a matMul and an identity
 * activation pass (two kernels, ~6 % of an MLP [2,16,16,1] evaluation at 525 points), exactly where
 * its reverse pass is the loop (`outputLayerBackward`, which reads no Z); null elsewhere.
 */
function outputLayerForward(x: tf.Tensor, weight: tf.Tensor, bias: tf.Tensor, count: number, shape: number[]): tf.Tensor | null {
  const [R, nIn] = x.shape as [number, number];
  const nOut = weight.shape[1]!;
  if (!generatedOutputLayer || nOut > 4 || R * nIn > OUTPUT_LOOP_ELEMENTS || nIn * nOut > OUTPUT_UNROLL_WEIGHTS) return null;
  const kernel = cachedKernel(outputForwardCache, `${nIn},${nOut}`, () => compileKernel<OutputForwardKernel>(['X', 'W', 'B', 'Y', 'R', 'count'], outputForwardSource(nIn, nOut)));
  if (kernel === null) return null;
  return computeTensor(shape, [x, weight, bias], ([X, W, B], Y) => kernel(X!, W!, B!, Y, R, count));
}

/** What one forward pass keeps for its backward pass, and the gradient tape that recorded it. */
interface Held {
  tape: WeakRef<object>;
  tensors: tf.Tensor[];
}

/**
 * The tensors kept by forward passes whose backward pass has not run yet. They are kept here
 * rather than by customGrad's `save`, which copies every saved tensor (tfjs clones it with an
 * Identity kernel, a full copy on wasm): 7 copies of 20 MB per MLP [2,100,100,100,1] evaluation
 * at 10k points (6 % of its CPU profile), 12 of the ~100 kernels of an MLP [2,16,16,1] evaluation
 * at 525 points. The backward pass frees its set; a set whose pass never runs (the op was
 * recorded but not on the path to the differentiated value) is freed by the next forward pass
 * that finds its tape finished.
 */
const held = new Set<Held>();

/** The gradient tape recording now, or null (tfjs engine state: `gradientDepth`, `activeTape`). */
function activeTape(): object | null {
  const state = tf.engine().state as { gradientDepth: number; activeTape: object | null };
  return state.gradientDepth > 0 && state.activeTape ? state.activeTape : null;
}

/** Frees the sets of finished tapes (every set when no tape records). */
function releaseFinished(tape: object | null): void {
  for (const set of held) {
    if (set.tape.deref() === tape) continue;
    for (const t of set.tensors) t.dispose();
    held.delete(set);
  }
}

/**
 * The output jets [C·N, nOut] of an MLP for input jets x [C·N, nIn] (channel-major, `count`
 * points per channel; any shape with those elements, e.g. the model's [C, N, nIn]), returned with
 * `shape` (default [C·N, nOut]): hidden layers use `activation`, the last one is linear.
 * Differentiable with respect to every weight and bias; x is data (the points' jets), so no
 * gradient flows to it and the first layer's dX product is skipped.
 *
 * tfjs kernels per call at a few hundred points, where each one's dispatch costs about what its
 * arithmetic does: one matMul forward per layer, two backward per hidden layer after the first
 * (a narrow first layer's dW, the output layer and every transpose run as loops inside the op's
 * own calls), and the small parameter gradients are made into tensors by one call at the end.
 * (The first layer's product X·W as a loop too, 2 inputs × 16 outputs at 525 points, was 1.14×
 * the time of the whole evaluation with its matMul kernel, load 10: the kernel is cheaper.)
 */
export function fusedMlpJet(activation: KernelActivation, plan: JetPlan, layers: readonly FusedLayer[], x: tf.Tensor, count: number, shape?: number[]): tf.Tensor {
  const L = layers.length;
  const nIn = layers[0]!.weight.shape[0]!;
  const R = x.size / nIn;
  const outShape = shape ?? [R, layers[L - 1]!.weight.shape[1]!];
  const activationOf = (l: number): KernelActivation => (l === L - 1 ? 'identity' : activation);
  const params = layers.flatMap((layer) => [layer.weight, layer.bias]);
  const op = tf.customGrad((...args: unknown[]) => {
    const inParams = args.slice(0, 2 * L) as tf.Tensor[];
    const tape = activeTape();
    releaseFinished(tape);
    // each layer's input and its Z (null where its backward pass does not read it: the output
    // layer's loop)
    const xs: tf.Tensor[] = [];
    const zs: (tf.Tensor | null)[] = [];
    // each hidden layer's kept activation values, or null (`takeCache`)
    const caches: (Float64Array | null)[] = [];
    let h: tf.Tensor = tf.reshape(x, [R, nIn]); // an alias of x's memory, 2-D for the product
    for (let l = 0; l < L; l++) {
      xs.push(h);
      const last = l === L - 1;
      const out = last && l > 0 ? outputLayerForward(h, inParams[2 * l]!, inParams[2 * l + 1]!, count, outShape) : null;
      if (out !== null) {
        zs.push(null);
        caches.push(null);
        h = out;
        continue;
      }
      const z = tf.matMul(h as tf.Tensor2D, inParams[2 * l] as tf.Tensor2D);
      zs.push(z);
      const activated = activate(activationOf(l), plan, z, inParams[2 * l + 1]!, count, last ? outShape : z.shape, tape !== null);
      caches.push(activated.cache);
      h = activated.y;
    }
    // kept for the backward pass only while a tape records; a parameter that is not a variable
    // (it outlives the op) is held through a reshape, an alias of the same memory, so that the
    // caller's own tensors are never disposed here
    const param = tape === null ? inParams : inParams.map((p) => (p instanceof tf.Variable ? p : tf.keep(tf.reshape(p, p.shape))));
    const set: Held | null =
      tape === null
        ? null
        : {
            tape: new WeakRef(tape),
            tensors: [...xs, ...zs].filter((t): t is tf.Tensor => t !== null).map((t) => tf.keep(t)).concat(param.filter((p, i) => p !== inParams[i])),
          };
    if (set) held.add(set);
    return {
      value: h,
      gradFunc: (dy: tf.Tensor) => {
        if (set === null || !held.has(set)) throw new Error('fusedMlpJet: the backward pass ran without its forward pass\'s tensors');
        const grads: (tf.Tensor | null)[] = new Array<tf.Tensor | null>(2 * L).fill(null);
        // gradients not yet tensors: sums in float64, and products dWᵀ to transpose
        const sums = new Map<number, Float64Array>();
        const transposedProducts = new Map<number, tf.Tensor>();
        let g = dy;
        for (let l = L - 1; l >= 0; l--) {
          const last = l === L - 1 && l > 0 ? outputLayerBackward(xs[l]!, param[2 * l]!, g, count) : null;
          if (zs[l] === null && last === null) throw new Error('fusedMlpJet: the output layer ran as a loop forward but not backward');
          if (last) {
            sums.set(2 * l, last.dW);
            sums.set(2 * l + 1, last.dBias);
            g = last.dx;
            continue;
          }
          if (l === 0 && nIn <= FUSED_INPUT_WIDTH) {
            const first = firstLayerBackward(activationOf(0), plan, xs[0]!, zs[0]!, param[1]!, g, count, nIn, caches[0]!);
            sums.set(0, first.dW);
            sums.set(1, first.dBias);
            continue;
          }
          const { dz, dW, dWT, dBias } = layerBackward(activationOf(l), plan, xs[l]!, zs[l]!, param[2 * l + 1]!, g, count, caches[l]!);
          if (dW) grads[2 * l] = dW;
          else transposedProducts.set(2 * l, dWT!);
          sums.set(2 * l + 1, dBias);
          if (l > 0) g = tf.matMul(dz as tf.Tensor2D, transposedWeight(param[2 * l]!) as tf.Tensor2D);
        }
        const pending = grads.flatMap((t, i) => (t === null ? [i] : []));
        const products = pending.filter((i) => transposedProducts.has(i)).map((i) => transposedProducts.get(i)!);
        const made = computeTensors(
          pending.map((i) => param[i]!.shape),
          products,
          (inputs, outs) => {
            let next = 0;
            pending.forEach((i, k) => {
              const sum = sums.get(i);
              if (sum) outs[k]!.set(sum); // rounded to float32
              else transposeInto(inputs[next++]!, param[i]!.shape[1]!, param[i]!.shape[0]!, outs[k]!);
            });
          },
        );
        pending.forEach((i, k) => (grads[i] = made[k]!));
        for (const t of products) t.dispose();
        cacheArrays.give(...caches);
        for (const t of set.tensors) t.dispose();
        held.delete(set);
        return grads as tf.Tensor[];
      },
    };
  });
  return op(...params);
}

/**
 * The row loops of the generated output-layer passes: rows below `count` (the value rows, `row(true)`)
 * then the others (`row(false)`), with X's and Y's row offsets carried along.
 */
function rowLoops(nIn: number, nOut: number, row: (value: boolean) => string): string {
  return `const rows = Math.min(count, R);
  let xo = 0, yo = 0, r = 0;
  for (; r < rows; r++, xo += ${nIn}, yo += ${nOut}) {
    ${row(true)}
  }
  for (; r < R; r++, xo += ${nIn}, yo += ${nOut}) {
    ${row(false)}
  }`;
}
