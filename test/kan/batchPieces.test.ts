/**
 * The ops path's per-point jet product is a matMul batched over the points; WebGPU limits a
 * dispatch to 65535 workgroups per dimension, so past that batch it runs in pieces
 * (batchMatMulInPieces). Pieces must give the same values and gradients as one product.
 */
import * as tf from '../../src/tf.js';
import { beforeAll, describe, expect, it } from 'vitest';
import { setBackend } from '../../src/backend.js';
import { batchMatMulInPieces, MAX_MATMUL_BATCH } from '../../src/kan/kanOps.js';

beforeAll(async () => {
  await setBackend('cpu');
});

describe('batchMatMulInPieces', () => {
  it('equals one batched matMul, values and gradients, with pieces of 3 over a batch of 8', () => {
    const a = tf.randomUniform([8, 2, 5], -1, 1, 'float32', 1) as tf.Tensor3D;
    const b = tf.randomUniform([8, 5, 3], -1, 1, 'float32', 2) as tf.Tensor3D;
    const whole = tf.grads((p: tf.Tensor, q: tf.Tensor) => tf.sum(tf.sin(tf.matMul(p as tf.Tensor3D, q as tf.Tensor3D))));
    const pieces = tf.grads((p: tf.Tensor, q: tf.Tensor) => tf.sum(tf.sin(batchMatMulInPieces(p as tf.Tensor3D, q as tf.Tensor3D, 3))));
    expect(Array.from(batchMatMulInPieces(a, b, 3).dataSync())).toEqual(Array.from(tf.matMul(a, b).dataSync()));
    const [ga, gb] = whole([a, b]);
    const [pa, pb] = pieces([a, b]);
    expect(Array.from(pa!.dataSync())).toEqual(Array.from(ga!.dataSync()));
    expect(Array.from(pb!.dataSync())).toEqual(Array.from(gb!.dataSync()));
  });

  it('is one product up to the limit and ceil(B / limit) products past it', async () => {
    expect(MAX_MATMUL_BATCH).toBe(65535);
    const a = tf.ones([4, 1, 2]) as tf.Tensor3D;
    const b = tf.ones([4, 2, 1]) as tf.Tensor3D;
    const products = async (maxBatch: number): Promise<number> => {
      const info = await tf.profile(() => batchMatMulInPieces(a, b, maxBatch));
      return info.kernels.filter((k) => k.name === 'BatchMatMul').length;
    };
    expect(await products(4)).toBe(1);
    expect(await products(3)).toBe(2);
    expect(Array.from(batchMatMulInPieces(a, b, 3).dataSync())).toEqual([2, 2, 2, 2]);
  });
});
