import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as tf from '../../src/tf.js';
import { describe, expect, it } from 'vitest';
import { KanpinnInputError, checkProblem, defineProblem } from '../../src/index.js';
import { parseFields } from '../../src/problem/fields.js';
import type { FieldContext } from '../../src/problem/fields.js';
import type { TabulatedField } from '../../src/problem/expr/fieldNode.js';
import { parseExpression } from '../../src/problem/expr/parse.js';
import type { ExprContext } from '../../src/problem/expr/parse.js';
import { compileNumeric } from '../../src/problem/expr/numeric.js';
import { compileTensor } from '../../src/problem/expr/tensor.js';
import { buildKdTree } from '../../src/problem/fieldScattered.js';
import { createRng } from '../../src/random.js';

/** The closed form the synthetic fields tabulate, and its x-derivative. */
const k = (x: number, y: number): number => 1 + 0.5 * Math.sin(Math.PI * x) * Math.cos(Math.PI * y);
const kx = (x: number, y: number): number => 0.5 * Math.PI * Math.cos(Math.PI * x) * Math.cos(Math.PI * y);
const K_SOURCE = '1 + 0.5*sin(pi*x)*cos(pi*y)';

/** Rows `x y k` of an n × n grid on [0, 1]², x slowest (the order does not matter to the reader). */
function gridRows(n: number): number[][] {
  const rows: number[][] = [];
  for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) rows.push([i / (n - 1), j / (n - 1), k(i / (n - 1), j / (n - 1))]);
  return rows;
}

const dir = mkdtempSync(join(tmpdir(), 'kanpinn-fields-'));
const GRID = 256;
const H = 1 / (GRID - 1);
// The 256 × 256 grid as a file: y slowest (the reader takes any row order), commas, a COMSOL-style header.
const gridFile = ['% Model: synthetic', '% x, y, k'];
for (let j = 0; j < GRID; j++) for (let i = 0; i < GRID; i++) gridFile.push(`${i * H}, ${j * H}, ${k(i * H, j * H)}`);
writeFileSync(join(dir, 'k.dat'), gridFile.join('\n'));

const ctx2: FieldContext = { variables: ['x', 'y'], spatial: ['x', 'y'], taken: {}, baseDir: dir };

function field(spec: Record<string, unknown>, ctx: FieldContext = ctx2): TabulatedField {
  return parseFields({ k: spec }, ctx).get('k') as TabulatedField;
}

/** Max |field − closed form| (or of the x-derivatives) at `count` random points of [0, 1]². */
function maxError(f: TabulatedField, count: number, derivative = false): number {
  const rng = createRng(7);
  let max = 0;
  for (let i = 0; i < count; i++) {
    const x = rng.next();
    const y = rng.next();
    const got = f.interpolant.evaluate([x, y], derivative ? [1, 0] : undefined);
    max = Math.max(max, Math.abs(got - (derivative ? kx(x, y) : k(x, y))));
  }
  return max;
}

