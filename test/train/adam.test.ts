import { describe, expect, it } from 'vitest';
import { Adam, ADAM_DEFAULTS } from '../../src/train/adam.js';
import { learningRateAt, parseSchedule, formatSchedule, type Schedule } from '../../src/options/schedule.js';
import { KanpinnInputError, TrainingError } from '../../src/errors.js';
import { createRng } from '../../src/random.js';

const ULP_TOL = 1e-14;

/** Textbook Adam (Kingma & Ba, Algorithm 1) on plain arrays: the oracle. */
function referenceAdam(x0: number[], grads: number[][], lr: number, b1 = 0.9, b2 = 0.999, eps = 1e-8): number[] {
  const x = [...x0];
  const m = x.map(() => 0);
  const v = x.map(() => 0);
  grads.forEach((g, k) => {
    for (let i = 0; i < x.length; i++) {
      const gi = g[i] as number;
      m[i] = b1 * (m[i] as number) + (1 - b1) * gi;
      v[i] = b2 * (v[i] as number) + (1 - b2) * gi * gi;
      const mHat = (m[i] as number) / (1 - b1 ** (k + 1));
      const vHat = (v[i] as number) / (1 - b2 ** (k + 1));
      x[i] = (x[i] as number) - (lr * mHat) / (Math.sqrt(vHat) + eps);
    }
  });
  return x;
}

function expectClose(actual: ArrayLike<number>, expected: ArrayLike<number>, tol: number): void {
  expect(actual.length).toBe(expected.length);
  for (let i = 0; i < expected.length; i++) expect(Math.abs((actual[i] as number) - (expected[i] as number))).toBeLessThan(tol);
}

describe('Adam', () => {
  it('first step moves each coordinate by lr·g/(|g| + ε) (bias correction makes m̂ = g, v̂ = g²)', () => {
    const x = Float64Array.of(1, -2, 0.5);
    const g = Float64Array.of(0.5, -3, 1e-9);
    new Adam({ lr: 0.1 }).step(x, g);
    expectClose(x, [1 - (0.1 * 0.5) / (0.5 + 1e-8), -2 + (0.1 * 3) / (3 + 1e-8), 0.5 - (0.1 * 1e-9) / (1e-9 + 1e-8)], ULP_TOL);
  });

  it('matches the textbook algorithm over several steps with changing gradients', () => {
    const rng = createRng(5);
    const grads = Array.from({ length: 6 }, () => Array.from({ length: 4 }, () => rng.normal()));
    const x0 = [0.3, -1, 2, 0];
    const x = Float64Array.from(x0);
    const adam = new Adam({ lr: 0.05 });
    for (const g of grads) adam.step(x, Float64Array.from(g));
    expectClose(x, referenceAdam(x0, grads, 0.05), 1e-13);
    expect(adam.steps).toBe(6);
  });

  it('uses the lr passed to step instead of options.lr', () => {
    const x = Float64Array.of(1);
    const adam = new Adam({ lr: 0.5 });
    adam.step(x, Float64Array.of(2), 0);
    expect(x[0]).toBe(1);
    adam.step(x, Float64Array.of(2), 0.01);
    // A constant gradient keeps m̂ = g and v̂ = g² at every step.
    expectClose(x, [1 - (0.01 * 2) / (2 + 1e-8)], ULP_TOL);
  });

  it('applies weight decay as λx added to g (l2) or as x·(1 − lr·λ) before the update (decoupled)', () => {
    const g = [0.2, -0.4];
    const x0 = [1.5, -0.5];
    const l2 = Float64Array.from(x0);
    new Adam({ lr: 0.1, weightDecay: 0.01 }).step(l2, Float64Array.from(g));
    expectClose(l2, referenceAdam(x0, [g.map((gi, i) => gi + 0.01 * (x0[i] as number))], 0.1), ULP_TOL);
    const decoupled = Float64Array.from(x0);
    new Adam({ lr: 0.1, weightDecay: 0.01, weightDecayMode: 'decoupled' }).step(decoupled, Float64Array.from(g));
    expectClose(decoupled, referenceAdam(x0.map((v) => v * (1 - 0.1 * 0.01)), [g], 0.1), ULP_TOL);
  });

  it('converges on an ill-scaled quadratic with a cosine schedule', () => {
    const centre = [1, -2, 3, 0.5];
    const scale = [1, 10, 100, 0.1];
    const x = new Float64Array(4);
    const adam = new Adam();
    const total = 3000;
    for (let k = 0; k < total; k++) {
      const g = Float64Array.from(x, (v, i) => (scale[i] as number) * (v - (centre[i] as number)));
      adam.step(x, g, learningRateAt({ kind: 'cosine', minFactor: 0 }, 0.05, k, total));
    }
    expectClose(x, centre, 1e-4);
  });

  it('refuses a non-finite gradient with a TrainingError and leaves x unchanged', () => {
    const x = Float64Array.of(1, 2);
    const adam = new Adam();
    expect(() => adam.step(x, Float64Array.of(0.1, Number.NaN))).toThrow(new TrainingError('Adam.step: gradient entry 1 is NaN; parameters left unchanged'));
    expect(Array.from(x)).toEqual([1, 2]);
    expect(adam.steps).toBe(0);
  });

  it('refuses bad options and mismatched lengths with a message naming the field', () => {
    expect(ADAM_DEFAULTS).toMatchObject({ beta1: 0.9, beta2: 0.999, epsilon: 1e-8, weightDecay: 0 });
    expect(() => new Adam({ beta2: 1 })).toThrow(new KanpinnInputError('Adam options.beta2: expected a number in [0, 1), found 1'));
    expect(() => new Adam({ lr: 0 })).toThrow(new KanpinnInputError('Adam options.lr: expected a positive finite number, found 0'));
    const adam = new Adam();
    expect(() => adam.step(new Float64Array(2), new Float64Array(3))).toThrow(new KanpinnInputError('Adam.step: grad has length 3 but x has length 2'));
    adam.step(new Float64Array(2), new Float64Array(2));
    expect(() => adam.step(new Float64Array(3), new Float64Array(3))).toThrow(
      new KanpinnInputError('Adam.step: x has length 3 but the moments are for length 2 (call reset() after changing the parameters)'));
    adam.reset();
    expect(() => adam.step(new Float64Array(3), new Float64Array(3))).not.toThrow();
  });
});

