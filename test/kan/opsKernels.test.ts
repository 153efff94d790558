/**
 * The KAN ops path (src/kan/kanOps.ts) is launch-bound on a GPU at small batches: its cost there is
 * the number of tfjs kernels one loss + gradient dispatches. These tests pin that number on the
 * `cpu` backend (tf.profile counts the same kernels on every backend): a layer is a fixed handful
 * of wide ops whatever its width, so a return to per-edge or per-input ops fails here.
 */
import * as tf from '../../src/tf.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { setBackend } from '../../src/backend.js';
import { setKanKernel } from '../../src/computePath.js';
import { createJetPlan } from '../../src/jet/plan.js';
import { createKan } from '../../src/kan/model.js';

/** Kernels GPU backends run without a dispatch (views of the same buffer). */
const VIEWS = new Set(['Identity', 'Reshape', 'ExpandDims', 'Squeeze']);

beforeAll(async () => {
  await setBackend('cpu');
  setKanKernel('ops');
});

afterAll(() => {
  setKanKernel('auto');
});

/**
 * Computing kernels of one loss + gradient of a KAN of this width with the poisson2d plan (value,
 * u_xx, u_yy: 5 channels, order 2), N points, on the ops path.
 */
async function kernelsPerEvaluation(width: number[], k: number, N: number): Promise<{ computing: number; names: string[] }> {
  const model = createKan({ width, grid: 5, k, seed: 1 });
  const plan = createJetPlan([[0, 0], [1, 1]], 2);
  const points = tf.randomUniform([N, 2], -1, 1, 'float32', 5);
  const input = tf.tidy(() => {
    const ex = tf.concat([tf.ones([N, 1]), tf.zeros([N, 1])], 1);
    return tf.stack([points, ex, tf.reverse(ex, 1), tf.zeros([N, 2]), tf.zeros([N, 2])]) as tf.Tensor3D;
  });
  const variables = model.variables();
  const info = await tf.profile(() => {
    tf.tidy(() => {
      tf.variableGrads(() => tf.sum(tf.square(model.jetForward(plan, input, N))) as tf.Scalar, variables);
    });
  });
  tf.dispose([points, input]);
  model.dispose();
  const names = info.kernels.map((kernel) => kernel.name).filter((name) => !VIEWS.has(name));
  return { computing: names.length, names };
}

describe('KAN ops path: kernels per loss + gradient', () => {
  it('do not grow with the layer widths (no op per edge, input or output)', async () => {
    const narrow = await kernelsPerEvaluation([2, 3, 1], 3, 40);
    const wide = await kernelsPerEvaluation([2, 24, 5], 3, 40);
    expect(wide.computing).toBe(narrow.computing);
  });

  it('stay within a fixed budget for KAN [2, 10, 1], k = 3, second-order jets', async () => {
    const { computing, names } = await kernelsPerEvaluation([2, 10, 1], 3, 60);
    // 2 layers: features, weights, one feature matMul, Faà di Bruno factors, one combining matMul
    // each, forward and backward: 130 when written; the per-edge formulation before it took 510.
    expect(computing).toBeLessThanOrEqual(160);
    // nothing that gathers or one-hot-encodes batch-sized tensors
    expect(names.filter((name) => ['GatherV2', 'OneHot', 'UnsortedSegmentSum'].includes(name))).toEqual([]);
  });

  it('grow by at most a few kernels per extra degree k (the powers of u), not per basis function', async () => {
    const k1 = await kernelsPerEvaluation([2, 10, 1], 1, 30);
    const k5 = await kernelsPerEvaluation([2, 10, 1], 5, 30);
    // 4 more powers of u per layer, forward and backward (8 when written; 174 before)
    expect(k5.computing - k1.computing).toBeLessThanOrEqual(4 * 2 * 4);
  });
});
