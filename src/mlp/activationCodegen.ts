/**
 * The MLP's fused bias + activation jet kernel (activationKernel.ts) generated as straight-line
 * JavaScript per jet plan and activation: the Faà di Bruno factors are inlined as expressions of
 * the input channels, the activation's derivatives are locals (tanh and sin in closed form), and
 * the loops over channels and orders are unrolled. Same arithmetic as the loop kernel, which
 * stays as the reference and the fallback where code generation is not allowed
 * (test/mlp/activationCodegen.test.ts compares the two).
 */
import { cachedKernel, compileKernel, range } from '../jet/codegen.js';
import { jetSource } from '../jet/factors.js';
import type { JetPlan } from '../jet/plan.js';

export type GeneratedActivationForward = (Z: Float32Array, bias: Float32Array, N: number, n: number, Y: Float32Array) => void;
export type GeneratedActivationBackward = (Z: Float32Array, bias: Float32Array, N: number, n: number, dY: Float32Array, dZ: Float32Array, dBias: Float64Array) => void;

/** σ^{(m)}(z) for m = 0..order into out (the generic path for activations without closed forms here). */
export type DerivativeFn = (z: number, order: number, out: Float64Array) => void;

/**
 * t = tanh z and sech2 = 1 − tanh² z by arithmetic only: V8's Math.tanh and Math.exp cost about
 * as much as the rest of a jet element's work together (measured on 1M-element passes). With z
 * clamped to ±20 (beyond it t = ±1 in float64), E = e^{2z} = 2^k·e^r with k = round(2z/ln 2) by
 * the 1.5·2^52 rounding trick, |r| ≤ ln 2 / 2 (Cody–Waite split of ln 2) and (e^r − 1)/r by its
 * Taylor series to r¹² (relative error < 1e-16). E − 1 = 2^k·(e^r − 1) + (2^k − 1) has no
 * cancellation near z = 0, so t = (E − 1)/(E + 1) and sech2 = 4E/(E + 1)² keep full relative
 * precision in float64 (a float32 result equal to Math.tanh's up to rounding), with no branches.
 * `P2[k + 64]` = 2^k is declared once per call by `TANH_TABLE`.
 */
const TANH_SOURCE = [
  'const zc = Math.max(-20, Math.min(20, z)); const w2 = 2 * zc;',
  'const kf = w2 * 1.4426950408889634 + 6755399441055744 - 6755399441055744;',
  'const r = w2 - kf * 0.6931471803691238 - kf * 1.9082149292705877e-10;',
  'const rs = r * (1 + r * (1 / 2 + r * (1 / 6 + r * (1 / 24 + r * (1 / 120 + r * (1 / 720 + r * (1 / 5040 + r * (1 / 40320 + r * (1 / 362880 + r * (1 / 3628800 + r * (1 / 39916800 + r * (1 / 479001600 + r / 6227020800))))))))))));',
  'const p2 = P2[(kf | 0) + 64]; const em1 = p2 * rs + (p2 - 1); const q = 1 / (em1 + 2);',
  'const t = em1 * q; const sech2 = 4 * (p2 + p2 * rs) * q * q;',
].join(' ');
const TANH_TABLE = 'const P2 = new Float64Array(128); for (let i = 0; i < 128; i++) P2[i] = Math.pow(2, i - 64);';

/** Declarations of d0..d{order} = σ^{(m)}(z). */
function derivativeCode(activation: string, order: number): string {
  if (activation === 'tanh' && order <= 3) {
    const lines = [`${TANH_SOURCE}`, 'const d0 = t;', 'const d1 = sech2;', 'const d2 = -2 * t * d1;', 'const d3 = d1 * (6 * t * t - 2);'];
    return lines.slice(0, order + 2).join(' ');
  }
  if (activation === 'sin') {
    const forms = ['sn', 'cs', '-sn', '-cs'];
    return `const sn = Math.sin(z), cs = Math.cos(z); ${range(order + 1).map((m) => `const d${m} = ${forms[m % 4]};`).join(' ')}`;
  }
  return `H.deriv(z, ${order}, dbuf); ${range(order + 1).map((m) => `const d${m} = dbuf[${m}];`).join(' ')}`;
}

