import { describe, expect, it } from 'vitest';
import { createSymbolicLibrary, defaultSymbolicLibrary, getSymbolicFunction } from '../../src/symbolic/library.js';
import type { SymbolicFunctionSpec } from '../../src/symbolic/library.js';
import { SINGULARITY_CAP } from '../../src/symbolic/builtins.js';

/** pykan's SYMBOLIC_LIB (kan/utils.py): name → complexity, in its order. */
const PYKAN_COMPLEXITY: Array<[string, number]> = [
  ['x', 1], ['x^2', 2], ['x^3', 3], ['x^4', 3], ['x^5', 3],
  ['1/x', 2], ['1/x^2', 2], ['1/x^3', 3], ['1/x^4', 4], ['1/x^5', 5],
  ['sqrt', 2], ['x^0.5', 2], ['x^1.5', 4], ['1/sqrt(x)', 2], ['1/x^0.5', 2],
  ['exp', 2], ['log', 2], ['abs', 3], ['sin', 2], ['cos', 2], ['tan', 3], ['tanh', 3], ['sgn', 3],
  ['arcsin', 4], ['arccos', 4], ['arctan', 4], ['arctanh', 4], ['0', 0], ['gaussian', 3],
];

/** Plain-JS closed forms (the oracle), valid inside each function's domain. */
const CLOSED_FORMS: Record<string, (z: number) => number> = {
  x: (z) => z, 'x^2': (z) => z ** 2, 'x^3': (z) => z ** 3, 'x^4': (z) => z ** 4, 'x^5': (z) => z ** 5,
  '1/x': (z) => 1 / z, '1/x^2': (z) => 1 / z ** 2, '1/x^3': (z) => 1 / z ** 3, '1/x^4': (z) => 1 / z ** 4, '1/x^5': (z) => 1 / z ** 5,
  sqrt: Math.sqrt, 'x^0.5': Math.sqrt, 'x^1.5': (z) => Math.sqrt(z) ** 3, '1/sqrt(x)': (z) => 1 / Math.sqrt(z), '1/x^0.5': (z) => 1 / Math.sqrt(z),
  exp: Math.exp, log: Math.log, abs: Math.abs, sin: Math.sin, cos: Math.cos, tan: Math.tan, tanh: Math.tanh, sgn: Math.sign,
  arcsin: Math.asin, arccos: Math.acos, arctan: Math.atan, arctanh: Math.atanh, '0': () => 0, gaussian: (z) => Math.exp(-z * z),
};

const PROBE_POINTS = [-2.2, -0.9, -0.55, -0.2, 0.15, 0.45, 0.8, 1.3, 2.2];
/** Relative tolerance of a central difference with step 1e-4·min(|z|, 1) in float64 (error O(h²) relative). */
const FD_TOLERANCE = 1e-5;

function centralDifference(f: (z: number) => number, z: number, h: number): number {
  return (f(z + h) - f(z - h)) / (2 * h);
}

