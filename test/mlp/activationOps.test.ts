/**
 * The MLP's activation jets in tfjs ops (src/mlp/activationOps.ts, the GPU path) against the JS
 * kernels on the `cpu` backend: the network's jets and the gradients of every weight and bias
 * agree for tanh, sin and silu over several jet plans, and the ops path reads nothing back.
 */
import * as tf from '../../src/tf.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { setBackend } from '../../src/backend.js';
import { setKanKernel } from '../../src/computePath.js';
import { createJetPlan, inputJet } from '../../src/jet/plan.js';
import { createMlp, type MlpActivation } from '../../src/mlp/mlp.js';
import { createRng } from '../../src/random.js';

beforeAll(async () => {
  await setBackend('cpu');
});

afterAll(() => {
  setKanKernel('auto');
});

const PLANS = {
  value: createJetPlan([], 2),
  poisson2d: createJetPlan([[0, 0], [1, 1]], 2),
  mixed2d: createJetPlan([[0], [1], [0, 1]], 2),
  beam1d: createJetPlan([[0, 0, 0, 0]], 1),
};

function maxRelative(a: Float32Array, b: Float32Array): number {
  let diff = 0;
  let scale = 1e-6;
  b.forEach((v, i) => {
    diff = Math.max(diff, Math.abs(a[i]! - v));
    scale = Math.max(scale, Math.abs(v));
  });
  return diff / scale;
}

const cases = (['tanh', 'sin', 'silu'] as MlpActivation[]).flatMap((activation) => Object.entries(PLANS).map(([name, plan]) => ({ activation, name, plan })));

describe('MLP activation jets: tfjs ops against the JS kernels (cpu backend)', () => {
  it.each(cases)('$activation $name', ({ activation, plan }) => {
    const d = plan.inputDim;
    const model = createMlp({ width: [d, 7, 5, 2], activation, seed: 4 });
    const N = 23;
    const rng = createRng(9);
    const points = Float32Array.from({ length: N * d }, () => rng.next() * 2 - 1);
    const input = tf.tensor3d(inputJet(plan, points, N), [plan.channels.length, N, d]);
    const weights = tf.randomUniform([plan.channels.length, N, 2], -1, 1, 'float32', 2);
    const run = (mode: 'ops' | 'js'): Float32Array[] => {
      setKanKernel(mode);
      return tf.tidy(() => {
        const y = model.jetForward(plan, input, N).dataSync() as Float32Array;
        const { grads } = tf.variableGrads(() => tf.sum(tf.mul(model.jetForward(plan, input, N), weights)) as tf.Scalar, model.variables());
        return [y, ...model.variables().map((v) => grads[v.name]!.dataSync() as Float32Array)];
      });
    };
    const js = run('js');
    const ops = run('ops');
    js.forEach((values, q) => expect(maxRelative(ops[q]!, values), q === 0 ? 'jets' : `gradient ${q - 1}`).toBeLessThan(2e-4));
    setKanKernel('auto');
    tf.dispose([input, weights]);
    model.dispose();
  });

  it('reads no tensor back on the ops path (the JS path does)', () => {
    const plan = PLANS.poisson2d;
    const model = createMlp({ width: [2, 6, 1], seed: 1 });
    const N = 8;
    const input = tf.tensor3d(inputJet(plan, new Float32Array(N * 2).fill(0.3), N), [plan.channels.length, N, 2]);
    const original = tf.Tensor.prototype.dataSync;
    const readsOn = (mode: 'ops' | 'js'): number => {
      let reads = 0;
      tf.Tensor.prototype.dataSync = function (this: tf.Tensor) {
        reads++;
        return original.call(this);
      } as typeof original;
      setKanKernel(mode);
      try {
        tf.tidy(() => tf.variableGrads(() => tf.sum(model.jetForward(plan, input, N)) as tf.Scalar, model.variables()));
      } finally {
        tf.Tensor.prototype.dataSync = original;
        setKanKernel('auto');
      }
      return reads;
    };
    expect(readsOn('ops')).toBe(0);
    expect(readsOn('js')).toBeGreaterThan(0);
    input.dispose();
    model.dispose();
  });
});
