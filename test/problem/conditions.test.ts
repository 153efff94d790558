import * as tf from '../../src/tf.js';
import { describe, expect, it } from 'vitest';
import { createRng, defineProblem } from '../../src/index.js';
import type { LossTerm, Problem, Scope, TermPoints } from '../../src/index.js';

/** Scope for `points` with model outputs given by plain-JS functions of one point. */
function scopeFor(problem: Problem, points: TermPoints, outputs: Record<string, (p: number[]) => number>): Scope {
  const dim = problem.variables.length;
  const rows = Array.from({ length: points.count }, (_, i) => [...points.coords.subarray(i * dim, i * dim + dim)]);
  const scope: Scope = {};
  problem.variables.forEach((v, d) => (scope[v] = tf.tensor1d(rows.map((r) => r[d] as number))));
  for (const [k, col] of Object.entries(points.extra ?? {})) scope[k] = tf.tensor1d(col);
  for (const [k, f] of Object.entries(outputs)) scope[k] = tf.tensor1d(rows.map(f));
  return scope;
}

function residual(term: LossTerm, problem: Problem, points: TermPoints, outputs: Record<string, (p: number[]) => number>): number[] {
  return tf.tidy(() => term.residual(scopeFor(problem, points, outputs)).arraySync());
}

const square = { type: 'rectangle', min: [0, 0], max: [1, 2] } as const;

