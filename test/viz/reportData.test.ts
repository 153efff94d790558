/**
 * The report data of real problems (no training): the sampling grid and its hole mask against a
 * plain-JS disk test, the nearest-reference fill against brute force, the exact field blank in the
 * holes, and the points the edges are sampled on lying inside the domain.
 */
import { describe, expect, it } from 'vitest';
import { createModel } from '../../src/index.js';
import { createRng } from '../../src/random.js';
import { resolveProblem } from '../../problems/index.js';
import { domainPoints, fieldGrid, nearestValues, sampleField } from '../../solvers/reportData.js';

/** PINNacle Poisson 2d-C: [-0.5, 0.5]² minus disks r = 0.1 at (±0.3, ±0.3). */
const HOLES = [[0.3, 0.3], [-0.3, 0.3], [0.3, -0.3], [-0.3, -0.3]] as const;
const RADIUS = 0.1;
/** Points this close to a circle may fall either way (the domain test has a tolerance). */
const EDGE = 1e-3;

const holeDistance = (x: number, y: number): number => Math.min(...HOLES.map(([cx, cy]) => Math.hypot(x - cx, y - cy))) - RADIUS;

/** Brute-force nearest neighbour: the oracle for `nearestValues`. */
function bruteNearest(coords: Float32Array, values: Float32Array, dim: number, query: Float32Array, count: number): Float32Array {
  const out = new Float32Array(count);
  for (let q = 0; q < count; q++) {
    let best = 0, bestD = Infinity;
    for (let n = 0; n < coords.length / dim; n++) {
      let d = 0;
      for (let a = 0; a < dim; a++) d += (coords[n * dim + a]! - query[q * dim + a]!) ** 2;
      if (d < bestD) { bestD = d; best = n; }
    }
    out[q] = values[best]!;
  }
  return out;
}

const randomPoints = (seed: number, count: number, dim: number, scale: number[]): Float32Array => {
  const rng = createRng(seed);
  return Float32Array.from({ length: count * dim }, (_, k) => (rng.next() - 0.3) * scale[k % dim]!);
};

describe('nearestValues', () => {
  it.each([1, 2, 3])('matches brute force in %i-D, for clustered data and queries outside its box', (dim) => {
    const count = 400;
    const scale = [1, 7, 0.2].slice(0, dim);
    const coords = randomPoints(dim, count, dim, scale);
    // A dense cluster in one corner: buckets of very different sizes.
    for (let n = 0; n < 100; n++) for (let a = 0; a < dim; a++) coords[n * dim + a] = coords[n * dim + a]! * 0.05;
    const values = Float32Array.from({ length: count }, (_, n) => n);
    const query = randomPoints(100 + dim, 300, dim, scale.map((s) => s * 1.6));
    expect(Array.from(nearestValues({ coords, count, values }, dim, 1, query, 300))).toEqual(Array.from(bruteNearest(coords, values, dim, query, 300)));
  });

  it('reads the first unknown of multi-output reference rows and gives NaN without data', () => {
    const test = { coords: Float32Array.of(0, 0, 1, 1), count: 2, values: Float32Array.of(5, -5, 7, -7) };
    expect(Array.from(nearestValues(test, 2, 2, Float32Array.of(0.9, 0.8, 0.1, 0.2), 2))).toEqual([7, 5]);
    expect(Array.from(nearestValues({ coords: new Float32Array(0), count: 0, values: new Float32Array(0) }, 2, 1, Float32Array.of(0, 0), 1))).toEqual([NaN]);
  });
});

