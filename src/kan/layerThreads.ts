/**
 * The generated KAN layer passes (layerCodegen.ts) on all cores: each thread runs the same
 * generated source over its own chunk of the points (engine/pool.ts). Forward outputs and dL/dX
 * are per point (disjoint writes); dL/draw and dL/dscale_base are sums over points (a private slice
 * per worker, added by the caller). The pool copies the bulk arrays in and out of its shared
 * memory, so the results are ordinary arrays the caller may keep. Layers with symbolic edges and the per-edge
 * regulariser pass stay on the calling thread.
 */
import { baseDerivativesSource, jetFactorsSource } from '../engine/helperSources.js';
import { input, output, runThreaded, sum, threadsFor, type ThreadedKernel } from '../engine/pool.js';
import type { JetPlan } from '../jet/plan.js';
import { chunkKernelSource, exp2Tables, makeScratch, type GeneratedArgs, type KernelPass } from './layerCodegen.js';
import { findSpan } from './spline.js';

// The generated bodies run the points [n0, n1), left free: a worker's function binds its chunk.
function kernelFor(plan: JetPlan, k: number, pass: KernelPass, constS: Float64Array[] | null, single: boolean, args: string[]): ThreadedKernel {
  const key = JSON.stringify([pass, plan.channels, plan.terms, k, constS === null ? null : constS.map((s) => Array.from(s)), single]);
  return {
    key,
    source: () => `(function () {
${findSpan.toString()}
${baseDerivativesSource()}
const jet = ${jetFactorsSource(plan)};
const exp2 = (${exp2Tables.toString()})();
const H = { span: function (table, x) { return findSpan(table.knots, x, table.uniformStep); }, baseD: baseDerivatives, factors: jet.factors, factorsBack: jet.backward, POW2: exp2.POW2, POW2_32: exp2.POW2_32, scratch: (${makeScratch.toString()})() };
return function (n0, n1, ${args.join(', ')}) {
const A = Object.assign({}, A0, { X: sharedX, raw: sharedRaw });${chunkKernelSource(plan, k, pass, constS, single)}
};
})()`,
  };
}

/** Work units of one pass (points × edges × channels), for the crossover in pool.ts. */
function workOf(plan: JetPlan, a: GeneratedArgs): number {
  return a.N * a.nIn * a.nOut * plan.channels.length;
}

/** The kernel's arguments A split into the bulk arrays (shared for the call) and the rest (copied to each worker). */
function splitArgs(plan: JetPlan, a: GeneratedArgs): unknown[] {
  // threaded passes work out spans and sigmoids themselves (mode 'compute'): no cache arrays to workers
  const { X, raw, spans, sigmoids, ...rest } = a;
  return [rest, input(X, { blocks: plan.channels.length, width: a.nIn }), input(raw)];
}

/**
 * The forward jets Y [C, N, nOut] computed on several threads into `into` (the caller's output
 * array; a new one when absent) and returned, or null when the call is too small for threads (the
 * caller runs it).
 */
export function threadedLayerForward(plan: JetPlan, k: number, constS: Float64Array[] | null, a: GeneratedArgs, into?: Float32Array): Float32Array | null {
  const threads = threadsFor(workOf(plan, a), a.N);
  if (threads < 2) return null;
  const Y = into ?? new Float32Array(plan.channels.length * a.N * a.nOut);
  runThreaded({ kernel: kernelFor(plan, k, 'forward', constS, a.nOut === 1, ['A0', 'sharedX', 'sharedRaw', 'Y']), points: a.N, threads, args: [...splitArgs(plan, a), output(Y, { blocks: plan.channels.length, width: a.nOut })] });
  return Y;
}

/**
 * The backward pass on several threads: adds into dRaw and dSb, and into `into` (the caller's
 * zeroed dX; a new one when absent), and returns { dX } (null without the input gradient); null
 * when the call is too small for threads (the caller runs it).
 */
export function threadedLayerBackward(
  plan: JetPlan,
  k: number,
  constS: Float64Array[] | null,
  needInputGrad: boolean,
  a: GeneratedArgs,
  dY: Float32Array,
  dRaw: Float64Array,
  dSb: Float64Array,
  into?: Float32Array | null,
): { dX: Float32Array | null } | null {
  const threads = threadsFor(2 * workOf(plan, a), a.N);
  if (threads < 2) return null;
  // the caller's zeroed dX when it has one (a second array per call was only garbage)
  const dX = needInputGrad ? (into ?? new Float32Array(a.X.length)) : null;
  const pass: KernelPass = needInputGrad ? 'backward-input' : 'backward';
  const kernel = kernelFor(plan, k, pass, constS, a.nOut === 1, ['A0', 'sharedX', 'sharedRaw', 'dY', 'dRaw', 'dSb', 'dX']);
  runThreaded({ kernel, points: a.N, threads, args: [
      ...splitArgs(plan, a),
      input(dY, { blocks: plan.channels.length, width: a.nOut }),
      sum(dRaw),
      sum(dSb),
      dX === null ? null : output(dX, { blocks: plan.channels.length, width: a.nIn }),
    ],
  });
  return { dX };
}
