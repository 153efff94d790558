/**
 * An MLP layer's bias and activation applied to jets as one fused kernel: for pre-activations
 * z (channels [C, N, n], bias added to the value channel) the output channels are
 *   y_D = Σ_m S_{D,m}(z) · σ^{(m)}(z₀ + b)     (Faà di Bruno, see jet/plan.ts),
 * with a hand-written reverse mode. On the wasm backend each elementwise tfjs op costs a full
 * pass over memory (≈17 ms per 10⁶ floats), so the ~20 ops of a jet activation dominated the
 * MLP's step; one JS pass per direction replaces them.
 */
import * as tf from '../tf.js';
import type { JetPlan } from '../jet/plan.js';
import { baseDerivatives } from '../jet/baseFunctions.js';
import { compileJet } from '../jet/factors.js';
import { cachedActivation, generatedActivationBackward, generatedActivationForward, type BackwardVariant } from './activationCodegen.js';
import { backwardThreads, threadedActivationBackward, threadedActivationBackwardFused, threadedActivationForward } from './activationThreads.js';

let generatedKernels = true;

/** Whether the generated kernels (activationCodegen.ts, the default) or the loops below run; returns the previous setting. For tests. */
export function useGeneratedActivationKernels(enabled: boolean): boolean {
  const previous = generatedKernels;
  generatedKernels = enabled;
  return previous;
}

export type KernelActivation = 'tanh' | 'sin' | 'silu' | 'identity';

/** TANH_POLY[m][p]: coefficient of t^p in tanh^{(m)} as a polynomial of t = tanh z. */
export const TANH_POLY: number[][] = (() => {
  const polys: number[][] = [[0, 1]];
  for (let n = 0; n < 7; n++) {
    const d = polys[n]!.slice(1).map((c, i) => c * (i + 1));
    const next = new Array<number>(d.length + 2).fill(0);
    d.forEach((c, i) => {
      next[i] = next[i]! + c;
      next[i + 2] = next[i + 2]! - c;
    });
    polys.push(next);
  }
  return polys;
})();

type DerivativeFn = (z: number, order: number, out: Float64Array) => void;

/** tanh^{(m)} via TANH_POLY, with closed forms for the usual orders ≤ 3 (hot path). */
export function tanhDerivatives(z: number, order: number, out: Float64Array): void {
  const t = Math.tanh(z);
  const d1 = 1 - t * t;
  out[0] = t;
  if (order >= 1) out[1] = d1;
  if (order >= 2) out[2] = -2 * t * d1;
  if (order >= 3) out[3] = d1 * (6 * t * t - 2);
  for (let m = 4; m <= order; m++) {
    const poly = TANH_POLY[m]!;
    let v = 0;
    for (let p = poly.length - 1; p >= 0; p--) v = v * t + poly[p]!;
    out[m] = v;
  }
}

function sinDerivatives(z: number, order: number, out: Float64Array): void {
  const s = Math.sin(z);
  const c = Math.cos(z);
  for (let m = 0; m <= order; m++) {
    const phase = m & 3;
    out[m] = phase === 0 ? s : phase === 1 ? c : phase === 2 ? -s : -c;
  }
}

/** σ^{(m)}(z) for m = 0..order, chosen once per layer call. */
function derivativeFn(activation: KernelActivation): DerivativeFn {
  switch (activation) {
    case 'tanh':
      return tanhDerivatives;
    case 'sin':
      return sinDerivatives;
    case 'silu':
      return (z, order, out) => baseDerivatives('silu', z, order, out);
    case 'identity':
      return (z, order, out) => baseDerivatives('identity', z, order, out);
    default: {
      const never: never = activation;
      throw new Error(`unknown activation ${String(never)}`);
    }
  }
}

/** Forward: Z [C, N, n] and bias [n] → Y [C, N, n]. */
export function activationForward(activation: KernelActivation, plan: JetPlan, Z: Float32Array, bias: Float32Array, N: number, n: number): Float32Array {
  const Y = new Float32Array(Z.length);
  return activationForwardInto(activation, plan, Z, bias, N, n, Y);
}

/**
 * The forward pass writing into a given Y (every element is written), e.g. a view of the wasm
 * heap (fusedMlp.ts); returns Y, or the threaded kernel's own array where threads ran.
 */