describe('a 256 × 256 grid field against its closed form k = 1 + 0.5 sin(πx) cos(πy)', () => {
  const linear = field({ file: 'k.dat', interpolate: 'linear' });
  const nearest = field({ file: 'k.dat', interpolate: 'nearest' });

  it('is read as a full grid of 65,536 points over (x, y)', () => {
    expect(linear.layout).toBe('grid');
    expect(linear.points).toBe(GRID * GRID);
    expect(linear.inputs).toEqual(['x', 'y']);
  });

  it('linear interpolation is within h² · max|∇²k| / 8 per axis (second order)', () => {
    // Bilinear error ≤ (h²/8)(|k_xx| + |k_yy|) ≤ (h²/8) · π².
    const bound = (H * H * Math.PI * Math.PI) / 8;
    const error = maxError(linear, 4000);
    expect(error).toBeLessThan(bound);
    expect(error).toBeGreaterThan(bound / 20);
  });

  it('nearest interpolation is within (h/2)(|k_x| + |k_y|) (first order) and far worse than linear', () => {
    const bound = (H / 2) * Math.PI;
    const error = maxError(nearest, 4000);
    expect(error).toBeLessThan(bound);
    expect(error).toBeGreaterThan(20 * maxError(linear, 4000));
  });

  it('the errors fall as h² (linear) and h (nearest) when the grid is refined from 33 to 65 points per axis', () => {
    const at = (n: number, interpolate: string): number => maxError(field({ rows: gridRows(n), interpolate }), 4000);
    expect(at(33, 'linear') / at(65, 'linear')).toBeGreaterThan(3.3);
    expect(at(33, 'nearest') / at(65, 'nearest')).toBeGreaterThan(1.6);
    expect(at(33, 'nearest') / at(65, 'nearest')).toBeLessThan(2.5);
  });

  it('the linear field’s derivative is the cell slope: within h · max|k_xx| of k_x; nearest has derivative 0', () => {
    expect(maxError(linear, 4000, true)).toBeLessThan(H * 0.5 * Math.PI * Math.PI);
    expect(linear.interpolant.evaluate([0.3, 0.4], [2, 0])).toBe(0);
    expect(nearest.interpolant.evaluate([0.3, 0.4], [1, 0])).toBe(0);
  });

  it('is clamped to the nearest data outside the grid (constant across the edge, derivative 0)', () => {
    expect(linear.interpolant.evaluate([1.5, 0.25])).toBeCloseTo(k(1, 0.25), 6);
    expect(linear.interpolant.evaluate([-2, 2])).toBeCloseTo(k(0, 1), 6);
    expect(linear.interpolant.evaluate([1.5, 0.25], [1, 0])).toBe(0);
    expect(nearest.interpolant.evaluate([-1, 0.5])).toBeCloseTo(k(0, 0.5), 6);
  });

  it('hits the data exactly at grid nodes, also on a non-uniform axis', () => {
    expect(linear.interpolant.evaluate([17 * H, 200 * H])).toBeCloseTo(k(17 * H, 200 * H), 12);
    const xs = [0, 0.1, 0.4, 1];
    const uneven = field({ rows: xs.flatMap((x) => [0, 1].map((y) => [x, y, x * x + y])) });
    expect(uneven.layout).toBe('grid');
    expect(uneven.interpolant.evaluate([0.4, 0])).toBeCloseTo(0.16, 12);
    expect(uneven.interpolant.evaluate([0.25, 0.5])).toBeCloseTo(0.5 * (0.01 + 0.16) + 0.5, 12);
    expect(uneven.interpolant.evaluate([0.25, 0.5], [1, 0])).toBeCloseTo((0.16 - 0.01) / 0.3, 12);
  });
});

