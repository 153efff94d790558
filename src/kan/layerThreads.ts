/**
 * The generated KAN layer passes (layerCodegen.ts) on all cores: each thread runs the same
 * generated source over its own chunks of the points (engine/pool.ts). Forward outputs and dL/dX
 * are per point (disjoint writes); dL/draw and dL/dscale_base are sums over points (a private slice
 * per chunk, added by the caller). Arrays outside shared memory are copied in and out by the pool,
 * so the results are ordinary arrays the caller may keep. Layers with symbolic edges and the
 * per-edge regulariser pass stay on the calling thread.
 *
 * Two granularities:
 * - one layer's pass per call (`threadedLayerForward` / `threadedLayerBackward`: the layer op of
 *   kanLayer.ts `kanLayerJet`, and tests);
 * - a whole network's pass per call (`threadedNetworkForward` / `threadedNetworkBackward`, used by
 *   `kanNetworkJet`): the network is pointwise, so a thread runs a chunk of points through every
 *   layer (backward: through every layer in reverse) before it claims the next chunk. One dispatch
 *   and one wait per pass instead of one per layer, every layer on the threads (at 10.4k points the
 *   [2,10,1] KAN's second layer alone fell below the crossover and ran serially), and the forward
 *   pass records each layer's spans and sigmoids in shared arrays for the backward pass to replay
 *   (as on one thread) instead of both passes working them out.
 */
import { baseDerivativesSource, jetFactorsSource } from '../engine/helperSources.js';
import { input, output, runThreaded, sum, threadsFor, type SharedArg, type ThreadedKernel } from '../engine/pool.js';
import type { JetPlan } from '../jet/plan.js';
import { chunkKernelSource, exp2Tables, makeScratch, type GeneratedArgs, type KernelPass, type PreludeMode } from './layerCodegen.js';
import { findSpan } from './spline.js';

let networkPasses = true;

/**
 * Whether `kanNetworkJet` runs a network's layers as one threaded pass each way (the default) or
 * each layer's pass as a threaded call of its own (as before 2026-11-30); returns the previous
 * setting. For tests and benchmarks (`bench/threads-scaling.mjs --kan-network on,off`).
 */
export function setNetworkPasses(enabled: boolean): boolean {
  const previous = networkPasses;
  networkPasses = enabled;
  return previous;
}

/** Whether whole-network threaded passes are on (`setNetworkPasses`). */
export function networkPassesOn(): boolean {
  return networkPasses;
}

/** The plan's part of a kernel key, once per plan (the key is built on every call). */
const planKeys = new WeakMap<JetPlan, string>();

function planKey(plan: JetPlan): string {
  let key = planKeys.get(plan);
  if (key === undefined) {
    key = JSON.stringify([plan.channels, plan.terms]);
    planKeys.set(plan, key);
  }
  return key;
}

/** The cache key of one layer pass's kernel. */
function passKey(plan: JetPlan, k: number, pass: KernelPass, constS: Float64Array[] | null, single: boolean, mode: PreludeMode): string {
  return `${planKey(plan)}|${pass}|${k}|${constS === null ? 'null' : constS.map((s) => s.join(',')).join(';')}|${single}|${mode}`;
}

/**
 * Source of one layer pass as `function (n0, n1, A0, sharedX, sharedRaw, sharedSpans, sharedSigmoids, ...rest)`
 * (`rest`: `Y` forward, `dY, dRaw, dSb, dX` backward). The generated bodies run the points
 * [n0, n1), left free: a worker's function binds its chunk. The spans and sigmoids are used only
 * in `record` / `replay` mode.
 */
function passSource(plan: JetPlan, k: number, pass: KernelPass, constS: Float64Array[] | null, single: boolean, mode: PreludeMode): string {
  const rest = pass === 'forward' ? ['Y'] : ['dY', 'dRaw', 'dSb', 'dX'];
  return `(function () {
${findSpan.toString()}
${baseDerivativesSource()}
const jet = ${jetFactorsSource(plan)};
const exp2 = (${exp2Tables.toString()})();
const H = { span: function (table, x) { return findSpan(table.knots, x, table.uniformStep); }, baseD: baseDerivatives, factors: jet.factors, factorsBack: jet.backward, POW2: exp2.POW2, POW2_32: exp2.POW2_32, scratch: (${makeScratch.toString()})() };
return function (n0, n1, A0, sharedX, sharedRaw, sharedSpans, sharedSigmoids, ${rest.join(', ')}) {
const A = Object.assign({}, A0, { X: sharedX, raw: sharedRaw, spans: sharedSpans, sigmoids: sharedSigmoids });${chunkKernelSource(plan, k, pass, constS, single, mode)}
};
})()`;
}

function kernelFor(plan: JetPlan, k: number, pass: KernelPass, constS: Float64Array[] | null, single: boolean): ThreadedKernel {
  return { key: passKey(plan, k, pass, constS, single, 'compute'), source: () => passSource(plan, k, pass, constS, single, 'compute') };
}

/** Work units of one pass (points × edges × channels), for the crossover in pool.ts. */
function workOf(plan: JetPlan, a: GeneratedArgs): number {
  return a.N * a.nIn * a.nOut * plan.channels.length;
}

