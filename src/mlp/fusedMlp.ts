/**
 * The MLP's jets as one differentiable op over the whole network, for backends whose tensors live
 * in host memory (`wasm`, `cpu`; see backendMemory.ts). Per layer: Z = X·W by tfjs's matMul
 * (XNNPACK on wasm), then bias + activation jets by the JS kernel (activationKernel.ts) reading Z
 * and writing Y in place. The backward pass is written out by hand: per layer the activation's
 * reverse kernel gives dZ and dbias (and dZ's column blocks for the weight gradient, in the same
 * pass), then dW = Xᵀ·dZ (`blockedWeightGradient`) and dX = dZ·Wᵀ with explicit transposes (the
 * wasm backend's transposed matMul is 12–18× slower, PERF_NOTES.md). The first layer's dW (a
 * 2- or 3-wide input) is added up by its activation kernel itself, with no dZ and no matMul.
 *
 * Against one customGrad per matMul and per activation (the tf-ops path in mlp.ts, kept for GPU
 * backends) this removes the copies between the wasm heap and JS arrays (dataSync/tf.tensor, four
 * per layer), the Identity copies tfjs makes of every tensor a customGrad saves (now only each
 * layer's X and Z, once), and most of the per-op dispatch at small sizes.
 */
import * as tf from '../tf.js';
import type { JetPlan } from '../jet/plan.js';
import { activationBackwardFused, activationBackwardInto, activationForwardInto, type KernelActivation } from './activationKernel.js';
import { GRADIENT_BLOCK } from './activationCodegen.js';
import { computeTensor, computeTensors } from '../engine/backendMemory.js';
import { cachedKernel, compileKernel } from '../jet/codegen.js';
import { input, output, runThreaded, threadsFor, type ThreadedKernel } from '../engine/pool.js';

/** One dense layer's parameters: weight [nIn, nOut], bias [nOut]. */
export interface FusedLayer {
  weight: tf.Tensor;
  bias: tf.Tensor;
}

/** Bias + activation jets of one layer: Z [C·N, n] → Y [C·N, n]. */
function activate(activation: KernelActivation, plan: JetPlan, z: tf.Tensor, bias: tf.Tensor, count: number): tf.Tensor {
  const n = z.shape[1]!;
  return computeTensor(z.shape, [z, bias], ([Z, B], Y) => {
    // B.slice(): the bias as its own small array; the threaded kernel posts it to the workers,
    // and a view of the wasm heap would post the whole heap (measured: 7× slower on two threads)
    const out = activationForwardInto(activation, plan, Z!, B!.slice(), count, n, Y);
    if (out !== Y) Y.set(out); // the threaded kernel wrote its own (shared) array
  });
}

