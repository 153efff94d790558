import { describe, expect, it } from 'vitest';
import { createRng } from '../../src/index.js';
import type { SamplingMethod } from '../../src/index.js';
import { createDomain } from '../../src/problem/domain.js';
import { buildGeometry } from '../../src/problem/geometry/build.js';
import type { Geometry, PointSet } from '../../src/problem/geometry/types.js';

const TOL = 1e-9;
const METHODS: SamplingMethod[] = ['random', 'sobol', 'halton'];

const shapes: Record<string, unknown> = {
  interval: { type: 'interval', min: -1, max: 2 },
  rectangle: { type: 'rectangle', min: [-1, 0], max: [1, 3] },
  box3: { type: 'box', min: [0, 0, 0], max: [1, 2, 3] },
  disk: { type: 'disk', center: [0.5, -0.5], radius: 2 },
  triangle: { type: 'polygon', vertices: [[0, 0], [0, 1], [2, 0]] },
  'square minus disks': {
    type: 'difference',
    of: { type: 'rectangle', min: [-0.5, -0.5], max: [0.5, 0.5] },
    minus: [
      { type: 'disk', center: [0.3, 0.3], radius: 0.1 },
      { type: 'disk', center: [-0.3, -0.3], radius: 0.1 },
    ],
  },
  union: { type: 'union', of: [{ type: 'disk', center: [0, 0], radius: 1 }, { type: 'disk', center: [1.5, 0], radius: 1 }] },
  intersection: { type: 'intersection', of: [{ type: 'rectangle', min: [0, 0], max: [2, 2] }, { type: 'disk', center: [0, 0], radius: 1.5 }] },
  ball3: { type: 'ball', center: [0.5, -1, 2], radius: 0.75 },
  ball5: { type: 'ball', center: [0, 0, 0, 0, 1], radius: 1 },
  'cube minus balls': {
    type: 'difference',
    of: { type: 'box', min: [0, 0, 0], max: [1, 1, 1] },
    minus: [
      { type: 'ball', center: [0.3, 0.3, 0.3], radius: 0.15 },
      { type: 'ball', center: [0.7, 0.7, 0.6], radius: 0.2 },
    ],
  },
};

function row(set: PointSet, i: number, width = set.dim): number[] {
  return [...set.coords.subarray(i * width, i * width + width)];
}

function normal(set: PointSet, i: number, dim: number): number[] {
  return [...(set.normals as Float64Array).subarray(i * dim, i * dim + dim)];
}

describe.each(Object.entries(shapes))('%s', (_name, spec) => {
  const g: Geometry = buildGeometry(spec, 'domain');

  it.each(METHODS)('samples the asked number of interior points inside (%s), reproducibly', (method) => {
    const a = g.interior(createRng(3), method)(300);
    const b = g.interior(createRng(3), method)(300);
    expect(a.count).toBe(300);
    expect([...a.coords]).toEqual([...b.coords]);
    for (let i = 0; i < a.count; i++) expect(g.sdf(row(a, i))).toBeLessThanOrEqual(TOL);
  });

  it.each(METHODS)('samples boundary points on the boundary with unit outward normals (%s)', (method) => {
    const set = g.boundary(createRng(4), method)(200);
    expect(set.count).toBe(200);
    const h = 1e-4;
    for (let i = 0; i < set.count; i++) {
      const p = row(set, i);
      expect(Math.abs(g.sdf(p))).toBeLessThan(1e-9);
      const n = normal(set, i, g.dim);
      expect(Math.hypot(...n)).toBeCloseTo(1, 12);
      // Outward: a small step along n leaves the domain, a step against it enters (away from corners).
      const out = p.map((v, d) => v + h * (n[d] as number));
      const inn = p.map((v, d) => v - h * (n[d] as number));
      expect(g.sdf(out)).toBeGreaterThan(0);
      if (g.dim > 1) expect(g.sdf(inn)).toBeLessThanOrEqual(h * 1e-6);
    }
  });

  it('builds a regular mesh inside the domain', () => {
    const set = g.interior(createRng(1), 'mesh')(400);
    expect(set.count).toBeGreaterThan(100);
    for (let i = 0; i < set.count; i++) expect(g.sdf(row(set, i))).toBeLessThanOrEqual(TOL);
  });
});