describe('scattered points', () => {
  const rng = createRng(11);
  const rows = Array.from({ length: 3000 }, () => {
    const x = rng.next();
    const y = rng.next();
    return [x, y, k(x, y)];
  });

  it('nearest returns the value of the nearest data point (brute force as the oracle)', () => {
    const f = field({ rows, interpolate: 'nearest' });
    expect(f.layout).toBe('scattered');
    const q = createRng(3);
    for (let i = 0; i < 500; i++) {
      const p = [q.next() * 1.4 - 0.2, q.next() * 1.4 - 0.2];
      let best = rows[0] as number[];
      for (const row of rows) if (Math.hypot((row[0] as number) - (p[0] as number), (row[1] as number) - (p[1] as number)) < Math.hypot((best[0] as number) - (p[0] as number), (best[1] as number) - (p[1] as number))) best = row;
      expect(f.interpolant.evaluate(p)).toBe(best[2]);
    }
  });

  // Points along the unit square's edges with the random ones, so that the hull is the whole square
  // and no long thin triangle spans an edge.
  const edges = Array.from({ length: 50 }, (_, i) => i / 50).flatMap((s) => [[s, 0], [1, s], [1 - s, 1], [0, 1 - s]]);
  const hulled = [...edges.map(([x, y]) => [x as number, y as number, k(x as number, y as number)]), ...rows];

  it('linear (Delaunay) reproduces a plane exactly, with its gradient as the derivative', () => {
    const plane = (x: number, y: number): number => 2 - 3 * x + 0.5 * y;
    const f = field({ rows: hulled.map(([x, y]) => [x as number, y as number, plane(x as number, y as number)]) });
    expect(f.layout).toBe('scattered');
    const q = createRng(4);
    for (let i = 0; i < 500; i++) {
      const [x, y] = [q.next(), q.next()];
      expect(f.interpolant.evaluate([x, y])).toBeCloseTo(plane(x, y), 10);
      expect(f.interpolant.evaluate([x, y], [1, 0])).toBeCloseTo(-3, 8);
      expect(f.interpolant.evaluate([x, y], [0, 1])).toBeCloseTo(0.5, 8);
      expect(f.interpolant.evaluate([x, y], [1, 1])).toBe(0);
    }
  });

  it('linear (Delaunay) on 3,200 scattered points is second order: 5× more accurate than nearest on them', () => {
    const linear = field({ rows: hulled });
    const nearest = field({ rows: hulled, interpolate: 'nearest' });
    // Mean spacing h ≈ 1/√3000 ≈ 0.018; the linear error is O(h²).
    expect(maxError(linear, 4000)).toBeLessThan(0.01);
    expect(maxError(linear, 4000) * 5).toBeLessThan(maxError(nearest, 4000));
  });

  it('linear (Delaunay) outside the convex hull takes the nearest data value, derivative 0', () => {
    const f = field({ rows });
    const outside = [1.3, -0.2];
    let best = rows[0] as number[];
    for (const row of rows) if (Math.hypot((row[0] as number) - 1.3, (row[1] as number) + 0.2) < Math.hypot((best[0] as number) - 1.3, (best[1] as number) + 0.2)) best = row;
    expect(f.interpolant.evaluate(outside)).toBe(best[2]);
    expect(f.interpolant.evaluate(outside, [1, 0])).toBe(0);
  });

  it('the k-d tree finds the nearest point in 3-D as brute force does', () => {
    const r = createRng(5);
    const count = 2000;
    const points = Float64Array.from({ length: count * 3 }, () => r.next());
    const tree = buildKdTree(points, count, 3);
    for (let i = 0; i < 300; i++) {
      const p = [r.next(), r.next(), r.next()];
      let best = 0;
      let bestDistance = Infinity;
      for (let j = 0; j < count; j++) {
        const d = ((points[3 * j] as number) - (p[0] as number)) ** 2 + ((points[3 * j + 1] as number) - (p[1] as number)) ** 2 + ((points[3 * j + 2] as number) - (p[2] as number)) ** 2;
        if (d < bestDistance) {
          bestDistance = d;
          best = j;
        }
      }
      expect(tree.nearest(p)).toBe(best);
    }
  });
});

