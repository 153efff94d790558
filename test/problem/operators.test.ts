import * as tf from '../../src/tf.js';
import { describe, expect, it } from 'vitest';
import { checkProblem, defineProblem } from '../../src/index.js';
import { parseExpression } from '../../src/problem/expr/parse.js';
import type { ExprContext } from '../../src/problem/expr/parse.js';
import { compileNumeric } from '../../src/problem/expr/numeric.js';
import { compileTensor } from '../../src/problem/expr/tensor.js';
import { besselj, bessely, erf } from '../../src/problem/expr/special.js';

const ctx: ExprContext = { variables: ['x', 'y'], spatial: ['x', 'y'], unknowns: ['u', 'v'], params: {}, defines: new Map(), allowUnknowns: true };

describe('nested operators', () => {
  it('lap(lap(u)) is the bilaplacian u_xxxx + 2 u_xxyy + u_yyyy', () => {
    const parsed = parseExpression('lap(lap(u))', 'pde', ctx);
    expect(parsed.symbols.sort()).toEqual(['u_xxxx', 'u_xxyy', 'u_yyyy']);
    const f = compileNumeric(parsed.node, ['u_xxxx', 'u_xxyy', 'u_yyyy']);
    expect(f([1, 10, 100])).toBe(121);
  });

  it('div(a*grad(u)) applies the product rule: a lap(u) + a_x u_x + a_y u_y', () => {
    const parsed = parseExpression('div((1 + x^2*y) * grad(u))', 'pde', ctx);
    expect(parsed.symbols.filter((s) => s.startsWith('u')).sort()).toEqual(['u_x', 'u_xx', 'u_y', 'u_yy']);
    const names = ['x', 'y', 'u_x', 'u_xx', 'u_y', 'u_yy'];
    const f = compileNumeric(parsed.node, names);
    const [x, y, ux, uxx, uy, uyy] = [0.3, -0.7, 2, 5, -1, 3];
    const a = 1 + x * x * y;
    expect(f([x, y, ux, uxx, uy, uyy])).toBeCloseTo(a * (uxx + uyy) + 2 * x * y * ux + x * x * uy, 12);
  });

  it('div of a flux over two unknowns, and grad outside div is refused', () => {
    const parsed = parseExpression('div(grad(u) - v*grad(v))', 'pde', ctx);
    const f = compileNumeric(parsed.node, ['u_xx', 'u_yy', 'v', 'v_x', 'v_y', 'v_xx', 'v_yy']);
    // lap(u) - (v_x² + v v_xx + v_y² + v v_yy)
    expect(f([1, 2, 3, 4, 5, 6, 7])).toBe(3 - (16 + 18 + 25 + 21));
    expect(() => parseExpression('grad(u)', 'pde', ctx)).toThrow('pde: grad() is allowed only inside div(), e.g. div(k*grad(u))');
    expect(() => parseExpression('div(u)', 'pde', ctx)).toThrow('pde: div() expects a flux written with grad(), e.g. div(k*grad(u))');
    expect(() => parseExpression('lap(lap(lap(u)))', 'pde', ctx)).toThrow("pde: unsupported derivative 'u_xxxxx': order 5, at most 4 is supported");
  });

  it('a biharmonic plate with lap(lap(u)) and u_xxyy passes check with its exact solution', () => {
    const problem = defineProblem({
      name: 'plate',
      variables: ['x', 'y'],
      domain: { type: 'rectangle', min: [0, 0], max: [1, 1] },
      pde: ['lap(lap(u)) - 4*pi^4*sin(pi*x)*sin(pi*y)', 'u_xxyy - pi^4*sin(pi*x)*sin(pi*y)'],
      conditions: [{ type: 'dirichlet', value: 0 }],
      exact: 'sin(pi*x)*sin(pi*y)',
    });
    expect(problem.terms[0]?.derivatives).toEqual(['u_xxxx', 'u_xxyy', 'u_yyyy']);
    const report = checkProblem(problem);
    expect(report.ok).toBe(true);
  });

  it('a TypeScript exact solution differentiates mixed fourth derivatives by nested central differences', () => {
    const spec = {
      name: 'plate-fd',
      variables: ['x', 'y'],
      domain: { type: 'rectangle', min: [0, 0], max: [1, 1] },
      pde: 'u_xxyy + u_xxy - 4*pi^4*sin(pi*x)*sin(2*pi*y) + 2*pi^3*sin(pi*x)*cos(2*pi*y)',
      conditions: [{ type: 'dirichlet', value: 0 }],
      exact: (p: Readonly<Record<string, number>>) => Math.sin(Math.PI * (p.x as number)) * Math.sin(2 * Math.PI * (p.y as number)),
    };
    const problem = defineProblem(spec);
    const at = Float64Array.from([0.3, 0.6]);
    const uxxyy = problem.exactDerivative?.('u_xxyy', at, 1)[0] as number;
    // u_xxyy = 4π⁴ sin(πx) sin(2πy), four times u_xxxx: a stencil along x alone would be off by 4×.
    expect(uxxyy / (4 * Math.PI ** 4 * Math.sin(0.3 * Math.PI) * Math.sin(1.2 * Math.PI))).toBeCloseTo(1, 2);
    const report = checkProblem(problem);
    expect(report.method).toBe('finite-difference');
    expect(report.ok).toBe(true);
  });
});