describe('geometry measures', () => {
  it('spreads boundary points in proportion to length (square minus two disks)', () => {
    const g = buildGeometry(shapes['square minus disks'], 'domain');
    const set = g.boundary(createRng(8), 'random')(20000);
    let onCircles = 0;
    for (let i = 0; i < set.count; i++) {
      const [x, y] = row(set, i) as [number, number];
      if (Math.abs(x) < 0.5 - 1e-9 && Math.abs(y) < 0.5 - 1e-9) onCircles++;
    }
    const expected = (2 * 2 * Math.PI * 0.1) / (4 + 2 * 2 * Math.PI * 0.1);
    expect(onCircles / set.count).toBeCloseTo(expected, 2);
    expect(g.boundaryMeasure).toBeCloseTo(4 + 0.4 * Math.PI, 2);
    expect(g.volume).toBeCloseTo(1 - 2 * Math.PI * 0.01, 2);
  });

  it('points on the hole boundaries have normals into the hole', () => {
    const g = buildGeometry(shapes['square minus disks'], 'domain');
    const set = g.boundary(createRng(9), 'sobol')(2000);
    let checked = 0;
    for (let i = 0; i < set.count; i++) {
      const [x, y] = row(set, i) as [number, number];
      if (Math.abs(Math.hypot(x - 0.3, y - 0.3) - 0.1) < 1e-9) {
        const [nx, ny] = normal(set, i, 2) as [number, number];
        expect(nx * (0.3 - x) + ny * (0.3 - y)).toBeCloseTo(0.1, 9);
        checked++;
      }
    }
    expect(checked).toBeGreaterThan(50);
  });

  it('excludes CSG holes from interior points', () => {
    const g = buildGeometry(shapes['square minus disks'], 'domain');
    const set = g.interior(createRng(2), 'random')(5000);
    for (let i = 0; i < set.count; i++) {
      const [x, y] = row(set, i) as [number, number];
      expect(Math.hypot(x - 0.3, y - 0.3)).toBeGreaterThanOrEqual(0.1);
      expect(Math.hypot(x + 0.3, y + 0.3)).toBeGreaterThanOrEqual(0.1);
    }
  });

  it('the mesh boundary of a square puts the corners and 21 points per side', () => {
    const g = buildGeometry({ type: 'rectangle', min: [-1, -1], max: [1, 1] }, 'domain');
    const set = g.boundary(createRng(1), 'mesh')(84);
    expect(set.count).toBe(84);
    const corners = new Set<string>();
    for (let i = 0; i < set.count; i++) {
      const [x, y] = row(set, i) as [number, number];
      if (Math.abs(x) === 1 && Math.abs(y) === 1) corners.add(`${x},${y}`);
    }
    expect(corners.size).toBe(4);
  });
});