describe('fieldGrid', () => {
  it('pinnacle-poisson-2d-c: a 100 x 100 grid over the square whose mask is 0 exactly in the four disks', () => {
    const grid = fieldGrid(resolveProblem('pinnacle-poisson-2d-c'));
    expect(grid.axes.map((a) => [a.name, a.values.length, a.values[0], a.values[99]])).toEqual([['x', 100, -0.5, 0.5], ['y', 100, -0.5, 0.5]]);
    expect(grid.times).toBeUndefined();
    expect(grid.count).toBe(10_000);
    let holes = 0;
    for (let n = 0; n < grid.count; n++) {
      const d = holeDistance(grid.coords[2 * n]!, grid.coords[2 * n + 1]!);
      if (Math.abs(d) < EDGE) continue;
      expect(grid.inside![n]).toBe(d > 0 ? 1 : 0);
      if (d < 0) holes++;
    }
    // Four disks of area π r² over the square's area 1, sampled at 10^4 points.
    expect(Math.abs(holes / grid.count - 4 * Math.PI * RADIUS ** 2)).toBeLessThan(0.01);
  });

  it('heat1d: 41 frames of 101 points, x fastest within a frame, t constant per frame, every point inside', () => {
    const problem = resolveProblem('heat1d');
    const grid = fieldGrid(problem);
    expect([grid.frameSize, grid.times!.length, grid.count]).toEqual([101, 41, 4141]);
    expect(problem.variables).toEqual(['x', 't']);
    for (const [frame, ix] of [[0, 0], [20, 50], [40, 100]] as const) {
      const n = frame * 101 + ix;
      expect([grid.coords[2 * n], grid.coords[2 * n + 1]]).toEqual([Math.fround(ix / 100), Math.fround(frame / 40)]);
    }
    expect(grid.inside!.every((v) => v === 1)).toBe(true);
  });
});

describe('sampleField and domainPoints', () => {
  it('pinnacle-poisson-2d-c: the exact field is the nearest reference value inside and NaN in the holes', () => {
    const problem = resolveProblem('pinnacle-poisson-2d-c');
    const model = createModel({ kind: 'kan', width: [2, 3, 1], grid: 3, seed: 1 });
    const grid = fieldGrid(problem);
    const field = sampleField(problem, model, grid);
    model.dispose();
    const exact = Float32Array.from(field.exact!);
    const test = problem.testSet!();
    const oracle = bruteNearest(test.coords, test.values, 2, grid.coords, grid.count);
    expect(field.mask).toBe(grid.inside);
    for (let n = 0; n < grid.count; n++) {
      if (grid.inside![n]) expect(exact[n]).toBe(oracle[n]);
      else expect(exact[n]).toBeNaN();
    }
    expect(field.predicted.length).toBe(grid.count);
    expect(Array.from(field.predicted).every(Number.isFinite)).toBe(true);
  });

  it('heat1d: the exact field is exp(-0.4 π² t) sin(π x) on every frame', () => {
    const problem = resolveProblem('heat1d');
    const model = createModel({ kind: 'kan', width: [2, 3, 1], grid: 3, seed: 1 });
    const grid = fieldGrid(problem);
    const field = sampleField(problem, model, grid);
    model.dispose();
    expect(field.times).toEqual(grid.times);
    for (let n = 0; n < grid.count; n += 37) {
      const x = grid.coords[2 * n]!, t = grid.coords[2 * n + 1]!;
      expect(field.exact![n]).toBeCloseTo(Math.exp(-0.4 * Math.PI ** 2 * t) * Math.sin(Math.PI * x), 5);
    }
  });

  it('domainPoints keeps at most `max` grid points, all outside the holes, spread over the square', () => {
    const problem = resolveProblem('pinnacle-poisson-2d-c');
    const { points, count } = domainPoints(problem, fieldGrid(problem), 1000);
    expect(count).toBeGreaterThan(800);
    expect(count).toBeLessThanOrEqual(1000);
    let lo = Infinity, hi = -Infinity;
    for (let n = 0; n < count; n++) {
      expect(holeDistance(points[2 * n]!, points[2 * n + 1]!)).toBeGreaterThan(-EDGE);
      lo = Math.min(lo, points[2 * n]!);
      hi = Math.max(hi, points[2 * n]!);
    }
    expect([lo, hi]).toEqual([-0.5, 0.5]);
  });
});