describe('special functions', () => {
  it('erf, besselj, bessely match reference values (float64)', () => {
    // Reference values as given by scipy.special (erf, jv, yv).
    expect(erf(0.5)).toBeCloseTo(0.5204998778130465, 14);
    expect(erf(-3.5)).toBeCloseTo(-0.9999992569016276, 14);
    expect(besselj(0, 2.5)).toBeCloseTo(-0.048383776468197996, 8);
    expect(besselj(3, 2.5)).toBeCloseTo(0.21660039103911203, 7);
    expect(besselj(5, 1)).toBeCloseTo(0.00024975773021123443, 12);
    expect(besselj(-3, 2.5)).toBeCloseTo(-0.21660039103911203, 7);
    expect(besselj(2, 20)).toBeCloseTo(-0.16034135192299815, 8);
    expect(bessely(0, 2.5)).toBeCloseTo(0.4980703596152316, 8);
    expect(bessely(2, 2.5)).toBeCloseTo(-0.3813358484350891, 8);
    expect(bessely(1, 10)).toBeCloseTo(0.24901542420695388, 8);
  });

  it('in residuals: tensor versions agree with float64 and besselj has the gradient (J_{n-1} - J_{n+1}) / 2', () => {
    const parsed = parseExpression('erf(u) + besselj(1, u) + bessely(0, u + 2)', 'pde', ctx);
    const compiled = compileTensor(parsed.node, { variables: ['x', 'y'] });
    const u = [0.3, 1.2, 2.5];
    const scope = (t: tf.Tensor) => ({ x: tf.tensor1d([0, 0, 0]), y: tf.tensor1d([0, 0, 0]), u: t as tf.Tensor1D });
    const values = tf.tidy(() => compiled.evaluate(scope(tf.tensor1d(u))).arraySync());
    u.forEach((v, i) => expect(values[i]).toBeCloseTo(erf(v) + besselj(1, v) + bessely(0, v + 2), 5));
    const g = tf.tidy(() => tf.grad((t: tf.Tensor) => tf.sum(compiled.evaluate(scope(t))))(tf.tensor1d(u)).arraySync() as number[]);
    u.forEach((v, i) => {
      const expected = (2 / Math.sqrt(Math.PI)) * Math.exp(-v * v) + (besselj(0, v) - besselj(2, v)) / 2 - bessely(1, v + 2);
      expect(g[i]).toBeCloseTo(expected, 4);
    });
  });

  it('exact solutions with erf, Bessel functions and atan2 differentiate symbolically and pass check', () => {
    // Heat kernel: u = erf(x / (2 sqrt(t))) solves u_t = u_xx.
    const heat = defineProblem({
      name: 'erf-heat',
      variables: ['x'],
      time: [0.5, 1],
      domain: { type: 'interval', min: -1, max: 1 },
      pde: 'u_t - u_xx',
      conditions: [{ type: 'dirichlet', value: 'erf(x / (2*sqrt(t)))' }, { type: 'initial', value: 'erf(x / (2*sqrt(0.5)))' }],
      exact: 'erf(x / (2*sqrt(t)))',
    });
    expect(checkProblem(heat).ok).toBe(true);
    // Bessel: u = J_0(k r) solves lap(u) + k² u = 0 in the plane.
    const helmholtz = defineProblem({
      name: 'bessel',
      variables: ['x', 'y'],
      params: { k: 3 },
      domain: { type: 'disk', center: [0, 0], radius: 1 },
      pde: 'lap(u) + k^2*u',
      conditions: [{ type: 'dirichlet', value: 'besselj(0, k)' }],
      exact: 'besselj(0, k*sqrt(x^2 + y^2 + 1e-12))',
    });
    expect(checkProblem(helmholtz).ok).toBe(true);
    // atan2: the polar angle is harmonic away from the cut.
    const angle = defineProblem({
      name: 'angle',
      variables: ['x', 'y'],
      domain: { type: 'rectangle', min: [0.5, 0.5], max: [1, 1] },
      pde: 'lap(u)',
      conditions: [{ type: 'dirichlet', value: 'atan2(y, x)' }],
      exact: 'atan2(y, x)',
    });
    const report = checkProblem(angle);
    expect(report.method).toBe('symbolic');
    expect(report.ok).toBe(true);
  });

  it('refuses a Bessel order that is not an integer constant', () => {
    expect(() => parseExpression('besselj(x, u)', 'pde', ctx)).toThrow("pde: besselj(n, x) needs an integer constant order n, got 'x'");
    expect(() => parseExpression('bessely(0.5, u)', 'pde', ctx)).toThrow("pde: bessely(n, x) needs an integer constant order n, got '0.5'");
  });
});
