/**
 * The machine's reachable speed for the eval suite to compare against: GFLOP/s of a plain matrix
 * product [rows, 256] × [256, 256] on the active tfjs backend (what the MLP's products run on) and
 * of a plain-JS loop on the kernel threads (what the KAN layer and activation kernels are written
 * in), both measured in the same process, on the same backend and thread count as the cases.
 */
import * as tf from '../../src/tf.js';
import { createRng, getThreads, input, output, runThreaded } from '../../src/internal.js';

/** Inner and output size of the products. */
const K = 256;

/** GFLOP/s of a matrix product, best of its repeats. */
export interface MatMulPeak {
  /** tf.matMul on the active backend (its own threads, if it has any). */
  tfjs: number;
  /** The plain-JS loop below on `threads` threads (engine/pool.ts). */
  js: number;
  threads: number;
  backend: string;
}

/** Best of `repeats` timed runs (after one warm-up), as GFLOP/s for `flops` per run. */
function best(run: () => void, flops: number, repeats: number): number {
  run();
  let fastest = Infinity;
  for (let r = 0; r < repeats; r++) {
    const start = performance.now();
    run();
    fastest = Math.min(fastest, performance.now() - start);
  }
  return Math.round((flops / (fastest * 1e-3) / 1e9) * 100) / 100;
}

/**
 * The plain-JS product C[n, :] += A[n, p] · B[p, :] over rows [n0, n1), i-k-j order (unit stride in
 * the inner loop, which V8 compiles to tight scalar code): the speed a hand-written JS kernel of
 * this machine can reach.
 */
const JS_MATMUL = `(function () { return function (n0, n1, A, B, C, K) {
  for (let n = n0; n < n1; n++) {
    const row = n * K;
    for (let p = 0; p < K; p++) {
      const a = A[row + p];
      const brow = p * K;
      for (let j = 0; j < K; j++) C[row + j] += a * B[brow + j];
    }
  }
}; })()`;
const jsMatMul = (new Function(`return ${JS_MATMUL}`) as () => (n0: number, n1: number, A: Float32Array, B: Float32Array, C: Float32Array, k: number) => void)();

let cached: MatMulPeak | null = null;

/** Measures both peaks (a few seconds), cached per backend and thread count for the rest of the run. */
export function matMulPeak(): MatMulPeak {
  const threads = getThreads();
  const backend = tf.getBackend();
  if (cached !== null && cached.threads === threads && cached.backend === backend) return cached;
  const rng = createRng(7);
  const rows = 1024;
  const a = tf.tensor2d(Float32Array.from({ length: rows * K }, () => rng.next() - 0.5), [rows, K]);
  const b = tf.tensor2d(Float32Array.from({ length: K * K }, () => rng.next() - 0.5), [K, K]);
  const tfjs = best(() => tf.tidy(() => void tf.matMul(a, b).dataSync()), 2 * rows * K * K, 5);
  a.dispose();
  b.dispose();
  const jsRows = 512 * threads;
  const A = Float32Array.from({ length: jsRows * K }, () => rng.next() - 0.5);
  const B = Float32Array.from({ length: K * K }, () => rng.next() - 0.5);
  const C = new Float32Array(jsRows * K);
  const kernel = { key: 'bench-js-matmul', source: () => JS_MATMUL };
  const js = best(
    () => (threads > 1 ? runThreaded({ kernel, points: jsRows, threads, args: [input(A), input(B), output(C), K] }) : jsMatMul(0, jsRows, A, B, C, K)),
    2 * jsRows * K * K,
    3,
  );
  cached = { tfjs, js, threads, backend };
  return cached;
}
