import { describe, expect, it } from 'vitest';
import { createRng, defineProblem } from '../../src/index.js';
import type { LossTerm, SamplingMethod } from '../../src/index.js';

/**
 * Every boundary condition's sampled outward normals, checked against the geometry at the sampled
 * point, for each condition type × with/without time × `on` selector × sampling method. A normal
 * stored with the wrong stride (e.g. the space-time width instead of the spatial one) belongs to
 * another point, which these checks see.
 */
const METHODS: SamplingMethod[] = ['random', 'sobol', 'halton', 'mesh'];
const CONDITIONS = [
  { type: 'dirichlet', value: 0 },
  { type: 'neumann', value: 0 },
  { type: 'robin', alpha: 1, beta: 1, value: 0 },
] as const;

/** Expected outward normal at a spatial point of each domain (undefined at a corner, where any face normal is fine). */
const DOMAINS = {
  disk: {
    spec: { type: 'disk', center: [0.5, -0.25], radius: 0.75 },
    selectors: ['boundary', 'x > 0.5'],
    normal: ([x, y]: number[]) => [((x as number) - 0.5) / 0.75, ((y as number) + 0.25) / 0.75],
  },
  rectangle: {
    spec: { type: 'rectangle', min: [0, 0], max: [1, 2] },
    selectors: ['boundary', 'x == 1 or y == 0'],
    normal: ([x, y]: number[]) => {
      const faces = [x === 0 ? [-1, 0] : null, x === 1 ? [1, 0] : null, y === 0 ? [0, -1] : null, y === 2 ? [0, 1] : null].filter((n) => n !== null);
      return faces.length === 1 ? faces[0] : undefined;
    },
  },
  'disk minus a disk': {
    spec: { type: 'difference', of: { type: 'disk', center: [0, 0], radius: 1 }, minus: [{ type: 'disk', center: [0, 0], radius: 0.4 }] },
    selectors: ['boundary', 'y > 0'],
    normal: ([x, y]: number[]) => {
      const r = Math.hypot(x as number, y as number);
      const sign = r > 0.7 ? 1 : -1;
      return [(sign * (x as number)) / r, (sign * (y as number)) / r];
    },
  },
} as const;

describe('boundary normals', () => {
  for (const [domainName, domain] of Object.entries(DOMAINS)) {
    for (const condition of CONDITIONS) {
      for (const time of [false, true]) {
        for (const on of domain.selectors) {
          it(`${condition.type} on ${domainName}${time ? ' × time' : ''}, on "${on}": each point carries its own outward normal`, () => {
            const problem = defineProblem({
              name: 'normals',
              variables: ['x', 'y'],
              ...(time ? { time: [0, 1] } : {}),
              domain: domain.spec,
              pde: time ? 'u_t - u_xx - u_yy' : 'u_xx + u_yy',
              conditions: [{ ...condition, on }],
            });
            const term = problem.terms[1] as LossTerm;
            const width = problem.variables.length;
            for (const method of METHODS) {
              const points = term.sample(120, createRng(3), method);
              expect(points.count).toBeGreaterThan(10);
              const nx = points.extra?.n_x as Float32Array;
              const ny = points.extra?.n_y as Float32Array;
              expect(nx).toHaveLength(points.count);
              let checked = 0;
              for (let i = 0; i < points.count; i++) {
                const p = [points.coords[i * width] as number, points.coords[i * width + 1] as number];
                expect(Math.hypot(nx[i] as number, ny[i] as number), `${method}: unit normal at point ${i}`).toBeCloseTo(1, 5);
                const expected = domain.normal(p);
                if (expected === undefined) continue;
                expect(nx[i], `${method}: n_x at (${p.join(', ')})`).toBeCloseTo(expected[0] as number, 4);
                expect(ny[i], `${method}: n_y at (${p.join(', ')})`).toBeCloseTo(expected[1] as number, 4);
                checked++;
              }
              expect(checked).toBeGreaterThan(points.count / 2);
            }
          });
        }
      }
    }
  }
});
