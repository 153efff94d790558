import * as tf from '../../src/tf.js';
import { describe, expect, it } from 'vitest';
import { checkProblem, createRng, defineProblem } from '../../src/index.js';
import type { LossTerm, Scope } from '../../src/index.js';

/** Euler–Bernoulli cantilever: u'''' = 1, clamped at 0 (u = u' = 0), free at 1 (u'' = u''' = 0). */
const beam = (tip: number) => ({
  name: 'beam',
  variables: ['x'],
  domain: { type: 'interval', min: 0, max: 1 },
  pde: 'u_xxxx - 1',
  conditions: [
    { type: 'dirichlet', on: 'x == 0', value: 0 },
    { type: 'dirichlet', on: 'x == 0', unknown: 'u_x', value: 0 },
    { type: 'dirichlet', on: 'x == 1', unknown: 'u_xx', value: 0 },
    { type: 'dirichlet', on: 'x == 1', unknown: 'u_xxx', value: tip },
  ],
  exact: 'x^4/24 - x^3/6 + x^2/4',
});

describe('operator conditions', () => {
  it('conditions on derivatives: the Euler beam passes check, a wrong tip condition does not', () => {
    const problem = defineProblem(beam(0));
    expect(problem.terms.map((t) => t.derivatives)).toEqual([['u_xxxx'], ['u'], ['u_x'], ['u_xx'], ['u_xxx']]);
    expect(checkProblem(problem).ok).toBe(true);
    const wrong = checkProblem(defineProblem(beam(1)));
    expect(wrong.ok).toBe(false);
    expect(wrong.maxConditionError).toBeCloseTo(1, 5);
  });

  it('values over several unknowns and derivatives: an absorbing-type condition du/dn + k v = 0', () => {
    const spec = (sign: string) => ({
      name: 'absorbing',
      variables: ['x'],
      unknowns: ['u', 'v'],
      params: { k: 4 },
      domain: { type: 'interval', min: 0, max: 1 },
      pde: ['u_xx - 2', 'v_x + 2/k'],
      conditions: [
        { type: 'dirichlet', on: 'x == 0', value: 0 },
        { type: 'neumann', on: 'x == 1', value: `${sign}k*v` },
        { type: 'dirichlet', unknown: 'v', on: 'x == 0', value: 0 },
      ],
      exact: ['x^2', '-2*x/k'],
    });
    const problem = defineProblem(spec('-'));
    const term = problem.terms[3] as LossTerm;
    expect(term.derivatives.sort()).toEqual(['u_x', 'v']);
    expect(checkProblem(problem).ok).toBe(true);
    expect(checkProblem(defineProblem(spec('+'))).ok).toBe(false);
    // The residual reads v from the scope at each point: u_x·n − (−k v).
    const points = term.sample(4, createRng(1), 'random');
    const scope: Scope = { x: tf.tensor1d(points.coords), u_x: tf.fill([points.count], 2) as tf.Tensor1D, v: tf.fill([points.count], 0.5) as tf.Tensor1D };
    for (const [key, column] of Object.entries(points.extra ?? {})) scope[key] = tf.tensor1d(column);
    expect(tf.tidy(() => term.residual(scope).arraySync())).toEqual(new Array(points.count).fill(2 + 4 * 0.5));
  });

  it('a value may read a second derivative: u = u_xx + g on the boundary', () => {
    const problem = defineProblem({
      name: 'mixed',
      variables: ['x', 'y'],
      domain: { type: 'rectangle', min: [0, 0], max: [1, 1] },
      pde: 'lap(u) - 4',
      conditions: [{ type: 'dirichlet', value: 'u_xx + x^2 + y^2 - 2' }],
      exact: 'x^2 + y^2',
    });
    expect(problem.terms[1]?.derivatives.sort()).toEqual(['u', 'u_xx']);
    expect(checkProblem(problem).ok).toBe(true);
  });

  it('data conditions on derivatives: observed u_x', () => {
    const problem = defineProblem({
      name: 'slope',
      variables: ['x'],
      domain: { type: 'interval', min: 0, max: 1 },
      pde: 'u_xx + pi^2*sin(pi*x)',
      conditions: [
        { type: 'dirichlet', value: 0 },
        { type: 'data', unknown: 'u_x', points: [[0.25], [0.5], [0.75]], values: [Math.PI * Math.cos(Math.PI / 4), 0, Math.PI * Math.cos((3 * Math.PI) / 4)] },
      ],
      exact: 'sin(pi*x)',
    });
    const data = problem.terms[2] as LossTerm;
    expect(data.derivatives).toEqual(['u_x']);
    const report = checkProblem(problem);
    expect(report.terms[2]?.maxAbs).toBeLessThan(1e-6);
  });
});
