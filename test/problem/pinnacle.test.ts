/**
 * The PINNacle built-ins: each loads, its reference data lies in its domain and satisfies the
 * problem's own initial and boundary conditions, and each analytic solution passes `check`.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { resolveProblem } from '../../problems/index.js';
import { checkProblem, defineProblem } from '../../src/index.js';
import type { Problem } from '../../src/index.js';

const { sin, exp, PI } = Math;

interface Rows {
  coords: Float32Array;
  values: Float32Array;
  count: number;
  dim: number;
  outputs: number;
}

function reference(problem: Problem): Rows {
  const test = problem.testSet?.();
  if (!test) throw new Error(`${problem.name}: no test set`);
  return { coords: test.coords, values: test.values, count: test.count, dim: problem.variables.length, outputs: problem.unknowns.length };
}

/** Largest |value − want| over the rows that `select` picks; also how many it picked. */
function maxError(rows: Rows, select: (p: number[]) => boolean, want: (p: number[]) => number[]): { picked: number; error: number } {
  let picked = 0;
  let error = 0;
  for (let i = 0; i < rows.count; i++) {
    const p = Array.from(rows.coords.subarray(i * rows.dim, (i + 1) * rows.dim));
    if (!select(p)) continue;
    picked++;
    const w = want(p);
    w.forEach((v, k) => {
      if (Number.isNaN(v)) return;
      error = Math.max(error, Math.abs((rows.values[i * rows.outputs + k] as number) - v));
    });
  }
  return { picked, error };
}