export function activationForwardInto(activation: KernelActivation, plan: JetPlan, Z: Float32Array, bias: Float32Array, N: number, n: number, Y: Float32Array): Float32Array {
  const C = plan.channels.length;
  const M = plan.maxOrder;
  const M1 = M + 1;
  const derivatives = derivativeFn(activation);
  if (generatedKernels) {
    const run = generatedActivationForward(plan, activation, derivatives);
    if (run) {
      const threaded = threadedActivationForward(activation, plan, Z, bias, N, n, Y);
      if (threaded) return threaded;
      run(Z, bias, N, n, Y);
      return Y;
    }
  }
  const jet = compileJet(plan);
  const S = new Float64Array(C * M1);
  const d = new Float64Array(M1);
  const stride = N * n;
  for (let base = 0; base < stride; base++) {
    derivatives(Z[base]! + bias[base % n]!, M, d);
    Y[base] = d[0]!;
    if (C === 1) continue;
    jet.factors(Z, base, stride, S);
    for (let c = 1; c < C; c++) {
      let sum = 0;
      for (let m = 1; m <= M; m++) sum += S[c * M1 + m]! * d[m]!;
      Y[c * stride + base] = sum;
    }
  }
  return Y;
}

/**
 * The forward pass (into Y) on the calling thread that also keeps the activation's values in TC
 * (2·N·n float64: two per element of the value channel) for the backward pass, which
 * then does not evaluate the activation again (activationCodegen.ts `cachedActivation`: tanh's
 * arithmetic exp and division were about a third of a backward element's work). Returns false,
 * having written nothing, where that does not run: generated kernels off or not allowed, no cached
 * form at the plan's order, or a call big enough for the kernel threads.
 */
export function activationForwardCached(activation: KernelActivation, plan: JetPlan, Z: Float32Array, bias: Float32Array, N: number, n: number, Y: Float32Array, TC: Float64Array): boolean {
  if (!generatedKernels || !cachedActivation(activation, plan.maxOrder + 1) || backwardThreads(plan, N, n, [Z, Y]) >= 2) return false;
  const run = generatedActivationForward(plan, activation, derivativeFn(activation), true);
  if (!run) return false;
  run(Z, bias, N, n, Y, TC);
  return true;
}

/** Reverse mode: dL/dY → dL/dZ and dL/dbias. */
export function activationBackward(
  activation: KernelActivation,
  plan: JetPlan,
  Z: Float32Array,
  bias: Float32Array,
  N: number,
  n: number,
  dY: Float32Array,
): { dZ: Float32Array; dBias: Float32Array } {
  const dZ = new Float32Array(Z.length);
  const dBias = new Float64Array(n);
  return { dZ: activationBackwardInto(activation, plan, Z, bias, N, n, dY, dZ, dBias), dBias: Float32Array.from(dBias) };
}

/**
 * Reverse mode writing dZ (every element; its contents are not read) and adding into dBias;
 * returns dZ, or the threaded kernel's own array where threads ran (dBias is always added into).
 * With TC, the activation's values kept by `activationForwardCached`.
 */
export function activationBackwardInto(
  activation: KernelActivation,
  plan: JetPlan,
  Z: Float32Array,
  bias: Float32Array,
  N: number,
  n: number,
  dY: Float32Array,
  dZ: Float32Array,
  dBias: Float64Array,
  TC: Float64Array | null = null,
): Float32Array {
  const C = plan.channels.length;
  const M = plan.maxOrder;
  const M1 = M + 1;
  if (generatedKernels) {
    const run = generatedActivationBackward(plan, activation, derivativeFn(activation), 'plain', TC !== null);
    if (run) {
      // with TC (`activationForwardCached`) the call is one the threads do not take
      const threaded = TC === null ? threadedActivationBackward(activation, plan, Z, bias, N, n, dY, dBias, dZ) : null;
      if (!threaded) run(Z, bias, N, n, dY, dZ, dBias, null, null, null, TC);
      return threaded ?? dZ;
    }
  }
  dZ.fill(0); // the loops below add into it
  const jet = compileJet(plan);
  const S = new Float64Array(C * M1);
  const dS = new Float64Array(C * M1);
  const d = new Float64Array(M1 + 1);
  const stride = N * n;
  const derivatives = derivativeFn(activation);
  for (let base = 0; base < stride; base++) {
    derivatives(Z[base]! + bias[base % n]!, M + 1, d);
    let dz0 = dY[base]! * d[1]!;
    if (C > 1) {
      jet.factors(Z, base, stride, S);
      dS.fill(0);
      for (let c = 1; c < C; c++) {
        const g = dY[c * stride + base]!;
        if (g === 0) continue;
        for (let m = 1; m <= M; m++) {
          const s = S[c * M1 + m]!;
          if (s !== 0) dz0 += g * s * d[m + 1]!;
          dS[c * M1 + m] = g * d[m]!;
        }
      }
      jet.backward(Z, base, stride, dS, dZ);
    }
    dZ[base] = dZ[base]! + dz0;
    dBias[base % n] = dBias[base % n]! + dz0;
  }
  return dZ;
}

