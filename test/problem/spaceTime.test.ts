import { describe, expect, it } from 'vitest';
import { resolveProblem } from '../../problems/index.js';
import { createRng } from '../../src/random.js';

/** |corr(x, t)| of a space-time point set above this means the sampler paired them. */
const MAX_CORRELATION = 0.15;

function correlation(coords: Float32Array, count: number, dim: number, a: number, b: number): number {
  let sa = 0, sb = 0, sab = 0, saa = 0, sbb = 0;
  for (let n = 0; n < count; n++) {
    const x = coords[n * dim + a]!;
    const y = coords[n * dim + b]!;
    sa += x; sb += y; sab += x * y; saa += x * x; sbb += y * y;
  }
  const cov = sab / count - (sa / count) * (sb / count);
  return cov / Math.sqrt((saa / count - (sa / count) ** 2) * (sbb / count - (sb / count) ** 2));
}

describe('space-time sampling', () => {
  for (const method of ['sobol', 'halton', 'random'] as const) {
    it(`draws time independently of space (${method}): interior and boundary×time cover the whole rectangle`, () => {
      const problem = resolveProblem('heat1d');
      for (const term of problem.terms.filter((t) => t.region !== 'initial')) {
        const points = term.sample(400, createRng(3), method);
        expect(Math.abs(correlation(points.coords, points.count, 2, 0, 1)), `${term.name}`).toBeLessThan(MAX_CORRELATION);
        // Each boundary face sees early and late times alike.
        if (term.region === 'boundary') {
          for (const face of [0, 1]) {
            const times = Array.from({ length: points.count }, (_, n) => n).filter((n) => points.coords[2 * n] === face).map((n) => points.coords[2 * n + 1]!);
            expect(Math.min(...times), `face x=${face}`).toBeLessThan(0.1);
            expect(Math.max(...times), `face x=${face}`).toBeGreaterThan(0.9);
          }
        }
      }
    });
  }
});
