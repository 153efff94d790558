/**
 * Code generation is loud: a generator that produces bad code or throws fails here instead of
 * falling back to the loop kernel; only a refusal of `new Function` itself (a strict
 * Content-Security-Policy, simulated with Node's --disallow-code-generation-from-strings) selects
 * the loop kernels, and those give the same layer output.
 */
import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';
import { describe, expect, it } from 'vitest';
import { cachedKernel, codeGenerationAllowed, compileKernel, EXP2_TABLES, expCode, falling, fallingTable } from '../../src/jet/codegen.js';
import { compileJet, genericJet } from '../../src/jet/factors.js';
import { createJetPlan } from '../../src/jet/plan.js';
import { createRng } from '../../src/random.js';
import { expectClose } from '../kan/reference.js';

const plans = [createJetPlan([[0, 0], [1, 1]], 2), createJetPlan([[0], [1], [0, 1]], 2), createJetPlan([[2], [0, 0], [1, 1]], 3), createJetPlan([[0, 0, 0, 0]], 1)];

describe('code generation scaffolding', () => {
  it('finds code generation allowed under Node', () => {
    expect(codeGenerationAllowed()).toBe(true);
  });

  it('throws the SyntaxError of a generated body instead of hiding it', () => {
    expect(() => compileKernel(['a'], 'return a +;')).toThrow(SyntaxError);
  });

  it('passes a generator error through and does not cache a fallback', () => {
    const cache = new Map<string, () => number>();
    expect(() =>
      cachedKernel(cache, 'broken', () => {
        throw new Error('generator bug');
      }),
    ).toThrow('generator bug');
    expect(cache.has('broken')).toBe(false);
    expect(cachedKernel(cache, 'ok', () => compileKernel<() => number>([], 'return H.v;', { v: 3 }))?.()).toBe(3);
  });

  it('gives falling factorials p!/(p−m)!', () => {
    expect([falling(5, 0), falling(5, 1), falling(5, 2), falling(5, 5), falling(2, 3)]).toEqual([1, 5, 20, 120, 0]);
    const table = fallingTable(6);
    expect(table[2 * 6 + 4]).toBe(12);
    expect(table[3 * 6 + 1]).toBe(0);
  });
});

describe('generated Faà di Bruno factors', () => {
  it.each(plans.map((plan, n) => ({ n, plan })))('match the generic loops (plan $n)', ({ plan }) => {
    const rng = createRng(3);
    const C = plan.channels.length;
    const N = 5;
    const stride = N * plan.inputDim;
    const X = Float32Array.from({ length: C * stride }, () => rng.next() * 2 - 1);
    const dS = Float64Array.from({ length: C * (plan.maxOrder + 1) }, () => rng.next() - 0.5);
    const generated = compileJet(plan);
    const generic = genericJet(plan);
    expect(generated.factors).not.toBe(generic.factors);
    for (let base = 0; base < stride; base++) {
      const a = new Float64Array(dS.length);
      const b = new Float64Array(dS.length);
      generated.factors(X, base, stride, a);
      generic.factors(X, base, stride, b);
      expectClose(Float32Array.from(a), Float32Array.from(b), 'factors');
      const dA = new Float32Array(X.length);
      const dB = new Float32Array(X.length);
      generated.backward(X, base, stride, dS, dA);
      generic.backward(X, base, stride, dS, dB);
      expectClose(dA, dB, 'factor gradients');
    }
  });
});

/** Runs in a child Node that refuses code generation; prints the loop kernel's forward jets. */
const CHILD = `
import { codeGenerationAllowed } from './src/jet/codegen.ts';
import { createJetPlan } from './src/jet/plan.ts';
import { generatedForward } from './src/kan/layerCodegen.ts';
import { layerFixture } from './test/jet/layerFixture.ts';
import { kanLayerForward } from './src/kan/layerKernel.ts';
const plan = createJetPlan([[0, 0], [1, 1]], 2);
const { geo, params, X, N } = layerFixture(plan);
console.log(JSON.stringify({ allowed: codeGenerationAllowed(), generated: generatedForward(plan, 3, null) !== null, y: Array.from(kanLayerForward(geo, plan, X, N, params)) }));
`;

describe('under a policy that refuses code generation', () => {
  it('runs the loop kernels, which give the generated kernels’ result', async () => {
    const root = fileURLToPath(new URL('../..', import.meta.url));
    // packages stay external: the kernels reach tfjs (engine/wasmThreads.ts), whose CommonJS build needs Node's require
    const bundle = await build({ stdin: { contents: CHILD, resolveDir: root, loader: 'ts' }, bundle: true, packages: 'external', write: false, format: 'esm', platform: 'node', logLevel: 'silent' });
    const out = execFileSync(process.execPath, ['--disallow-code-generation-from-strings', '--input-type=module', '-'], { input: bundle.outputFiles[0]!.text, encoding: 'utf8', timeout: 30_000 });
    const child = JSON.parse(out) as { allowed: boolean; generated: boolean; y: number[] };
    expect(child.allowed).toBe(false);
    expect(child.generated).toBe(false);
    const { layerFixture } = await import('./layerFixture.js');
    const { kanLayerForward } = await import('../../src/kan/layerKernel.js');
    const plan = createJetPlan([[0, 0], [1, 1]], 2);
    const { geo, params, X, N } = layerFixture(plan);
    expectClose(Float32Array.from(child.y), kanLayerForward(geo, plan, X, N, params), 'loop kernel vs generated kernel');
  });

  it('computes e^w by arithmetic (expCode, the KAN kernels\' SiLU) to ~1e-15 relative on [-40, 40], clamped beyond', () => {
    const exp = compileKernel<(w: number) => number>(['w'], `${EXP2_TABLES}\n${expCode('w', 'e')}\nreturn e;`);
    let worst = 0;
    for (let i = 0; i <= 20000; i++) {
      const w = -39.99 + (79.98 * i) / 20000 + 1e-7 * Math.sin(i);
      worst = Math.max(worst, Math.abs(exp(w) - Math.exp(w)) / Math.exp(w));
    }
    expect(worst).toBeLessThan(3e-15);
    expect(exp(0)).toBe(1);
    expect(exp(100)).toBe(exp(40));
    expect(exp(-100)).toBe(exp(-40));
    expect(exp(Number.NaN)).toBeNaN();
  });
});
