/**
 * Residual-based adaptive resampling (RAD, Wu et al. 2023): the density, the weighted draw without
 * replacement, that a draw puts more points where the residual is large (fixed seed), and the
 * trainer's `resample: 'rad'` (tensor count flat, refusal without an interval).
 */
import * as tf from '../../src/tf.js';
import { beforeAll, describe, expect, it } from 'vitest';
import { setBackend } from '../../src/backend.js';
import { createKan } from '../../src/kan/model.js';
import { createRng } from '../../src/random.js';
import { RAD_CANDIDATES, radDensity, radPoints, weightedDraw } from '../../src/train/rad.js';
import { train } from '../../src/train/trainer.js';
import type { TermPoints } from '../../src/problem/types.js';
import { poissonFixture } from './poissonFixture.js';

beforeAll(async () => {
  await setBackend('wasm');
});

describe('RAD', () => {
  it('has density |r|/mean(|r|) + 1, uniform when the residual is zero or not finite', () => {
    expect(Array.from(radDensity([1, -3, 0, 0]))).toEqual([2, 4, 1, 1]); // mean |r| = 1
    expect(Array.from(radDensity([0, 0, 0]))).toEqual([2, 2, 2]);
    expect(Array.from(radDensity([1, Number.NaN]))).toEqual([2, 2]);
    expect(Array.from(radDensity([2, 0], 2, 0))).toEqual([2, 0]); // k = 2, c = 0: r²/mean(r²)
  });

  it('draws distinct indices, the same for the same seed, mostly of the heavy weights', () => {
    const weights = Array.from({ length: 1000 }, (_, i) => (i < 500 ? 1 : 9));
    const a = weightedDraw(weights, 100, createRng(0));
    expect(new Set(a).size).toBe(100);
    expect(weightedDraw(weights, 100, createRng(0))).toEqual(a);
    const heavy = a.filter((i) => i >= 500).length;
    // Expected share 0.9 (with replacement; a little less without): uniform draws would give 0.5.
    expect(heavy).toBeGreaterThan(80);
    expect(weightedDraw([1, 0, 1], 5, createRng(1)).sort()).toEqual([0, 1, 2]); // all when asked for more; zero weight last
  });

  it('puts more points where the residual is large (fixed seed)', () => {
    const dim = 1;
    const rng = createRng(0);
    const sample = (n: number): TermPoints => ({ coords: Float32Array.from({ length: n }, () => rng.next()), count: n });
    // A residual of 10 on x > 0.8 and 0 elsewhere: density 6 there, 1 elsewhere (mean |r| = 2).
    const residualAt = (p: TermPoints): Float32Array => p.coords.map((x) => (x > 0.8 ? 10 : 0));
    let asked = 0;
    const points = radPoints((n) => ((asked = n), sample(n)), residualAt, 200, dim, rng);
    expect(asked).toBe(RAD_CANDIDATES * 200);
    expect(points.count).toBe(200);
    const share = Array.from(points.coords).filter((x) => x > 0.8).length / points.count;
    // Uniform: 0.2. With replacement from the density: 0.2·6/(0.2·6 + 0.8) = 0.6; without, a little less.
    expect(share).toBeGreaterThan(0.45);
    expect(share).toBeLessThan(0.65);
  });

  it('resamples by residual in training with the tensor count flat, and refuses rad without --resample-every', async () => {
    const model = createKan({ width: [2, 3, 1], grid: 4, seed: 0 });
    const before = tf.memory().numTensors;
    const result = await train(poissonFixture(), model, { steps: 3, seed: 0, points: 50, boundaryPoints: 20, resample: 'rad', resampleEvery: 1, gridUpdateEvery: 0 });
    expect(result.status).toBe('completed');
    expect(tf.memory().numTensors).toBe(before);
    await expect(train(poissonFixture(), model, { resample: 'rad' })).rejects.toThrow(/^resample: rad .*--resample-every N/);
    await expect(train(poissonFixture(), model, { resample: 'dense' as 'rad', resampleEvery: 1 })).rejects.toThrow('resample: expected one of uniform, rad, got "dense"');
    model.dispose();
  });
});
