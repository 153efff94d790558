import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { listProblems, resolveProblem } from '../../problems/index.js';
import { CHECK_DEFAULTS, checkProblem, createRng, loadProblem } from '../../src/index.js';

const REQUIRED = [
  'poisson1d',
  'poisson2d',
  'poisson2d-paper',
  'heat1d',
  'diffusion1d',
  'helmholtz2d',
  'wave1d',
  'pinnacle-poisson-2d-c',
  'pinnacle-poisson-2d-cg',
  'pinnacle-heat-2d-ms',
  'inverse-heat1d',
];

describe('built-in problems', () => {
  const infos = listProblems();

  it('lists every required built-in with its dimension, exact and reference flags', () => {
    expect(infos.map((p) => p.name)).toEqual(expect.arrayContaining(REQUIRED));
    const byName = new Map(infos.map((p) => [p.name, p]));
    expect(byName.get('poisson2d')).toMatchObject({ dimension: 2, variables: ['x', 'y'], time: null, hasExact: true, hasReference: false });
    expect(byName.get('heat1d')).toMatchObject({ dimension: 2, variables: ['x', 't'], time: [0, 1], hasExact: true });
    expect(byName.get('pinnacle-poisson-2d-cg')).toMatchObject({ hasExact: false, hasReference: true });
    expect(byName.get('pinnacle-heat-2d-ms')).toMatchObject({ dimension: 3, hasExact: true });
    for (const info of infos) expect(info.description.length).toBeGreaterThan(10);
  });

  it.each(infos.filter((p) => p.hasExact).map((p) => p.name))('%s: the exact solution satisfies the PDE and the conditions', (name) => {
    const report = checkProblem(resolveProblem(name));
    expect(report.ok).toBe(true);
    expect(report.relResidual).not.toBeNull();
    expect(report.relResidual as number).toBeLessThanOrEqual(CHECK_DEFAULTS.residualBound);
    expect(report.maxConditionError as number).toBeLessThanOrEqual(CHECK_DEFAULTS.conditionBound);
    expect(report.testSet?.count).toBeGreaterThan(100);
  });

  it('checks with symbolic derivatives for expressions and finite differences for a TypeScript exact function', () => {
    expect(checkProblem(resolveProblem('heat1d')).method).toBe('symbolic');
    expect(checkProblem(resolveProblem('diffusion1d')).method).toBe('finite-difference');
  });

  it('check fails for a wrong exact solution', () => {
    const report = checkProblem(resolveProblem('poisson2d'), { seed: 1 });
    expect(report.ok).toBe(true);
    const wrong = resolveProblem('poisson2d');
    const exact = wrong.exactDerivative as NonNullable<typeof wrong.exactDerivative>;
    // Perturb the exact second derivative: the relative residual must exceed the bound.
    wrong.exactDerivative = (n, c, k) => (n === 'u_xx' ? exact(n, c, k).map((v) => v * 1.01) : exact(n, c, k));
    expect(checkProblem(wrong).ok).toBe(false);
  });

  it('poisson2d uses pykan weights and point counts', () => {
    const problem = resolveProblem('poisson2d');
    expect(problem.terms.map((t) => [t.name, t.weight])).toEqual([
      ['pde', 0.01],
      ['conditions[0].dirichlet', 1],
    ]);
    expect(problem.defaults).toMatchObject({ interiorPoints: 441, boundaryPoints: 84 });
    expect(problem.testSet?.().count).toBe(10000);
  });

  it.each([
    ['pinnacle-poisson-2d-c', 1246, 0.5, 1, 0],
    ['pinnacle-poisson-2d-cg', 3236, 1, 0.2, 1],
  ])('%s: the reference data lies in the domain and matches the boundary values', (name, count, half, outer, inner) => {
    const problem = resolveProblem(name);
    const test = problem.testSet?.();
    expect(test?.count).toBe(count);
    const coords = test?.coords as Float32Array;
    const inside = (problem.contains as NonNullable<typeof problem.contains>)(coords, count);
    expect(inside.reduce((a, b) => a + b, 0)).toBeGreaterThan(count * 0.99);
    const values = test?.values as Float32Array;
    let sides = 0;
    for (let i = 0; i < count; i++) {
      const [x, y] = [coords[2 * i] as number, coords[2 * i + 1] as number];
      if (Math.abs(Math.abs(x) - half) < 1e-6 || Math.abs(Math.abs(y) - half) < 1e-6) {
        expect(values[i]).toBeCloseTo(outer, 4);
        sides++;
      }
    }
    expect(sides).toBeGreaterThan(20);
    // Points sampled on the circles by the problem's second condition carry the inner value.
    const circle = problem.terms[2];
    expect(circle?.name).toBe('conditions[1].dirichlet');
    const points = circle?.sample(50, createRng(1), 'random');
    for (let i = 0; i < 50; i++) {
      const [x, y] = [points?.coords[2 * i] as number, points?.coords[2 * i + 1] as number];
      expect(Math.abs(x) < half && Math.abs(y) < half).toBe(true);
    }
    expect(inner).toBeGreaterThanOrEqual(0);
  });
});

describe('a JSON problem written outside the repository', () => {
  it('loads, checks and is complete for training', () => {
    const dir = mkdtempSync(join(tmpdir(), 'kanpinn-user-'));
    writeFileSync(join(dir, 'obs.dat'), '# x y u\n0.5 0.8 0.16\n0.25 0.75 0.03515625\n');
    const path = join(dir, 'my-problem.json');
    writeFileSync(
      path,
      JSON.stringify({
        name: 'user-poisson',
        description: 'Poisson on a disk with a hole and mixed conditions',
        variables: ['x', 'y'],
        params: { a: 1 },
        define: { g: 'a*x^2 * y^2' },
        domain: {
          type: 'difference',
          of: { type: 'disk', center: [0.5, 0.5], radius: 0.5 },
          minus: [{ type: 'polygon', vertices: [[0.4, 0.4], [0.6, 0.4], [0.5, 0.6]] }],
        },
        pde: 'lap(u) - 2*a*(x^2 + y^2)',
        conditions: [
          { type: 'dirichlet', on: 'y >= 0.5', value: 'g' },
          { type: 'neumann', on: 'y < 0.5 and (x-0.5)^2 + (y-0.5)^2 == 0.25', value: '(2*a*x*y^2*(x-0.5) + 2*a*x^2*y*(y-0.5)) / 0.5' },
          { type: 'robin', on: 'y < 0.45', alpha: 1, beta: 0, value: 'g' },
          { type: 'data', file: 'obs.dat', weight: 10 },
        ],
        exact: 'g',
        points: { interior: 300, boundary: 80, method: 'sobol' },
      }),
    );
    const problem = loadProblem(path);
    expect(problem.terms.map((t) => t.kind)).toEqual(['pde', 'dirichlet', 'neumann', 'robin', 'data']);
    expect(problem.defaults).toEqual({ interiorPoints: 300, boundaryPoints: 80, method: 'sobol' });
    const report = checkProblem(problem);
    expect(report.maxConditionError as number).toBeLessThanOrEqual(1e-5);
    expect(report.relResidual as number).toBeLessThanOrEqual(1e-3);
    expect(report.ok).toBe(true);
    const data = report.terms[4];
    expect(data?.points).toBe(2);
    expect(data?.maxAbs as number).toBeLessThan(1e-6);
  });
});
