import * as tf from '../../src/tf.js';
import { describe, expect, it } from 'vitest';
import { checkProblem, createRng, defineProblem } from '../../src/index.js';
import type { LossTerm, Scope } from '../../src/index.js';
import { parseExpression } from '../../src/problem/expr/parse.js';
import type { ExprContext } from '../../src/problem/expr/parse.js';
import { compileTensor } from '../../src/problem/expr/tensor.js';
import { compileNumeric } from '../../src/problem/expr/numeric.js';

const ctx: ExprContext = { variables: ['x', 'y'], spatial: ['x', 'y'], unknowns: ['u'], params: { k: 10 }, defines: new Map(), allowUnknowns: true };
const xs = [0.1, 0.4, 0.6, 0.9];
const ys = [0.2, -0.5, 0.3, -0.1];

function tensorScope(extra: Record<string, number[]>): Scope {
  const scope: Scope = { x: tf.tensor1d(xs), y: tf.tensor1d(ys) };
  for (const [k, v] of Object.entries(extra)) scope[k] = tf.tensor1d(v);
  return scope;
}

describe('piecewise expressions', () => {
  it('a conditional coefficient takes the branch of each point, hoisted or recomputed', () => {
    const parsed = parseExpression('(x < 0.5 ? 1 : k) * u_xx + (y >= 0 and x > 0.5) * 100', 'pde', ctx);
    const hoisting = compileTensor(parsed.node, { variables: ['x', 'y'], hoistPrefix: '__c' });
    const plain = compileTensor(parsed.node, { variables: ['x', 'y'] });
    expect(hoisting.hoisted.length).toBe(2);
    const uxx = [1, 2, 3, 4];
    const expected = [1, 2, 30 + 100, 40];
    const columns = Object.fromEntries(hoisting.hoisted.map((h) => [h.name, xs.map((x, i) => h.evaluate([x, ys[i] as number]))]));
    expect(tf.tidy(() => hoisting.evaluate(tensorScope({ u_xx: uxx, ...columns })).arraySync())).toEqual(expected);
    expect(tf.tidy(() => plain.evaluate(tensorScope({ u_xx: uxx })).arraySync())).toEqual(expected);
    const numeric = compileNumeric(parsed.node, ['x', 'y', 'u_xx']);
    xs.forEach((x, i) => expect(numeric([x, ys[i] as number, uxx[i] as number])).toBe(expected[i]));
  });

  it('the gradient of a conditional is that of the branch taken, also when the test reads an unknown', () => {
    const parsed = parseExpression('u > 0 ? u^2 : -3*u', 'pde', ctx);
    const compiled = compileTensor(parsed.node, { variables: ['x', 'y'] });
    const u = [0.5, -1, 2, -0.25];
    const grad = tf.grad((t: tf.Tensor) => tf.sum(compiled.evaluate({ ...tensorScope({}), u: t as tf.Tensor1D })));
    const g = tf.tidy(() => grad(tf.tensor1d(u)).arraySync() as number[]);
    expect(g).toEqual(u.map((v) => (v > 0 ? 2 * v : -3)));
    // Comparisons and logic on unknowns are differentiable too (zero gradient through the test).
    const logic = compileTensor(parseExpression('(u > 0 or u < -0.5) * u + not (u == 2) * u', 'pde', ctx).node, { variables: ['x', 'y'] });
    const g2 = tf.tidy(() => tf.grad((t: tf.Tensor) => tf.sum(logic.evaluate({ ...tensorScope({}), u: t as tf.Tensor1D })))(tf.tensor1d(u)).arraySync() as number[]);
    expect(g2).toEqual(u.map((v) => (v > 0 || v < -0.5 ? 1 : 0) + (v === 2 ? 0 : 1)));
  });

  it('refuses chained comparisons with a one-line message', () => {
    expect(() => parseExpression('0 < x < 1 ? u : 0', 'pde', ctx)).toThrow('pde: chained comparisons such as a < b < c are not allowed; write (a < b) and (b < c)');
  });

  it('training-free: a piecewise coefficient with its exact solution passes check, the wrong coefficient does not', () => {
    // -(k u_x)_x = f on [0, 1] with k = 1 left of 0.5 and 4 right of it; u continuous with continuous flux:
    // u = x (1 - x) * (x < 0.5 ? 4 : 1) is not smooth enough, so take u = sin(pi x) and f = k pi² sin(pi x) per piece.
    const spec = (coefficient: string) => ({
      name: 'piecewise',
      variables: ['x'],
      params: { a: 4 },
      define: { k: coefficient },
      domain: { type: 'interval', min: 0, max: 1 },
      pde: 'k * u_xx + (x < 0.5 ? 1 : a) * pi^2 * sin(pi*x)',
      conditions: [{ type: 'dirichlet', value: 0 }],
      exact: 'sin(pi*x)',
    });
    const right = checkProblem(defineProblem(spec('x < 0.5 ? 1 : a')));
    expect(right.ok).toBe(true);
    expect(right.relResidual).toBeLessThan(1e-5);
    const wrong = checkProblem(defineProblem(spec('x < 0.5 ? a : 1')));
    expect(wrong.ok).toBe(false);
    expect(wrong.relResidual).toBeGreaterThan(0.1);
  });

  it('a piecewise exact solution differentiates branch-wise', () => {
    const problem = defineProblem({
      name: 'kink',
      variables: ['x'],
      domain: { type: 'interval', min: -1, max: 1 },
      pde: 'u_xx - (x < 0 ? 2 : 6*x)',
      conditions: [{ type: 'dirichlet', value: 'x < 0 ? x^2 : x^3' }],
      exact: 'x < 0 ? x^2 : x^3',
    });
    const at = Float64Array.from([-0.5, 0.5]);
    expect([...(problem.exactDerivative?.('u_x', at, 2) ?? [])]).toEqual([-1, 0.75]);
    expect(checkProblem(problem).ok).toBe(true);
  });
});

describe('conditions with piecewise values', () => {
  it('a dirichlet value with a conditional is evaluated per sampled point', () => {
    const problem = defineProblem({
      name: 'pv',
      variables: ['x', 'y'],
      domain: { type: 'rectangle', min: [0, 0], max: [1, 1] },
      pde: 'lap(u)',
      conditions: [{ type: 'dirichlet', value: 'x > 0.5 ? 1 : -1' }],
    });
    const term = problem.terms[1] as LossTerm;
    const points = term.sample(64, createRng(1), 'sobol');
    const g = points.extra?.__g as Float32Array;
    for (let i = 0; i < points.count; i++) expect(g[i]).toBe((points.coords[2 * i] as number) > 0.5 ? 1 : -1);
  });
});