/** Reverse of `activate`: dL/dY → dL/dZ (a tensor) and dL/dbias. */
function activateBackward(activation: KernelActivation, plan: JetPlan, z: tf.Tensor, bias: tf.Tensor, dy: tf.Tensor, count: number): { dz: tf.Tensor; dBias: tf.Tensor } {
  const n = z.shape[1]!;
  const dBias = new Float64Array(n);
  const dz = computeTensor(z.shape, [z, bias, dy], ([Z, B, dY], dZ) => {
    const out = activationBackwardInto(activation, plan, Z!, B!.slice(), count, n, dY!, dZ, dBias);
    if (out !== dZ) dZ.set(out);
  });
  return { dz, dBias: tf.tensor1d(Float32Array.from(dBias)) };
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

/**
 * One layer's reverse pass below its output gradient dy: dZ (for the layer below), dW and dbias.
 * On wasm with more than `GRADIENT_BLOCK` outputs the activation kernel writes dZ's column blocks
 * in the same pass as dZ (activationCodegen.ts `blocks` variant); with the kernel threads (or the
 * loop kernels) the blocks are copied out of dZ afterwards.
 */
function layerBackward(activation: KernelActivation, plan: JetPlan, x: tf.Tensor, z: tf.Tensor, bias: tf.Tensor, dy: tf.Tensor, count: number): { dz: tf.Tensor; dW: tf.Tensor; dBias: tf.Tensor } {
  const [R, nOut] = z.shape as [number, number];
  if (nOut <= GRADIENT_BLOCK || tf.getBackend() !== 'wasm') {
    const { dz, dBias } = activateBackward(activation, plan, z, bias, dy, count);
    return { dz, dW: tf.matMul(tf.transpose(x as tf.Tensor2D), dz as tf.Tensor2D), dBias };
  }
  const widths = blockWidths(nOut);
  const dBias = new Float64Array(nOut);
  const [dz, ...blocks] = computeTensors([[R, nOut], ...widths.map((w) => [R, w])], [z, bias, dy], ([Z, B, dY], [dZ, ...outs]) => {
    const b = B!.slice(); // see `activate`
    if (activationBackwardFused(activation, plan, Z!, b, count, nOut, dY!, dBias, { kind: 'blocks', dZ: dZ!, blocks: outs })) return;
    const out = activationBackwardInto(activation, plan, Z!, b, count, nOut, dY!, dZ!, dBias);
    if (out !== dZ) dZ!.set(out);
    splitColumns(dZ!, R, nOut, widths, outs);
  });
  return { dz: dz!, dW: blockedWeightGradient(x, blocks), dBias: tf.tensor1d(Float32Array.from(dBias)) };
}

/**
 * Widest first-layer input whose weight gradient the activation kernel adds up itself (the
 * `inputs<d>` variant: 2d flops per jet element), instead of a matMul Xᵀ·dZ whose packing of dZ
 * costs as much as a wide layer's.
 */
const FUSED_INPUT_WIDTH = 8;

/**
 * The first layer's reverse pass: dW and dbias from the activation kernel alone (no dZ, no matMul;
 * the input is data, so no dX either); null where that kernel does not run here (the caller takes
 * `layerBackward`).
 */
function firstLayerBackward(activation: KernelActivation, plan: JetPlan, x: tf.Tensor, z: tf.Tensor, bias: tf.Tensor, dy: tf.Tensor, count: number): { dW: tf.Tensor; dBias: tf.Tensor } | null {
  const nIn = x.shape[1]!;
  const nOut = z.shape[1]!;
  if (nIn > FUSED_INPUT_WIDTH) return null;
  const dBias = new Float64Array(nOut);
  const dW = new Float64Array(nIn * nOut);
  let ran = false;
  computeTensors([], [z, bias, dy, x], ([Z, B, dY, X]) => {
    ran = activationBackwardFused(activation, plan, Z!, B!.slice(), count, nOut, dY!, dBias, { kind: 'inputs', X: X!, width: nIn, dW });
  });
  if (!ran) return null;
  return { dW: tf.tensor2d(Float32Array.from(dW), [nIn, nOut]), dBias: tf.tensor1d(Float32Array.from(dBias)) };
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
function outputLayerBackward(x: tf.Tensor, weight: tf.Tensor, dy: tf.Tensor, count: number): { dx: tf.Tensor; dW: tf.Tensor; dBias: tf.Tensor } | null {
  const [R, nIn] = x.shape as [number, number];
  const nOut = dy.shape[1]!;
  if (nOut > 4 || R * nIn > OUTPUT_LOOP_ELEMENTS) return null;
  const dW = new Float64Array(nIn * nOut);
  const dBias = new Float64Array(nOut);
  const kernel = generatedOutputLayer ? outputBackwardKernel(nIn, nOut) : outputBackwardLoop;
  const [dx] = computeTensors([[R, nIn]], [x, weight, dy], ([X, W, DY], [DX]) => kernel(X!, W!, DY!, DX!, R, count, dW, dBias));
  return { dx: dx!, dW: tf.tensor2d(Float32Array.from(dW), [nIn, nOut]), dBias: tf.tensor1d(Float32Array.from(dBias)) };
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
function outputLayerForward(x: tf.Tensor, weight: tf.Tensor, bias: tf.Tensor, count: number): tf.Tensor | null {
  const [R, nIn] = x.shape as [number, number];
  const nOut = weight.shape[1]!;
  if (!generatedOutputLayer || nOut > 4 || R * nIn > OUTPUT_LOOP_ELEMENTS || nIn * nOut > OUTPUT_UNROLL_WEIGHTS) return null;
  const kernel = cachedKernel(outputForwardCache, `${nIn},${nOut}`, () => compileKernel<OutputForwardKernel>(['X', 'W', 'B', 'Y', 'R', 'count'], outputForwardSource(nIn, nOut)));
  if (kernel === null) return null;
  return computeTensor([R, nOut], [x, weight, bias], ([X, W, B], Y) => kernel(X!, W!, B!, Y, R, count));
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
 * points per channel): hidden layers use `activation`, the last one is linear. Differentiable with
 * respect to every weight and bias; x is data (the points' jets), so no gradient flows to it and
 * the first layer's dX product is skipped.
 */
export function fusedMlpJet(activation: KernelActivation, plan: JetPlan, layers: readonly FusedLayer[], x: tf.Tensor2D, count: number): tf.Tensor2D {
  const L = layers.length;
  const activationOf = (l: number): KernelActivation => (l === L - 1 ? 'identity' : activation);
  const params = layers.flatMap((layer) => [layer.weight, layer.bias]);
  const op = tf.customGrad((...args: unknown[]) => {
    const inParams = args.slice(0, 2 * L) as tf.Tensor[];
    const tape = activeTape();
    releaseFinished(tape);
    const xs: tf.Tensor[] = [];
    // a layer's Z, or null where its backward pass does not read it (the output layer's loop)
    const zs: (tf.Tensor | null)[] = [];
    let h: tf.Tensor = x;
    for (let l = 0; l < L; l++) {
      xs.push(h);
      const out = l === L - 1 && l > 0 ? outputLayerForward(h, inParams[2 * l]!, inParams[2 * l + 1]!, count) : null;
      if (out !== null) {
        zs.push(null);
        h = out;
        continue;
      }
      const z = tf.matMul(h as tf.Tensor2D, inParams[2 * l] as tf.Tensor2D);
      zs.push(z);
      h = activate(activationOf(l), plan, z, inParams[2 * l + 1]!, count);
    }
    const keptZ = zs.filter((z): z is tf.Tensor => z !== null);
    // kept for the backward pass only while a tape records; the input (and any parameter that
    // is not a variable, which outlives the op) is held through a reshape, an alias of the same
    // memory, so that the caller's own tensors are never disposed here
    const alias = (t: tf.Tensor): tf.Tensor => tf.keep(tf.reshape(t, t.shape));
    const set: Held | null =
      tape === null ? null : { tape: new WeakRef(tape), tensors: [alias(x), ...xs.slice(1).map((t) => tf.keep(t)), ...keptZ.map((t) => tf.keep(t)), ...inParams.filter((p) => !(p instanceof tf.Variable)).map(alias)] };
    if (set) held.add(set);
    return {
      value: h,
      gradFunc: (dy: tf.Tensor) => {
        if (set === null || !held.has(set)) throw new Error('fusedMlpJet: the backward pass ran without its forward pass\'s tensors');
        const sx = set.tensors.slice(0, L);
        const kept = set.tensors.slice(L, L + keptZ.length);
        const sz = zs.map((z) => (z === null ? null : kept.shift()!));
        const rest = set.tensors.slice(L + keptZ.length);
        const param = inParams.map((p) => (p instanceof tf.Variable ? p : rest.shift()!));
        const grads: tf.Tensor[] = new Array<tf.Tensor>(2 * L);
        let g = dy;
        for (let l = L - 1; l >= 0; l--) {
          const last = l === L - 1 && l > 0 ? outputLayerBackward(sx[l]!, param[2 * l]!, g, count) : null;
          if (sz[l] === null && last === null) throw new Error('fusedMlpJet: the output layer ran as a loop forward but not backward');
          if (last) {
            grads[2 * l] = last.dW;
            grads[2 * l + 1] = last.dBias;
            g = last.dx;
            continue;
          }
          const first = l === 0 ? firstLayerBackward(activationOf(l), plan, sx[l]!, sz[l]!, param[2 * l + 1]!, g, count) : null;
          if (first) {
            grads[2 * l] = first.dW;
            grads[2 * l + 1] = first.dBias;
            continue;
          }
          const { dz, dW, dBias } = layerBackward(activationOf(l), plan, sx[l]!, sz[l]!, param[2 * l + 1]!, g, count);
          grads[2 * l] = dW;
          grads[2 * l + 1] = dBias;
          if (l > 0) g = tf.matMul(dz as tf.Tensor2D, tf.transpose(param[2 * l]! as tf.Tensor2D));
        }
        for (const t of set.tensors) t.dispose();
        held.delete(set);
        return grads;
      },
    };
  });
  return op(...params) as tf.Tensor2D;
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
