/**
 * The combined (forward Laplacian) channel of a jet plan (src/jet/plan.ts) against the plain plan:
 * for a KAN and an MLP, the value and first-order channels are equal, the combined channel equals
 * Σ_i c_i ∂²/∂x_i² of the plain jets, and the parameter gradients of any weighting of the channels
 * equal the plain plan's with the combined channel's weight spread as c_i·w over the second
 * derivatives. On the JS kernels, on two threads (the crossover lowered, as test/engine/threads.test.ts
 * does) and on the tfjs-ops path (`cpu` backend); MLPs also on the per-layer tf-ops path; d = 2, 3, 5.
 */
import * as tf from '../../src/tf.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { setBackend } from '../../src/backend.js';
import { setKanKernel } from '../../src/computePath.js';
import { setThreadMinWork, setThreads, threadStats } from '../../src/engine/pool.js';
import { channelIndex, COMBINED_AXES, createJetPlan, inputJet, type JetPlan } from '../../src/jet/plan.js';
import { createKan, type KanModel } from '../../src/kan/model.js';
import { createMlp, useFusedMlp } from '../../src/mlp/mlp.js';
import type { ModelBase } from '../../src/model/types.js';
import { createRng } from '../../src/random.js';
import { randomise } from '../kan/reference.js';

let previousMinWork = 0;
beforeAll(async () => {
  await setBackend('cpu');
  previousMinWork = setThreadMinWork(1);
});
afterAll(() => {
  setThreads(1);
  setThreadMinWork(previousMinWork);
  setKanKernel('auto');
  useFusedMlp(true);
});

describe('createJetPlan with Laplacian coefficients', () => {
  it('adds one channel, last, with the terms f″·Σ c_i (x_i)² + f′·x_L, and the first-order channels it needs', () => {
    const plan = createJetPlan([], 2, [1, 1]);
    expect(plan.channels).toEqual([[], [0], [1], [...COMBINED_AXES]]);
    expect(plan.combined).toEqual({ channel: 3, coefficients: [1, 1] });
    expect(plan.maxOrder).toBe(2);
    expect(plan.terms[3]).toEqual([
      { order: 2, coefficient: 1, blocks: [1, 1] },
      { order: 2, coefficient: 1, blocks: [2, 2] },
      { order: 1, coefficient: 1, blocks: [3] },
    ]);
    // Heat in 2-D + time: u_t kept, the Laplacian over x and y only: 5 channels instead of 6.
    const heat = createJetPlan([[2]], 3, [0.5, 2, 0]);
    expect(heat.channels).toEqual([[], [0], [1], [2], [...COMBINED_AXES]]);
    expect(heat.terms[4]!.map((t) => t.coefficient)).toEqual([0.5, 2, 1]);
    expect(createJetPlan([[0, 0], [1, 1]], 2).channels).toHaveLength(5);
    // 5-D: 11 → 7 channels.
    expect(createJetPlan([0, 1, 2, 3, 4].map((a) => [a, a]), 5).channels).toHaveLength(11);
    expect(createJetPlan([], 5, [1, 1, 1, 1, 1]).channels).toHaveLength(7);
  });

  it('refuses coefficients of the wrong length, all zero or not finite', () => {
    expect(() => createJetPlan([], 2, [1])).toThrow(/expected 2 finite Laplacian coefficients/);
    expect(() => createJetPlan([], 2, [0, 0])).toThrow(/not all 0/);
    expect(() => createJetPlan([], 2, [1, Number.NaN])).toThrow(/finite/);
  });

  it('gives the combined channel a zero input jet (the inputs are linear)', () => {
    const plan = createJetPlan([], 2, [1, 3]);
    const jet = inputJet(plan, Float32Array.from([0.1, 0.2, 0.3, 0.4]), 2);
    expect(Array.from(jet.subarray(3 * 4))).toEqual([0, 0, 0, 0]);
    expect(Array.from(jet.subarray(4, 8))).toEqual([1, 0, 1, 0]);
  });
});

interface Case {
  d: number;
  coefficients: number[];
  /** First-order channels requested besides the Laplacian's (a time derivative). */
  requested: number[][];
}

const cases: Case[] = [
  { d: 2, coefficients: [1, 1], requested: [] },
  { d: 2, coefficients: [0.3, -2], requested: [] },
  { d: 3, coefficients: [1, 2.5, 0], requested: [[2]] },
  { d: 5, coefficients: [1, 1, 1, 1, 1], requested: [] },
  { d: 5, coefficients: [0.7, -1.1, 0.2, 1, 0.05], requested: [] },
];

type Path = 'js' | 'threads' | 'ops' | 'unfused';