describe('balls', () => {
  it('a 3-D ball has the exact volume and surface, and boundary normals (x - c) / r', () => {
    const g = buildGeometry(shapes.ball3, 'domain', 3);
    expect(g.volume).toBeCloseTo((4 / 3) * Math.PI * 0.75 ** 3, 12);
    expect(g.boundaryMeasure).toBeCloseTo(4 * Math.PI * 0.75 ** 2, 12);
    for (const method of [...METHODS, 'mesh'] as SamplingMethod[]) {
      const set = g.boundary(createRng(5), method)(400);
      expect(set.count).toBeGreaterThan(300);
      for (let i = 0; i < set.count; i++) {
        const p = row(set, i);
        const c = [0.5, -1, 2];
        expect(Math.hypot(...p.map((v, d) => v - (c[d] as number)))).toBeCloseTo(0.75, 12);
        normal(set, i, 3).forEach((n, d) => expect(n).toBeCloseTo(((p[d] as number) - (c[d] as number)) / 0.75, 12));
      }
    }
  });

  it('spreads boundary points evenly over the sphere (each octant gets 1/8)', () => {
    for (const spec of [shapes.ball3, shapes.ball5]) {
      const g = buildGeometry(spec, 'domain');
      const c = (spec as { center: number[] }).center;
      for (const method of ['random', 'sobol'] as SamplingMethod[]) {
        const set = g.boundary(createRng(6), method)(8000);
        const octants = new Array<number>(8).fill(0);
        for (let i = 0; i < set.count; i++) {
          const p = row(set, i);
          const k = (p[0]! > c[0]! ? 1 : 0) + (p[1]! > c[1]! ? 2 : 0) + (p[2]! > c[2]! ? 4 : 0);
          octants[k]!++;
        }
        for (const n of octants) expect(n / set.count).toBeCloseTo(1 / 8, 1);
      }
    }
  });

  it('a 5-D ball: interior points inside with the radius distribution of a uniform ball, volume 8π²/15', () => {
    const g = buildGeometry(shapes.ball5, 'domain', 5);
    expect(g.dim).toBe(5);
    expect(g.volume).toBeCloseTo((8 * Math.PI ** 2) / 15, 12);
    expect(g.boundaryMeasure).toBeCloseTo((8 * Math.PI ** 2) / 3, 12);
    const set = g.interior(createRng(7), 'sobol')(4000);
    // In a uniform 5-ball P(|x - c| < r/2) = 1/32.
    let inner = 0;
    for (let i = 0; i < set.count; i++) {
      const p = row(set, i);
      const r = Math.hypot(p[0]!, p[1]!, p[2]!, p[3]!, p[4]! - 1);
      expect(r).toBeLessThanOrEqual(1);
      if (r < 0.5) inner++;
    }
    expect(inner / set.count).toBeCloseTo(1 / 32, 2);
  });

  it('cube minus balls: hole points lie on the spheres with normals -(x - c) / r, into the hole', () => {
    const g = buildGeometry(shapes['cube minus balls'], 'domain', 3);
    const holes = [
      { c: [0.3, 0.3, 0.3], r: 0.15 },
      { c: [0.7, 0.7, 0.6], r: 0.2 },
    ];
    const expectedVolume = 1 - holes.reduce((s, h) => s + (4 / 3) * Math.PI * h.r ** 3, 0);
    expect(g.volume).toBeCloseTo(expectedVolume, 2);
    expect(g.boundaryMeasure).toBeCloseTo(6 + holes.reduce((s, h) => s + 4 * Math.PI * h.r ** 2, 0), 1);
    const set = g.boundary(createRng(10), 'sobol')(3000);
    const onHole = [0, 0];
    for (let i = 0; i < set.count; i++) {
      const p = row(set, i);
      const n = normal(set, i, 3);
      holes.forEach((h, k) => {
        const dist = Math.hypot(...p.map((v, d) => v - (h.c[d] as number)));
        if (Math.abs(dist - h.r) > 1e-9) return;
        onHole[k]!++;
        n.forEach((v, d) => expect(v).toBeCloseTo(-((p[d] as number) - (h.c[d] as number)) / h.r, 12));
      });
    }
    const total = 6 + holes.reduce((s, h) => s + 4 * Math.PI * h.r ** 2, 0);
    holes.forEach((h, k) => expect(onHole[k]! / set.count).toBeCloseTo((4 * Math.PI * h.r ** 2) / total, 1));
  });

  it('refuses a sphere domain, and a disk with 3 coordinates, pointing to ball', () => {
    expect(() => buildGeometry({ type: 'sphere', center: [0, 0, 0], radius: 1 }, 'domain')).toThrow(
      'domain.type: a domain is a solid region; use "ball" (its boundary is the sphere, where boundary conditions apply)',
    );
    expect(() => buildGeometry({ type: 'disk', center: [0, 0, 0], radius: 1 }, 'domain')).toThrow('domain.center: expected 2 numbers, got 3 (use "ball" for 3 or more dimensions)');
    expect(() => buildGeometry({ type: 'ball', center: [0, 0], radius: 1 }, 'domain', 3)).toThrow('domain.center: expected 3 numbers, got 2');
  });

  it('domain bounds may be expressions over constants and params', () => {
    const g = buildGeometry({ type: 'rectangle', min: ['-pi', 0], max: ['pi', '2*L'] }, 'domain', 2, { L: 1.5 });
    expect(g.bounds).toEqual({ min: [-Math.PI, 0], max: [Math.PI, 3] });
    expect(() => buildGeometry({ type: 'interval', min: 'L', max: 1 }, 'domain', 1)).toThrow("domain.min: unknown variable 'L' (only numbers, pi, e and params may appear here)");
    expect(() => buildGeometry({ type: 'interval', min: 'log(0)', max: 1 }, 'domain', 1)).toThrow('domain.min: "log(0)" evaluates to -Infinity, expected a finite number');
  });
});

describe('space-time domain', () => {
  const domain = createDomain(buildGeometry({ type: 'disk', center: [0, 0], radius: 1 }, 'domain', 2), ['x', 'y'], [0, 2]);

  it('adds t in [t0, t1] to interior and boundary points and t0 to initial points', () => {
    const interior = domain.interior(createRng(1), 'sobol')(100);
    const boundary = domain.boundary(createRng(1), 'random')(100);
    const initial = domain.initial(createRng(1), 'halton')(100);
    for (let i = 0; i < 100; i++) {
      const [x, y, t] = row(interior, i) as [number, number, number];
      expect(Math.hypot(x, y)).toBeLessThanOrEqual(1);
      expect(t >= 0 && t <= 2).toBe(true);
      const [bx, by, bt] = row(boundary, i) as [number, number, number];
      expect(Math.hypot(bx, by)).toBeCloseTo(1, 12);
      expect(bt >= 0 && bt <= 2).toBe(true);
      expect(normal(boundary, i, 2)).toEqual([expect.closeTo(bx, 12), expect.closeTo(by, 12)]);
      expect(row(initial, i)[2]).toBe(0);
    }
  });

  it('contains() tests space and time', () => {
    const inside = domain.contains([0, 0, 1, 0.9, 0, 2, 1.1, 0, 1, 0, 0, 2.5], 4);
    expect([...inside]).toEqual([1, 1, 0, 0]);
  });
});
