/**
 * The ε schedule of causal training (Wang et al. 2022): the update rule on its own, on a toy
 * sequence of bin losses, and inside the trainer (the history's causalEps column).
 */
import * as tf from '../../src/tf.js';
import { beforeAll, describe, expect, it } from 'vitest';
import { setBackend } from '../../src/backend.js';
import { createKan } from '../../src/kan/model.js';
import { defineProblem } from '../../src/problem/define.js';
import { causalWeights } from '../../src/train/termData.js';
import { CAUSAL_GROWTH, nextCausalEpsilon } from '../../src/train/causalSchedule.js';
import { train } from '../../src/train/trainer.js';

beforeAll(async () => {
  await setBackend('wasm');
});

const heat = defineProblem({
  name: 'heat',
  variables: ['x'],
  time: [0, 1],
  domain: { type: 'interval', min: 0, max: 1 },
  pde: 'u_t - 0.1*u_xx',
  conditions: [{ type: 'dirichlet', on: 'boundary', value: 0 }, { type: 'initial', value: 'sin(pi*x)' }],
});

describe('causal ε schedule', () => {
  const options = { threshold: 0.99, max: 100 };

  it('raises ε tenfold once the last bin weight exceeds the threshold, up to the cap', () => {
    expect(CAUSAL_GROWTH).toBe(10);
    expect(nextCausalEpsilon(0.01, 0.995, options)).toBeCloseTo(0.1, 12);
    expect(nextCausalEpsilon(0.01, 0.99, options)).toBe(0.01); // strictly above
    expect(nextCausalEpsilon(0.01, 0.5, options)).toBe(0.01);
    expect(nextCausalEpsilon(50, 1, options)).toBe(100); // capped
    expect(nextCausalEpsilon(100, 1, options)).toBe(100);
    expect(nextCausalEpsilon(1, Number.NaN, options)).toBe(1); // no evaluation yet
    expect(nextCausalEpsilon(1, 1, { threshold: 0.99, max: 0 })).toBe(1); // no schedule
  });

  it('on a toy whose bin losses shrink as training goes, ε climbs only while the last bin is already resolved', () => {
    // Eight bins, each loss 0.1 at first and ×0.1 per "phase" of training: Σ_{k<last} L_k = 0.7·0.1^phase.
    let epsilon = 0.01;
    const trace: number[] = [];
    for (let phase = 0; phase < 4; phase++) {
      const losses = new Array<number>(8).fill(0.1 * 0.1 ** phase);
      // Within a phase the losses stay: ε rises until the last weight falls to the threshold or below.
      for (let check = 0; check < 10; check++) {
        const w = causalWeights(losses, epsilon);
        epsilon = nextCausalEpsilon(epsilon, w[w.length - 1]!, options);
      }
      trace.push(epsilon);
      // The fixed point: the last weight ≤ 0.99, or ε at its cap.
      const last = causalWeights(losses, epsilon)[7]!;
      expect(last <= 0.99 || epsilon === 100).toBe(true);
    }
    // The last weight is exp(−ε·0.7·0.1^phase): > 0.99 while ε·0.7·0.1^phase < 0.01005, so phase 0
    // climbs 0.01 → 0.1 (exp(−0.07) = 0.93 stops it), and each later phase one decade more.
    expect(trace.map((e) => Number(e.toPrecision(3)))).toEqual([0.1, 1, 10, 100]);
  });

  it('raises ε in training and records it in the history; refuses a schedule without causal weighting', async () => {
    const model = createKan({ width: [2, 3, 1], grid: 4, seed: 0, inputs: heat.variables, outputs: heat.unknowns });
    const before = tf.memory().numTensors;
    const result = await train(heat, model, { steps: 4, seed: 0, causal: 1e-4, causalMax: 1, causalBins: 8, points: 100, boundaryPoints: 20, gridUpdateEvery: 0 });
    expect(result.status).toBe('completed');
    expect(tf.memory().numTensors).toBe(before);
    const column = result.history.columns.indexOf('causalEps');
    const eps = result.history.rows.map((r) => r[column]!);
    expect(eps[0]).toBe(1e-4);
    // A fresh model's loss is O(1): exp(−1e-4·ΣL) > 0.99 at once, so ε rises by decades to the cap.
    for (let i = 1; i < eps.length; i++) expect(eps[i]! === eps[i - 1]! || Math.abs(eps[i]! / eps[i - 1]! - 10) < 1e-9 || eps[i] === 1).toBe(true);
    expect(eps[eps.length - 1]).toBeGreaterThan(1e-4);
    model.dispose();
    const fixed = createKan({ width: [2, 3, 1], grid: 4, seed: 0, inputs: heat.variables, outputs: heat.unknowns });
    const plain = await train(heat, fixed, { steps: 1, seed: 0, causal: 1, points: 50, boundaryPoints: 10 });
    expect(plain.history.columns).not.toContain('causalEps');
    await expect(train(heat, fixed, { causalMax: 10 })).rejects.toThrow(/^causalMax: .*--causal EPS/);
    await expect(train(heat, fixed, { causal: 1, causalThreshold: 0 })).rejects.toThrow('causalThreshold: expected a number in (0, 1], got 0');
    fixed.dispose();
  });
});
