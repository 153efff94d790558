import * as tf from '../../src/tf.js';
import { beforeAll, describe, expect, it } from 'vitest';
import { setBackend } from '../../src/backend.js';
import { createKan } from '../../src/kan/model.js';
import { createRng } from '../../src/random.js';
import { balanceWeights, gradNormWeights, termGradientNorms } from '../../src/train/balancing.js';
import { flattenGrads } from '../../src/train/params.js';
import { buildTermData, disposeTermData, termLosses } from '../../src/train/termData.js';
import { train } from '../../src/train/trainer.js';
import { poissonFixture } from './poissonFixture.js';

beforeAll(async () => {
  await setBackend('wasm');
});

describe('gradient-norm weighting (Wang et al. 2023)', () => {
  it('follows λ̂_i = Σ_j g_j / g_i and λ ← α λ + (1 − α) λ̂ on a two-term toy, by hand', () => {
    // g = (3, 1): Σ = 4, λ̂ = (4/3, 4); from λ = (1, 1) with α = 0.9: (0.9 + 0.4/3, 0.9 + 0.4).
    const next = gradNormWeights([3, 1], [1, 1], 0.9);
    expect(next[0]).toBeCloseTo(0.9 + 0.4 / 3, 12);
    expect(next[1]).toBeCloseTo(1.3, 12);
    // α = 0 takes λ̂ itself; a second update averages with the first.
    expect(gradNormWeights([3, 1], [1, 1], 0)).toEqual([4 / 3, 4]);
    const twice = gradNormWeights([2, 6], next, 0.9);
    expect(twice[0]).toBeCloseTo(0.9 * next[0]! + 0.1 * (8 / 2), 12);
    expect(twice[1]).toBeCloseTo(0.9 * next[1]! + 0.1 * (8 / 6), 12);
  });

  it('keeps the weight of a term whose gradient vanishes or is not finite', () => {
    expect(gradNormWeights([0, 2], [5, 1], 0.5)).toEqual([5, 0.5 * 1 + 0.5 * (2 / 2)]);
    expect(gradNormWeights([Number.NaN, 0], [5, 7], 0.5)).toEqual([5, 7]);
  });

  it('makes every weighted term pull with the same gradient norm (α = 0)', () => {
    const problem = poissonFixture();
    const model = createKan({ width: [2, 3, 1], grid: 4, seed: 1 });
    const rng = createRng(3);
    const data = problem.terms.map((term) => buildTermData(problem, model, term, term.sample(term.region === 'interior' ? 60 : 40, rng, 'random')));
    const norms = termGradientNorms(model, data);
    expect(norms.every((g) => g > 0)).toBe(true);
    const weights = balanceWeights(model, data, [1, 1], 0);
    const weightedNorm = (t: number): number => {
      const unit = data.map((_, s) => (s === t ? weights[t]! : 0));
      const { value, grads } = tf.variableGrads(() => termLosses(model, data, unit).total, model.variables());
      const flat = flattenGrads(model, grads);
      tf.dispose([value, ...Object.values(grads)]);
      return Math.hypot(...flat);
    };
    const total = norms[0]! + norms[1]!;
    expect(weightedNorm(0) / total).toBeCloseTo(1, 4);
    expect(weightedNorm(1) / total).toBeCloseTo(1, 4);
    data.forEach(disposeTermData);
    model.dispose();
  });

  it('train() balances before the first step and every balanceEvery steps, deterministically', async () => {
    const run = async (balanceEvery: number): Promise<Record<string, number>> => {
      const model = createKan({ width: [2, 3, 1], grid: 4, seed: 2 });
      const r = await train(poissonFixture(), model, { steps: 4, seed: 0, evalEvery: 0, balanceEvery, points: 80, boundaryPoints: 40 });
      model.dispose();
      return r.weights;
    };
    const off = await run(0);
    expect(Object.values(off)).toEqual(poissonFixture().terms.map((t) => t.weight));
    const on = await run(2);
    expect(Object.values(on).some((w, i) => Math.abs(w / Object.values(off)[i]! - 1) > 1e-3)).toBe(true);
    expect(await run(2)).toEqual(on);
  }, 60_000);
});
