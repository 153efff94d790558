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
  'cube minus a ball (3-D)': {
    spec: { type: 'difference', of: { type: 'box', min: [0, 0, 0], max: [1, 1, 1] }, minus: [{ type: 'ball', center: [0.5, 0.5, 0.5], radius: 0.3 }] },
    selectors: ['boundary', 'z > 0.5'],
    normal: ([x, y, z]: number[]) => {
      const r = Math.hypot((x as number) - 0.5, (y as number) - 0.5, (z as number) - 0.5);
      if (Math.abs(r - 0.3) < 1e-9) return [(0.5 - (x as number)) / 0.3, (0.5 - (y as number)) / 0.3, (0.5 - (z as number)) / 0.3];
      const faces = [0, 1, 2].flatMap((d) => {
        const v = [x, y, z][d] as number;
        const n = [0, 0, 0];
        if (v === 0) n[d] = -1;
        else if (v === 1) n[d] = 1;
        else return [];
        return [n];
      });
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
            const spatial = domain.spec.type === 'difference' && domain.spec.of.type === 'box' ? ['x', 'y', 'z'] : ['x', 'y'];
            const problem = defineProblem({
              name: 'normals',
              variables: spatial,
              ...(time ? { time: [0, 1] } : {}),
              domain: domain.spec,
              pde: time ? 'u_t - lap(u)' : 'lap(u)',
              conditions: [{ ...condition, on }],
            });
            const term = problem.terms[1] as LossTerm;
            const width = problem.variables.length;
            for (const method of METHODS) {
              const points = term.sample(120, createRng(3), method);
              expect(points.count).toBeGreaterThan(10);
              const columns = spatial.map((v) => points.extra?.[`n_${v}`] as Float32Array);
              columns.forEach((column) => expect(column).toHaveLength(points.count));
              let checked = 0;
              for (let i = 0; i < points.count; i++) {
                const p = spatial.map((_, d) => points.coords[i * width + d] as number);
                const n = columns.map((column) => column[i] as number);
                expect(Math.hypot(...n), `${method}: unit normal at point ${i}`).toBeCloseTo(1, 5);
                const expected = domain.normal(p);
                if (expected === undefined) continue;
                n.forEach((v, d) => expect(v, `${method}: n_${spatial[d]} at (${p.join(', ')})`).toBeCloseTo(expected[d] as number, 4));
                checked++;
              }
              // Coarse meshes put many points on edges and corners, where any face normal is right.
              expect(checked).toBeGreaterThan(points.count / 8);
            }
          });
        }
      }
    }
  }
});
