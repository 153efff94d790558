/**
 * The GPU path in a real browser: headless Chromium, tfjs's `webgl` backend on SwiftShader
 * (software WebGL 2), the library bundled from the package entry (browserLib.ts). On webgl the
 * default (`auto`) kernel choice is the tfjs-ops path, and
 * - the KAN layer's ops agree with the JS kernels there (jets and every gradient; every jet plan,
 *   k = 1..5, input and hidden layers, symbolic edges; the JS kernels run in the same page),
 * - a full poisson2d solve through `train` reaches the same accuracy class as the same solve on
 *   wasm in Node (JS kernels), run in this test.
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createModel, defineProblem, setBackend, setKanKernel, train } from '../../index.js';
import type { AgreementResult } from '../kan/opsAgreement.js';
import type { BrowserSolve } from './browserEntry.js';
import { openLibraryPage, type LibraryPage } from './browserLib.js';

interface PageApi {
  start(backend: string): Promise<string>;
  kanKernel(): string;
  usesOpsKernels(): boolean;
  caseNames(): string[];
  agreement(names?: string[]): AgreementResult[];
  solve(spec: unknown, optimizer: 'adam' | 'lbfgs', steps: number, lr: number, kernel?: 'auto' | 'ops' | 'js'): Promise<BrowserSolve>;
}
type Scope = { kanpinnGpu: PageApi };

const SPEC = JSON.parse(readFileSync(fileURLToPath(new URL('../../problems/poisson2d.json', import.meta.url)), 'utf8')) as Record<string, unknown>;
/** Adam at lr 0.02 for 150 steps: ≈1e−2 rel. L2 on poisson2d, in about a minute of SwiftShader. */
const SOLVE = { optimizer: 'adam' as const, lr: 0.02, steps: 150 };

let lib: LibraryPage | undefined;

beforeAll(async () => {
  lib = await openLibraryPage('webgl');
}, 120_000);

afterAll(async () => {
  await lib?.close();
});

describe('GPU path in headless Chromium on webgl', () => {
  it('starts tfjs on webgl, where the default kernel choice is the ops path', async () => {
    const backend = await lib!.page.evaluate(() => (globalThis as unknown as Scope).kanpinnGpu.start('webgl'));
    expect(backend).toBe('webgl');
    expect(await lib!.page.evaluate(() => [(globalThis as unknown as Scope).kanpinnGpu.kanKernel(), (globalThis as unknown as Scope).kanpinnGpu.usesOpsKernels()])).toEqual(['auto', true]);
  }, 60_000);

  it('KAN layer: ops agree with the JS kernels (every plan, k = 1..5, symbolic edges)', async () => {
    const all = await lib!.page.evaluate(() => (globalThis as unknown as Scope).kanpinnGpu.caseNames());
    // Every plan with every k (input and hidden layers alternating), and every symbolic group on two plans.
    const chosen = all.filter((name) => {
      const k = Number(/k=(\d)/.exec(name)![1]);
      if (name.includes('symbolic')) return name.startsWith('poisson2d') || name.startsWith('beam1d') || name.startsWith('heat3d');
      return name.endsWith(k % 2 === 0 ? 'hidden' : 'input');
    });
    expect(chosen.length).toBeGreaterThanOrEqual(39);
    const results = await lib!.page.evaluate((names) => (globalThis as unknown as Scope).kanpinnGpu.agreement(names), chosen);
    expect(results.map((r) => r.name)).toEqual(chosen);
    for (const { name, errors } of results) {
      for (const [quantity, error] of Object.entries(errors)) expect(error, `${name}: ${quantity}`).toBeLessThan(5e-4);
    }
    expect(lib!.errors).toEqual([]);
  }, 400_000);

  it('solves poisson2d with train() to the accuracy class of the same solve on wasm', async () => {
    const page = await lib!.page.evaluate(
      ([spec, o]) => (globalThis as unknown as Scope).kanpinnGpu.solve(spec, o.optimizer, o.steps, o.lr),
      [SPEC, SOLVE] as const,
    );
    expect(page).toMatchObject({ backend: 'webgl', opsPath: true, status: 'completed', steps: SOLVE.steps });
    // The same solve on wasm in Node, JS kernels.
    await setBackend('wasm');
    setKanKernel('auto');
    const model = createModel({ kind: 'kan', width: [2, 10, 1], grid: 5, k: 3, seed: 0 });
    const wasm = await train(defineProblem(SPEC), model, { optimizer: SOLVE.optimizer, lr: SOLVE.lr, steps: SOLVE.steps, seed: 0, evalEvery: 0 });
    model.dispose();
    const relWasm = wasm.accuracy!.relL2;
    expect(relWasm).toBeLessThan(0.03);
    expect(page.relL2).not.toBeNull();
    expect(page.relL2!).toBeLessThan(Math.max(0.03, 3 * relWasm));
    expect(lib!.errors).toEqual([]);
  }, 400_000);
});
