/**
 * A KAN network's layers as one threaded pass each way (kan/layerThreads.ts `threadedNetworkForward`
 * / `threadedNetworkBackward`, run by `kanNetworkJet`): the jets and every parameter gradient agree
 * with one thread and with one threaded call per layer pass (up to float summation order), for
 * two and three layers, degrees 1-3, constant input factors (coordinates) and arbitrary input jets,
 * a plan with a combined Laplacian channel (forward Laplacian),
 * points beyond the grid and pruned edges, on `cpu` (arrays copied through the pool's arena) and on
 * `wasm` (tensors in place when its heap is shared); and one evaluation makes exactly two threaded
 * calls. Sizes are small, so the crossover (THREAD_MIN_WORK) is lowered to 1.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as tf from '../../src/tf.js';
import { setBackend } from '../../src/backend.js';
import { setThreadMinWork, setThreads, threadStats } from '../../src/engine/pool.js';
import { wasmThreadsReady } from '../../src/engine/wasmThreads.js';
import { createJetPlan, type JetPlan } from '../../src/jet/plan.js';
import { kanNetworkJet } from '../../src/kan/kanLayer.js';
import { setNetworkPasses } from '../../src/kan/layerThreads.js';
import { createKan, type KanModel } from '../../src/kan/model.js';
import { createRng } from '../../src/random.js';
import { expectNear } from '../kan/reference.js';

let previousMinWork = 0;
beforeAll(() => {
  previousMinWork = setThreadMinWork(1);
});
afterAll(() => {
  setThreads(1);
  setNetworkPasses(true);
  setThreadMinWork(previousMinWork);
});

interface Case {
  name: string;
  width: number[];
  k: number;
  plan: JetPlan;
  /** Input jets as coordinates (x_x = 1, …: constant factors) or arbitrary. */
  coordinates: boolean;
}

const cases: Case[] = [
  { name: '[2,5,3,1] k=3, u_x u_y u_xy u_xx, coordinates', width: [2, 5, 3, 1], k: 3, plan: createJetPlan([[0], [1], [0, 1], [0, 0]], 2), coordinates: true },
  { name: '[2,4,2] k=2, u_xxxx, arbitrary jets', width: [2, 4, 2], k: 2, plan: createJetPlan([[0, 0, 0, 0]], 2), coordinates: false },
  { name: '[2,6,1] k=1, value only', width: [2, 6, 1], k: 1, plan: createJetPlan([], 2), coordinates: true },
  { name: '[2,5,2,1] k=3, forward Laplacian (u, u_x, u_y, u_xx + u_yy), coordinates', width: [2, 5, 2, 1], k: 3, plan: createJetPlan([], 2, [1, 1]), coordinates: true },
];

/** The network's input jets [C, N, 2]: points partly beyond the grid [-1, 1]. */
function inputJets(plan: JetPlan, N: number, coordinates: boolean): Float32Array {
  const rng = createRng(5);
  const C = plan.channels.length;
  const X = new Float32Array(C * N * 2);
  for (let n = 0; n < N; n++) {
    for (let i = 0; i < 2; i++) {
      X[n * 2 + i] = n % 11 === 3 ? 1.3 : rng.next() * 2.2 - 1.1;
      for (let c = 1; c < C; c++) {
        const axes = plan.channels[c]!;
        X[(c * N + n) * 2 + i] = coordinates ? (axes.length === 1 && axes[0] === i ? 1 : 0) : rng.next() * 2 - 1;
      }
    }
  }
  return X;
}

/** The network's output jets, the gradient of Σ w·y with respect to every parameter, and the threaded calls of that loss+gradient. */
function evaluate(model: KanModel, plan: JetPlan, X: Float32Array, N: number, w: Float32Array): { y: Float32Array; grads: Float32Array[]; calls: number } {
  const before = threadStats().calls;
  const variables = model.variables();
  const out = tf.tidy(() => {
    const x = tf.tensor3d(X, [plan.channels.length, N, 2]);
    const { value, grads } = tf.variableGrads(() => {
      const y = kanNetworkJet(model.layers, plan, x, N);
      return y.mul(tf.tensor(w, y.shape)).sum() as tf.Scalar;
    }, variables);
    value.dataSync();
    return variables.map((v) => grads[v.name]!.dataSync() as Float32Array);
  });
  const calls = threadStats().calls - before;
  const y = tf.tidy(() => kanNetworkJet(model.layers, plan, tf.tensor3d(X, [plan.channels.length, N, 2]), N).dataSync() as Float32Array);
  return { y, grads: out, calls };
}

function run(c: Case, threads: number, network: boolean): { y: Float32Array; grads: Float32Array[]; calls: number } {
  const N = 97;
  const model = createKan({ width: c.width, grid: 5, k: c.k, seed: 2 });
  // pruned edges
  model.layers[0]!.mask[1] = 0;
  model.layers[1]!.mask[0] = 0;
  const X = inputJets(c.plan, N, c.coordinates);
  const rng = createRng(9);
  const w = Float32Array.from({ length: c.plan.channels.length * N * c.width[c.width.length - 1]! }, () => rng.next() * 2 - 1);
  setThreads(threads);
  setNetworkPasses(network);
  try {
    return evaluate(model, c.plan, X, N, w);
  } finally {
    setThreads(1);
    setNetworkPasses(true);
    model.dispose();
  }
}

function agreement(backend: 'cpu' | 'wasm'): void {
  it.each(cases)(`agrees with one thread and with per-layer calls on ${backend}: $name`, async (c) => {
    await setBackend(backend);
    if (backend === 'wasm') {
      setThreads(2);
      await wasmThreadsReady();
      setThreads(1);
    }
    const one = run(c, 1, true);
    expect(one.calls).toBe(0);
    const layerCalls = run(c, 2, false);
    // one call per layer pass: forward and backward of each layer
    expect(layerCalls.calls).toBe(2 * (c.width.length - 1));
    for (const threads of [2, 3]) {
      const net = run(c, threads, true);
      // the network's forward and backward passes
      expect(net.calls, `${threads} threads`).toBe(2);
      expectNear(net.y, one.y, `${threads} threads: y`);
      expectNear(net.y, layerCalls.y, `${threads} threads: y against per-layer calls`);
      net.grads.forEach((g, i) => {
        expectNear(g, one.grads[i]!, `${threads} threads: gradient ${i}`);
        expectNear(g, layerCalls.grads[i]!, `${threads} threads: gradient ${i} against per-layer calls`);
      });
    }
  });
}

describe('KAN network passes on threads', () => {
  agreement('cpu');
  agreement('wasm');
});