describe('fields in expressions', () => {
  const linear = field({ file: 'k.dat' });
  const ctx: ExprContext = { variables: ['x', 'y'], spatial: ['x', 'y'], unknowns: ['u'], params: {}, defines: new Map(), allowUnknowns: true, fields: new Map([['k', linear]]) };

  it('read as a function of the coordinates in float64 and as tensors, with the same values', () => {
    const { node, symbols } = parseExpression('2*k + x', 'test', ctx);
    expect(symbols.sort()).toEqual(['x', 'y']);
    const numeric = compileNumeric(node, ['x', 'y']);
    const points = [[0.1, 0.2], [0.55, 0.95], [0.999, 0.001]];
    const tensor = compileTensor(node, { variables: ['x', 'y'] });
    const values = tf.tidy(() => tensor.evaluate({ x: tf.tensor1d(points.map((p) => p[0] as number)), y: tf.tensor1d(points.map((p) => p[1] as number)) }).arraySync());
    points.forEach((p, i) => {
      expect(numeric(p)).toBeCloseTo(2 * k(p[0] as number, p[1] as number) + (p[0] as number), 4);
      expect(values[i]).toBeCloseTo(numeric(p), 5);
    });
  });

  it('div(k*grad(u)) expands with the field’s derivatives (k_x u_x + k u_xx + k_y u_y + k u_yy)', () => {
    const { node, symbols } = parseExpression('div(k*grad(u))', 'pde', ctx);
    expect(symbols.sort()).toEqual(['u_x', 'u_xx', 'u_y', 'u_yy', 'x', 'y']);
    expect(node.toString()).toContain('field(k_x, x, y)');
    expect(node.toString()).toContain('field(k_y, x, y)');
  });

  const problem = (interpolate: string, extra: Record<string, unknown> = {}): ReturnType<typeof defineProblem> =>
    defineProblem(
      {
        name: 'variable-conductivity',
        variables: ['x', 'y'],
        domain: { type: 'rectangle', min: [0, 0], max: [1, 1] },
        fields: { k: { file: 'k.dat', interpolate } },
        define: { kc: K_SOURCE, ue: 'sin(pi*x)*sin(pi*y)', f: 'div(kc*grad(ue))' },
        pde: 'div(k*grad(u)) - f',
        exact: 'sin(pi*x)*sin(pi*y)',
        conditions: [{ type: 'dirichlet', on: 'boundary', value: 0 }],
        ...extra,
      },
      { baseDir: dir },
    );

  it('a PDE with the linear field passes check against the exact solution built with the closed-form k', () => {
    const report = checkProblem(problem('linear'), { points: 2000 });
    expect(report.ok).toBe(true);
    expect(report.relResidual).toBeLessThan(1e-3);
  });

  it('the same PDE with the nearest field fails check: its derivative is 0, so k_x u_x + k_y u_y is missing', () => {
    const report = checkProblem(problem('nearest'), { points: 2000 });
    expect(report.ok).toBe(false);
    expect(report.relResidual).toBeGreaterThan(0.02);
  });

  it('a field may appear in defines, condition values, on selectors and the exact solution', () => {
    const p = problem('linear', {
      define: { kc: K_SOURCE, ue: 'k*sin(pi*x)', f: 'div(kc*grad(ue))' },
      pde: 'u - k*sin(pi*x)',
      exact: 'k*sin(pi*x)',
      conditions: [{ type: 'dirichlet', on: 'k > 1', value: 'k*sin(pi*x)' }],
    });
    const exact = (p.exact as NonNullable<typeof p.exact>)(Float32Array.from([0.3, 0.2]), 1);
    expect(exact[0]).toBeCloseTo(k(0.3, 0.2) * Math.sin(0.3 * Math.PI), 4);
    const report = checkProblem(p, { points: 200 });
    expect(report.maxConditionError).toBeLessThan(1e-5);
    expect(report.maxResidual).toBeLessThan(1e-5);
  });

  it('a file with a t column makes the field depend on time in a time-dependent problem', () => {
    const rows: number[][] = [];
    for (let i = 0; i <= 10; i++) for (let j = 0; j <= 10; j++) rows.push([i / 10, j / 10, i / 10 + 2 * (j / 10)]);
    const p = defineProblem({
      name: 'timed',
      variables: ['x'],
      time: [0, 1],
      domain: { type: 'interval', min: 0, max: 1 },
      fields: { a: { rows } },
      pde: 'u_t - a*u_xx',
      exact: 'a',
    });
    const exact = (p.exact as NonNullable<typeof p.exact>)(Float32Array.from([0.25, 0.5]), 1);
    expect(exact[0]).toBeCloseTo(0.25 + 1, 5);
    expect(p.exactDerivative?.('u_t', Float64Array.from([0.25, 0.5]), 1)[0]).toBeCloseTo(2, 9);
  });
});