/** What `activationBackwardFused` writes besides dBias: see `BackwardVariant` (activationCodegen.ts). */
export type FusedBackwardOutputs =
  /** dZ [C·N, n] and its column blocks [C·N, ≤ 16] (`GRADIENT_BLOCK`). */
  | { kind: 'blocks'; dZ: Float32Array; blocks: Float32Array[] }
  /** No dZ; dW [d, n] += Xᵀ·dZ for the layer's input X [C·N, d]. */
  | { kind: 'inputs'; X: Float32Array; width: number; dW: Float64Array };

/**
 * The reverse pass with extra outputs (fusedMlp.ts), in the same pass over the elements, on the
 * kernel threads where the call is big enough (activationThreads.ts
 * `threadedActivationBackwardFused`), else on the calling thread; returns false without touching
 * anything where it does not run (generated kernels off or not allowed), and the caller takes the
 * plain route.
 */
export function activationBackwardFused(
  activation: KernelActivation,
  plan: JetPlan,
  Z: Float32Array,
  bias: Float32Array,
  N: number,
  n: number,
  dY: Float32Array,
  dBias: Float64Array,
  outputs: FusedBackwardOutputs,
  TC: Float64Array | null = null,
): boolean {
  if (!generatedKernels) return false;
  const variant: BackwardVariant = outputs.kind === 'blocks' ? 'blocks' : `inputs${outputs.width}`;
  const run = generatedActivationBackward(plan, activation, derivativeFn(activation), variant, TC !== null);
  if (!run) return false;
  // with TC (`activationForwardCached`) the call is one the threads do not take
  const threads = TC !== null ? 1 : backwardThreads(plan, N, n, outputs.kind === 'blocks' ? [Z, dY, outputs.dZ, ...outputs.blocks] : [Z, dY, outputs.X]);
  if (threads > 1) return threadedActivationBackwardFused(activation, plan, Z, bias, N, n, dY, dBias, outputs, threads);
  if (outputs.kind === 'blocks') run(Z, bias, N, n, dY, outputs.dZ, dBias, outputs.blocks, null, null, TC);
  else run(Z, bias, N, n, dY, null, dBias, null, outputs.X, outputs.dW, TC);
  return true;
}

/**
 * The reverse pass writing dZ [C·N, n] and its transpose dZT [n, C·N], adding into dBias: the
 * generated `transposed` variant in one pass on the calling thread (activationCodegen.ts), or,
 * where that does not run (kernel threads, no code generation), the plain reverse pass and then
 * the transpose as a loop.
 */
export function activationBackwardTransposed(
  activation: KernelActivation,
  plan: JetPlan,
  Z: Float32Array,
  bias: Float32Array,
  N: number,
  n: number,
  dY: Float32Array,
  dZ: Float32Array,
  dZT: Float32Array,
  dBias: Float64Array,
  TC: Float64Array | null = null,
): void {
  const run = generatedKernels ? generatedActivationBackward(plan, activation, derivativeFn(activation), 'transposed', TC !== null) : null;
  if (run && (TC !== null || backwardThreads(plan, N, n, [Z, dY, dZ, dZT]) < 2)) {
    run(Z, bias, N, n, dY, dZ, dBias, [dZT], null, null, TC);
    return;
  }
  const out = activationBackwardInto(activation, plan, Z, bias, N, n, dY, dZ, dBias);
  if (out !== dZ) dZ.set(out);
  const R = dZ.length / n;
  for (let r = 0; r < R; r++) for (let j = 0; j < n; j++) dZT[j * R + r] = dZ[r * n + j]!;
}

/** The fused op on tensors: z [C·N, n], bias [n] → y [C·N, n]; differentiable in both. */
export function activationJet(activation: KernelActivation, plan: JetPlan, z: tf.Tensor2D, bias: tf.Tensor, count: number): tf.Tensor2D {
  const n = z.shape[1];
  const op = tf.customGrad((...args: unknown[]) => {
    const [zIn, bIn] = args as [tf.Tensor, tf.Tensor];
    const Z = zIn.dataSync() as Float32Array;
    const B = bIn.dataSync() as Float32Array;
    const shape = zIn.shape;
    const biasShape = bIn.shape;
    return {
      value: tf.tensor(activationForward(activation, plan, Z, B, count, n), shape),
      gradFunc: (dy: tf.Tensor) => {
        const g = activationBackward(activation, plan, Z, B, count, n, dy.dataSync() as Float32Array);
        return [tf.tensor(g.dZ, shape), tf.tensor(g.dBias, biasShape)];
      },
    };
  });
  return op(z, bias) as tf.Tensor2D;
}
