/**
 * Memory of the threaded kernels over many calls: a worker thread holds every SharedArrayBuffer it
 * is posted until its own (rare) garbage collection, so shared buffers made per call grew without
 * bound (a Heat 2d-MS MLP run on two threads reached 4.3 GB resident in 300 steps). The pool's
 * arena (src/engine/arena.ts) is reused across calls instead; here many KAN layer and MLP
 * activation calls on two threads must leave the process's ArrayBuffer memory flat.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { setThreadMinWork, setThreads, threadStats } from '../../src/engine/pool.js';
import { createJetPlan } from '../../src/jet/plan.js';
import { kanLayerBackward, kanLayerForward, type LayerGeometry, type LayerParams } from '../../src/kan/layerKernel.js';
import { uniformKnots } from '../../src/kan/spline.js';
import { splineTable } from '../../src/kan/splineTables.js';
import { activationBackward, activationForward } from '../../src/mlp/activationKernel.js';
import { createRng } from '../../src/random.js';

/**
 * Forward + backward pairs per kernel. With shared buffers made per call (before the arena) the
 * MLP case grew by 780 MB; the KAN case by 54 MB only, since its kernels allocate enough in the
 * worker to make it collect now and then (it guards the KAN path's use of the arena).
 */
const CALLS = 120;
/**
 * Allowed growth of `process.memoryUsage().arrayBuffers` after the warm-up calls (measured with the
 * arena: 0 and 5 MB). The results are new arrays each call, freed by the calling thread's collector,
 * which V8 runs about every 64 MB of external memory; the bound leaves room for that.
 */
const GROWTH_BOUND = 100e6;

let previousMinWork = 0;
beforeAll(() => {
  previousMinWork = setThreadMinWork(1);
  setThreads(2);
});
afterAll(() => {
  setThreads(1);
  setThreadMinWork(previousMinWork);
});

/** ArrayBuffer bytes after `warmUp` calls and after all `calls` calls of `step`. */
function arrayBufferGrowth(step: () => void, calls: number, warmUp = 5): number {
  for (let i = 0; i < warmUp; i++) step();
  const before = process.memoryUsage().arrayBuffers;
  for (let i = 0; i < calls; i++) step();
  return process.memoryUsage().arrayBuffers - before;
}

describe('threaded kernels over many calls', () => {
  it('keep ArrayBuffer memory flat (KAN layer, forward and backward)', () => {
    const plan = createJetPlan([[0], [1], [0, 0], [1, 1]], 2);
    const C = plan.channels.length;
    const rng = createRng(4);
    const nIn = 2;
    const nOut = 8;
    const grid = 5;
    const k = 3;
    const geo: LayerGeometry = { nIn, nOut, k, nBasis: grid + k, base: 'silu', tables: [0, 1].map(() => splineTable(uniformKnots(grid, k, -1, 1), k)) };
    const edges = nIn * nOut;
    const params: LayerParams = {
      coef: Float32Array.from({ length: edges * geo.nBasis }, () => rng.next() - 0.5),
      scaleBase: Float32Array.from({ length: edges }, () => rng.next()),
      scaleSp: Float32Array.from({ length: edges }, () => rng.next() + 0.5),
      mask: new Float32Array(edges).fill(1),
    };
    const N = 8000;
    const X = Float32Array.from({ length: C * N * nIn }, () => rng.next() * 2 - 1);
    const dY = Float32Array.from({ length: C * N * nOut }, () => rng.next() - 0.5);
    const calls = threadStats().calls;
    const growth = arrayBufferGrowth(() => {
      kanLayerForward(geo, plan, X, N, params);
      kanLayerBackward(geo, plan, X, N, params, dY, true);
    }, CALLS);
    expect(threadStats().calls - calls).toBe(2 * (CALLS + 5)); // every call ran on the threads
    expect(growth).toBeLessThan(GROWTH_BOUND);
  });

  it('keep ArrayBuffer memory flat (MLP activation jets, forward and backward)', () => {
    const plan = createJetPlan([[0], [1], [0, 0], [1, 1]], 2);
    const C = plan.channels.length;
    const rng = createRng(5);
    const N = 4000;
    const n = 16;
    const Z = Float32Array.from({ length: C * N * n }, () => rng.next() * 4 - 2);
    const bias = Float32Array.from({ length: n }, () => rng.next() - 0.5);
    const dY = Float32Array.from({ length: C * N * n }, () => rng.next() - 0.5);
    const calls = threadStats().calls;
    const growth = arrayBufferGrowth(() => {
      activationForward('tanh', plan, Z, bias, N, n);
      activationBackward('tanh', plan, Z, bias, N, n, dY);
    }, CALLS);
    expect(threadStats().calls - calls).toBe(2 * (CALLS + 5));
    expect(growth).toBeLessThan(GROWTH_BOUND);
  });

  it('holds one shared buffer, sized by the largest call, and none on one thread', () => {
    const plan = createJetPlan([[0]], 1);
    const Z = new Float32Array(2 * 1000 * 4);
    activationForward('tanh', plan, Z, new Float32Array(4), 1000, 4);
    const held = threadStats().sharedBytes;
    expect(held).toBeGreaterThanOrEqual(2 * Z.byteLength); // Z in, Y out
    activationForward('tanh', plan, Z.subarray(0, 800), new Float32Array(4), 100, 4);
    expect(threadStats().sharedBytes).toBe(held); // a smaller call reuses it
    setThreads(1);
    expect(threadStats().sharedBytes).toBe(0);
    setThreads(2);
  });
});
