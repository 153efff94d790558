/**
 * The kernel threads on tfjs-wasm's threaded build, where tensors lie in shared memory
 * (engine/wasmThreads.ts): the pool uses such arrays in place instead of copying them through its
 * arena (engine/pool.ts), and the fused MLP (activation jets, dW's column split) and the KAN layers
 * give one thread's loss and parameter gradients on two threads.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { setBackend } from '../../src/backend.js';
import { input, output, runThreaded, setThreadMinWork, setThreads, threadStats } from '../../src/engine/pool.js';
import { wasmHeapShared, wasmThreadsReady } from '../../src/engine/wasmThreads.js';
import { createModel } from '../../src/createModel.js';
import type { ModelOptions } from '../../src/index.js';
import { jetTensors } from '../../src/model/evaluate.js';
import { createRng } from '../../src/random.js';
import * as tf from '../../src/tf.js';

let previousMinWork = 0;
beforeAll(async () => {
  await setBackend('wasm');
  previousMinWork = setThreadMinWork(1);
});
afterAll(() => {
  setThreads(1);
  setThreadMinWork(previousMinWork);
});

/** Loss and parameter gradients of a Poisson-like residual on `count` random points. */
function lossAndGrads(options: ModelOptions, count: number): { loss: number; grads: Float32Array[] } {
  const model = createModel(options);
  const rng = createRng(7);
  const points = Float32Array.from({ length: 2 * count }, () => rng.next() * 2 - 1);
  const variables = model.variables();
  const out = tf.tidy(() => {
    const { value, grads } = tf.variableGrads(() => {
      const jets = jetTensors(model, ['u', 'u_xx', 'u_yy'], points, count);
      return jets.u_xx!.add(jets.u_yy!).add(jets.u!).square().mean() as tf.Scalar;
    }, variables);
    return { loss: value.dataSync()[0]!, grads: variables.map((v) => grads[v.name]!.dataSync() as Float32Array) };
  });
  model.dispose();
  return out;
}

function expectClose(a: { loss: number; grads: Float32Array[] }, b: { loss: number; grads: Float32Array[] }): void {
  expect(a.loss).toBeCloseTo(b.loss, 5);
  a.grads.forEach((g, i) => {
    const e = b.grads[i]!;
    let scale = 1e-6;
    let worst = 0;
    for (let j = 0; j < e.length; j++) {
      scale = Math.max(scale, Math.abs(e[j]!));
      worst = Math.max(worst, Math.abs(g[j]! - e[j]!));
    }
    expect(worst / scale, `gradient ${i}`).toBeLessThan(1e-4);
  });
}

describe('kernel threads on shared tensors', () => {
  it('use arrays in shared memory in place, without arena copies', () => {
    setThreads(2);
    const n = 50_000;
    const x = new Float32Array(new SharedArrayBuffer(4 * n));
    const y = new Float32Array(new SharedArrayBuffer(4 * n));
    for (let i = 0; i < n; i++) x[i] = i;
    const kernel = { key: 'test-shared-double', source: () => 'function (n0, n1, x, y) { for (let i = n0; i < n1; i++) y[i] = 2 * x[i]; }' };
    const before = threadStats();
    runThreaded({ kernel, points: n, threads: 2, args: [input(x), output(y)] });
    const after = threadStats();
    expect(after.calls).toBe(before.calls + 1);
    // the arena holds nothing of x and y: at most the 64-byte minimum, or an earlier call's buffer
    expect(after.sharedBytes).toBeLessThanOrEqual(Math.max(64, before.sharedBytes));
    expect(y[0]).toBe(0);
    expect(y[n - 1]).toBe(2 * (n - 1));
    expect(y[n >> 1]).toBe(2 * (n >> 1));
  });

  it.runIf(wasmHeapShared)('give one thread’s loss and gradients (fused MLP and KAN on the shared wasm heap)', async () => {
    expect(wasmHeapShared()).toBe(true);
    for (const options of [
      { kind: 'mlp', width: [2, 40, 40, 1], seed: 0 },
      { kind: 'kan', width: [2, 5, 1], grid: 5, seed: 0 },
    ] satisfies ModelOptions[]) {
      setThreads(1);
      await wasmThreadsReady();
      const one = lossAndGrads(options, 700);
      setThreads(2);
      await wasmThreadsReady();
      const calls = threadStats().calls;
      const two = lossAndGrads(options, 700);
      expect(threadStats().calls, `${options.kind}: threaded calls`).toBeGreaterThan(calls);
      expectClose(two, one);
    }
  }, 60_000);
});

describe('kernel threads on plain arrays with a point layout', () => {
  it('give every row its result, the calling thread’s rows in the caller’s arrays and the workers’ through the arena', () => {
    // jets [C = 3, N, width = 4]: a point's numbers are its row in each of the 3 blocks
    const C = 3;
    const width = 4;
    const N = 1001;
    const x = Float32Array.from({ length: C * N * width }, (_, i) => i % 97);
    const y = new Float32Array(C * N * width).fill(-1);
    const kernel = {
      key: 'test-layout-rows',
      source: () => 'function (n0, n1, x, y, N, C, W) { for (let c = 0; c < C; c++) for (let n = n0; n < n1; n++) for (let j = 0; j < W; j++) { const i = (c * N + n) * W + j; y[i] = 3 * x[i] + 1; } }',
    };
    for (const threads of [2, 3]) {
      setThreads(threads);
      y.fill(-1);
      runThreaded({ kernel, points: N, threads, args: [input(x, { blocks: C, width }), output(y, { blocks: C, width }), N, C, width] });
      for (let i = 0; i < y.length; i++) if (y[i] !== 3 * x[i]! + 1) throw new Error(`threads ${threads}: y[${i}] = ${y[i]}, expected ${3 * x[i]! + 1}`);
    }
  });
});
