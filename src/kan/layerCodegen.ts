/**
 * The spline-only KAN layer kernel generated as straight-line JavaScript for one combination of
 * jet plan, spline degree k and pass (forward, backward with or without the input gradient).
 * Computes exactly what `kanLayerForward` / `kanLayerBackward` compute (layerKernel.ts), but
 * with the loops over derivative orders, polynomial powers and channels unrolled into locals and
 * with the structurally zero Faà di Bruno factors left out. For the network's input layer the
 * factors are constants (x_x = 1, x_y = 0, x_xx = 0, …), so they are compiled in as literals and
 * the first layer touches only the channels each input feeds.
 *
 * Used only for layers without symbolic edges and where code generation is allowed; the loop
 * kernel in layerKernel.ts is the reference and the fallback (test/kan/layerCodegen.test.ts
 * compares the two).
 */
import { cachedKernel, compileKernel, falling, range } from '../jet/codegen.js';
import { compileJet, type JetFactorsBackFn, type JetFactorsFn } from '../jet/factors.js';
import type { JetPlan } from '../jet/plan.js';
import { baseDerivatives, type BaseFunction } from '../jet/baseFunctions.js';
import { tableSpan, type SplineTable } from './splineTables.js';

/** The arrays a generated pass reads and writes. */
export interface GeneratedArgs {
  nIn: number;
  nOut: number;
  base: BaseFunction;
  tables: SplineTable[];
  X: Float32Array;
  N: number;
  raw: Float64Array;
  scaleBase: Float32Array;
  scaleSp: Float32Array;
  mask: Float32Array;
}

export type GeneratedForward = (a: GeneratedArgs, Y: Float32Array) => void;
export type GeneratedBackward = (a: GeneratedArgs, dY: Float32Array, dRaw: Float64Array, dSb: Float64Array, dX: Float32Array | null) => void;

interface Helpers {
  span: typeof tableSpan;
  baseD: typeof baseDerivatives;
  factors: JetFactorsFn;
  factorsBack: JetFactorsBackFn;
}

/**
 * Factor slots (c ≥ 1, m) that can be nonzero: from the plan's terms, or, with constant factors,
 * those whose constant is nonzero (then the value is returned as a literal).
 */
function slotsOf(plan: JetPlan, constS: Float64Array | null): { c: number; m: number; literal: string | null }[] {
  const M1 = plan.maxOrder + 1;
  const out: { c: number; m: number; literal: string | null }[] = [];
  plan.terms.forEach((terms, c) => {
    if (c === 0) return;
    const orders = [...new Set(terms.map((t) => t.order))].sort((a, b) => a - b);
    for (const m of orders) {
      if (constS === null) out.push({ c, m, literal: null });
      else if (constS[c * M1 + m] !== 0) out.push({ c, m, literal: String(constS[c * M1 + m]) });
    }
  });
  return out;
}

/**
 * Straight-line code of the per-(point, input) prelude: span, powers of the local coordinate,
 * powers of 1/h and the base-function derivatives up to `orders`.
 */
function prelude(k: number, orders: number, factorsLoad: string): string {
  const powers = range(k).map((p) => `u${p + 1} = u${p} * u;`);
  const hs = range(orders).map((m) => `h${m + 1} = h${m} * h;`);
  return `
      const x = X[ni];
      ${factorsLoad}
      const table = tables[i];
      const q = H.span(table, x);
      let ${[...range(k).map((p) => `u${p + 1} = 0`), ...range(orders).map((m) => `h${m + 1} = 0`)].join(', ')};
      const u0 = 1, h0 = 1;
      if (q >= 0) {
        const h = table.invWidth[q];
        const u = (x - table.knots[q]) * h;
        u1 = u; ${powers.slice(1).join(' ')}
        ${orders >= 1 ? 'h1 = h;' : ''} ${hs.slice(1).join(' ')}
      }
      H.baseD(base, x, ${orders}, bv);
      const ${range(orders + 1).map((m) => `b${m} = bv[${m}]`).join(', ')};`;
}

/** Code computing f0..f{orders}: the edge function's derivatives at x (sb, sp, q, u*, h*, b* in scope). */
function edgeDerivatives(k: number, orders: number): string {
  const base = range(orders + 1).map((m) => `let f${m} = sb * b${m};`).join(' ');
  const loads = range(k + 1).map((p) => `r${p} = raw[a + ${p}]`).join(', ');
  const spline = range(orders + 1)
    .filter((m) => m <= k)
    .map((m) => {
      const terms = range(k + 1)
        .filter((p) => p >= m)
        .map((p) => `${falling(p, m)} * r${p} * u${p - m}`);
      return `f${m} += sp * h${m} * (${terms.join(' + ')});`;
    });
  return `${base}
        if (q >= 0) {
          const a = (e * Q + q) * ${k + 1};
          const ${loads};
          ${spline.join('\n          ')}
        }`;
}

