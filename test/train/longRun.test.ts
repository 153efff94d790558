import * as tf from '../../src/tf.js';
import { beforeAll, describe, expect, it } from 'vitest';
import { setBackend } from '../../src/backend.js';
import { createKan } from '../../src/kan/model.js';
import { train } from '../../src/train/trainer.js';
import { poissonFixture } from './poissonFixture.js';

/** Resident memory may wander by allocator noise, not grow with the step count. */
const RSS_GROWTH_LIMIT_MB = 64;

beforeAll(async () => {
  await setBackend('wasm');
});

describe('a 2,000-step run', () => {
  it('keeps the tensor count and resident memory flat (Adam, resampling, grid updates)', async () => {
    const model = createKan({ width: [2, 4, 1], grid: 4, seed: 0 });
    const problem = poissonFixture();
    problem.defaults = { interiorPoints: 40, boundaryPoints: 16 };
    const tensors: number[] = [];
    const rss: number[] = [];
    const result = await train(problem, model, {
      optimizer: 'adam',
      lr: 1e-2,
      steps: 2000,
      resampleEvery: 100,
      gridUpdateEvery: 5,
      gridUpdateUntil: 50,
      evalEvery: 500,
      onProgress: (e) => {
        if (e.totalStep % 250 === 0) {
          tensors.push(tf.memory().numTensors);
          rss.push(process.memoryUsage().rss / 2 ** 20);
        }
      },
    });
    expect(result.steps).toBe(2000);
    expect(new Set(tensors).size).toBe(1);
    expect(rss[rss.length - 1]! - rss[1]!).toBeLessThan(RSS_GROWTH_LIMIT_MB);
    model.dispose();
  }, 120_000);
});
