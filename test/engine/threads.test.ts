/**
 * The kernels on several threads (engine/pool.ts) against the same kernels on the calling thread:
 * KAN layer jets and parameter gradients (plans u only, 2nd order mixed, u_xxxx, 3-D with time;
 * k = 1, 3, 5; input and hidden layers; pruned edges; points beyond the grid), MLP activation jets,
 * a short training run's loss history, tensor counts, and a worker error surfacing as an exception.
 * Sizes are small, so the crossover (THREAD_MIN_WORK) is lowered to 1 for these tests.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { getThreads, output, runThreaded, setThreadMinWork, setThreads, sum, threadsFor, threadStats } from '../../src/engine/pool.js';
import { createJetPlan, type JetPlan } from '../../src/jet/plan.js';
import { kanLayerBackward, kanLayerForward, type LayerGeometry, type LayerParams } from '../../src/kan/layerKernel.js';
import { extendKnots, uniformKnots } from '../../src/kan/spline.js';
import { splineTable } from '../../src/kan/splineTables.js';
import { activationBackward, activationForward, type KernelActivation } from '../../src/mlp/activationKernel.js';
import { createKan } from '../../src/kan/model.js';
import { createMlp } from '../../src/mlp/mlp.js';
import { train } from '../../src/train/trainer.js';
import { checkOptions } from '../../src/options/training.js';
import { createRng } from '../../src/random.js';
import { expectFlatTensorCount, expectNear } from '../kan/reference.js';
import { poissonFixture } from '../train/poissonFixture.js';

let previousMinWork = 0;
beforeAll(() => {
  previousMinWork = setThreadMinWork(1);
});
afterAll(() => {
  setThreads(1);
  setThreadMinWork(previousMinWork);
});

/** Runs `fn` with `n` threads (the crossover lowered), restoring one thread after. */
function withThreads<T>(n: number, fn: () => T): T {
  setThreads(n);
  try {
    return fn();
  } finally {
    setThreads(1);
  }
}

const plans: Record<string, JetPlan> = {
  value: createJetPlan([], 2),
  mixed2d: createJetPlan([[0], [1], [0, 1], [0, 0]], 2),
  beam1d: createJetPlan([[0, 0, 0, 0]], 1),
  heat3d: createJetPlan([[2], [0, 0], [1, 1]], 3),
};

function kanLayer(plan: JetPlan, k: number, coordinates: boolean, seed: number): { geo: LayerGeometry; params: LayerParams; X: Float32Array; dY: Float32Array; N: number } {
  const rng = createRng(seed);
  const nIn = plan.inputDim;
  const nOut = 5;
  const grid = 6;
  const knots = Array.from({ length: nIn }, (_, i) => {
    if (i % 2 === 0) return uniformKnots(grid, k, -1, 1);
    return extendKnots([-1, ...Array.from({ length: grid - 1 }, () => rng.next() * 2 - 1).sort((a, b) => a - b), 1], k);
  });
  const geo: LayerGeometry = { nIn, nOut, k, nBasis: grid + k, base: 'silu', tables: knots.map((t) => splineTable(t, k)) };
  const edges = nIn * nOut;
  const params: LayerParams = {
    coef: Float32Array.from({ length: edges * geo.nBasis }, () => rng.next() * 2 - 1),
    scaleBase: Float32Array.from({ length: edges }, () => rng.next() * 2 - 1),
    scaleSp: Float32Array.from({ length: edges }, () => rng.next() + 0.5),
    // pruned edges
    mask: Float32Array.from({ length: edges }, (_, e) => (e % 4 === 1 ? 0 : 1)),
  };
  const N = 41;
  const C = plan.channels.length;
  const X = new Float32Array(C * N * nIn);
  for (let n = 0; n < N; n++) {
    for (let i = 0; i < nIn; i++) {
      X[n * nIn + i] = n % 9 === 4 ? 1.4 : rng.next() * 2 - 1; // some points beyond the grid
      for (let ch = 1; ch < C; ch++) {
        const axes = plan.channels[ch]!;
        X[(ch * N + n) * nIn + i] = coordinates ? (axes.length === 1 && axes[0] === i ? 1 : 0) : rng.next() * 2 - 1;
      }
    }
  }
  const dY = Float32Array.from({ length: C * N * nOut }, () => rng.next() * 2 - 1);
  return { geo, params, X, dY, N };
}

const kanCases = Object.entries(plans).flatMap(([name, plan]) =>
  [1, 3, 5].flatMap((k) => [true, false].map((coordinates) => ({ name: `${name} k=${k} ${coordinates ? 'input' : 'hidden'} layer`, plan, k, coordinates }))),
);