/** Unpacking of the arguments, shared by both passes. */
const HEADER = `
  const { nIn, nOut, base, tables, X, N, raw, scaleBase, scaleSp, mask } = A;
  const Q = tables[0].intervals;
  const stride = N * nIn;`;

/** The per-input blocks: a loop over inputs, or one block per input with its constant factors. */
function perInput(constS: Float64Array[] | null, block: (i: string, S: Float64Array | null) => string): string {
  return constS === null ? `for (let ii = 0; ii < nIn; ii++) ${block('ii', null)}` : constS.map((S, i) => block(String(i), S)).join('\n');
}

function generateForward(plan: JetPlan, k: number, constS: Float64Array[] | null): string {
  const C = plan.channels.length;
  const M = plan.maxOrder;
  const M1 = M + 1;
  const block = (i: string, S: Float64Array | null): string => {
    const slots = slotsOf(plan, S);
    const load = S === null && C > 1 ? `H.factors(X, ni, stride, Sbuf); ${slots.map((s) => `const s${s.c}_${s.m} = Sbuf[${s.c * M1 + s.m}];`).join(' ')}` : '';
    const byChannel = new Map<number, string[]>();
    for (const s of slots) byChannel.set(s.c, [...(byChannel.get(s.c) ?? []), `${s.literal ?? `s${s.c}_${s.m}`} * f${s.m}`]);
    const accum = [...byChannel.entries()].map(([c, terms]) => `acc[${c} * nOut + j] += ${terms.join(' + ')};`).join('\n        ');
    return `{
      const i = ${i};
      const ni = n * nIn + i;
      ${prelude(k, M, load)}
      const row = i * nOut;
      for (let j = 0; j < nOut; j++) {
        const e = row + j;
        const mk = mask[e];
        if (mk === 0) continue;
        const sb = mk * scaleBase[e], sp = mk * scaleSp[e];
        ${edgeDerivatives(k, M)}
        acc[j] += f0;
        ${accum}
      }
    }`;
  };
  return `${HEADER}
  const acc = new Float64Array(${C} * nOut);
  const Sbuf = new Float64Array(${C * M1});
  const bv = new Float64Array(${M + 2});
  for (let n = 0; n < N; n++) {
    acc.fill(0);
    ${perInput(constS, block)}
    for (let c = 0; c < ${C}; c++) for (let j = 0; j < nOut; j++) Y[(c * N + n) * nOut + j] = acc[c * nOut + j];
  }`;
}

function generateBackward(plan: JetPlan, k: number, constS: Float64Array[] | null, needInputGrad: boolean): string {
  const C = plan.channels.length;
  const M = plan.maxOrder;
  const M1 = M + 1;
  const orders = needInputGrad ? M + 1 : M;
  const block = (i: string, S: Float64Array | null): string => {
    const slots = slotsOf(plan, S);
    const load = S === null && C > 1 ? `H.factors(X, ni, stride, Sbuf); ${slots.map((s) => `const s${s.c}_${s.m} = Sbuf[${s.c * M1 + s.m}];`).join(' ')}` : '';
    const channels = needInputGrad ? range(C).slice(1) : [...new Set(slots.map((s) => s.c))];
    const dLoads = channels.map((c) => `const d${c} = dY[(${c} * N + n) * nOut + j];`).join(' ');
    const g = range(M1).map((m) => {
      const terms = slots.filter((s) => s.m === m).map((s) => `d${s.c} * ${s.literal ?? `s${s.c}_${s.m}`}`);
      if (m === 0) terms.unshift('d0');
      return `const g${m} = ${terms.length > 0 ? terms.join(' + ') : '0'};`;
    });
    const zero = [...range(M1).map((m) => `g${m} === 0`), ...(needInputGrad ? channels.map((c) => `d${c} === 0`) : [])].join(' && ');
    const dRaw = range(k + 1).map((p) => {
      const terms = range(Math.min(M, p) + 1).map((m) => `${falling(p, m)} * g${m} * h${m} * u${p - m}`);
      return `dRaw[a + ${p}] += ${terms.join(' + ')};`;
    });
    const allSlots = slotsOf(plan, null);
    const dsDecl = needInputGrad && allSlots.length > 0 ? `let ${allSlots.map((s) => `ds${s.c}_${s.m} = 0`).join(', ')};` : '';
    const dsAcc = needInputGrad ? allSlots.map((s) => `ds${s.c}_${s.m} += d${s.c} * f${s.m};`).join(' ') : '';
    const inputGrad = needInputGrad
      ? `const sb = mk * scaleBase[e], sp = mk * scaleSp[e];
        ${edgeDerivatives(k, orders)}
        dx += ${range(M1).map((m) => `g${m} * f${m + 1}`).join(' + ')};
        ${dsAcc}`
      : '';
    const after = needInputGrad
      ? `dX[ni] += dx;
      ${allSlots.length > 0 ? `${allSlots.map((s) => `dSbuf[${s.c * M1 + s.m}] = ds${s.c}_${s.m};`).join(' ')}
      H.factorsBack(X, ni, stride, dSbuf, dX);` : ''}`
      : '';
    return `{
      const i = ${i};
      const ni = n * nIn + i;
      ${prelude(k, orders, load)}
      ${dsDecl}
      let dx = 0;
      const row = i * nOut;
      for (let j = 0; j < nOut; j++) {
        const e = row + j;
        const mk = mask[e];
        if (mk === 0) continue;
        const d0 = dY[n * nOut + j];
        ${dLoads}
        ${g.join(' ')}
        if (${zero}) continue;
        dSb[e] += mk * (${range(M1).map((m) => `g${m} * b${m}`).join(' + ')});
        if (q >= 0) {
          const a = (e * Q + q) * ${k + 1};
          ${dRaw.join('\n          ')}
        }
        ${inputGrad}
      }
      ${after}
    }`;
  };
  return `${HEADER}
  const Sbuf = new Float64Array(${C * M1});
  const dSbuf = new Float64Array(${C * M1});
  const bv = new Float64Array(${orders + 2});
  for (let n = 0; n < N; n++) {
    ${perInput(constS, block)}
  }`;
}

