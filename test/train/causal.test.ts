/**
 * Causal weighting of the PDE residual in time (Wang et al. 2022): the weights against their
 * closed form, the binned loss against a plain-JS recomputation from the residuals, a short
 * causal run (tensor count flat) and the trainer's refusals.
 */
import * as tf from '../../src/tf.js';
import { beforeAll, describe, expect, it } from 'vitest';
import { setBackend } from '../../src/backend.js';
import { createKan } from '../../src/kan/model.js';
import { defineProblem } from '../../src/problem/define.js';
import { createRng } from '../../src/random.js';
import { buildTermData, causalBins, causalWeights, disposeTermData, stepCausalWeights, termLosses, termScope } from '../../src/train/termData.js';
import { train } from '../../src/train/trainer.js';
import { poissonFixture } from './poissonFixture.js';

beforeAll(async () => {
  await setBackend('wasm');
});

const heat = defineProblem({
  name: 'heat',
  variables: ['x'],
  time: [0, 2],
  domain: { type: 'interval', min: 0, max: 1 },
  pde: 'u_t - 0.1*u_xx',
  conditions: [{ type: 'dirichlet', on: 'boundary', value: 0 }, { type: 'initial', value: 'sin(pi*x)' }],
});

describe('causal weighting', () => {
  it('weights bin i by exp(−ε Σ_{k<i} L_k)', () => {
    const w = causalWeights([1, 2, 3, 4], 0.5);
    expect(Array.from(w)).toEqual([1, Math.exp(-0.5), Math.exp(-1.5), Math.exp(-3)].map(Math.fround));
  });

  it('puts each point in the bin of its time and counts them', () => {
    const coords = Float32Array.from([0.5, 0, 0.5, 0.49, 0.5, 0.5, 0.5, 1.99, 0.5, 2]);
    const bins = causalBins({ coords, count: 5 }, 2, 1, [0, 2], 1, 4);
    expect(Array.from(bins.bin.argMax(1).dataSync())).toEqual([0, 0, 1, 3, 3]);
    expect(Array.from(bins.sizes.dataSync())).toEqual([2, 1, 1, 2]); // the empty bin counts 1 (sum 0)
    bins.bin.dispose();
    bins.sizes.dispose();
  });

  it('trains on (1/K) Σ w_i L_i of the residuals and records the plain mean', () => {
    const model = createKan({ width: [2, 3, 1], grid: 4, seed: 1, inputs: heat.variables, outputs: heat.unknowns });
    const pde = heat.terms.find((t) => t.kind === 'pde')!;
    const points = pde.sample(200, createRng(3), 'random');
    const data = buildTermData(heat, model, pde, points);
    const K = 5;
    const epsilon = 2;
    data.causal = causalBins(points, 2, 1, [0, 2], epsilon, K);
    const residual = tf.tidy(() => Array.from(pde.residual(termScope(model, data)).dataSync()));
    const sums = new Array<number>(K).fill(0);
    const counts = new Array<number>(K).fill(0);
    residual.forEach((r, n) => {
      const b = Math.min(K - 1, Math.floor((points.coords[2 * n + 1]! / 2) * K));
      sums[b] = sums[b]! + r * r;
      counts[b] = counts[b]! + 1;
    });
    const L = sums.map((s, b) => s / Math.max(1, counts[b]!));
    const w = causalWeights(L, epsilon);
    const expected = L.reduce((acc, l, b) => acc + w[b]! * l, 0) / K;
    const plain = residual.reduce((a, r) => a + r * r, 0) / residual.length;
    const { total, terms } = tf.tidy(() => {
      const out = termLosses(model, [data], [1]);
      return { total: out.total.dataSync()[0]!, terms: out.terms.dataSync()[0]! };
    });
    expect(total).toBeCloseTo(expected, 5);
    expect(terms).toBeCloseTo(plain, 5);
    expect(Math.abs(total - plain)).toBeGreaterThan(1e-3 * plain); // the weighting changes the loss
    disposeTermData(data);
    model.dispose();
  });

  it('keeps one step\'s weights for all its evaluations (the line search sees one function) and follows the model in lastWeight', () => {
    const c = causalBins({ coords: Float32Array.from([0.5, 0.1, 0.5, 1.9]), count: 2 }, 2, 1, [0, 2], 1, 2);
    const first = stepCausalWeights(c, [1, 1]);
    expect(Array.from(first)).toEqual([1, Math.fround(Math.exp(-1))]);
    // A trial point of the same step with other bin losses: the same weights, the new last weight.
    expect(Array.from(stepCausalWeights(c, [3, 1]))).toEqual(Array.from(first));
    expect(c.lastWeight).toBeCloseTo(Math.exp(-3), 6);
    // The trainer clears them before the next step: recomputed from the current losses.
    c.frozen = undefined;
    expect(stepCausalWeights(c, [3, 1])[1]).toBeCloseTo(Math.exp(-3), 6);
    c.bin.dispose();
    c.sizes.dispose();
  });

  it('trains a heat problem causally with the tensor count flat, and refuses a problem without time', async () => {
    const model = createKan({ width: [2, 3, 1], grid: 4, seed: 0, inputs: heat.variables, outputs: heat.unknowns });
    const before = tf.memory().numTensors;
    const result = await train(heat, model, { steps: 3, seed: 0, causal: 1, causalBins: 8, points: 100, boundaryPoints: 20, resampleEvery: 1 });
    expect(result.status).toBe('completed');
    expect(tf.memory().numTensors).toBe(before);
    model.dispose();
    const flat = createKan({ width: [2, 3, 1], seed: 0 });
    await expect(train(poissonFixture(), flat, { causal: 1, causalBins: 8 })).rejects.toThrow(/^causal: problem \S+ has no time variable; causal weighting needs "time": \[t0, t1\]$/);
    const timed = createKan({ width: [2, 3, 1], seed: 0, inputs: heat.variables, outputs: heat.unknowns });
    // One schema for the CLI and the library: ε = 0 means off, a negative ε is refused.
    await expect(train(heat, timed, { causal: -1, causalBins: 8 })).rejects.toThrow('causal: expected a number >= 0, got -1');
    await expect(train(heat, timed, { causal: 1, causalBins: 1 })).rejects.toThrow('causalBins: expected an integer >= 2, got 1');
    flat.dispose();
    timed.dispose();
  });
});