describe('KAN layer kernels on threads', () => {
  it.each(kanCases)('agree with one thread: $name', ({ plan, k, coordinates }) => {
    const { geo, params, X, dY, N } = kanLayer(plan, k, coordinates, 3);
    const one = { y: kanLayerForward(geo, plan, X, N, params), g: kanLayerBackward(geo, plan, X, N, params, dY, !coordinates) };
    for (const threads of [2, 3]) {
      const calls = threadStats().calls;
      const many = withThreads(threads, () => {
        expect(threadsFor(N * 100, N)).toBe(threads);
        return { y: kanLayerForward(geo, plan, X, N, params), g: kanLayerBackward(geo, plan, X, N, params, dY, !coordinates) };
      });
      expect(threadStats().calls - calls).toBe(2); // the threaded path ran
      expect(many.y.buffer).not.toBeInstanceOf(SharedArrayBuffer); // results never alias the pool's reused memory
      expectNear(many.y, one.y, `${threads} threads: Y`);
      expectNear(many.g.dX, one.g.dX, `${threads} threads: dX`);
      expectNear(many.g.dCoef, one.g.dCoef, `${threads} threads: dCoef`);
      expectNear(many.g.dScaleBase, one.g.dScaleBase, `${threads} threads: dScaleBase`);
      expectNear(many.g.dScaleSp, one.g.dScaleSp, `${threads} threads: dScaleSp`);
    }
  });
});

const activations: KernelActivation[] = ['tanh', 'sin', 'silu', 'identity'];
const activationCases = Object.entries(plans).flatMap(([name, plan]) => activations.map((activation) => ({ name: `${name} ${activation}`, plan, activation })));

describe('MLP activation jets on threads', () => {
  it.each(activationCases)('agree with one thread: $name', ({ plan, activation }) => {
    const rng = createRng(11);
    const N = 29;
    const n = 6;
    const C = plan.channels.length;
    const Z = Float32Array.from({ length: C * N * n }, () => rng.next() * 4 - 2);
    const bias = Float32Array.from({ length: n }, () => rng.next() - 0.5);
    const dY = Float32Array.from({ length: C * N * n }, () => rng.next() * 2 - 1);
    const y1 = activationForward(activation, plan, Z, bias, N, n);
    const g1 = activationBackward(activation, plan, Z, bias, N, n, dY);
    for (const threads of [2, 3]) {
      const calls = threadStats().calls;
      const [y, g] = withThreads(threads, () => [activationForward(activation, plan, Z, bias, N, n), activationBackward(activation, plan, Z, bias, N, n, dY)] as const);
      expect(threadStats().calls - calls).toBe(2);
      expect(y.buffer).not.toBeInstanceOf(SharedArrayBuffer);
      expectNear(y, y1, `${threads} threads: Y`);
      expectNear(g.dZ, g1.dZ, `${threads} threads: dZ`);
      expectNear(g.dBias, g1.dBias, `${threads} threads: dBias`);
    }
  });
});

describe('inputs refilled between calls', () => {
  it('are read afresh by the threaded kernels', () => {
    const plan = plans.mixed2d!;
    const N = 30;
    const n = 4;
    const Z = new Float32Array(plan.channels.length * N * n).fill(0.25);
    const bias = new Float32Array(n);
    withThreads(2, () => {
      activationForward('tanh', plan, Z, bias, N, n);
      Z.fill(-0.5);
      const again = activationForward('tanh', plan, Z, bias, N, n);
      expect(again[0]).toBeCloseTo(Math.tanh(-0.5), 6);
    });
  });
});

describe('training on threads', () => {
  it('gives the loss history of one thread (KAN, L-BFGS)', async () => {
    // the threads option of train() (the CLI's --threads)
    const run = async (threads: number): Promise<number[]> => {
      try {
        const model = createKan({ width: [2, 4, 1], grid: 5, seed: 1 });
        const result = await train(poissonFixture(), model, { steps: 4, seed: 3, evalEvery: 0, threads });
        expect(getThreads()).toBe(threads);
        model.dispose();
        return result.history.rows.map((r) => r[5]!);
      } finally {
        setThreads(1);
      }
    };
    const one = await run(1);
    const two = await run(2);
    expect(two.length).toBe(one.length);
    expectNear(two, one, 'loss history', 1e-3);
  });

  it('gives the loss history of one thread (MLP, Adam)', async () => {
    const run = async (threads: number): Promise<number[]> => {
      setThreads(threads);
      try {
        const model = createMlp({ width: [2, 8, 8, 1], seed: 0 });
        const result = await train(poissonFixture(), model, { optimizer: 'adam', steps: 10, lr: 0.01, seed: 0, evalEvery: 0 });
        model.dispose();
        return result.history.rows.map((r) => r[5]!);
      } finally {
        setThreads(1);
      }
    };
    expectNear(await run(2), await run(1), 'loss history', 1e-4);
  });

  it('keeps the tensor count flat over threaded steps', () => {
    const model = createKan({ width: [2, 3, 1], grid: 4, seed: 0 });
    const rng = createRng(2);
    const points = Float32Array.from({ length: 2 * 50 }, () => rng.next() * 2 - 1);
    withThreads(2, () => expectFlatTensorCount(model, points, 50, 3));
    model.dispose();
  });
});

