/**
 * The crossover (THREAD_MIN_WORK): with threads on (the default is the machine's cores), the
 * 525-point evaluations of the eval suite stay on the calling thread, where threads cost more than
 * they save (measured: 2 threads made those rows 15–20 % slower), while a 10k-point KAN evaluation
 * runs threaded.
 */
import * as tf from '../../src/tf.js';
import { afterAll, describe, expect, it } from 'vitest';
import { setThreads, threadStats } from '../../src/engine/pool.js';
import { setBackend } from '../../src/backend.js';
import { wasmHeapShared, wasmThreadsReady } from '../../src/engine/wasmThreads.js';
import { createModel, type ModelOptions } from '../../src/createModel.js';
import { jetTensors } from '../../src/model/evaluate.js';
import { createRng } from '../../src/random.js';

afterAll(() => setThreads(1));

/** Threaded calls made by one loss+gradient evaluation of `model` on `count` interior points (u, u_xx, u_yy). */
function threadedCallsOfOneEval(options: ModelOptions, count: number): number {
  const model = createModel(options);
  const rng = createRng(1);
  const points = Float32Array.from({ length: 2 * count }, () => rng.next() * 2 - 1);
  const before = threadStats().calls;
  tf.tidy(() => {
    const { value, grads } = tf.variableGrads(() => {
      const jets = jetTensors(model, ['u', 'u_xx', 'u_yy'], points, count);
      return jets.u_xx!.add(jets.u_yy!).square().mean() as tf.Scalar;
    }, model.variables());
    value.dataSync();
    for (const g of Object.values(grads)) g.dataSync();
  });
  model.dispose();
  return threadStats().calls - before;
}

describe('the crossover between the calling thread and the pool', () => {
  it('keeps 525-point evaluations on the calling thread, threads a 10k-point KAN', () => {
    setThreads(2);
    expect(threadedCallsOfOneEval({ kind: 'kan', width: [2, 10, 1], grid: 5, seed: 0 }, 525)).toBe(0);
    expect(threadedCallsOfOneEval({ kind: 'kan', width: [2, 10, 1], grid: 100, seed: 0 }, 525)).toBe(0);
    expect(threadedCallsOfOneEval({ kind: 'mlp', width: [2, 100, 100, 100, 1], seed: 0 }, 525)).toBe(0);
    expect(threadedCallsOfOneEval({ kind: 'kan', width: [2, 10, 1], grid: 5, seed: 0 }, 10_400)).toBeGreaterThan(0);
  });

  it('sends a KAN network pass to the threads from its own measured crossover (~3k points forward, ~1.5k backward)', () => {
    setThreads(2);
    const kan: ModelOptions = { kind: 'kan', width: [2, 10, 1], grid: 5, seed: 0 };
    expect(threadedCallsOfOneEval(kan, 1_000)).toBe(0);
    expect(threadedCallsOfOneEval(kan, 2_000)).toBe(1); // the backward pass only (twice the forward's work)
    expect(threadedCallsOfOneEval(kan, 4_000)).toBe(2); // one call per pass: every layer in it
  });

  it('does the same on the wasm heap in shared memory, and threads the MLP at 10k points', async () => {
    await setBackend('wasm');
    setThreads(2);
    await wasmThreadsReady();
    if (!wasmHeapShared()) return; // the single-threaded build: covered above
    expect(threadedCallsOfOneEval({ kind: 'kan', width: [2, 10, 1], grid: 5, seed: 0 }, 525)).toBe(0);
    expect(threadedCallsOfOneEval({ kind: 'mlp', width: [2, 16, 16, 1], seed: 0 }, 525)).toBe(0);
    expect(threadedCallsOfOneEval({ kind: 'mlp', width: [2, 100, 100, 100, 1], seed: 0 }, 525)).toBe(0);
    expect(threadedCallsOfOneEval({ kind: 'mlp', width: [2, 16, 16, 1], seed: 0 }, 10_400)).toBeGreaterThan(0);
    expect(threadedCallsOfOneEval({ kind: 'mlp', width: [2, 100, 100, 100, 1], seed: 0 }, 10_400)).toBeGreaterThan(0);
  }, 60_000);
});