const FORWARD_ARGS = ['A', 'Y'];
const BACKWARD_ARGS = ['A', 'dY', 'dRaw', 'dSb', 'dX'];
const forwardCache = new Map<string, GeneratedForward>();
const backwardCache = new Map<string, GeneratedBackward>();

/** The plan's part of a kernel key, once per plan (serialising it on every call cost ~1.5 % of a small evaluation). */
const planKeys = new WeakMap<JetPlan, string>();

function planKey(plan: JetPlan, k: number, constS: Float64Array[] | null): string {
  let key = planKeys.get(plan);
  if (key === undefined) {
    key = JSON.stringify([plan.channels, plan.terms]);
    planKeys.set(plan, key);
  }
  return `${key}|${k}|${constS === null ? 'null' : constS.map((s) => s.join(',')).join(';')}`;
}

function helpersFor(plan: JetPlan): Helpers {
  const jet = compileJet(plan);
  return { span: tableSpan, baseD: baseDerivatives, factors: jet.factors, factorsBack: jet.backward };
}

/** Which generated pass: the forward jets, or the backward pass with or without dL/dX. */
export type KernelPass = 'forward' | 'backward' | 'backward-input';

/**
 * The JavaScript source of a generated layer pass (the body of `function (A, Y)` for the forward
 * pass, `function (A, dY, dRaw, dSb, dX)` for the backward passes; helpers are reached as `H.*`),
 * for reading what runs. `constS` are the input layer's constant factors (see `constantFactors`);
 * the input-gradient pass has none.
 */
export function kernelSource(plan: JetPlan, k: number, pass: KernelPass = 'forward', constS: Float64Array[] | null = null): string {
  if (pass === 'forward') return generateForward(plan, k, constS);
  if (pass === 'backward-input' && constS !== null) throw new Error('kernelSource: the input-gradient pass has no constant-factor form');
  return generateBackward(plan, k, constS, pass === 'backward-input');
}

/** The generated forward pass, or null where code generation is not allowed (then the loop kernel runs). */
export function generatedForward(plan: JetPlan, k: number, constS: Float64Array[] | null): GeneratedForward | null {
  return cachedKernel(forwardCache, planKey(plan, k, constS), () => compileKernel<GeneratedForward>(FORWARD_ARGS, kernelSource(plan, k, 'forward', constS), helpersFor(plan)));
}

/**
 * The generated backward pass, or null where code generation is not allowed. Constant factors
 * only without the input gradient (callers pass null then).
 */
export function generatedBackward(plan: JetPlan, k: number, constS: Float64Array[] | null, needInputGrad: boolean): GeneratedBackward | null {
  const pass: KernelPass = needInputGrad ? 'backward-input' : 'backward';
  const key = `${planKey(plan, k, constS)}|${needInputGrad}`;
  return cachedKernel(backwardCache, key, () => compileKernel<GeneratedBackward>(BACKWARD_ARGS, kernelSource(plan, k, pass, constS), helpersFor(plan)));
}

/**
 * The Faà di Bruno factors of each input when they are the same at every point (the network
 * input: its derivative channels are constants), else null. Checks every point: O(N·nIn·C).
 */
export function constantFactors(plan: JetPlan, X: Float32Array, N: number, nIn: number): Float64Array[] | null {
  const C = plan.channels.length;
  if (C === 1 || N === 0) return null;
  const stride = N * nIn;
  for (let c = 1; c < C; c++) {
    for (let i = 0; i < nIn; i++) {
      const v = X[c * stride + i]!;
      for (let n = 1; n < N; n++) if (X[c * stride + n * nIn + i] !== v) return null;
    }
  }
  const jet = compileJet(plan);
  return range(nIn).map((i) => {
    const S = new Float64Array(C * (plan.maxOrder + 1));
    jet.factors(X, i, stride, S);
    return S;
  });
}
