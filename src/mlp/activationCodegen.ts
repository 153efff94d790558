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

/** The generated forward pass; `TC` is written by the `cached` kernels only (`cachedActivation`). */
export type GeneratedActivationForward = (Z: Float32Array, bias: Float32Array, N: number, n: number, Y: Float32Array, TC?: Float64Array | null) => void;
/**
 * The generated backward pass: writes dZ (not read first), adds into dBias; `blocks`, `XIN` and
 * `dW` are read only by the `blocks` and `inputs<d>` variants (`BackwardVariant`).
 */
export type GeneratedActivationBackward = (
  Z: Float32Array,
  bias: Float32Array,
  N: number,
  n: number,
  dY: Float32Array,
  dZ: Float32Array | null,
  dBias: Float64Array,
  blocks?: Float32Array[] | null,
  XIN?: Float32Array | null,
  dW?: Float64Array | null,
  TC?: Float64Array | null,
) => void;

/** σ^{(m)}(z) for m = 0..order into out (the generic path for activations without closed forms here). */
export type DerivativeFn = (z: number, order: number, out: Float64Array) => void;

/**
 * t = tanh z and sech2 = 1 − tanh² z by arithmetic only: V8's Math.tanh (and Math.exp) cost
 * about as much as the rest of a jet element's work together; this is 3–4× faster (measured on
 * 1M-element passes). With z clamped to ±20 (beyond it t = ±1 in float64), E = e^{2z} =
 * 2^{k/32}·e^r: k = round(2z·32/ln 2) by the 1.5·2^52 rounding trick, |r| ≤ ln 2/64 (Cody–Waite
 * split of ln 2/32), 2^{k/32} from two tables, e^r − 1 to r⁶ in Estrin form (short dependency
 * chains: the loop is latency-bound). E − 1 = 2^{k/32}·(e^r − 1) + (2^{k/32} − 1) has no
 * cancellation near z = 0, so t = (E − 1)/(E + 1) and sech2 = 4E/(E + 1)² keep a relative error
 * below 1e-14 (the test checks it against Math.tanh and cosh), with no branches.
 * The tables are built once per kernel (`TANH_TABLES_SOURCE`).
 */
const TANH_SOURCE = [
  'const zc = Math.max(-20, Math.min(20, z)); const w2 = 2 * zc;',
  'const kf = w2 * 46.16624130844683 + 6755399441055744 - 6755399441055744;',
  'const r = w2 - kf * 0.021660849452018738 + kf * 5.952044759838238e-11; const r2 = r * r;',
  'const rs = r + r2 * (0.5 + r * (1 / 6) + r2 * (1 / 24 + r * (1 / 120) + r2 * (1 / 720)));',
  'const ki = kf | 0; const p2 = POW2[(ki >> 5) + 64] * POW2_32[ki & 31];',
  'const em1 = p2 * rs + (p2 - 1); const q = 1 / (em1 + 2);',
  'const t = em1 * q; const sech2 = 4 * (p2 + p2 * rs) * q * q;',
].join(' ');
/**
 * POW2[m + 64] = 2^m (|m| ≤ 58 here) by doubling (exact), POW2_32[j] = 2^{j/32}: the source that
 * builds them, run once per compiled kernel (here: `tanhTables`; on the kernel threads: the
 * kernel's helper preamble, activationThreads.ts). Built per call, as before, their 160 Math.pow
 * calls and two allocations were ~1–2 % of an MLP [2,16,16,1] evaluation at 525 points (8 calls).
 */
export const TANH_TABLES_SOURCE =
  'const POW2 = new Float64Array(128); for (let i = 0, p = Math.pow(2, -64); i < 128; i++, p *= 2) POW2[i] = p; ' +
  'const POW2_32 = new Float64Array(32); for (let i = 0; i < 32; i++) POW2_32[i] = Math.pow(2, i / 32);';
/** What a kernel body declares to use the tables: the helpers' (`H`) copies. */
const TANH_TABLES = 'const POW2 = H.POW2; const POW2_32 = H.POW2_32;';

