import * as tf from '../../src/tf.js';
import { describe, expect, it } from 'vitest';
import { KanpinnInputError } from '../../src/index.js';
import { parseDerivativeName } from '../../src/jet/names.js';
import { parseExpression } from '../../src/problem/expr/parse.js';
import type { ExprContext } from '../../src/problem/expr/parse.js';
import { compileTensor } from '../../src/problem/expr/tensor.js';
import { compileNumeric } from '../../src/problem/expr/numeric.js';

const F32 = 1e-5;
const ctx: ExprContext = {
  variables: ['x', 'y'],
  spatial: ['x', 'y'],
  unknowns: ['u', 'v'],
  params: { k: 3 },
  defines: new Map(),
  allowUnknowns: true,
};

const xs = [0.1, -0.7, 0.35, 0.9];
const ys = [0.2, 0.5, -0.4, -0.95];

function scope(extra: Record<string, number[]> = {}): Record<string, tf.Tensor1D> {
  const s: Record<string, tf.Tensor1D> = { x: tf.tensor1d(xs), y: tf.tensor1d(ys) };
  for (const [k, v] of Object.entries(extra)) s[k] = tf.tensor1d(v);
  return s;
}

describe('parseDerivativeName', () => {
  it('parses unknowns and derivatives up to order 4, mixed or along one axis', () => {
    expect(parseDerivativeName('u', ['x', 'y'], ['u'])).toEqual({ name: 'u', unknown: 'u', output: 0, axes: [], canonical: 'u' });
    expect(parseDerivativeName('u_yxyx', ['x', 'y'], ['u'])?.canonical).toBe('u_xxyy');
    expect(parseDerivativeName('v_xxt', ['x', 't'], ['u', 'v'])).toMatchObject({ unknown: 'v', output: 1, axes: [0, 0, 1] });
    expect(parseDerivativeName('u_yx', ['x', 'y'], ['u'])?.canonical).toBe('u_xy');
    expect(parseDerivativeName('v_tt', ['x', 't'], ['u', 'v'])?.axes).toEqual([1, 1]);
    expect(parseDerivativeName('u_xxxx', ['x'], ['u'])?.axes).toEqual([0, 0, 0, 0]);
    expect(parseDerivativeName('w', ['x'], ['u'])).toBeUndefined();
  });

  it('refuses unknown variables, empty suffixes and unsupported orders', () => {
    expect(() => parseDerivativeName('u_q', ['x', 'y'], ['u'])).toThrow("unknown derivative 'u_q': 'q' is not a variable (variables are x, y)");
    expect(() => parseDerivativeName('u_xxyyy', ['x', 'y'], ['u'])).toThrow("unsupported derivative 'u_xxyyy': order 5, at most 4 is supported");
    expect(() => parseDerivativeName('u_xxxxx', ['x'], ['u'])).toThrow("unsupported derivative 'u_xxxxx'");
    expect(() => parseDerivativeName('u_', ['x'], ['u'])).toThrow(KanpinnInputError);
  });
});