describe('the built-in library', () => {
  it('holds pykan SYMBOLIC_LIB names in order with the same complexities', () => {
    const names = defaultSymbolicLibrary.names();
    expect(names).toEqual(PYKAN_COMPLEXITY.map(([name]) => name));
    for (const [name, complexity] of PYKAN_COMPLEXITY) expect(getSymbolicFunction(name)?.complexity).toBe(complexity);
  });

  it('matches the plain-JS closed form inside each domain', () => {
    for (const name of defaultSymbolicLibrary.names()) {
      const fn = defaultSymbolicLibrary.require(name, 'test');
      const oracle = CLOSED_FORMS[name];
      expect(oracle, name).toBeDefined();
      for (const z of PROBE_POINTS.filter((p) => fn.domain(p, p))) {
        const expected = oracle?.(z) ?? NaN;
        expect(Math.abs(fn.f(z) - expected), `${name}(${z})`).toBeLessThanOrEqual(1e-14 * Math.max(1, Math.abs(expected)));
      }
    }
  });

  it("gives f', f'', f''' that agree with central differences of the level below", () => {
    for (const name of defaultSymbolicLibrary.names()) {
      const fn = defaultSymbolicLibrary.require(name, 'test');
      const d3f = fn.d3f;
      expect(d3f, name).toBeDefined();
      if (d3f === undefined) continue;
      const pairs: Array<[(z: number) => number, (z: number) => number, string]> = [
        [fn.f, fn.df, "f'"],
        [fn.df, fn.d2f, "f''"],
        [fn.d2f, d3f, "f'''"],
      ];
      for (const z of PROBE_POINTS.filter((p) => fn.domain(p - 0.01, p + 0.01))) {
        for (const [lower, derivative, label] of pairs) {
          const expected = centralDifference(lower, z, 1e-4 * Math.min(Math.abs(z), 1));
          expect(Math.abs(derivative(z) - expected), `${label} of ${name} at ${z}`).toBeLessThanOrEqual(FD_TOLERANCE * Math.max(1, Math.abs(expected)));
        }
      }
    }
  });

  it('never returns NaN or Infinity, even at poles and far outside the domains', () => {
    const extremes = [0, 1e-300, 1e-12, 1e-7, 0.999999999, 1, 1.000001, Math.PI / 2, 3 * Math.PI / 2, 1e3, 1e6];
    const arguments_ = [...extremes, ...extremes.map((z) => -z)];
    for (const name of defaultSymbolicLibrary.names()) {
      const fn = defaultSymbolicLibrary.require(name, 'test');
      for (const g of [fn.f, fn.df, fn.d2f, fn.d3f]) {
        for (const z of arguments_) expect(Number.isFinite(g?.(z)), `${name} at ${z}`).toBe(true);
      }
    }
  });

  it('caps singular functions at SINGULARITY_CAP near their poles', () => {
    const reciprocal = defaultSymbolicLibrary.require('1/x^2', 'test');
    expect(reciprocal.f(0)).toBe(SINGULARITY_CAP);
    expect(Math.abs(defaultSymbolicLibrary.require('tan', 'test').f(Math.PI / 2))).toBe(SINGULARITY_CAP);
    expect(defaultSymbolicLibrary.require('1/x', 'test').f(1e-9)).toBeCloseTo(1e-9 * SINGULARITY_CAP ** 2, 6);
  });

  it('says where a function equals its formula through domain(lo, hi)', () => {
    const log = defaultSymbolicLibrary.require('log', 'test');
    expect(log.domain(0.5, 3)).toBe(true);
    expect(log.domain(-0.5, 3)).toBe(false);
    const reciprocal = defaultSymbolicLibrary.require('1/x', 'test');
    expect(reciprocal.domain(-2, -0.5)).toBe(true);
    expect(reciprocal.domain(-2, 0.5)).toBe(false);
    const tan = defaultSymbolicLibrary.require('tan', 'test');
    expect(tan.domain(2, 4)).toBe(true);
    expect(tan.domain(1, 2)).toBe(false);
    expect(defaultSymbolicLibrary.require('arcsin', 'test').domain(-1, 1)).toBe(true);
    expect(defaultSymbolicLibrary.require('arcsin', 'test').domain(-1, 1.01)).toBe(false);
  });

  it('has mathjs templates and their LaTeX', () => {
    expect(getSymbolicFunction('sin')?.template).toBe('sin(X)');
    expect(getSymbolicFunction('sin')?.latex).toBe('\\sin\\left( X\\right)');
    expect(getSymbolicFunction('gaussian')?.latex).toBe('\\exp\\left(-{ X}^{2}\\right)');
  });
});

describe('a user library', () => {
  const sinh: SymbolicFunctionSpec = { name: 'sinh', f: Math.sinh, df: Math.cosh, d2f: Math.sinh, d3f: Math.cosh, template: 'sinh(X)', complexity: 3 };

  it('accepts a valid function and lists it after the built-ins', () => {
    const library = createSymbolicLibrary();
    const entry = library.add(sinh);
    expect(entry.latex).toBe('\\sinh\\left( X\\right)');
    expect(entry.domain(-1e9, 1e9)).toBe(true);
    expect(library.names().at(-1)).toBe('sinh');
    expect(defaultSymbolicLibrary.get('sinh')).toBeUndefined();
  });

  it('refuses a name that is taken', () => {
    expect(() => createSymbolicLibrary().add({ ...sinh, name: 'sin' })).toThrow('addSymbolicFunction: name: "sin" is already taken');
  });

  it('refuses an empty name', () => {
    expect(() => createSymbolicLibrary().add({ ...sinh, name: ' ' })).toThrow('addSymbolicFunction: name: expected a non-empty string, found " "');
  });

  it('refuses an unguarded singular function, naming the field and the argument', () => {
    expect(() => createSymbolicLibrary().add({ ...sinh, name: 'rawlog', f: Math.log })).toThrow(
      'addSymbolicFunction: f(-10) of "rawlog" is NaN; it must be finite on [-10, 10] (guard singular points)',
    );
    expect(() => createSymbolicLibrary().add({ ...sinh, name: 'inv', d2f: (z) => 1 / z })).toThrow(
      'addSymbolicFunction: d2f(0) of "inv" is Infinity; it must be finite on [-10, 10] (guard singular points)',
    );
  });

  it('refuses a template without the placeholder X', () => {
    expect(() => createSymbolicLibrary().add({ ...sinh, template: 'sinh(z)' })).toThrow(
      'addSymbolicFunction: template: expected a mathjs expression over the placeholder X (e.g. "sinh(X)"), found "sinh(z)"',
    );
  });

  it('refuses a negative complexity and a missing derivative', () => {
    expect(() => createSymbolicLibrary().add({ ...sinh, complexity: -1 })).toThrow('addSymbolicFunction: complexity: expected a finite number >= 0, found -1');
    const { df: _df, ...noDerivative } = sinh;
    expect(() => createSymbolicLibrary().add(noDerivative as SymbolicFunctionSpec)).toThrow(
      'addSymbolicFunction: df: expected a function (z: number) => number, found undefined',
    );
  });

  it('names the unknown function and the known ones when looked up', () => {
    expect(() => createSymbolicLibrary([]).require('sinh', 'where')).toThrow('where: unknown symbolic function "sinh" (known: )');
  });
});