describe('the thread pool', () => {
  it('reports a kernel that throws in a worker as an exception in the caller, and keeps working', () => {
    const kernel = { key: 'test-throws', source: () => '(function () { return function (n0, n1) { if (n0 > 0) throw new Error("chunk " + n0 + " failed"); }; })()' };
    withThreads(2, () => {
      // a call without arrays runs as claimed chunks: whichever thread claimed a failing chunk reports it
      expect(() => runThreaded({ kernel, points: 10, threads: 2, args: [] })).toThrow(/^(kernel thread 1: Error: )?chunk \d+ failed$/);
      // with a point-layout array outside shared memory the split is static: the worker's chunk starts at 5
      const laid = new Float32Array(10);
      expect(() => runThreaded({ kernel, points: 10, threads: 2, args: [output(laid, { blocks: 1, width: 1 })] })).toThrow(/^kernel thread 1: Error: chunk 5 failed$/);
      const sums = new Float64Array(2);
      const adds = { key: 'test-adds', source: () => '(function () { return function (n0, n1, out) { for (let n = n0; n < n1; n++) out[n % 2] += n; }; })()' };
      runThreaded({ kernel: adds, points: 10, threads: 2, args: [sum(sums)] });
      expect(Array.from(sums)).toEqual([0 + 2 + 4 + 6 + 8, 1 + 3 + 5 + 7 + 9]);
      // an output starts as the caller's array and receives every thread's points
      const out = new Float32Array(10).fill(7);
      const writesOdd = { key: 'test-writes-odd', source: () => '(function () { return function (n0, n1, y) { for (let n = n0; n < n1; n++) if (n % 2) y[n] = -n; }; })()' };
      runThreaded({ kernel: writesOdd, points: 10, threads: 2, args: [output(out)] });
      expect(Array.from(out)).toEqual([7, -1, 7, -3, 7, -5, 7, -7, 7, -9]);
    });
  });

  it('runs calls on shared memory as claimed chunks: a late thread leaves its share to the others, sums are deterministic', () => {
    withThreads(2, () => {
      const points = 64;
      // in shared memory (as tfjs-wasm's heap on its threaded build): any thread can run any chunk
      const y = new Float32Array(new SharedArrayBuffer(points * 4));
      const gate = new Int32Array(new SharedArrayBuffer(8));
      // the first chunk's thread sleeps 400 ms; the other thread must take every other chunk
      const kernel = {
        key: 'test-late-thread',
        source: () =>
          '(function () { const me = 1 + Math.floor(Math.random() * 1e6); return function (n0, n1, gate, y, s) { ' +
          'if (Atomics.add(gate, 0, 1) === 0) Atomics.wait(gate, 1, 0, 400); for (let n = n0; n < n1; n++) { y[n] = me; s[n % 3] += n * 0.1; } }; })()',
      };
      const before = threadStats().chunked;
      const sums = new Float64Array(3);
      const start = Date.now();
      runThreaded({ kernel, points, threads: 2, args: [gate, output(y), sum(sums)] });
      const elapsed = Date.now() - start;
      expect(threadStats().chunked - before).toBe(1);
      const ids = new Map<number, number>();
      for (const id of y) ids.set(id, (ids.get(id) ?? 0) + 1);
      expect(ids.has(0)).toBe(false); // every point written
      // 8 chunks of 8 points: the sleeper ran one, the other thread the remaining seven
      expect([...ids.values()].sort((a, b) => a - b)).toEqual([8, 56]);
      expect(elapsed).toBeLessThan(400 * 1.9);
      // the sums: per chunk, added in chunk order, so equal to that order's float sum whoever ran what
      const expected = new Float64Array(3);
      for (let c = 0; c < 8; c++) {
        const slice = new Float64Array(3);
        for (let n = 8 * c; n < 8 * c + 8; n++) slice[n % 3] = slice[n % 3]! + n * 0.1;
        for (let i = 0; i < 3; i++) expected[i] = expected[i]! + slice[i]!;
      }
      expect(Array.from(sums)).toEqual(Array.from(expected));
    });
  });

  it('keeps small calls on the calling thread and validates setThreads', () => {
    setThreadMinWork(1000);
    try {
      setThreads(4);
      expect(getThreads()).toBe(4);
      expect(threadsFor(999, 100)).toBe(1);
      expect(threadsFor(2500, 100)).toBe(3);
      expect(threadsFor(1e9, 3)).toBe(3);
    } finally {
      setThreads(1);
      setThreadMinWork(1);
    }
    expect(() => setThreads(0)).toThrow('setThreads: expected an integer >= 1, got 0');
    expect(() => checkOptions({ threads: 0 })).toThrow(/^threads: expected an integer >= 1/);
    expect(() => setThreads(1.5)).toThrow(RangeError);
  });
});