function forwardSource(plan: JetPlan, activation: string): string {
  const C = plan.channels.length;
  const M = plan.maxOrder;
  const M1 = M + 1;
  const { loads, slots } = jetSource(plan);
  const channels = range(C)
    .slice(1)
    .map((c) => {
      const terms = range(M1)
        .filter((m) => m >= 1 && slots.has(c * M1 + m))
        .map((m) => `(${slots.get(c * M1 + m)!}) * d${m}`);
      return `Y[${c} * stride + base] = ${terms.length > 0 ? terms.join(' + ') : '0'};`;
    });
  return `
  const stride = N * n;
  const X = Z;
  const dbuf = new Float64Array(${M + 2});
  ${TANH_TABLE}
  let j = 0;
  for (let base = 0; base < stride; base++) {
    const z = Z[base] + bias[j];
    ${derivativeCode(activation, M)}
    Y[base] = d0;
    ${C > 1 ? loads : ''}
    ${channels.join('\n    ')}
    if (++j === n) j = 0;
  }`;
}

function backwardSource(plan: JetPlan, activation: string): string {
  const C = plan.channels.length;
  const M = plan.maxOrder;
  const M1 = M + 1;
  // the factor gradients are the locals ds<slot> declared below, not a dS array
  const { loads, slots, grads } = jetSource(plan, (slot) => `ds${slot}`);
  const gLoads = range(C)
    .slice(1)
    .map((c) => `const g${c} = dY[${c} * stride + base];`)
    .join(' ');
  const slotLines: string[] = [];
  for (const c of range(C).slice(1)) {
    for (const m of range(M1)) {
      if (m < 1 || !slots.has(c * M1 + m)) continue;
      slotLines.push(`dz0 += g${c} * (${slots.get(c * M1 + m)!}) * d${m + 1};`);
      slotLines.push(`const ds${c * M1 + m} = g${c} * d${m};`);
    }
  }
  const updates = [...grads.entries()].map(([block, terms]) => `dZ[${block} * stride + base] += ${terms.join(' + ')};`);
  return `
  const stride = N * n;
  const X = Z;
  const dbuf = new Float64Array(${M + 3});
  ${TANH_TABLE}
  let j = 0;
  for (let base = 0; base < stride; base++) {
    const z = Z[base] + bias[j];
    ${derivativeCode(activation, M + 1)}
    let dz0 = dY[base] * d1;
    ${C > 1 ? `${loads}\n    ${gLoads}\n    ${slotLines.join('\n    ')}\n    ${updates.join('\n    ')}` : ''}
    dZ[base] += dz0;
    dBias[j] += dz0;
    if (++j === n) j = 0;
  }`;
}

const FORWARD_ARGS = ['Z', 'bias', 'N', 'n', 'Y'];
const BACKWARD_ARGS = ['Z', 'bias', 'N', 'n', 'dY', 'dZ', 'dBias'];
const forwardCache = new Map<string, GeneratedActivationForward>();
const backwardCache = new Map<string, GeneratedActivationBackward>();

const keyOf = (plan: JetPlan, activation: string): string => JSON.stringify([activation, plan.channels, plan.terms]);

/**
 * The JavaScript source of a generated activation pass: the body of `function (Z, bias, N, n, Y)`
 * (forward) or `function (Z, bias, N, n, dY, dZ, dBias)` (backward), for reading what runs.
 */
export function activationKernelSource(plan: JetPlan, activation: string, pass: 'forward' | 'backward' = 'forward'): string {
  return pass === 'forward' ? forwardSource(plan, activation) : backwardSource(plan, activation);
}

/** The generated forward pass for a plan and activation, or null where code generation is not allowed. */
export function generatedActivationForward(plan: JetPlan, activation: string, deriv: DerivativeFn): GeneratedActivationForward | null {
  return cachedKernel(forwardCache, keyOf(plan, activation), () => compileKernel<GeneratedActivationForward>(FORWARD_ARGS, forwardSource(plan, activation), { deriv }));
}

/** The generated backward pass (dZ and dBias are accumulated into), or null where code generation is not allowed. */
export function generatedActivationBackward(plan: JetPlan, activation: string, deriv: DerivativeFn): GeneratedActivationBackward | null {
  return cachedKernel(backwardCache, keyOf(plan, activation), () => compileKernel<GeneratedActivationBackward>(BACKWARD_ARGS, backwardSource(plan, activation), { deriv }));
}
