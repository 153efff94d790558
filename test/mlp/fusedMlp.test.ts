/**
 * The fused MLP jet op (fusedMlp.ts, the default on wasm and cpu) against the per-layer tf-ops
 * path that GPU backends take (mlp.ts with useFusedMlp(false)): the same output jets and the same
 * parameter gradients up to float rounding, on both host-memory backends, and no tensor left
 * behind with or without a gradient tape.
 */
import * as tf from '../../src/tf.js';
import { afterAll, describe, expect, it } from 'vitest';
import { setBackend } from '../../src/backend.js';
import { getThreads, setThreadMinWork, setThreads, threadStats } from '../../src/engine/pool.js';
import { createJetPlan, type JetPlan } from '../../src/jet/plan.js';
import { useGeneratedActivationKernels } from '../../src/mlp/activationKernel.js';
import { hostMemoryBackend } from '../../src/engine/backendMemory.js';
import { fusedMlpJet, useActivationCache, useGeneratedOutputLayer } from '../../src/mlp/fusedMlp.js';
import { createMlp, useFusedMlp, type MlpActivation, type MlpModel } from '../../src/mlp/mlp.js';
import { createRng } from '../../src/random.js';

afterAll(() => {
  useFusedMlp(true);
});

/** Input jets [C, N, d]: value channel = the points, first-order channels = unit vectors, higher = 0. */
function inputJet(plan: JetPlan, points: Float32Array, count: number, d: number): tf.Tensor3D {
  const C = plan.channels.length;
  const values = new Float32Array(C * count * d);
  values.set(points, 0);
  plan.channels.forEach((axes, c) => {
    if (axes.length !== 1) return;
    for (let p = 0; p < count; p++) values[(c * count + p) * d + axes[0]!] = 1;
  });
  return tf.tensor3d(values, [C, count, d]);
}

/** Output jets and d(Σ weights·jets)/d(every parameter), as flat arrays. */
function jetsAndGradients(model: MlpModel, plan: JetPlan, points: Float32Array, count: number, fused: boolean): { jets: Float32Array; grads: Float32Array[] } {
  const previous = useFusedMlp(fused);
  try {
    return tf.tidy(() => {
      const d = model.width[0]!;
      const weights = tf.tensor(Float32Array.from({ length: plan.channels.length * count * model.outputs.length }, (_, i) => Math.sin(i + 1)), [plan.channels.length, count, model.outputs.length]);
      const jets = model.jetForward(plan, inputJet(plan, points, count, d), count).dataSync() as Float32Array;
      const { grads } = tf.variableGrads(() => model.jetForward(plan, inputJet(plan, points, count, d), count).mul(weights).sum() as tf.Scalar, model.variables());
      return { jets: Float32Array.from(jets), grads: model.variables().map((v) => Float32Array.from(grads[v.name]!.dataSync())) };
    });
  } finally {
    useFusedMlp(previous);
  }
}

function expectNear(actual: Float32Array, expected: Float32Array, what: string): void {
  expect(actual.length, what).toBe(expected.length);
  const scale = Math.max(1e-3, ...Array.from(expected, Math.abs));
  let worst = 0;
  for (let i = 0; i < actual.length; i++) worst = Math.max(worst, Math.abs(actual[i]! - expected[i]!));
  expect(worst / scale, what).toBeLessThan(2e-6);
}

const plans: Record<string, (d: number) => JetPlan> = {
  value: (d) => createJetPlan([], d),
  laplacian: (d) => createJetPlan([[0, 0], [1, 1]], d),
  mixed: (d) => createJetPlan([[0], [1], [0, 1], [0, 0, 0]], d),
};
const activations: MlpActivation[] = ['tanh', 'sin', 'silu'];
const cases = (['wasm', 'cpu'] as const).flatMap((backend) =>
  Object.keys(plans).flatMap((plan) => activations.map((activation) => ({ name: `${backend} ${plan} ${activation}`, backend, plan, activation }))),
);