describe('conditions', () => {
  it('dirichlet on a selected side samples only that side and measures u - g', () => {
    const problem = defineProblem({
      name: 'd',
      variables: ['x', 'y'],
      domain: square,
      pde: 'u_xx + u_yy',
      conditions: [{ type: 'dirichlet', on: 'x == 1', value: 'y^2' }],
    });
    const term = problem.terms[1] as LossTerm;
    expect(term.derivatives).toEqual(['u']);
    const points = term.sample(50, createRng(1), 'random');
    expect(points.count).toBe(50);
    for (let i = 0; i < 50; i++) expect(points.coords[2 * i]).toBe(1);
    const r = residual(term, problem, points, { u: ([, y]) => (y as number) ** 2 + 0.5 });
    r.forEach((v) => expect(v).toBeCloseTo(0.5, 5));
  });

  it('neumann uses the outward normal: du/dn = -u_y on the bottom, +u_x on the right', () => {
    const problem = defineProblem({
      name: 'n',
      variables: ['x', 'y'],
      domain: square,
      pde: 'u_xx + u_yy',
      conditions: [{ type: 'neumann', on: 'boundary', value: 0 }],
    });
    const term = problem.terms[1] as LossTerm;
    expect(term.derivatives).toEqual(['u_x', 'u_y']);
    const points = term.sample(200, createRng(2), 'sobol');
    const r = residual(term, problem, points, { u_x: () => 3, u_y: () => 5 });
    for (let i = 0; i < points.count; i++) {
      const [x, y] = [points.coords[2 * i] as number, points.coords[2 * i + 1] as number];
      const expected = x === 0 ? -3 : x === 1 ? 3 : y === 0 ? -5 : 5;
      expect(r[i]).toBeCloseTo(expected, 5);
    }
  });

  it('robin combines alpha u + beta du/dn - g, with coordinate-dependent coefficients', () => {
    const problem = defineProblem({
      name: 'r',
      variables: ['x'],
      domain: { type: 'interval', min: 0, max: 1 },
      pde: 'u_xx',
      conditions: [{ type: 'robin', on: 'x == 1', alpha: '2 + x', beta: 0.5, value: '7' }],
    });
    const term = problem.terms[1] as LossTerm;
    const points = term.sample(4, createRng(3), 'random');
    const r = residual(term, problem, points, { u: () => 1, u_x: () => 4 });
    r.forEach((v) => expect(v).toBeCloseTo(3 * 1 + 0.5 * 4 - 7, 5));
  });

  it('periodic pairs points on opposite faces and compares u (and u_x)', () => {
    const problem = defineProblem({
      name: 'p',
      variables: ['x'],
      time: [0, 1],
      domain: { type: 'interval', min: -1, max: 1 },
      pde: 'u_t - u_xx',
      conditions: [{ type: 'periodic', axis: 'x', derivative: true }],
    });
    const term = problem.terms[1] as LossTerm;
    expect(term.derivatives).toEqual(['u', 'u_x']);
    const points = term.sample(20, createRng(4), 'halton');
    expect(points.count).toBe(20);
    for (let i = 0; i < 10; i++) {
      expect(points.coords[2 * i]).toBe(-1);
      expect(points.coords[2 * (i + 10)]).toBe(1);
      expect(points.coords[2 * i + 1]).toBe(points.coords[2 * (i + 10) + 1]);
    }
    const periodic = residual(term, problem, points, { u: ([x, t]) => Math.cos(Math.PI * (x as number)) * (t as number), u_x: ([x]) => -Math.PI * Math.sin(Math.PI * (x as number)) });
    expect(periodic.length).toBe(20);
    periodic.forEach((v) => expect(Math.abs(v)).toBeLessThan(1e-5));
    const broken = residual(term, problem, points, { u: ([x]) => x as number, u_x: () => 1 });
    broken.slice(0, 10).forEach((v) => expect(v).toBeCloseTo(-2, 5));
  });

  it('initial conditions sample t = t0 and measure u - g and u_t - h', () => {
    const problem = defineProblem({
      name: 'i',
      variables: ['x'],
      time: [0.5, 1],
      domain: { type: 'interval', min: 0, max: 1 },
      pde: 'u_tt - u_xx',
      conditions: [{ type: 'initial', value: 'sin(pi*x)', rate: 'x' }],
    });
    const term = problem.terms[1] as LossTerm;
    expect(term.derivatives).toEqual(['u', 'u_t']);
    expect(term.region).toBe('initial');
    const points = term.sample(10, createRng(5), 'random');
    for (let i = 0; i < 10; i++) expect(points.coords[2 * i + 1]).toBe(0.5);
    const r = residual(term, problem, points, { u: ([x]) => Math.sin(Math.PI * (x as number)), u_t: () => 0 });
    expect(r.length).toBe(20);
    r.slice(0, 10).forEach((v) => expect(Math.abs(v)).toBeLessThan(1e-6));
    r.slice(10).forEach((v, i) => expect(v).toBeCloseTo(-(points.coords[2 * i] as number), 6));
  });

  it('data terms return their fixed points and compare u with the observations', () => {
    const problem = defineProblem({
      name: 'o',
      variables: ['x'],
      domain: { type: 'interval', min: 0, max: 1 },
      pde: 'u_xx',
      conditions: [{ type: 'data', points: [[0.25], [0.5]], values: [1, 2], weight: 3 }],
    });
    const term = problem.terms[1] as LossTerm;
    expect(term.weight).toBe(3);
    const points = term.sample(999, createRng(6), 'random');
    expect(points.count).toBe(2);
    expect(residual(term, problem, points, { u: () => 1.5 })).toEqual([0.5, -0.5]);
  });

  it('systems: one PDE term per equation and conditions on a chosen unknown', () => {
    const problem = defineProblem({
      name: 's',
      variables: ['x'],
      unknowns: ['u', 'v'],
      domain: { type: 'interval', min: 0, max: 1 },
      pde: ['u_x - v', 'v_x + u'],
      conditions: [{ type: 'dirichlet', unknown: 'v', value: 1 }],
      exact: ['sin(x)', 'cos(x)'],
    });
    expect(problem.terms.map((t) => t.name)).toEqual(['pde[0]', 'pde[1]', 'conditions[0].dirichlet']);
    expect(problem.terms.map((t) => t.derivatives)).toEqual([['v', 'u_x'], ['u', 'v_x'], ['v']]);
  });

  it('TypeScript residuals are probed for the names they read', () => {
    const problem = defineProblem({
      name: 'ts',
      variables: ['x', 'y'],
      domain: square,
      pde: ({ u_xx, u_yy, x }) => tf.sub(tf.add(u_xx as tf.Tensor, u_yy as tf.Tensor), tf.sin(x as tf.Tensor)),
      conditions: [{ type: 'dirichlet', value: ({ x }) => tf.square(x as tf.Tensor) }],
    });
    expect(problem.terms[0]?.derivatives.sort()).toEqual(['u_xx', 'u_yy']);
    const term = problem.terms[1] as LossTerm;
    const points = term.sample(30, createRng(7), 'random');
    const r = residual(term, problem, points, { u: ([x]) => (x as number) ** 2 });
    r.forEach((v) => expect(Math.abs(v)).toBeLessThan(1e-6));
  });
});
