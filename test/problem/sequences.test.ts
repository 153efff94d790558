import { describe, expect, it } from 'vitest';
import { createRng } from '../../src/index.js';
import { createUnitStream, haltonStream, linspace, sobolStream } from '../../src/problem/sequences.js';

function take(stream: { dim: number; next(out: Float64Array, offset?: number): void }, n: number): number[][] {
  return Array.from({ length: n }, () => {
    const u = new Float64Array(stream.dim);
    stream.next(u);
    return [...u];
  });
}

describe('unit sequences', () => {
  it('sobol without a shift gives the textbook 2-D points', () => {
    const points = take(sobolStream(2), 8);
    expect(points).toEqual([
      [0, 0],
      [0.5, 0.5],
      [0.75, 0.25],
      [0.25, 0.75],
      [0.375, 0.375],
      [0.875, 0.875],
      [0.625, 0.125],
      [0.125, 0.625],
    ]);
  });

  it('sobol puts exactly one of the first 2^k points in each dyadic interval of every axis', () => {
    const points = take(sobolStream(6), 64);
    for (let d = 0; d < 6; d++) {
      const cells = new Set(points.map((p) => Math.floor((p[d] as number) * 64)));
      expect(cells.size).toBe(64);
    }
  });

  it('halton is the radical inverse in bases 2 and 3', () => {
    const points = take(haltonStream(2), 4);
    const expected = [
      [1 / 2, 1 / 3],
      [1 / 4, 2 / 3],
      [3 / 4, 1 / 9],
      [1 / 8, 4 / 9],
    ];
    points.forEach((p, i) => p.forEach((v, d) => expect(v).toBeCloseTo(expected[i]?.[d] as number, 14)));
  });

  it('the same seed gives the same points and another seed different ones', () => {
    for (const method of ['random', 'sobol', 'halton'] as const) {
      const a = take(createUnitStream(method, 3, createRng(5)), 10);
      const b = take(createUnitStream(method, 3, createRng(5)), 10);
      const c = take(createUnitStream(method, 3, createRng(6)), 10);
      expect(a).toEqual(b);
      expect(a).not.toEqual(c);
      a.flat().forEach((v) => expect(v >= 0 && v < 1).toBe(true));
    }
  });

  it('linspace includes both ends', () => {
    expect([...linspace(-1, 1, 5)]).toEqual([-1, -0.5, 0, 0.5, 1]);
  });
});