describe('bad fields: one line naming the field', () => {
  const base = { name: 'p', variables: ['x', 'y'], domain: { type: 'rectangle', min: [0, 0], max: [1, 1] }, pde: 'lap(u) - k', define: { f: 'x' }, params: { c: 1 } };
  const error = (fields: unknown, extra: Record<string, unknown> = {}): string => {
    try {
      defineProblem({ ...base, fields, ...extra } as Record<string, unknown>, { baseDir: dir });
    } catch (e) {
      if (e instanceof KanpinnInputError) return e.message;
      throw e;
    }
    return 'accepted';
  };
  writeFileSync(join(dir, 'ragged.dat'), '0 0 1\n0 1 2\n1 0\n1 1 4\n');
  writeFileSync(join(dir, 'words.dat'), '# x y k\n0 0 1\n0 1 two\n');
  writeFileSync(join(dir, 'one.dat'), '% one point\n0.5 0.5 1\n');
  writeFileSync(join(dir, 'wide.dat'), '0 0 0 1\n');
  writeFileSync(join(dir, 'line.dat'), '0 0 1\n1 1 2\n0.3 0.3 3\n');
  writeFileSync(join(dir, 'twice.dat'), '0 0 1\n1 0 2\n0 0 3\n');

  it.each([
    ['a missing file', { k: { file: 'nope.dat' } }, /^fields\.k\.file: cannot read ".*nope\.dat" \(no such file\)$/],
    ['an unknown interpolation', { k: { file: 'k.dat', interpolate: 'cubic' } }, /^fields\.k\.interpolate: expected one of nearest, linear, got "cubic"$/],
    ['ragged rows', { k: { file: 'ragged.dat' } }, /^fields\.k\.file: expected 3 columns \(x y k\) per row, line 3 has 2$/],
    ['a value that is not a number', { k: { file: 'words.dat' } }, /^fields\.k\.file: line 3: "two" is not a finite number$/],
    ['too few points', { k: { file: 'one.dat' } }, /^fields\.k\.file: expected at least 2 data points, got 1$/],
    ['the wrong column count', { k: { file: 'wide.dat' } }, /^fields\.k\.file: expected 3 columns \(x y k\) per row for variables x, y, the first row has 4$/],
    ['linear on collinear scattered points', { k: { file: 'line.dat', interpolate: 'linear' } }, /^fields\.k\.file: the 3 points lie on one line, so "interpolate": "linear" has no triangle to interpolate on: use "interpolate": "nearest"$/],
    ['a point given twice', { k: { file: 'twice.dat', interpolate: 'nearest' } }, /^fields\.k\.file: the point \(x = 0, y = 0\) appears more than once$/],
    ['a name that is a variable', { x: { file: 'k.dat' } }, /^fields\.x: 'x' is already a variable; a field needs a name of its own$/],
    ['a name that is the unknown', { u: { file: 'k.dat' } }, /^fields\.u: 'u' is already an unknown; a field needs a name of its own$/],
    ['a name that is a define', { f: { file: 'k.dat' } }, /^fields\.f: 'f' is already a define; a field needs a name of its own$/],
    ['a name that is a parameter', { c: { file: 'k.dat' } }, /^fields\.c: 'c' is already a parameter; a field needs a name of its own$/],
    ['a name that is a built-in function', { sin: { file: 'k.dat' } }, /^fields\.sin: 'sin' is reserved \(a constant or a built-in function\); a field needs a name of its own$/],
    ['a name that is a constant', { pi: { file: 'k.dat' } }, /^fields\.pi: 'pi' is reserved/],
    ['a name with an underscore', { k_x: { file: 'k.dat' } }, /^fields\.k_x: expected a name of letters and digits \(no '_'\)$/],
    ['neither file nor rows', { k: { interpolate: 'linear' } }, /^fields\.k: give either "file" \(a data file of rows x y k\) or "rows", not neither$/],
    ['a misspelt key', { k: { flie: 'k.dat' } }, /^fields\.k\.flie: unknown field \(did you mean "file"\?\)/],
    ['inline rows of mixed widths', { k: { rows: [[0, 0, 1], [1, 1]] } }, /^fields\.k\.rows\[1\]: expected 3 finite numbers like rows\[0\], got \[1,1\]$/],
    ['not an object', { k: 'k.dat' }, /^fields\.k: expected \{ "file": "k\.dat", "interpolate": "linear" \}, got "k\.dat"$/],
  ])('%s', (_what, fields, message) => {
    expect(error(fields)).toMatch(message);
  });

  it('linear on scattered points in 3-D is refused (no triangulation there), nearest is accepted', () => {
    const ctx3: FieldContext = { variables: ['x', 'y', 'z'], spatial: ['x', 'y', 'z'], taken: {} };
    const rows = [[0, 0, 0, 1], [1, 0, 0, 2], [0, 1, 0, 3], [0, 0, 1, 4], [0.5, 0.2, 0.1, 5]];
    expect(() => parseFields({ c: { rows } }, ctx3)).toThrow(/^fields\.c\.rows: "interpolate": "linear" on scattered points needs 2 coordinates \(a triangulation\) or a full grid .* use "interpolate": "nearest"$/);
    expect(parseFields({ c: { rows, interpolate: 'nearest' } }, ctx3).get('c')?.interpolant.evaluate([0.9, 0.1, 0])).toBe(2);
  });

  it('a define may not take a field’s name', () => {
    expect(error({ k: { file: 'k.dat' } }, { define: { k: 'x' } })).toBe("fields.k: 'k' is already a define; a field needs a name of its own");
  });
});