/**
 * The small part of a layer's arguments (copied to each worker with the job): everything but the
 * bulk arrays, with the parameter arrays copied out of shared memory. The parameters are views of
 * tfjs-wasm's heap, and posting a view of that heap (a WebAssembly memory's SharedArrayBuffer) to a
 * worker cost ~2 ms per job on the calling thread (`--phases`: "pool: post jobs" 4.2 ms of a
 * 17 ms KAN evaluation at 10.4k points); a copy of a few dozen floats costs nothing.
 */
function scalarArgs(a: GeneratedArgs): Omit<GeneratedArgs, 'X' | 'raw' | 'spans' | 'sigmoids'> {
  const { X, raw, spans, sigmoids, ...rest } = a;
  return { ...rest, scaleBase: a.scaleBase.slice(), scaleSp: a.scaleSp.slice(), mask: a.mask.slice() };
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
  const C = plan.channels.length;
  runThreaded({
    kernel: kernelFor(plan, k, 'forward', constS, a.nOut === 1),
    points: a.N,
    threads,
    args: [scalarArgs(a), input(a.X, { blocks: C, width: a.nIn }), input(a.raw), null, null, output(Y, { blocks: C, width: a.nOut })],
  });
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
  const C = plan.channels.length;
  // the caller's zeroed dX when it has one (a second array per call was only garbage)
  const dX = needInputGrad ? (into ?? new Float32Array(a.X.length)) : null;
  const pass: KernelPass = needInputGrad ? 'backward-input' : 'backward';
  runThreaded({
    kernel: kernelFor(plan, k, pass, constS, a.nOut === 1),
    points: a.N,
    threads,
    args: [
      scalarArgs(a),
      input(a.X, { blocks: C, width: a.nIn }),
      input(a.raw),
      null,
      null,
      input(dY, { blocks: C, width: a.nOut }),
      sum(dRaw),
      sum(dSb),
      dX === null ? null : output(dX, { blocks: C, width: a.nIn }),
    ],
  });
  return { dX };
}

/** One layer of a network pass: its degree, arguments (X: its input jets) and constant input factors. */
export interface NetworkLayer {
  k: number;
  args: GeneratedArgs;
  /** The input's constant factors (`constantFactors`; the first layer only, else null). */
  constS: Float64Array[] | null;
  /** Where the forward pass records, and the backward pass reads, each (point, input)'s span and sigmoid [N·nIn]. */
  spans: Int32Array;
  sigmoids: Float64Array;
}

/** The kernel of a whole network's pass: the layers' pass kernels called in turn on each chunk. */
function networkKernel(plan: JetPlan, layers: readonly NetworkLayer[], backward: boolean): ThreadedKernel {
  const passes = layers.map((layer, l) => {
    const single = layer.args.nOut === 1;
    const pass: KernelPass = !backward ? 'forward' : l > 0 ? 'backward-input' : 'backward';
    const constS = backward && l > 0 ? null : layer.constS;
    const mode: PreludeMode = backward ? 'replay' : 'record';
    return { key: passKey(plan, layer.k, pass, constS, single, mode), source: () => passSource(plan, layer.k, pass, constS, single, mode) };
  });
  const C = plan.channels.length;
  const L = layers.length;
  return {
    key: `network|${backward}|${passes.map((p) => p.key).join('||')}`,
    source: () => {
      const defs = passes.map((p, l) => `const pass${l} = ${p.source()};`).join('\n');
      // per layer l: A0_l, X_l (forward: X_0 only; later layers read Y_{l−1}), raw_l, spans_l, sigmoids_l, then
      // forward: Y_l; backward: dRaw_l, dSb_l, dX_l (l > 0); the backward pass's dL/dY of the last layer first
      const params = backward
        ? ['dYlast', ...layers.flatMap((_, l) => [`A0_${l}`, `X_${l}`, `raw_${l}`, `spans_${l}`, `sigmoids_${l}`, `dRaw_${l}`, `dSb_${l}`, `dX_${l}`])]
        : ['X_0', ...layers.flatMap((_, l) => [`A0_${l}`, `raw_${l}`, `spans_${l}`, `sigmoids_${l}`, `Y_${l}`])];
      const body = backward
        ? layers
            .map((_, i) => {
              const l = L - 1 - i;
              const dY = l === L - 1 ? 'dYlast' : `dX_${l + 1}`;
              // dX_l starts at zero in the chunk's rows of every channel (the pass adds into it)
              const zero = l > 0 ? `for (let c = 0; c < ${C}; c++) dX_${l}.fill(0, (c * A0_${l}.N + n0) * A0_${l}.nIn, (c * A0_${l}.N + n1) * A0_${l}.nIn);\n` : '';
              return `${zero}pass${l}(n0, n1, A0_${l}, X_${l}, raw_${l}, spans_${l}, sigmoids_${l}, ${dY}, dRaw_${l}, dSb_${l}, ${l > 0 ? `dX_${l}` : 'null'});`;
            })
            .join('\n')
        : layers.map((_, l) => `pass${l}(n0, n1, A0_${l}, ${l === 0 ? 'X_0' : `Y_${l - 1}`}, raw_${l}, spans_${l}, sigmoids_${l}, Y_${l});`).join('\n');
      return `(function () {
${defs}
return function (n0, n1, ${params.join(', ')}) {
${body}
};
})()`;
    },
  };
}

