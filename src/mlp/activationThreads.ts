/**
 * The generated MLP activation jets (activationCodegen.ts) on all cores: each thread runs the same
 * generated source over its own chunk of the points (engine/pool.ts). Outputs and dL/dZ are per
 * point; dL/dbias is a sum over points (a private slice per worker). The pool copies the bulk
 * arrays in and out of its shared memory, or uses them in place where they already are in shared
 * memory (tensors on tfjs-wasm's threaded build, engine/wasmThreads.ts).
 */
import { baseDerivativesSource, narrowPointLoop } from '../engine/helperSources.js';
import { input, output, runThreaded, sum, threadsFor, type ThreadedKernel } from '../engine/pool.js';
import type { JetPlan } from '../jet/plan.js';
import { activationKernelSource, TANH_TABLES_SOURCE } from './activationCodegen.js';
import { TANH_POLY, tanhDerivatives, type FusedBackwardOutputs, type KernelActivation } from './activationKernel.js';

const POINT_LOOP = 'for (let base = 0; base < stride; base++)';
// chunks start at a point, so the neuron index j restarts at 0 as in the full loop
const CHUNK_LOOP = 'for (let base = n0 * n; base < n1 * n; base++)';

/** `H.deriv` of an activation as source (the generated code calls it only where it has no closed form). */
function derivSource(activation: KernelActivation): string {
  switch (activation) {
    case 'tanh':
      return `const TANH_POLY = ${JSON.stringify(TANH_POLY)};\n${tanhDerivatives.toString()}\n${TANH_TABLES_SOURCE}\nconst H = { deriv: tanhDerivatives, POW2, POW2_32 };`;
    case 'sin':
      return 'const H = {};';
    case 'silu':
    case 'identity':
      return `${baseDerivativesSource()}\nconst H = { deriv: function (z, order, out) { baseDerivatives('${activation}', z, order, out); } };`;
    default: {
      const never: never = activation;
      throw new Error(`unknown activation ${String(never)}`);
    }
  }
}

function kernelFor(activation: KernelActivation, plan: JetPlan, pass: 'forward' | 'backward', args: string[]): ThreadedKernel {
  return {
    key: JSON.stringify([pass, activation, plan.channels, plan.terms]),
    source: () => `(function () {
${derivSource(activation)}
return function (n0, n1, ${args.join(', ')}) {${narrowPointLoop(activationKernelSource(plan, activation, pass), POINT_LOOP, CHUNK_LOOP)}
};
})()`,
  };
}

/**
 * How much thread work one activation-jet element counts for, against the pool's crossover
 * (`THREAD_MIN_WORK`), when its arrays must be copied into and out of the pool's shared memory.
 * Measured on the 2-core build machine, quiet (eval suite, threads 1 and 2 alternated): an MLP
 * [2,16,16,1] evaluation at 1.04M points took 2.94–3.02 s on one thread and 4.12–4.45 s on two
 * (0.70×): these jets are a few flops per element, less than the copies that threading them costs.
 * So such an element counts 1/1000, which keeps every size measured so far on the calling thread.
 */
const COPIED_WORK_PER_ELEMENT = 1 / 1000;
/**
 * The same when the arrays are already in shared memory (tfjs-wasm's heap on its threaded build,
 * engine/wasmThreads.ts) and the workers use them in place: an element is then ~10–20 ns of
 * arithmetic against a ~15 µs dispatch. It counts 1.5 units, which keeps the eval suite's
 * 525-point rows on the calling thread (u, u_xx, u_yy take 5 jet channels: the MLP
 * [2,100,100,100,1]'s backward pass there is 525k elements, 787k units, test/engine/crossover.test.ts)
 * and sends calls from ~670k elements to the threads (an MLP [2,16,16,1] from ~8.4k points).
 */
const SHARED_WORK_PER_ELEMENT = 1.5;

function activationWork(elements: number, arrays: readonly Float32Array[]): number {
  const shared = typeof SharedArrayBuffer !== 'undefined' && arrays.every((a) => a.buffer instanceof SharedArrayBuffer);
  return Math.ceil(elements * (shared ? SHARED_WORK_PER_ELEMENT : COPIED_WORK_PER_ELEMENT));
}

/**
 * The forward jets on several threads, written into `into` (a new array when absent) and returned;
 * null when the call is too small for threads (the caller runs it).
 */
export function threadedActivationForward(
  activation: KernelActivation,
  plan: JetPlan,
  Z: Float32Array,
  bias: Float32Array,
  N: number,
  n: number,
  into?: Float32Array,
): Float32Array | null {
  const threads = threadsFor(activationWork(N * n * plan.channels.length, into === undefined ? [Z] : [Z, into]), N);
  if (threads < 2) return null;
  const Y = into ?? new Float32Array(Z.length);
  runThreaded({ kernel: kernelFor(activation, plan, 'forward', ['Z', 'bias', 'N', 'n', 'Y']), points: N, threads, args: [input(Z, { blocks: plan.channels.length, width: n }), bias, N, n, output(Y, { blocks: plan.channels.length, width: n })] });
  return Y;
}

