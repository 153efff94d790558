/**
 * The GPU path on WebGPU in headless Chromium (`--enable-unsafe-webgpu`, SwiftShader's adapter, a
 * secure origin): tfjs's `webgpu` backend starts, `auto` picks the ops path there, and the KAN
 * layer's ops give the JS kernels' jets and gradients (computed here in Node on `cpu`) for every
 * jet plan, k = 1..5 and symbolic edges. The page reads results with `await data()`: tfjs 4.22's
 * synchronous read (dataSync) returned zeros on this adapter, so the JS kernels cannot run there.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { setBackend } from '../../src/backend.js';
import { agreementCases, agreementValues, compareValues } from '../kan/opsAgreement.js';
import { openLibraryPage, type LibraryPage } from './browserLib.js';

interface PageApi {
  start(backend: string): Promise<string>;
  usesOpsKernels(): boolean;
  opsValues(names: string[]): Promise<number[][][]>;
}
type Scope = { kanpinnGpu: PageApi };

let lib: LibraryPage | undefined;

beforeAll(async () => {
  await setBackend('cpu');
  lib = await openLibraryPage('webgpu');
}, 120_000);

afterAll(async () => {
  await lib?.close();
});

describe('GPU path in headless Chromium on webgpu', () => {
  it('starts tfjs on webgpu, where the default kernel choice is the ops path', async () => {
    expect(await lib!.page.evaluate(() => (globalThis as unknown as Scope).kanpinnGpu.start('webgpu'))).toBe('webgpu');
    expect(await lib!.page.evaluate(() => (globalThis as unknown as Scope).kanpinnGpu.usesOpsKernels())).toBe(true);
  }, 60_000);

  it('KAN layer: ops on webgpu give the JS kernels’ jets and gradients (every plan, k = 1..5, symbolic edges)', async () => {
    const chosen = agreementCases().filter((c) => {
      if (c.symbolic.length > 0) return c.name.startsWith('poisson2d') || c.name.startsWith('beam1d');
      return c.hidden === (c.k % 2 === 0);
    });
    const ops = await lib!.page.evaluate((names) => (globalThis as unknown as Scope).kanpinnGpu.opsValues(names), chosen.map((c) => c.name));
    expect(ops.length).toBe(chosen.length);
    chosen.forEach((c, i) => {
      const { errors } = compareValues(c, ops[i]!, agreementValues(c, 'js'));
      for (const [quantity, error] of Object.entries(errors)) expect(error, `${c.name}: ${quantity}`).toBeLessThan(5e-4);
    });
    expect(lib!.errors).toEqual([]);
  }, 400_000);
});