describe('learning-rate schedules', () => {
  it('constant keeps lr', () => {
    expect(learningRateAt({ kind: 'constant' }, 0.01, 12345, 100)).toBe(0.01);
  });

  it('exponential decays smoothly as lr·γ^(k/every)', () => {
    const s: Schedule = { kind: 'exponential', gamma: 0.9, every: 1000 };
    expect(learningRateAt(s, 0.1, 0, 0)).toBe(0.1);
    expect(learningRateAt(s, 0.1, 1000, 0)).toBeCloseTo(0.09, 15);
    expect(learningRateAt(s, 0.1, 500, 0)).toBeCloseTo(0.1 * Math.sqrt(0.9), 15);
    expect(learningRateAt(s, 0.1, 3000, 0)).toBeCloseTo(0.1 * 0.729, 15);
  });

  it('step decays by γ once every `every` steps', () => {
    const s: Schedule = { kind: 'step', gamma: 0.5, every: 100 };
    expect([0, 99, 100, 199, 200, 450].map((k) => learningRateAt(s, 1, k, 0))).toEqual([1, 1, 0.5, 0.5, 0.25, 0.0625]);
  });

  it('cosine goes from lr through the middle value to minFactor·lr and stays there', () => {
    const s: Schedule = { kind: 'cosine', minFactor: 0.1 };
    expect(learningRateAt(s, 2, 0, 100)).toBeCloseTo(2, 15);
    expect(learningRateAt(s, 2, 50, 100)).toBeCloseTo(2 * (0.1 + 0.9 * 0.5), 15);
    expect(learningRateAt(s, 2, 25, 100)).toBeCloseTo(2 * (0.1 + 0.9 * 0.5 * (1 + Math.SQRT1_2)), 14);
    expect(learningRateAt(s, 2, 100, 100)).toBeCloseTo(0.2, 15);
    expect(learningRateAt(s, 2, 150, 100)).toBeCloseTo(0.2, 15);
  });

  it('parses the CLI forms and formats them back', () => {
    expect(parseSchedule('constant')).toEqual({ kind: 'constant' });
    expect(parseSchedule('exp:0.9:1000')).toEqual({ kind: 'exponential', gamma: 0.9, every: 1000 });
    expect(parseSchedule('exp:0.99')).toEqual({ kind: 'exponential', gamma: 0.99, every: 1 });
    expect(parseSchedule('cosine')).toEqual({ kind: 'cosine', minFactor: 0 });
    expect(parseSchedule(' Cosine:0.01 ')).toEqual({ kind: 'cosine', minFactor: 0.01 });
    expect(parseSchedule('step:0.5:200')).toEqual({ kind: 'step', gamma: 0.5, every: 200 });
    for (const text of ['constant', 'exp:0.9:1000', 'cosine', 'cosine:0.01', 'step:0.5:200']) {
      expect(formatSchedule(parseSchedule(text))).toBe(text);
    }
  });

  it('refuses malformed schedules with a message naming the flag and the expected forms', () => {
    const forms = 'constant, exp:GAMMA[:EVERY], cosine[:MIN_FACTOR] or step:GAMMA:EVERY';
    expect(() => parseSchedule('linear')).toThrow(new KanpinnInputError(`--lr-schedule: expected ${forms}, found "linear"`));
    expect(() => parseSchedule('step:0.5')).toThrow(new KanpinnInputError(`--lr-schedule: expected ${forms}, found "step:0.5"`));
    expect(() => parseSchedule('constant:1', '--schedule')).toThrow(new KanpinnInputError(`--schedule: expected ${forms}, found "constant:1"`));
    expect(() => parseSchedule('exp:abc:10')).toThrow(new KanpinnInputError('--lr-schedule: exp GAMMA must be a number in (0, 1], found "abc"'));
    expect(() => parseSchedule('exp:1.5')).toThrow(new KanpinnInputError('--lr-schedule: exp GAMMA must be a number in (0, 1], found "1.5"'));
    expect(() => parseSchedule('step:0.5:2.5')).toThrow(new KanpinnInputError('--lr-schedule: step EVERY must be a positive integer, found "2.5"'));
    expect(() => parseSchedule('cosine:2')).toThrow(new KanpinnInputError('--lr-schedule: cosine MIN_FACTOR must be a number in [0, 1], found "2"'));
  });
});
