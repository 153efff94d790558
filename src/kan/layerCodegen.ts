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
import { cachedKernel, compileKernel, expCode, falling, range } from '../jet/codegen.js';
import { compileJet, jetSource, type JetFactorsBackFn, type JetFactorsFn } from '../jet/factors.js';
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
  /** Each (point, input)'s span [N·nIn], written by a `record` pass, read by a `replay` one (see `PreludeMode`). */
  spans?: Int32Array;
  /** Each (point, input)'s σ(x) [N·nIn] (SiLU base), likewise. */
  sigmoids?: Float64Array;
}

export type GeneratedForward = (a: GeneratedArgs, Y: Float32Array) => void;
export type GeneratedBackward = (a: GeneratedArgs, dY: Float32Array, dRaw: Float64Array, dSb: Float64Array, dX: Float32Array | null) => void;

interface Helpers {
  span: typeof tableSpan;
  baseD: typeof baseDerivatives;
  factors: JetFactorsFn;
  factorsBack: JetFactorsBackFn;
  POW2: Float64Array;
  POW2_32: Float64Array;
  scratch: (size: number) => Float64Array;
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
 * Per-input constants of the span search and the local coordinate, hoisted out of the point loop
 * (the point loop runs inside the loop over inputs, so they are read once per input, not per point).
 */
const TABLE_CONSTANTS = `
    const table = tables[i], knots = table.knots, invW = table.invWidth, last = knots.length - 1;
    const kFirst = knots[0], kLast = knots[last], step = table.uniformStep, istep = 1 / step;`;

/**
 * The span q of x in the table's knots (−1 outside), inlined: for uniform knots a first guess by
 * (x − t_0)/step, then the corrections of `findSpan` (spline.ts), which end at the one q with
 * t_q ≤ x < t_{q+1} from any guess, so the guess may multiply by 1/step; non-uniform knots call it.
 */
const SPAN = `
      let q = -1;
      if (x >= kFirst && x < kLast) {
        if (step > 0) {
          q = Math.floor((x - kFirst) * istep);
          if (q > last - 1) q = last - 1;
          if (q < 0) q = 0;
          while (q > 0 && x < knots[q]) q--;
          while (q < last - 1 && x >= knots[q + 1]) q++;
        } else q = H.span(table, x);
      }`;

/**
 * b0…b{orders}, the base function's derivatives at x: SiLU's closed forms inlined up to third order
 * (the expressions of `baseDerivatives`, baseFunctions.ts), any other base or order by the call.
 */
function baseCode(orders: number, mode: PreludeMode): string {
  const names = range(orders + 1).map((m) => `b${m}`);
  const call = `H.baseD(base, x, ${orders}, bv); ${names.map((b, m) => `${b} = bv[${m}];`).join(' ')}`;
  if (orders > 3) return `let ${names.join(', ')}; ${call}`;
  const sigmoid =
    mode === 'replay'
      ? 'const sg = sigmoids[ni];'
      : `${expCode('-x', 'ex')}
        const sg = 1 / (1 + ex);${mode === 'record' ? ' sigmoids[ni] = sg;' : ''}`;
  const silu = [
    'b0 = x * sg;',
    'b1 = x * sg1 + sg;',
    'b2 = x * sg1 * (1 - 2 * sg) + 2 * sg1;',
    'b3 = x * sg1 * (1 - 6 * sg + 6 * sg * sg) + 3 * sg1 * (1 - 2 * sg);',
  ].slice(0, orders + 1);
  return `let ${names.join(', ')};
      if (silu) {
        ${sigmoid}
        const sg1 = sg * (1 - sg);
        ${silu.join(' ')}
      } else { ${call} }`;
}

/**
 * How a pass gets each (point, input)'s span q and SiLU's sigmoid σ(x): works them out
 * (`compute`), works them out and stores them in `A.spans` / `A.sigmoids` (`record`, a forward
 * pass whose backward pass follows), or reads them from there (`replay`, that backward pass: the
 * same values without the span search, the exponential and the division, ~40 % of the prelude).
 */
export type PreludeMode = 'compute' | 'record' | 'replay';

/**
 * Straight-line code of the per-(point, input) prelude: span, powers of the local coordinate,
 * powers of 1/h and the base-function derivatives up to `orders`. Span and SiLU are inlined: as
 * calls (and the factors as a call writing a buffer) they cost ~20 % of a small evaluation.
 */
function prelude(k: number, orders: number, factorsLoad: string, mode: PreludeMode): string {
  const powers = range(k).map((p) => `u${p + 1} = u${p} * u;`);
  const hs = range(orders).map((m) => `h${m + 1} = h${m} * h;`);
  const span = mode === 'replay' ? '\n      const q = spans[ni];' : `${SPAN}${mode === 'record' ? '\n      spans[ni] = q;' : ''}`;
  return `
      const x = X[ni];
      ${factorsLoad}${span}
      let ${[...range(k).map((p) => `u${p + 1} = 0`), ...range(orders).map((m) => `h${m + 1} = 0`)].join(', ')};
      const u0 = 1, h0 = 1;
      if (q >= 0) {
        const h = invW[q];
        const u = (x - knots[q]) * h;
        u1 = u; ${powers.slice(1).join(' ')}
        ${orders >= 1 ? 'h1 = h;' : ''} ${hs.slice(1).join(' ')}
      }
      ${baseCode(orders, mode)}`;
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

/**
 * A hidden layer's Faà di Bruno factors s{c}_{m} at input ni, inlined from the plan's straight-line
 * source (jet/factors.ts) instead of a call writing a buffer that is read back: the input's channels
 * as x1…x{C−1}, then each slot's expression. Same arithmetic, same order.
 */
function factorsInline(plan: JetPlan, slots: { c: number; m: number }[]): string {
  const M1 = plan.maxOrder + 1;
  const { slots: expressions } = jetSource(plan);
  const loads = range(plan.channels.length).slice(1).map((c) => `const x${c} = X[${c} * stride + ni];`);
  return [...loads, ...slots.map((s) => `const s${s.c}_${s.m} = ${expressions.get(s.c * M1 + s.m) ?? '0'};`)].join(' ');
}

/** dL/dX of the factors (the reverse of `factorsInline`), from the accumulated ds{c}_{m}. */
function factorsBackInline(plan: JetPlan): string {
  const M1 = plan.maxOrder + 1;
  const { grads } = jetSource(plan, (slot) => `ds${Math.floor(slot / M1)}_${slot % M1}`);
  return [...grads.entries()].map(([block, terms]) => `dX[${block} * stride + ni] += ${terms.join(' + ')};`).join('\n      ');
}

/**
 * Unpacking of the arguments, shared by both passes. The body runs the points [n0, n1) (the
 * single-threaded kernel all of them, a worker its chunk, layerThreads.ts); `H.POW2*` are the
 * exponential's tables, built once per thread instead of per call.
 */
const HEADER = `
  const { nIn, nOut, base, tables, X, N, raw, scaleBase, scaleSp, mask, spans, sigmoids } = A;
  const Q = tables[0].intervals;
  const stride = N * nIn;
  const silu = base === 'silu';
  const POW2 = H.POW2, POW2_32 = H.POW2_32;`;

/** The per-input blocks: a loop over inputs, or one block per input with its constant factors. */
function perInput(constS: Float64Array[] | null, block: (i: string, S: Float64Array | null) => string): string {
  return constS === null ? `for (let ii = 0; ii < nIn; ii++) ${block('ii', null)}` : constS.map((S, i) => block(String(i), S)).join('\n');
}

/** The point loop of a generated pass (layerThreads.ts finds nothing to rewrite: workers pass their chunk as n0, n1). */
const POINTS = 'for (let n = n0; n < n1; n++)';

/**
 * The loops of a pass. A one-output layer (`single`) loops over inputs outside and points inside,
 * so that an input's knots and its one edge's parameters are read once, not once per point (the
 * [2,10,1] KAN's second layer: 20–25 % less time per pass). Other layers keep points outside: there
 * the inputs' edges share the point's rows of dL/dY while they are in cache (inputs outside was
 * 13 % slower on the first layer's backward pass). Every sum keeps its order in both: a point's
 * outputs add the inputs in increasing i, a parameter's gradient adds the points in increasing n,
 * so both give the same bits.
 */
function loops(single: boolean, constS: Float64Array[] | null, block: (i: string, S: Float64Array | null, pointLoop: (body: string) => string) => string): string {
  if (single) return perInput(constS, (i, S) => block(i, S, (body) => `${POINTS} {${body}\n    }`));
  return `${POINTS} {\n  ${perInput(constS, (i, S) => block(i, S, (body) => `{${body}\n    }`))}\n  }`;
}

/**
 * The edge loop of a block, around `body` (which has e, mk, sb, sp in scope): a loop over the
 * outputs, or for a one-output layer the single edge e = i, whose parameters are then read before
 * the point loop (`hoisted`); sb and sp only where the body uses them (`needParams`).
 */
function edgeScope(single: boolean, needParams: boolean): { hoisted: string; open: string; close: string } {
  const params = needParams ? 'const sb = mk * scaleBase[e], sp = mk * scaleSp[e];' : '';
  if (single) return { hoisted: `const e = i, j = 0; const mk = mask[e]; ${params}`, open: 'if (mk !== 0) {', close: '}' };
  return { hoisted: 'const row = i * nOut;', open: `for (let j = 0; j < nOut; j++) { const e = row + j; const mk = mask[e]; if (mk === 0) continue; ${params}`, close: '}' };
}

function generateForward(plan: JetPlan, k: number, constS: Float64Array[] | null, single: boolean, mode: PreludeMode): string {
  const C = plan.channels.length;
  const M = plan.maxOrder;
  const block = (i: string, S: Float64Array | null, pointLoop: (body: string) => string): string => {
    const slots = slotsOf(plan, S);
    const load = S === null && C > 1 ? factorsInline(plan, slots) : '';
    const byChannel = new Map<number, string[]>();
    for (const s of slots) byChannel.set(s.c, [...(byChannel.get(s.c) ?? []), `${s.literal ?? `s${s.c}_${s.m}`} * f${s.m}`]);
    const accum = [...byChannel.entries()].map(([c, terms]) => `acc[${c} * CL + o] += ${terms.join(' + ')};`).join('\n        ');
    const edge = edgeScope(single, true);
    return `{
    const i = ${i};${TABLE_CONSTANTS}
    ${edge.hoisted}
    ${pointLoop(`
      const ni = n * nIn + i;
      ${prelude(k, M, load, mode)}
      ${edge.open}
        ${edgeDerivatives(k, M)}
        const o = (n - n0) * nOut + j;
        acc[o] += f0;
        ${accum}
      ${edge.close}`)}
  }`;
  };
  // acc [C, n1 − n0, nOut]: the chunk's outputs summed over inputs in float64, then rounded into Y
  return `${HEADER}
  const CL = (n1 - n0) * nOut;
  const acc = H.scratch(${C} * CL);
  acc.fill(0, 0, ${C} * CL);
  const bv = new Float64Array(${M + 2});
  ${loops(single, constS, block)}
  for (let c = 0; c < ${C}; c++) {
    const from = c * CL, to = (c * N + n0) * nOut;
    for (let t = 0; t < CL; t++) Y[to + t] = acc[from + t];
  }`;
}

function generateBackward(plan: JetPlan, k: number, constS: Float64Array[] | null, needInputGrad: boolean, single: boolean, mode: PreludeMode): string {
  const C = plan.channels.length;
  const M = plan.maxOrder;
  const M1 = M + 1;
  const orders = needInputGrad ? M + 1 : M;
  const block = (i: string, S: Float64Array | null, pointLoop: (body: string) => string): string => {
    const slots = slotsOf(plan, S);
    const load = S === null && C > 1 ? factorsInline(plan, slots) : '';
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
      ? `${edgeDerivatives(k, orders)}
        dx += ${range(M1).map((m) => `g${m} * f${m + 1}`).join(' + ')};
        ${dsAcc}`
      : '';
    const after = needInputGrad
      ? `dX[ni] += dx;
      ${allSlots.length > 0 ? factorsBackInline(plan) : ''}`
      : '';
    const edge = edgeScope(single, needInputGrad);
    // one output: the edge's dL/dscale_base summed over the points in a local (same order, same sum)
    const gb = `mk * (${range(M1).map((m) => `g${m} * b${m}`).join(' + ')})`;
    return `{
    const i = ${i};${TABLE_CONSTANTS}
    ${edge.hoisted}
    ${single ? 'let dsb = 0;' : ''}
    ${pointLoop(`
      const ni = n * nIn + i;
      ${prelude(k, orders, load, mode)}
      ${dsDecl}
      let dx = 0;
      ${edge.open}
        const d0 = dY[n * nOut + j];
        ${dLoads}
        ${g.join(' ')}
        if (!(${zero})) {
          ${single ? `dsb += ${gb};` : `dSb[e] += ${gb};`}
          if (q >= 0) {
            const a = (e * Q + q) * ${k + 1};
            ${dRaw.join('\n            ')}
          }
          ${inputGrad}
        }
      ${edge.close}
      ${after}`)}
    ${single ? 'if (mk !== 0) dSb[e] += dsb;' : ''}
  }`;
  };
  return `${HEADER}
  const bv = new Float64Array(${orders + 2});
  ${loops(single, constS, block)}`;
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

/** The exponential's tables, as `EXP2_TABLES` (jet/codegen.ts) builds them, built once per thread. */
export function exp2Tables(): { POW2: Float64Array; POW2_32: Float64Array } {
  const POW2 = new Float64Array(128);
  for (let i = 0, p = Math.pow(2, -64); i < 128; i++, p *= 2) POW2[i] = p;
  const POW2_32 = new Float64Array(32);
  for (let i = 0; i < 32; i++) POW2_32[i] = Math.pow(2, i / 32);
  return { POW2, POW2_32 };
}
const EXP2 = exp2Tables();

/**
 * A thread's float64 scratch for the forward pass's accumulators, reused while small: at a few
 * hundred points a new array per call is a visible share of the call; a large one is left to the
 * collector rather than held. Self-contained (workers get its text, layerThreads.ts).
 */
export function makeScratch(): (size: number) => Float64Array {
  let array = new Float64Array(0);
  return function scratch(size: number): Float64Array {
    if (size > 65536) return new Float64Array(size);
    if (array.length < size) array = new Float64Array(Math.max(size, 1024));
    return array;
  };
}
const scratch = makeScratch();

function helpersFor(plan: JetPlan): Helpers {
  const jet = compileJet(plan);
  return { span: tableSpan, baseD: baseDerivatives, factors: jet.factors, factorsBack: jet.backward, POW2: EXP2.POW2, POW2_32: EXP2.POW2_32, scratch };
}

/** Which generated pass: the forward jets, or the backward pass with or without dL/dX. */
export type KernelPass = 'forward' | 'backward' | 'backward-input';

/**
 * The body of a generated pass over the points [n0, n1), which it leaves free (layerThreads.ts
 * binds them to a worker's chunk). `single`: the layer has one output (its edge's parameters are
 * read once per input). `mode`: see `PreludeMode` (`record` for forward passes, `replay` for
 * backward ones).
 */
export function chunkKernelSource(plan: JetPlan, k: number, pass: KernelPass, constS: Float64Array[] | null, single: boolean, mode: PreludeMode = 'compute'): string {
  if (pass === 'forward') {
    if (mode === 'replay') throw new Error('kernelSource: a forward pass has no replay form');
    return generateForward(plan, k, constS, single, mode);
  }
  if (pass === 'backward-input' && constS !== null) throw new Error('kernelSource: the input-gradient pass has no constant-factor form');
  if (mode === 'record') throw new Error('kernelSource: a backward pass has no record form');
  return generateBackward(plan, k, constS, pass === 'backward-input', single, mode);
}

/**
 * The JavaScript source of a generated layer pass (the body of `function (A, Y)` for the forward
 * pass, `function (A, dY, dRaw, dSb, dX)` for the backward passes; helpers are reached as `H.*`),
 * for reading what runs. `constS` are the input layer's constant factors (see `constantFactors`);
 * the input-gradient pass has none. `singleOutput`: the form for a layer with one output; `mode`:
 * see `PreludeMode`.
 */
export function kernelSource(plan: JetPlan, k: number, pass: KernelPass = 'forward', constS: Float64Array[] | null = null, singleOutput = false, mode: PreludeMode = 'compute'): string {
  return `const n0 = 0, n1 = A.N;${chunkKernelSource(plan, k, pass, constS, singleOutput, mode)}`;
}

/**
 * The generated forward pass, or null where code generation is not allowed (then the loop kernel
 * runs). `record`: it stores each (point, input)'s span and sigmoid in `A.spans` / `A.sigmoids`.
 */
export function generatedForward(plan: JetPlan, k: number, constS: Float64Array[] | null, singleOutput = false, record = false): GeneratedForward | null {
  const key = `${planKey(plan, k, constS)}|${singleOutput}|${record}`;
  const mode: PreludeMode = record ? 'record' : 'compute';
  return cachedKernel(forwardCache, key, () => compileKernel<GeneratedForward>(FORWARD_ARGS, kernelSource(plan, k, 'forward', constS, singleOutput, mode), helpersFor(plan)));
}

/**
 * The generated backward pass, or null where code generation is not allowed. Constant factors
 * only without the input gradient (callers pass null then). `replay`: it reads the spans and
 * sigmoids a `record` forward pass stored (same points, same inputs).
 */
export function generatedBackward(plan: JetPlan, k: number, constS: Float64Array[] | null, needInputGrad: boolean, singleOutput = false, replay = false): GeneratedBackward | null {
  const pass: KernelPass = needInputGrad ? 'backward-input' : 'backward';
  const key = `${planKey(plan, k, constS)}|${needInputGrad}|${singleOutput}|${replay}`;
  const mode: PreludeMode = replay ? 'replay' : 'compute';
  return cachedKernel(backwardCache, key, () => compileKernel<GeneratedBackward>(BACKWARD_ARGS, kernelSource(plan, k, pass, constS, singleOutput, mode), helpersFor(plan)));
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