/**
 * How much a work unit of a whole-network pass counts against the pool's crossover
 * (`THREAD_MIN_WORK`, whose units the MLP's kernels are calibrated to): a network pass is one
 * dispatch for all its layers, so it pays from fewer units than one layer's call did. Measured
 * 2026-11-30 04:59 UTC (`node bench/threads-scaling.mjs --threads 1,2 --min-work 1 --cases
 * kan-525,kan-1000,kan-2000,kan-3000,kan-4000,kan-6000 --rounds 5 --seconds 1`, everything threaded,
 * load 9-11, two runs): KAN [2,10,1] G5 with 441 / 1,040 / 2,080 / 3,120 / 4,160 / 6,240 points ran
 * on two threads at 0.66x / 0.81x / 0.88-1.30x / 1.28x / 1.20-2.08x / 1.07x the speed of one, the
 * calling thread's CPU per evaluation 1.4 -> 1.9, 1.9 -> 1.9, 3.8 -> 2.4-2.9, 5.2 -> 3.3, 7.1 -> 3.8-4.3
 * and 10.0 -> 5.7 ms: two threads pay from ~2-3k points, and never at the eval suite's 525 (441
 * interior points). 2.2 sends a [2,10,1] forward pass (150 units per point with the 5 channels of
 * u, u_xx, u_yy) to the threads from ~3,000 points and its backward pass (twice the units) from
 * ~1,500; the 525-point rows stay on the calling thread (test/engine/crossover.test.ts).
 */
const NETWORK_WORK_WEIGHT = 2.2;


/**
 * Threads a network pass over N points through layers of these widths would use (1: it stays on
 * the calling thread, `threadedNetworkForward` / `threadedNetworkBackward` return false); the
 * backward pass does twice the forward pass's work. Cheap: callers ask before building the pass.
 */
export function networkThreads(plan: JetPlan, N: number, widths: readonly { nIn: number; nOut: number }[], backward: boolean): number {
  const units = widths.reduce((total, w) => total + N * w.nIn * w.nOut * plan.channels.length, 0);
  return threadsFor((backward ? 2 : 1) * NETWORK_WORK_WEIGHT * units, N);
}

function passThreads(plan: JetPlan, layers: readonly NetworkLayer[], backward: boolean): number {
  return networkThreads(plan, layers[0]!.args.N, layers.map((layer) => layer.args), backward);
}

/**
 * A whole network's forward pass on several threads (see the module comment): layer l reads
 * `layers[l].args.X` for l = 0 and `Ys[l − 1]` after, writes `Ys[l]` [C, N, nOut_l], and records its
 * spans and sigmoids. Returns false (nothing done) when the pass is too small for threads.
 */
export function threadedNetworkForward(plan: JetPlan, layers: readonly NetworkLayer[], Ys: readonly Float32Array[]): boolean {
  const threads = passThreads(plan, layers, false);
  if (threads < 2) return false;
  const args: unknown[] = [input(layers[0]!.args.X)];
  layers.forEach((layer, l) => args.push(scalarArgs(layer.args), input(layer.args.raw), output(layer.spans), output(layer.sigmoids), output(Ys[l]!)));
  runThreaded({ kernel: networkKernel(plan, layers, false), points: layers[0]!.args.N, threads, args });
  return true;
}

/**
 * A whole network's backward pass on several threads, replaying the spans and sigmoids its
 * forward pass recorded: from dL/dY of the last layer, adds each layer's dL/draw and
 * dL/dscale_base into `dRaws[l]` / `dSbs[l]` (zeroed by the caller) and writes the hidden layers'
 * dL/dX into `dXs[l]` (l ≥ 1; the pass zeroes them itself). `layers[l].args.X` must be the jets the
 * forward pass read. Returns false (nothing done) when the pass is too small for threads.
 */
export function threadedNetworkBackward(
  plan: JetPlan,
  layers: readonly NetworkLayer[],
  dYlast: Float32Array,
  dRaws: readonly Float64Array[],
  dSbs: readonly Float64Array[],
  dXs: readonly (Float32Array | null)[],
): boolean {
  const threads = passThreads(plan, layers, true);
  if (threads < 2) return false;
  const args: (unknown | SharedArg)[] = [input(dYlast)];
  layers.forEach((layer, l) => {
    const dX = dXs[l] ?? null;
    if (l > 0 && dX === null) throw new Error('threadedNetworkBackward: a hidden layer needs its dX array');
    args.push(scalarArgs(layer.args), input(layer.args.X), input(layer.args.raw), input(layer.spans), input(layer.sigmoids), sum(dRaws[l]!), sum(dSbs[l]!), l > 0 ? output(dX!) : null);
  });
  runThreaded({ kernel: networkKernel(plan, layers, true), points: layers[0]!.args.N, threads, args });
  return true;
}