describe('fused MLP jets', () => {
  it.each(cases)('match the per-layer tf ops: $name', async ({ backend, plan: planName, activation }) => {
    await setBackend(backend);
    expect(hostMemoryBackend()).toBe(true);
    const model = createMlp({ width: [2, 7, 5, 2], activation, seed: 3 });
    const plan = plans[planName]!(2);
    const rng = createRng(9);
    const count = 13;
    const points = Float32Array.from({ length: count * 2 }, () => rng.next() * 4 - 2);
    const fused = jetsAndGradients(model, plan, points, count, true);
    const layered = jetsAndGradients(model, plan, points, count, false);
    expectNear(fused.jets, layered.jets, 'jets');
    fused.grads.forEach((g, i) => expectNear(g, layered.grads[i]!, `gradient of ${model.variables()[i]!.name}`));
    model.dispose();
  });

  it('match with layers wider than the dW column block (16), whose weight gradients are assembled from blocks', async () => {
    await setBackend('wasm');
    const model = createMlp({ width: [2, 37, 20, 3], seed: 5 });
    const plan = plans.laplacian!(2);
    const rng = createRng(4);
    const points = Float32Array.from({ length: 22 }, () => rng.next() * 2 - 1);
    const fused = jetsAndGradients(model, plan, points, 11, true);
    const layered = jetsAndGradients(model, plan, points, 11, false);
    expectNear(fused.jets, layered.jets, 'jets');
    fused.grads.forEach((g, i) => expectNear(g, layered.grads[i]!, `gradient of ${model.variables()[i]!.name}`));
    model.dispose();
  });

  it.each([
    { name: 'generated kernels (dZ blocks and the first layer\'s dW written by the activation pass)', generated: true },
    { name: 'loop kernels (blocks copied out of dZ, first layer by matMul)', generated: false },
  ])('match with wide layers, three inputs and mixed channels: $name', async ({ generated }) => {
    await setBackend('wasm');
    const model = createMlp({ width: [3, 40, 17, 2], seed: 6 });
    const plan = plans.mixed!(3);
    const rng = createRng(12);
    const points = Float32Array.from({ length: 3 * 9 }, () => rng.next() * 2 - 1);
    const previous = useGeneratedActivationKernels(generated);
    try {
      const fused = jetsAndGradients(model, plan, points, 9, true);
      const layered = jetsAndGradients(model, plan, points, 9, false);
      expectNear(fused.jets, layered.jets, 'jets');
      fused.grads.forEach((g, i) => expectNear(g, layered.grads[i]!, `gradient of ${model.variables()[i]!.name}`));
    } finally {
      useGeneratedActivationKernels(previous);
      model.dispose();
    }
  });

  it.each([
    { name: 'small: the output layer\'s reverse pass as one JS loop', count: 40 },
    { name: 'above OUTPUT_LOOP_ELEMENTS (3500 rows × 20 inputs): by products', count: 700 },
  ])('match with a linear output layer either way: $name', async ({ count }) => {
    await setBackend('wasm');
    const model = createMlp({ width: [2, 20, 1], seed: 7 });
    const plan = plans.laplacian!(2);
    const rng = createRng(3);
    const points = Float32Array.from({ length: 2 * count }, () => rng.next() * 2 - 1);
    const fused = jetsAndGradients(model, plan, points, count, true);
    const layered = jetsAndGradients(model, plan, points, count, false);
    expectNear(fused.jets, layered.jets, 'jets');
    fused.grads.forEach((g, i) => expectNear(g, layered.grads[i]!, `gradient of ${model.variables()[i]!.name}`));
    model.dispose();
  });

  it.each([
    { name: 'one output, 16 inputs', width: [2, 16, 16, 1] },
    { name: 'two outputs, 9 inputs', width: [2, 9, 2] },
    { name: 'one output, 70 inputs (above the unrolled size: the loop either way)', width: [2, 70, 1] },
  ])('the generated output layer (one pass forward, one backward) matches matMul + the loop: $name', async ({ width }) => {
    await setBackend('wasm');
    const model = createMlp({ width, seed: 11 });
    const plan = plans.laplacian!(2);
    const rng = createRng(5);
    const points = Float32Array.from({ length: 2 * 23 }, () => rng.next() * 2 - 1);
    const previous = useGeneratedOutputLayer(false);
    let loop: ReturnType<typeof jetsAndGradients>;
    try {
      loop = jetsAndGradients(model, plan, points, 23, true);
    } finally {
      useGeneratedOutputLayer(previous);
    }
    const generated = jetsAndGradients(model, plan, points, 23, true);
    expectNear(generated.jets, loop!.jets, 'jets');
    generated.grads.forEach((g, i) => expectNear(g, loop!.grads[i]!, `gradient ${i}`));
    model.dispose();
  });

  it.each([
    { name: 'narrow hidden layers', width: [2, 24, 9, 1] },
    { name: 'a hidden layer wider than the dW column block (threaded blocks variant) and three inputs (threaded inputs3 variant)', width: [3, 20, 37, 5, 1] },
  ])('give the same jets and gradients on two threads as on one (the threaded activation kernels read the wasm heap): $name', async ({ width }) => {
    await setBackend('wasm');
    const model = createMlp({ width, seed: 8 });
    const d = width[0]!;
    const plan = plans.laplacian!(d);
    const rng = createRng(2);
    const points = Float32Array.from({ length: 30 * d }, () => rng.next() * 2 - 1);
    const one = jetsAndGradients(model, plan, points, 30, true);
    const previousWork = setThreadMinWork(1);
    const previousThreads = getThreads();
    setThreads(2);
    try {
      const before = threadStats().calls;
      const two = jetsAndGradients(model, plan, points, 30, true);
      expect(threadStats().calls - before).toBeGreaterThan(0); // the threaded kernels ran
      expectNear(two.jets, one.jets, 'jets');
      two.grads.forEach((g, i) => expectNear(g, one.grads[i]!, `gradient ${i}`));
    } finally {
      setThreads(previousThreads);
      setThreadMinWork(previousWork);
      model.dispose();
    }
  });

  it.each(
    activations.flatMap((activation) =>
      [
        { layers: 'narrow (transposed dZ)', width: [2, 12, 9, 1] },
        { layers: 'a narrow layer after a wide one (plain dZ)', width: [2, 24, 9, 1] },
        { layers: 'wide (dZ blocks)', width: [2, 20, 20, 1] },
      ].map((c) => ({ ...c, activation })),
    ),
  )('keeps the activation values for the backward pass with the same bits as evaluating them again: $activation, $layers', async ({ activation, width }) => {
    await setBackend('wasm');
    const model = createMlp({ width, activation, seed: 6 });
    const plan = plans.laplacian!(2);
    const rng = createRng(8);
    const points = Float32Array.from({ length: 2 * 17 }, () => rng.next() * 2 - 1);
    const cached = jetsAndGradients(model, plan, points, 17, true);
    const previous = useActivationCache(false);
    let again: ReturnType<typeof jetsAndGradients>;
    try {
      again = jetsAndGradients(model, plan, points, 17, true);
    } finally {
      useActivationCache(previous);
    }
    expect(Array.from(cached.jets)).toEqual(Array.from(again!.jets));
    cached.grads.forEach((g, i) => expect(Array.from(g), `gradient ${i}`).toEqual(Array.from(again!.grads[i]!)));
    model.dispose();
  });

  it('runs a narrow MLP with one matMul kernel per layer forward and two backward per hidden layer after the first, and no transpose kernels', async () => {
    await setBackend('wasm');
    const model = createMlp({ width: [2, 16, 16, 1], seed: 1 });
    const plan = plans.laplacian!(2);
    const points = Float32Array.from({ length: 40 }, (_, i) => Math.sin(3 * i));
    const run = (): void =>
      tf.tidy(() => {
        const input = inputJet(plan, points, 20, 2);
        tf.variableGrads(() => model.jetForward(plan, input, 20).sum() as tf.Scalar, model.variables());
      });
    run();
    const names = (await tf.profile(run)).kernels.map((k) => k.name);
    // forward: X·W of the two hidden layers (the output layer is a loop); backward: dWᵀ = dZᵀ·X and dX = dZ·Wᵀ of the second
    expect(names.filter((name) => name === 'BatchMatMul')).toHaveLength(4);
    expect(names.filter((name) => name === 'Transpose')).toEqual([]);
    model.dispose();
  });

  it('saturated tanh units (|z| > 20) give t = ±1 and zero derivative channels, as Math.tanh did', async () => {
    await setBackend('wasm');
    const model = createMlp({ width: [1, 3, 1], seed: 1 });
    model.layers[0]!.weight.assign(tf.tensor2d([[30, -30, 0.5]]));
    const plan = createJetPlan([[0], [0, 0]], 1);
    const points = Float32Array.from([1, -1, 0.25]);
    const fused = jetsAndGradients(model, plan, points, 3, true);
    const layered = jetsAndGradients(model, plan, points, 3, false);
    expectNear(fused.jets, layered.jets, 'jets');
    fused.grads.forEach((g, i) => expectNear(g, layered.grads[i]!, `gradient ${i}`));
    model.dispose();
  });

  it('keeps its intermediates for the backward pass without copies (no Identity kernel under a tape)', async () => {
    await setBackend('wasm');
    const plan = plans.laplacian!(2);
    const points = Float32Array.from({ length: 20 }, (_, i) => Math.sin(i));
    const identities = async (width: number[]): Promise<number> => {
      const model = createMlp({ width, seed: 2 });
      const run = (): void =>
        tf.tidy(() => {
          tf.variableGrads(() => model.jetForward(plan, inputJet(plan, points, 10, 2), 10).sum() as tf.Scalar, model.variables());
        });
      run();
      const profile = await tf.profile(run);
      model.dispose();
      return profile.kernels.filter((k) => k.name === 'Identity').length;
    };
    // customGrad's save() cloned every saved tensor through Identity (a full copy on wasm), 2 more per layer
    expect(await identities([2, 20, 20, 20, 20, 1])).toBe(await identities([2, 20, 1]));
  });

  it('frees what a forward pass kept for a backward pass that never ran, at the next forward pass', async () => {
    await setBackend('wasm');
    const plan = plans.laplacian!(2);
    const points = Float32Array.from({ length: 8 }, (_, i) => Math.cos(i));
    /** Tensors left after a pass recorded on a tape but off the path to the value, then after a plain forward pass. */
    const leftAfter = (fused: boolean): { offPath: number; next: number } => {
      const previous = useFusedMlp(fused);
      const model = createMlp({ width: [2, 6, 1], seed: 2 });
      const other = tf.variable(tf.scalar(2));
      const forward = (): tf.Tensor => model.jetForward(plan, inputJet(plan, points, 4, 2), 4);
      const offPath = (): void =>
        tf.tidy(() => {
          tf.variableGrads(() => {
            forward(); // its gradFunc never runs
            return other.square() as tf.Scalar;
          }, [other]);
        });
      offPath(); // warm-up
      tf.tidy(() => forward());
      const before = tf.memory().numTensors;
      offPath();
      const afterOffPath = tf.memory().numTensors - before;
      tf.tidy(() => forward());
      const afterNext = tf.memory().numTensors - before;
      other.dispose();
      model.dispose();
      useFusedMlp(previous);
      return { offPath: afterOffPath, next: afterNext };
    };
    const fused = leftAfter(true);
    // tfjs's variableGrads itself leaves a tensor behind for such an op (the per-layer tf ops too)
    const layered = leftAfter(false);
    expect(fused.offPath).toBeGreaterThan(layered.offPath); // the kept set
    expect(fused.next).toBe(layered.next); // freed by the next forward pass
  });

  it('differentiates with respect to parameters that are plain tensors (held by alias, never disposed)', async () => {
    await setBackend('wasm');
    const model = createMlp({ width: [2, 18, 1], seed: 4 });
    const plan = plans.laplacian!(2);
    const points = Float32Array.from({ length: 12 }, (_, i) => Math.sin(2 * i));
    const x = tf.tidy(() => inputJet(plan, points, 6, 2).reshape([plan.channels.length * 6, 2]) as tf.Tensor2D);
    const params = model.variables().map((v) => tf.clone(v));
    const f = (...ps: tf.Tensor[]): tf.Scalar =>
      fusedMlpJet('tanh', plan, [{ weight: ps[0]!, bias: ps[1]! }, { weight: ps[2]!, bias: ps[3]! }], x, 6).sum() as tf.Scalar;
    const before = tf.memory().numTensors;
    const fromTensors = tf.tidy(() => tf.grads(f)(params).map((g) => Float32Array.from(g.dataSync())));
    expect(tf.memory().numTensors).toBe(before);
    expect(params.every((p) => !p.isDisposed)).toBe(true);
    const fromVariables = tf.tidy(() => {
      const { grads } = tf.variableGrads(() => f(...model.variables()), model.variables());
      return model.variables().map((v) => Float32Array.from(grads[v.name]!.dataSync()));
    });
    fromTensors.forEach((g, i) => expectNear(g, fromVariables[i]!, `gradient ${i}`));
    tf.dispose([x, ...params]);
    model.dispose();
  });

  it('leaves no tensor behind, with and without a gradient tape', async () => {
    await setBackend('wasm');
    const model = createMlp({ width: [2, 6, 6, 1], seed: 2 });
    const plan = plans.laplacian!(2);
    const points = Float32Array.from({ length: 20 }, (_, i) => Math.cos(i));
    jetsAndGradients(model, plan, points, 10, true); // warm-up: kernels, backend caches
    const before = tf.memory().numTensors;
    const beforeBytes = tf.memory().numBytes;
    for (let i = 0; i < 3; i++) {
      jetsAndGradients(model, plan, points, 10, true);
      tf.tidy(() => model.jetForward(plan, inputJet(plan, points, 10, 2), 10)).dispose();
    }
    expect(tf.memory().numTensors).toBe(before);
    expect(tf.memory().numBytes).toBe(beforeBytes);
    model.dispose();
  });
});
