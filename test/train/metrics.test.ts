import { describe, expect, it } from 'vitest';
import { accuracy } from '../../src/train/metrics.js';
import type { ModelBase } from '../../src/model/types.js';
import type { TestSet } from '../../src/problem/types.js';

/** A stand-in model that returns fixed outputs (accuracy only calls `evaluate` and reads `outputs`). */
function fixedModel(outputs: Record<string, number[]>): ModelBase {
  const names = Object.keys(outputs);
  return {
    inputs: ['x'], outputs: names, width: [1, names.length],
    evaluate: () => Object.fromEntries(names.map((n) => [n, Float32Array.from(outputs[n]!)])),
  } as unknown as ModelBase;
}

/** Two unknowns at 4 points: u* small, v* ten times larger. */
const TEST: TestSet = {
  coords: Float32Array.from([0, 1, 2, 3]),
  count: 4,
  // Row-major [point, unknown]: (u*, v*) = (1, 10), (−1, −10), (1, 10), (−1, −10).
  values: Float32Array.from([1, 10, -1, -10, 1, 10, -1, -10]),
  source: 'exact',
};

describe('accuracy', () => {
  it('reports each unknown alone besides the pooled errors, so a poor small unknown does not hide', () => {
    // u is off by 0.5 everywhere (rel. L2 0.5); v is exact.
    const a = accuracy(fixedModel({ u: [1.5, -0.5, 1.5, -0.5], v: [10, -10, 10, -10] }), TEST);
    expect(Object.keys(a.unknowns)).toEqual(['u', 'v']);
    expect(a.unknowns.u!.relL2).toBeCloseTo(0.5, 12);
    expect(a.unknowns.u!.maxAbsErr).toBeCloseTo(0.5, 12);
    expect(a.unknowns.u!.mse).toBeCloseTo(0.25, 12);
    expect(a.unknowns.v).toEqual({ relL2: 0, maxAbsErr: 0, mse: 0 });
    // Pooled: √(4·0.25 / (4·1 + 4·100)) ≈ 0.0497, ten times smaller than u's own error.
    expect(a.relL2).toBeCloseTo(Math.sqrt(1 / 404), 12);
    expect(a.maxAbsErr).toBeCloseTo(0.5, 12);
    expect(a.mse).toBeCloseTo(1 / 8, 12);
  });

  it('falls back to the root mean square error for an unknown that is zero everywhere', () => {
    const zero: TestSet = { ...TEST, values: Float32Array.from([0, 10, 0, -10, 0, 10, 0, -10]) };
    const a = accuracy(fixedModel({ u: [0.3, -0.3, 0.3, -0.3], v: [10, -10, 10, -10] }), zero);
    expect(a.unknowns.u!.relL2).toBeCloseTo(0.3, 6);
    expect(Number.isFinite(a.relL2)).toBe(true);
  });
});