/** Jets [C, N, nOut] and d(Σ W·jets)/d(parameters) under a plan. */
function run(model: ModelBase, plan: JetPlan, points: Float32Array, N: number, W: Float32Array): { jets: Float32Array; grads: Float32Array[] } {
  return tf.tidy(() => {
    const x = (): tf.Tensor3D => tf.tensor3d(inputJet(plan, points, N), [plan.channels.length, N, plan.inputDim]);
    const weights = tf.tensor3d(W, [plan.channels.length, N, model.outputs.length]);
    const jets = Float32Array.from(model.jetForward(plan, x(), N).dataSync());
    const { grads } = tf.variableGrads(() => tf.sum(tf.mul(model.jetForward(plan, x(), N), weights)) as tf.Scalar, model.variables());
    return { jets, grads: model.variables().map((v) => Float32Array.from(grads[v.name]!.dataSync())) };
  });
}

function withPath<T>(path: Path, fn: () => T): T {
  setKanKernel(path === 'ops' ? 'ops' : 'js');
  useFusedMlp(path !== 'unfused');
  if (path === 'threads') setThreads(2);
  try {
    return fn();
  } finally {
    setThreads(1);
    setKanKernel('auto');
    useFusedMlp(true);
  }
}

function expectNear(actual: ArrayLike<number>, expected: ArrayLike<number>, what: string): void {
  expect(actual.length, what).toBe(expected.length);
  let scale = 1e-3;
  let worst = 0;
  for (let i = 0; i < expected.length; i++) {
    scale = Math.max(scale, Math.abs(expected[i]!));
    worst = Math.max(worst, Math.abs(actual[i]! - expected[i]!));
  }
  expect(worst / scale, what).toBeLessThan(1e-4);
}

/** Checks one model on one path: combined plan against the plain plan. */
function compare(model: ModelBase, c: Case, path: Path): void {
  const { d, coefficients } = c;
  const axes = coefficients.flatMap((v, a) => (v === 0 ? [] : [a]));
  const combined = createJetPlan(c.requested, d, coefficients);
  const plain = createJetPlan([...c.requested, ...axes.map((a) => [a, a])], d);
  const N = 13;
  const nOut = model.outputs.length;
  const rng = createRng(d * 31 + axes.length);
  const points = Float32Array.from({ length: N * d }, () => rng.next() * 1.8 - 0.9);
  const Wc = Float32Array.from({ length: combined.channels.length * N * nOut }, () => rng.next() * 2 - 1);
  // The same weighting of the plain channels: shared channels alike, c_i·w_L on u_{x_i x_i}.
  const Wp = new Float32Array(plain.channels.length * N * nOut);
  const L = combined.combined!.channel;
  const block = N * nOut;
  combined.channels.forEach((ch, i) => {
    if (i === L) {
      for (const a of axes) {
        const p = channelIndex(plain, [a, a]);
        for (let j = 0; j < block; j++) Wp[p * block + j] = coefficients[a]! * Wc[L * block + j]!;
      }
    } else Wp.set(Wc.subarray(i * block, (i + 1) * block), channelIndex(plain, ch) * block);
  });
  const calls = threadStats().calls;
  const got = withPath(path, () => run(model, combined, points, N, Wc));
  if (path === 'threads') expect(threadStats().calls, 'the threaded path ran').toBeGreaterThan(calls);
  const want = withPath('js', () => run(model, plain, points, N, Wp));
  // Channels: shared ones equal, the combined one = Σ c_i u_{x_i x_i}.
  const expected = new Float32Array(combined.channels.length * block);
  combined.channels.forEach((ch, i) => {
    if (i !== L) expected.set(want.jets.subarray(channelIndex(plain, ch) * block, (channelIndex(plain, ch) + 1) * block), i * block);
    else for (let j = 0; j < block; j++) expected[i * block + j] = axes.reduce((s, a) => s + coefficients[a]! * want.jets[channelIndex(plain, [a, a]) * block + j]!, 0);
  });
  expectNear(got.jets, expected, 'jets');
  got.grads.forEach((g, v) => expectNear(g, want.grads[v]!, `gradient of variable ${v}`));
}

const kanPaths: Path[] = ['js', 'threads', 'ops'];
const mlpPaths: Path[] = ['js', 'threads', 'ops', 'unfused'];

describe('KAN: the combined channel against the plain plan', () => {
  it.each(cases.flatMap((c) => kanPaths.map((path) => ({ ...c, path, name: `d=${c.d} c=[${c.coefficients.join(',')}] ${path}` }))))('$name', (c) => {
    const model = createKan({ width: [c.d, 4, 2], seed: 5, k: 3, grid: 5 });
    randomise(model, 9);
    const before = tf.memory().numTensors;
    compare(model, c, c.path);
    expect(tf.memory().numTensors).toBe(before);
    model.dispose();
  });
});

describe('MLP: the combined channel against the plain plan', () => {
  it.each(cases.flatMap((c) => mlpPaths.map((path) => ({ ...c, path, name: `d=${c.d} c=[${c.coefficients.join(',')}] ${path}` }))))('$name', (c) => {
    const model = createMlp({ width: [c.d, 8, 8, 2], seed: 3, activation: 'tanh' });
    const before = tf.memory().numTensors;
    compare(model, c, c.path);
    expect(tf.memory().numTensors).toBe(before);
    model.dispose();
  });
});