describe('PINNacle built-ins', () => {
  it.each([
    ['pinnacle-burgers-1d-c', 1111, ['u']],
    ['pinnacle-heat-2d-cg', 4000, ['u']],
    ['pinnacle-heat-2d-lt', 4000, ['u']],
    ['pinnacle-ns-2d-c', 4000, ['u', 'v', 'p']],
    ['pinnacle-ns-2d-cg', 4000, ['u', 'v', 'p']],
  ])('%s: its %i reference rows lie in the domain', (name, count, unknowns) => {
    const problem = resolveProblem(name);
    expect(problem.unknowns).toEqual(unknowns);
    const rows = reference(problem);
    expect(rows.count).toBe(count);
    const inside = (problem.contains as NonNullable<Problem['contains']>)(rows.coords, rows.count);
    expect(inside.reduce((a, b) => a + b, 0)).toBeGreaterThanOrEqual(rows.count * 0.995);
  });

  it('Burgers 1d-C: the reference starts at -sin(pi x) and is 0 at x = -1, 1', () => {
    const rows = reference(resolveProblem('pinnacle-burgers-1d-c'));
    const initial = maxError(rows, ([, t]) => t === 0, ([x]) => [-sin(PI * (x as number))]);
    expect(initial.picked).toBe(101);
    // COMSOL's export holds the initial values to ~3e-6.
    expect(initial.error).toBeLessThan(1e-5);
    const sides = maxError(rows, ([x]) => Math.abs(x as number) === 1, () => [0]);
    expect(sides.picked).toBe(22);
    expect(sides.error).toBeLessThan(1e-6);
  });

  it('Heat 2d-LT: the t = 0 rows match the initial condition, the sides are 0', () => {
    const rows = reference(resolveProblem('pinnacle-heat-2d-lt'));
    const initial = maxError(rows, (p) => p[2] === 0, ([x, y]) => [sin(4 * PI * (x as number)) * sin(3 * PI * (y as number))]);
    expect(initial.picked).toBe(192);
    // The README's measured agreement of COMSOL's initial slice: 7e-4.
    expect(initial.error).toBeLessThan(1e-3);
  });

  it('Heat 2d-CG: the FEM reference starts at 0 and heats up towards the Robin values', () => {
    const rows = reference(resolveProblem('pinnacle-heat-2d-cg'));
    const initial = maxError(rows, (p) => p[2] === 0, () => [0]);
    expect(initial.picked).toBeGreaterThan(100);
    expect(initial.error).toBe(0);
    // Robin u + du/dn = 5 on the big circles at most: the solution stays within [0, 5].
    const bounded = maxError(rows, () => true, () => [2.5]);
    expect(bounded.error).toBeLessThanOrEqual(2.5);
  });

  it('NS 2d-C: lid u = 4x(1 - x), v = 0 at y = 1; no slip on the other walls', () => {
    const rows = reference(resolveProblem('pinnacle-ns-2d-c'));
    const lid = maxError(rows, ([, y]) => y === 1, ([x]) => [4 * (x as number) * (1 - (x as number)), 0, Number.NaN]);
    expect(lid.picked).toBeGreaterThan(10);
    // COMSOL's lid values deviate from 4x(1 - x) by up to 1.4e-4 near the corner x = 0 (its element interpolation).
    expect(lid.error).toBeLessThan(5e-4);
    const walls = maxError(rows, ([x, y]) => (y as number) < 1 && (x === 0 || x === 1 || y === 0), () => [0, 0, Number.NaN]);
    expect(walls.picked).toBeGreaterThan(10);
    expect(walls.error).toBeLessThan(1e-5);
  });

  it('NS 2d-CG: inlet u = 4y(1 - y), v = 0 at x = 0; no slip on the walls; outlet p close to 0', () => {
    const rows = reference(resolveProblem('pinnacle-ns-2d-cg'));
    const inlet = maxError(rows, ([x]) => x === 0, ([, y]) => [4 * (y as number) * (1 - (y as number)), 0, Number.NaN]);
    expect(inlet.picked).toBeGreaterThan(5);
    expect(inlet.error).toBeLessThan(1e-5);
    const wall = ([x, y]: number[]): boolean => (x as number) > 0 && (x as number) < 4 && (y === 0 || y === 2 || (y === 1 && (x as number) <= 2) || (x === 2 && (y as number) >= 1));
    const walls = maxError(rows, wall, () => [0, 0, Number.NaN]);
    expect(walls.picked).toBeGreaterThan(10);
    expect(walls.error).toBeLessThan(1e-5);
    // The README's known fact: COMSOL's outlet p is not 0 pointwise (|p| up to 0.024).
    const outlet = maxError(rows, ([x]) => x === 4, () => [Number.NaN, Number.NaN, 0]);
    expect(outlet.picked).toBeGreaterThan(5);
    expect(outlet.error).toBeLessThan(0.03);
  });

  it.each(['pinnacle-wave-1d-c', 'pinnacle-pnd', 'pinnacle-hnd', 'pinnacle-pinv', 'pinnacle-hinv'])('%s: the analytic solution passes check', (name) => {
    const report = checkProblem(resolveProblem(name));
    expect(report.ok).toBe(true);
    expect(report.testSet?.count).toBeGreaterThan(1000);
  });

  it('PInv: with PINNacle\'s own source term (2x + 1, 2y + 1) the stated truth fails check, which is why the built-in uses 2x - 1, 2y - 1', () => {
    const path = join(import.meta.dirname, '../../problems/pinnacle-pinv.json');
    const spec = JSON.parse(readFileSync(path, 'utf8')) as { define: Record<string, string> };
    const upstream = spec.define.f?.replace('(2*x - 1)', '(2*x + 1)').replace('(2*y - 1)', '(2*y + 1)') as string;
    expect(upstream).not.toBe(spec.define.f);
    const problem = defineProblem({ ...spec, define: { ...spec.define, f: upstream } } as Record<string, unknown>, { baseDir: join(path, '..') });
    const report = checkProblem(problem);
    expect(report.ok).toBe(false);
    expect(report.relResidual as number).toBeGreaterThan(0.05);
  });

  it.each([
    ['pinnacle-pinv', 'poisson_inv_data.dat', (p: number[]) => sin(PI * (p[0] as number)) * sin(PI * (p[1] as number))],
    ['pinnacle-hinv', 'heat_inv_data.dat', (p: number[]) => exp(-(p[2] as number)) * sin(PI * (p[0] as number)) * sin(PI * (p[1] as number))],
  ])('%s: the observations are the truth plus noise of standard deviation 0.1', (_name, file, truth) => {
    const text = readFileSync(join(import.meta.dirname, '../../problems/data/pinnacle', file), 'utf8');
    const rows = text.split('\n').filter((l) => l.trim() !== '' && !l.startsWith('%')).map((l) => l.split(' ').map(Number));
    expect(rows.length).toBe(2500);
    const noise = rows.map((r) => (r[r.length - 1] as number) - truth(r));
    const mean = noise.reduce((a, b) => a + b, 0) / noise.length;
    const sd = Math.sqrt(noise.reduce((a, b) => a + (b - mean) ** 2, 0) / noise.length);
    expect(Math.abs(mean)).toBeLessThan(0.01);
    expect(sd).toBeGreaterThan(0.09);
    expect(sd).toBeLessThan(0.11);
  });
});