let tables: { POW2: Float64Array; POW2_32: Float64Array } | null = null;

/** The tables of `TANH_TABLES_SOURCE`, built once (by that source, so the same values everywhere). */
function tanhTables(): { POW2: Float64Array; POW2_32: Float64Array } {
  tables ??= (new Function(`${TANH_TABLES_SOURCE} return { POW2, POW2_32 };`) as () => { POW2: Float64Array; POW2_32: Float64Array })();
  return tables;
}

/** The table declarations `derivativeCode(activation, order)` needs. */
function tablesFor(activation: string, order: number): string {
  return activation === 'tanh' && order <= 3 ? TANH_TABLES : '';
}

/**
 * SiLU's derivatives up to third order: the closed forms of `baseDerivatives` (jet/baseFunctions.ts),
 * the same expressions, so the same values.
 */
const SILU_FORMS = ['z * sg', 'z * sg1 + sg', 'z * sg1 * (1 - 2 * sg) + 2 * sg1', 'z * sg1 * (1 - 6 * sg + 6 * sg * sg) + 3 * sg1 * (1 - 2 * sg)'];

/**
 * Whether a forward pass can keep what the activation's derivatives up to `order` (the backward
 * pass's: the plan's order + 1) are made of, so that the backward pass reads them instead of
 * evaluating the activation again (`cached` kernels): two float64 per element, TC[2·base] and
 * TC[2·base + 1]: tanh's t and sech² (to 3rd order), sin's sin and cos, silu's sigmoid (to 3rd
 * order). The backward pass then computes the same float64 values as from z, so the same results.
 */
export function cachedActivation(activation: string, order: number): boolean {
  return ((activation === 'tanh' || activation === 'silu') && order <= 3) || activation === 'sin';
}

/** What a cached forward pass stores per element (see `cachedActivation`). */
function cacheStore(activation: string): string {
  return activation === 'tanh' ? 'TC[2 * base] = t; TC[2 * base + 1] = sech2;' : activation === 'sin' ? 'TC[2 * base] = sn; TC[2 * base + 1] = cs;' : 'TC[2 * base] = sg;';
}

