/**
 * Faà di Bruno factors compiled per jet plan. For one point n and input i the kernel needs
 *   S[c·(M+1) + m] = Σ_{terms of channel c with order m} coef · Π_{blocks} x_block
 * and, in reverse, dL/dx_block from dL/dS. The term lists are tiny and fixed per plan, so they are
 * turned into straight-line JavaScript once (no loops, no index arrays); where code generation is
 * not allowed (a strict Content-Security-Policy), a generic loop does the same.
 */
import { codeGenerationAllowed, compileKernel } from './codegen.js';
import type { JetPlan } from './plan.js';

/** Writes S for the point whose channel-0 value sits at X[base]; channel c is at X[c·stride + base]. */
export type JetFactorsFn = (X: Float32Array, base: number, stride: number, S: Float64Array) => void;
/** Adds dL/dX[c·stride + base] for c ≥ 1 given dS (the value channel is handled by the kernel). */
export type JetFactorsBackFn = (X: Float32Array, base: number, stride: number, dS: Float64Array, dX: Float32Array) => void;

export interface CompiledJet {
  factors: JetFactorsFn;
  backward: JetFactorsBackFn;
}

const cache = new WeakMap<JetPlan, CompiledJet>();

/**
 * The source pieces of a plan's factors, for code generators that inline them: `loads` declares
 * x1…x{C−1} (channel c of the input at X[c·stride + base]); `slots` maps slot c·(M+1) + m to its
 * expression in those; `grads` maps channel c ≥ 1 to the terms of dL/dx_c, each with the
 * incoming gradient of its slot written as `gradOf(slot)` (by default `dS[slot]`).
 */
export interface JetSource {
  loads: string;
  slots: Map<number, string>;
  grads: Map<number, string[]>;
}

export function jetSource(plan: JetPlan, gradOf: (slot: number) => string = (slot) => `dS[${slot}]`): JetSource {
  const M1 = plan.maxOrder + 1;
  const C = plan.channels.length;
  const read = (c: number): string => `x${c}`;
  const loads = Array.from({ length: C - 1 }, (_, c) => `const x${c + 1} = X[${c + 1} * stride + base];`).join('\n');
  const sums = new Map<number, string[]>();
  const grads = new Map<number, string[]>();
  plan.terms.forEach((terms, c) => {
    for (const t of terms) {
      const slot = c * M1 + t.order;
      const product = [String(t.coefficient), ...t.blocks.map(read)].join(' * ');
      sums.set(slot, [...(sums.get(slot) ?? []), product]);
      t.blocks.forEach((block, l) => {
        const others = t.blocks.filter((_, o) => o !== l).map(read);
        const term = [gradOf(slot), String(t.coefficient), ...others].join(' * ');
        grads.set(block, [...(grads.get(block) ?? []), term]);
      });
    }
  });
  const slots = new Map([...sums.entries()].map(([slot, products]) => [slot, products.join(' + ')]));
  return { loads, slots, grads };
}

function generate(plan: JetPlan): CompiledJet {
  const M1 = plan.maxOrder + 1;
  const C = plan.channels.length;
  const { loads, slots, grads } = jetSource(plan);
  const writes = Array.from({ length: C * M1 }, (_, slot) => `S[${slot}] = ${slots.get(slot) ?? '0'};`).join('\n');
  const factors = compileKernel<JetFactorsFn>(['X', 'base', 'stride', 'S'], `${loads}\n${writes}`);
  const updates = [...grads.entries()].map(([block, terms]) => `dX[${block} * stride + base] += ${terms.join(' + ')};`).join('\n');
  const backward = compileKernel<JetFactorsBackFn>(['X', 'base', 'stride', 'dS', 'dX'], `${loads}\n${updates}`);
  return { factors, backward };
}

function generic(plan: JetPlan): CompiledJet {
  const M1 = plan.maxOrder + 1;
  return {
    factors(X, base, stride, S) {
      S.fill(0);
      plan.terms.forEach((terms, c) => {
        for (const t of terms) {
          let product = t.coefficient;
          for (const b of t.blocks) product *= X[b * stride + base]!;
          S[c * M1 + t.order] = S[c * M1 + t.order]! + product;
        }
      });
    },
    backward(X, base, stride, dS, dX) {
      plan.terms.forEach((terms, c) => {
        for (const t of terms) {
          t.blocks.forEach((block, l) => {
            let product = dS[c * M1 + t.order]! * t.coefficient;
            t.blocks.forEach((other, o) => {
              if (o !== l) product *= X[other * stride + base]!;
            });
            dX[block * stride + base] = dX[block * stride + base]! + product;
          });
        }
      });
    },
  };
}

/**
 * The factor functions of a plan, cached per plan: generated, or the generic loops where code
 * generation is not allowed. A generator error is thrown, not replaced by the loops.
 */
export function compileJet(plan: JetPlan): CompiledJet {
  const hit = cache.get(plan);
  if (hit) return hit;
  const compiled = codeGenerationAllowed() ? generate(plan) : generic(plan);
  cache.set(plan, compiled);
  return compiled;
}

/** The generic loops (what runs without code generation); test/jet/factors.test.ts compares them with the generated code. */
export const genericJet = generic;