describe('compiled expressions', () => {
  it('match a plain-JS oracle for functions, powers and params', () => {
    const source = 'sin(pi*x) * exp(-y^2) + k^2 * cos(x*y) / (1 + x^2) - sqrt(abs(y)) + tanh(x) + atan2(y, x)';
    const parsed = parseExpression(source, 'pde', ctx);
    const compiled = compileTensor(parsed.node, { variables: ['x', 'y'] });
    const values = tf.tidy(() => compiled.evaluate(scope()).arraySync());
    xs.forEach((x, i) => {
      const y = ys[i] as number;
      const expected = Math.sin(Math.PI * x) * Math.exp(-y * y) + (9 * Math.cos(x * y)) / (1 + x * x) - Math.sqrt(Math.abs(y)) + Math.tanh(x) + Math.atan2(y, x);
      expect(values[i]).toBeCloseTo(expected, 5);
    });
  });

  it('expands lap(u), canonicalises derivative names and lists what the residual reads', () => {
    const parsed = parseExpression('lap(u) + u_yx - v', 'pde', ctx);
    expect(parsed.symbols.sort()).toEqual(['u_xx', 'u_xy', 'u_yy', 'v']);
    const compiled = compileTensor(parsed.node, { variables: ['x', 'y'] });
    const r = tf.tidy(() => compiled.evaluate(scope({ u_xx: [1, 2, 3, 4], u_yy: [10, 20, 30, 40], u_xy: [0.5, 0.5, 0.5, 0.5], v: [1, 1, 1, 1] })).arraySync());
    expect(r).toEqual([10.5, 21.5, 32.5, 43.5]);
  });

  it('folds constant subtrees and hoists coordinate-only ones into sampled columns', () => {
    const defines = new Map([['f', parseExpression('(k^2 - 17*pi^2) * sin(pi*x) * sin(4*pi*y)', 'define.f', ctx).node]]);
    const parsed = parseExpression('u_xx + u_yy + k^2*u - f', 'pde', { ...ctx, defines });
    const compiled = compileTensor(parsed.node, { variables: ['x', 'y'], hoistPrefix: '__c' });
    expect(compiled.hoisted.map((h) => h.name)).toEqual(['__c0']);
    const f = (x: number, y: number): number => (9 - 17 * Math.PI ** 2) * Math.sin(Math.PI * x) * Math.sin(4 * Math.PI * y);
    expect(compiled.hoisted[0]?.evaluate([0.3, 0.1])).toBeCloseTo(f(0.3, 0.1), 12);
    const u = [1, 2, 3, 4];
    const base = { u, u_xx: [0, 0, 0, 0], u_yy: [0, 0, 0, 0] };
    // Without the hoisted column the value is recomputed from the coordinates; with it, read from the scope.
    const recomputed = tf.tidy(() => compiled.evaluate(scope(base)).arraySync());
    const read = tf.tidy(() => compiled.evaluate(scope({ ...base, __c0: [100, 100, 100, 100] })).arraySync());
    xs.forEach((x, i) => expect(recomputed[i]).toBeCloseTo(9 * (u[i] as number) - f(x, ys[i] as number), 3));
    expect(read).toEqual(u.map((v) => 9 * v - 100));
  });

  it('a constant residual becomes one value per point', () => {
    const compiled = compileTensor(parseExpression('2*k', 'pde', ctx).node, { variables: ['x', 'y'] });
    expect(tf.tidy(() => compiled.evaluate(scope()).arraySync())).toEqual([6, 6, 6, 6]);
  });

  it('does not leak tensors across many evaluations', () => {
    const compiled = compileTensor(parseExpression('u_xx + sin(x)*u - x^2', 'pde', ctx).node, { variables: ['x', 'y'], hoistPrefix: '__c' });
    const s = scope({ u: [1, 2, 3, 4], u_xx: [1, 1, 1, 1] });
    const before = tf.memory().numTensors;
    for (let i = 0; i < 20; i++) tf.tidy(() => {
      compiled.evaluate(s);
    });
    expect(tf.memory().numTensors).toBe(before);
    expect(Math.abs(tf.tidy(() => compiled.evaluate(s).arraySync())[0] as number - (1 + Math.sin(0.1) - 0.01))).toBeLessThan(F32);
  });

  it('boolean selectors compare with a tolerance', () => {
    const parsed = parseExpression('x == 1 and not (y < 0)', 'on', { ...ctx, allowUnknowns: false, boolean: true });
    const test = compileNumeric(parsed.node, ['x', 'y'], { tolerance: 1e-6 });
    expect(test([1 + 1e-7, 0.5])).toBe(1);
    expect(test([1 + 1e-5, 0.5])).toBe(0);
    expect(test([1, -0.5])).toBe(0);
  });
});