/** How many threads the backward pass over these arrays runs on (1: the calling thread). */
export function backwardThreads(plan: JetPlan, N: number, n: number, arrays: readonly Float32Array[]): number {
  return threadsFor(activationWork(2 * N * n * plan.channels.length, arrays), N);
}

/**
 * The backward pass on several threads: writes dZ (`into`; a new array when absent), which it
 * returns, and adds into dBias; null when the call is too small for threads.
 */
export function threadedActivationBackward(
  activation: KernelActivation,
  plan: JetPlan,
  Z: Float32Array,
  bias: Float32Array,
  N: number,
  n: number,
  dY: Float32Array,
  dBias: Float64Array,
  into?: Float32Array,
): Float32Array | null {
  const threads = backwardThreads(plan, N, n, into === undefined ? [Z, dY] : [Z, dY, into]);
  if (threads < 2) return null;
  const dZ = into ?? new Float32Array(Z.length);
  const kernel = kernelFor(activation, plan, 'backward', ['Z', 'bias', 'N', 'n', 'dY', 'dZ', 'dBias']);
  runThreaded({ kernel, points: N, threads, args: [input(Z, { blocks: plan.channels.length, width: n }), bias, N, n, input(dY, { blocks: plan.channels.length, width: n }), output(dZ, { blocks: plan.channels.length, width: n }), sum(dBias)],
  });
  return dZ;
}

/**
 * The reverse pass's `blocks` and `inputs<d>` variants (activationCodegen.ts `BackwardVariant`) on
 * the kernel threads: the same generated source, its point loop narrowed to a chunk and its running
 * row index started at the chunk's first point. Without them, two threads ran the plain pass and
 * then a separate copy of dZ into column blocks (copyColumnBlocks, fusedMlp.ts), and the first
 * layer's dW as a product Xᵀ·dZ over a dZ written only for it: work one thread does not do (an MLP
 * [2,100,100,100,1] at 10.4k points: the copy alone was 15 % of the calling thread's profile on two
 * threads). Runs when `threads` ≥ 2 (from `backwardThreads`); returns false where it cannot (the
 * caller takes the plain route).
 */
export function threadedActivationBackwardFused(
  activation: KernelActivation,
  plan: JetPlan,
  Z: Float32Array,
  bias: Float32Array,
  N: number,
  n: number,
  dY: Float32Array,
  dBias: Float64Array,
  outputs: FusedBackwardOutputs,
  threads: number,
): boolean {
  if (threads < 2) return false;
  const C = plan.channels.length;
  const variant = outputs.kind === 'blocks' ? 'blocks' : (`inputs${outputs.width}` as const);
  const blockNames = outputs.kind === 'blocks' ? outputs.blocks.map((_, b) => `B${b}`) : [];
  const args = outputs.kind === 'blocks' ? ['Z', 'bias', 'N', 'n', 'dY', 'dZ', 'dBias', ...blockNames] : ['Z', 'bias', 'N', 'n', 'dY', 'dBias', 'XIN', 'dW'];
  const preamble = outputs.kind === 'blocks' ? `const blocks = [${blockNames.join(', ')}]; const XIN = null; const dW = null;` : 'const dZ = null; const blocks = null;';
  const kernel: ThreadedKernel = {
    key: JSON.stringify(['backward', variant, blockNames.length, activation, plan.channels, plan.terms]),
    source: () => {
      const body = narrowPointLoop(narrowPointLoop(activationKernelSource(plan, activation, 'backward', variant), POINT_LOOP, CHUNK_LOOP), ' let p = 0;', ' let p = n0;');
      return `(function () {
${derivSource(activation)}
return function (n0, n1, ${args.join(', ')}) {${preamble}${body}
};
})()`;
    },
  };
  const rows = { blocks: C, width: n };
  if (outputs.kind === 'blocks') {
    runThreaded({ kernel, points: N, threads, args: [input(Z, rows), bias, N, n, input(dY, rows), output(outputs.dZ, rows), sum(dBias), ...outputs.blocks.map((block, b) => output(block, { blocks: C, width: block.length / (C * N) }))] });
  } else {
    runThreaded({ kernel, points: N, threads, args: [input(Z, rows), bias, N, n, input(dY, rows), sum(dBias), input(outputs.X, { blocks: C, width: outputs.width }), sum(outputs.dW)] });
  }
  return true;
}