/** Declarations of d0..d{order} = σ^{(m)}(z), from the forward pass's `TC` where `cached`. */
function derivativeCode(activation: string, order: number, cached = false): string {
  if (cached && activation === 'tanh') {
    return ['const t = TC[2 * base]; const sech2 = TC[2 * base + 1];', 'const d0 = t;', 'const d1 = sech2;', 'const d2 = -2 * t * d1;', 'const d3 = d1 * (6 * t * t - 2);'].slice(0, order + 2).join(' ');
  }
  if (cached && activation === 'sin') {
    const forms = ['sn', 'cs', '-sn', '-cs'];
    return `const sn = TC[2 * base], cs = TC[2 * base + 1]; ${range(order + 1).map((m) => `const d${m} = ${forms[m % 4]};`).join(' ')}`;
  }
  if (cached && activation === 'silu') {
    return `const sg = TC[2 * base]; const sg1 = sg * (1 - sg); ${range(order + 1).map((m) => `const d${m} = ${SILU_FORMS[m]};`).join(' ')}`;
  }
  if (activation === 'identity') {
    // what baseDerivatives('identity') writes: z, 1, then zeros (the network's output layer)
    return range(order + 1).map((m) => `const d${m} = ${m === 0 ? 'z' : m === 1 ? '1' : '0'};`).join(' ');
  }
  if (activation === 'silu' && order <= 3) {
    return `const sg = 1 / (1 + Math.exp(-z)); const sg1 = sg * (1 - sg); ${range(order + 1).map((m) => `const d${m} = ${SILU_FORMS[m]};`).join(' ')}`;
  }
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

function forwardSource(plan: JetPlan, activation: string, cached = false): string {
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
  ${tablesFor(activation, M)}
  let j = 0;
  for (let base = 0; base < stride; base++) {
    const z = Z[base] + bias[j];
    ${derivativeCode(activation, M)}${cached ? `
    ${cacheStore(activation)}` : ''}
    Y[base] = d0;
    ${C > 1 ? loads : ''}
    ${channels.join('\n    ')}
    if (++j === n) j = 0;
  }`;
}

/**
 * What the backward pass writes besides dL/dbias (`BACKWARD_VARIANTS`):
 * - `plain`: dL/dZ [C·N, n] row-major (every element written, no zeroing needed).
 * - `blocks`: dL/dZ as in `plain`, and the same values again in column blocks [C·N, w ≤ 16]
 *   (`blocks[b]` holds columns 16b … 16b + w − 1): the right operand of the weight gradient
 *   Xᵀ·dZ, which XNNPACK packs in one contiguous sweep per block (fusedMlp.ts `blockedWeightGradient`).
 *   Written in the same pass, this replaces a separate copy pass over dZ.
 * - `inputs<d>`: no dL/dZ at all; the layer's weight gradient dW [d, n] += Σ_rows X[row, i]·dZ[row, j]
 *   (X the layer's input [C·N, d]) is added into `dW` instead. For the first layer (d = the
 *   network's input width, 2 or 3) that product is a few flops per element here, against a matMul
 *   whose packing of dZ cost as much as a 100-wide layer's (and its dX is never needed).
 * - `transposed`: dL/dZ as in `plain`, and again transposed, dZᵀ [n, C·N] in `blocks[0]`: the left
 *   operand of the weight gradient as dWᵀ = dZᵀ·X, one product with no transpose kernel before it
 *   (fusedMlp.ts, narrow layers: at a few hundred points each tfjs kernel's dispatch costs as much
 *   as its arithmetic).
 * The first three run on the kernel threads too (activationThreads.ts); `transposed` runs on the
 * calling thread only. The `blocks`, `transposed` and `inputs<d>` variants keep a running row
 * index `p`, which a chunk starts at its first point.
 */
export type BackwardVariant = 'plain' | 'blocks' | 'transposed' | `inputs${number}`;

/** Width of the column blocks of the `blocks` variant: 16 floats, one cache line per row. */
export const GRADIENT_BLOCK = 16;

function backwardSource(plan: JetPlan, activation: string, variant: BackwardVariant = 'plain', cached = false): string {
  const C = plan.channels.length;
  const M = plan.maxOrder;
  const M1 = M + 1;
  const blocks = variant === 'blocks';
  const transposed = variant === 'transposed';
  const inputs = variant.startsWith('inputs') ? Number(variant.slice(6)) : 0;
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
  // v<c> = dL/dZ of channel c at this element (v0 = dz0, complete after the lines above)
  const values = range(C)
    .slice(1)
    .map((c) => `const v${c} = ${grads.has(c) ? grads.get(c)!.join(' + ') : '0'};`);
  const stores: string[] = [];
  if (inputs === 0) stores.push(`dZ[base] = dz0;`, ...range(C).slice(1).map((c) => `dZ[${c} * stride + base] = v${c};`));
  if (blocks) {
    stores.push('const blk = BLK[j]; const bw = BW[j]; const bo = p * bw + (j & 15); const bc = N * bw;');
    stores.push(...range(C).map((c) => `blk[${c === 0 ? 'bo' : `bo + ${c} * bc`}] = ${c === 0 ? 'dz0' : `v${c}`};`));
  }
  if (transposed) {
    // dZᵀ [n, C·N]: element (row c·N + p, column j) at j·C·N + c·N + p
    stores.push('const to = j * rt + p;');
    stores.push(...range(C).map((c) => `dZT[${c === 0 ? 'to' : `to + ${c} * N`}] = ${c === 0 ? 'dz0' : `v${c}`};`));
  }
  if (inputs > 0) {
    // XIN [C·N, d]: channel c's row of point p starts at (c·N + p)·d
    for (const i of range(inputs)) {
      const terms = range(C).map((c) => `XIN[${c === 0 ? '' : `${c} * xc + `}xr + ${i}] * ${c === 0 ? 'dz0' : `v${c}`}`);
      stores.push(`dW[${i} * n + j] += ${terms.join(' + ')};`);
    }
  }
  const setup =
    (blocks ? `const BLK = []; const BW = new Int32Array(n); for (let k = 0; k < n; k++) { BLK.push(blocks[k >> 4]); BW[k] = Math.min(16, n - (k & ~15)); }\n  ` : '') +
    (transposed ? `const dZT = blocks[0]; const rt = ${C} * N;\n  ` : '') +
    (inputs > 0 ? `const xc = N * ${inputs};\n  ` : '');
  const rowIndex = blocks || transposed || inputs > 0;
  return `
  const stride = N * n;
  const X = Z;
  const dbuf = new Float64Array(${M + 3});
  ${cached ? '' : tablesFor(activation, M + 1)}
  ${setup}let j = 0;${rowIndex ? ' let p = 0;' : ''}
  for (let base = 0; base < stride; base++) {
    const z = Z[base] + bias[j];
    ${derivativeCode(activation, M + 1, cached)}
    let dz0 = dY[base] * d1;
    ${C > 1 ? `${loads}\n    ${gLoads}\n    ${slotLines.join('\n    ')}\n    ${values.join('\n    ')}` : ''}
    ${inputs > 0 ? `const xr = p * ${inputs};` : ''}
    ${stores.join('\n    ')}
    dBias[j] += dz0;
    ${rowIndex ? 'if (++j === n) { j = 0; p++; }' : 'if (++j === n) j = 0;'}
  }`;
}

const FORWARD_ARGS = ['Z', 'bias', 'N', 'n', 'Y', 'TC'];
const BACKWARD_ARGS = ['Z', 'bias', 'N', 'n', 'dY', 'dZ', 'dBias', 'blocks', 'XIN', 'dW', 'TC'];
const forwardCache = new Map<string, GeneratedActivationForward>();
const backwardCache = new Map<string, GeneratedActivationBackward>();

/** The plan's part of a kernel key, serialised once per plan (on every call it cost ~1.5 % of a small MLP evaluation). */
const planKeys = new WeakMap<JetPlan, string>();

function keyOf(plan: JetPlan, activation: string): string {
  let key = planKeys.get(plan);
  if (key === undefined) {
    key = JSON.stringify([plan.channels, plan.terms]);
    planKeys.set(plan, key);
  }
  return `${activation}|${key}`;
}

/**
 * The JavaScript source of a generated activation pass: the body of `function (Z, bias, N, n, Y)`
 * (forward) or `function (Z, bias, N, n, dY, dZ, dBias)` (backward), for reading what runs.
 */
export function activationKernelSource(plan: JetPlan, activation: string, pass: 'forward' | 'backward' = 'forward', variant: BackwardVariant = 'plain', cached = false): string {
  return pass === 'forward' ? forwardSource(plan, activation, cached) : backwardSource(plan, activation, variant, cached);
}

/**
 * The generated forward pass for a plan and activation, or null where code generation is not
 * allowed; `cached`: it also writes TC (callers check `cachedActivation` first).
 */
export function generatedActivationForward(plan: JetPlan, activation: string, deriv: DerivativeFn, cached = false): GeneratedActivationForward | null {
  return cachedKernel(forwardCache, `${cached ? 'cached|' : ''}${keyOf(plan, activation)}`, () =>
    compileKernel<GeneratedActivationForward>(FORWARD_ARGS, forwardSource(plan, activation, cached), { deriv, ...tanhTables() }),
  );
}

/**
 * The generated backward pass (`variant`: what it writes), or null where code generation is not
 * allowed; `cached`: it reads the activation's values from TC (written by the cached forward pass).
 */
export function generatedActivationBackward(plan: JetPlan, activation: string, deriv: DerivativeFn, variant: BackwardVariant = 'plain', cached = false): GeneratedActivationBackward | null {
  return cachedKernel(backwardCache, `${variant}|${cached ? 'cached|' : ''}${keyOf(plan, activation)}`, () =>
    compileKernel<GeneratedActivationBackward>(BACKWARD_ARGS, backwardSource(plan, activation, variant, cached), { deriv, ...tanhTables() }),
  );
}
