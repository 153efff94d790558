import { describe, expect, it } from 'vitest';
import { createRng } from '../../src/random.js';
import { defaultSymbolicLibrary } from '../../src/symbolic/library.js';
import { fitSymbolicFunction } from '../../src/symbolic/fit.js';
import { rankSymbolicCandidates } from '../../src/symbolic/suggest.js';
import type { AffineParams } from '../../src/symbolic/library.js';

/** Names that describe the same family of curves c·f(a·x + b) + d (exact identities). */
const EQUIVALENT: string[][] = [['sqrt', 'x^0.5'], ['1/sqrt(x)', '1/x^0.5'], ['sin', 'cos'], ['arcsin', 'arccos']];
const equivalents = (name: string): string[] => EQUIVALENT.find((group) => group.includes(name)) ?? [name];

const SAMPLES = 300;
/** Noise as a fraction of std(y) in the noisy runs. */
const NOISE = 1e-3;
/** Largest |fitted − true| over the samples, as a fraction of the range of y. */
const CURVE_TOLERANCE = { clean: 1e-6, noisy: 5e-3 };
const R2_MIN = 0.9999;

/** One case per library function: y = c·f(a·x + b) + d written in plain JS (the oracle), and an x range in its domain. */
/** `jump`: where y is discontinuous; the curve check skips one sample spacing around it. */
const CASES: Array<{ name: string; y: (x: number) => number; range?: [number, number]; jump?: number }> = [
  { name: 'x', y: (x) => 2 * x + 1 },
  { name: 'x^2', y: (x) => 1.5 * (0.8 * x - 0.3) ** 2 + 0.2 },
  { name: 'x^3', y: (x) => 0.5 * (x + 0.2) ** 3 - 0.1 },
  { name: 'x^4', y: (x) => (1.2 * x + 0.2) ** 4 - 1 },
  { name: 'x^5', y: (x) => -((x - 0.1) ** 5) + 0.3 },
  { name: '1/x', y: (x) => 2 / (x + 1.5) },
  { name: '1/x^2', y: (x) => 1 / (0.8 * x + 1.5) ** 2 },
  { name: '1/x^3', y: (x) => 1 / (x + 1.5) ** 3 + 1 },
  { name: '1/x^4', y: (x) => 0.5 / (x + 1.6) ** 4 },
  { name: '1/x^5', y: (x) => -1 / (x + 1.5) ** 5 },
  { name: 'sqrt', y: (x) => 3 * Math.sqrt(x + 1.1) - 1 },
  { name: 'x^0.5', y: (x) => Math.sqrt(2 - x) },
  { name: 'x^1.5', y: (x) => (x + 1.1) ** 1.5 },
  { name: '1/sqrt(x)', y: (x) => 1 / Math.sqrt(2 * x + 2.2) },
  { name: '1/x^0.5', y: (x) => 2 / Math.sqrt(1.5 - x) },
  { name: 'exp', y: (x) => 0.5 * Math.exp(2 * x) + 1 },
  { name: 'log', y: (x) => 3 * Math.log(2 * x + 3) },
  { name: 'abs', y: (x) => 2 * Math.abs(x - 0.2) },
  { name: 'sin', y: (x) => Math.sin(Math.PI * x) },
  { name: 'cos', y: (x) => 2 * Math.cos(3 * x + 0.5) - 1 },
  { name: 'tan', y: (x) => Math.tan(1.4 * x) },
  { name: 'tanh', y: (x) => Math.tanh(3 * x - 0.5) },
  { name: 'sgn', y: (x) => Math.sign(x - 0.3), jump: 0.3 },
  { name: 'arcsin', y: (x) => Math.asin(0.95 * x) },
  { name: 'arccos', y: (x) => Math.acos(0.9 * x + 0.05) },
  { name: 'arctan', y: (x) => Math.atan(4 * x) },
  { name: 'arctanh', y: (x) => Math.atanh(0.95 * x) },
  { name: 'gaussian', y: (x) => 1.5 * Math.exp(-((2 * x + 0.3) ** 2)) },
  { name: 'sin', y: (x) => 5 * Math.sin(0.3 * x + 2) + 0.7, range: [-10, 10] },
];

function samples(y: (x: number) => number, [lo, hi]: [number, number] = [-1, 1], count = SAMPLES): { xs: number[]; clean: number[] } {
  const xs = Array.from({ length: count }, (_, i) => lo + ((hi - lo) * (i + 0.5)) / count);
  return { xs, clean: xs.map(y) };
}

function withNoise(values: number[], seed: number): number[] {
  const rng = createRng(seed);
  const mean = values.reduce((s, v) => s + v, 0) / values.length;
  const std = Math.sqrt(values.reduce((s, v) => s + (v - mean) ** 2, 0) / values.length);
  return values.map((v) => v + NOISE * std * rng.normal());
}

function curve(name: string, { a, b, c, d }: AffineParams, xs: number[]): number[] {
  const fn = defaultSymbolicLibrary.require(name, 'test');
  return xs.map((x) => c * fn.f(a * x + b) + d);
}

function maxRelativeError(fitted: number[], truth: number[]): number {
  const range = Math.max(...truth) - Math.min(...truth);
  return Math.max(...fitted.map((v, i) => Math.abs(v - (truth[i] as number)))) / range;
}

describe('rankSymbolicCandidates recovers every library function', () => {
  for (const [index, { name, y, range, jump }] of CASES.entries()) {
    for (const noisy of [false, true]) {
      it(`${name}${range ? ` on [${range.join(', ')}]` : ''}${noisy ? ' with 0.1% noise' : ''}`, () => {
        const { xs, clean } = samples(y, range);
        const ys = noisy ? withNoise(clean, 100 + index) : clean;
        const [top] = rankSymbolicCandidates(xs, ys);
        expect(top).toBeDefined();
        if (top === undefined) return;
        expect(equivalents(name)).toContain(top.name);
        expect(top.r2).toBeGreaterThan(R2_MIN);
        // A denser grid than the samples: the fitted curve matches between samples too.
        const dense = samples(y, range, 997);
        const keep = dense.xs.map((x) => jump === undefined || Math.abs(x - jump) > 2 / SAMPLES);
        const denseXs = dense.xs.filter((_, i) => keep[i]);
        const denseYs = dense.clean.filter((_, i) => keep[i]);
        expect(maxRelativeError(curve(top.name, top.params, denseXs), denseYs)).toBeLessThan(noisy ? CURVE_TOLERANCE.noisy : CURVE_TOLERANCE.clean);
      });
    }
  }
});

describe('fitSymbolicFunction', () => {
  it('recovers sin(pi x) as a = pi, b = 0, c = 1, d = 0 in canonical form', () => {
    const { xs, clean } = samples((x) => Math.sin(Math.PI * x));
    const fit = fitSymbolicFunction(xs, clean, defaultSymbolicLibrary.require('sin', 'test'));
    expect(fit.params.a).toBeCloseTo(Math.PI, 9);
    expect(fit.params.b).toBeCloseTo(0, 9);
    expect(fit.params.c).toBeCloseTo(1, 9);
    expect(fit.params.d).toBeCloseTo(0, 9);
  });

  it('writes powers with a = 1: 1.5*(0.8x - 0.3)^2 + 0.2 = 0.96*(x - 0.375)^2 + 0.2', () => {
    const { xs, clean } = samples((x) => 1.5 * (0.8 * x - 0.3) ** 2 + 0.2);
    const { params } = fitSymbolicFunction(xs, clean, defaultSymbolicLibrary.require('x^2', 'test'));
    expect(params.a).toBe(1);
    expect(params.b).toBeCloseTo(-0.375, 9);
    expect(params.c).toBeCloseTo(0.96, 9);
    expect(params.d).toBeCloseTo(0.2, 9);
  });

  it('moves the scale of a logarithm into d: 3*log(2x + 3) = 3*log(x + 1.5) + 3*log(2)', () => {
    const { xs, clean } = samples((x) => 3 * Math.log(2 * x + 3));
    const { params } = fitSymbolicFunction(xs, clean, defaultSymbolicLibrary.require('log', 'test'));
    expect(params).toMatchObject({ a: 1 });
    expect(params.b).toBeCloseTo(1.5, 9);
    expect(params.c).toBeCloseTo(3, 9);
    expect(params.d).toBeCloseTo(3 * Math.log(2), 9);
  });

  it('keeps the fitted argument inside the domain: sqrt never reaches below 0 on the samples', () => {
    const { xs, clean } = samples((x) => Math.abs(x) ** 0.5);
    const fit = fitSymbolicFunction(xs, clean, defaultSymbolicLibrary.require('sqrt', 'test'));
    for (const x of xs) expect(fit.params.a * x + fit.params.b).toBeGreaterThanOrEqual(0);
    expect(fit.r2).toBeLessThan(0.9);
  });

  it('gives r2 = 0 and c = 0 for a constant edge', () => {
    const xs = [0, 1, 2, 3, 4];
    const fit = fitSymbolicFunction(xs, [2, 2, 2, 2, 2], defaultSymbolicLibrary.require('sin', 'test'));
    expect(fit).toEqual({ name: 'sin', params: { a: 1, b: 0, c: 0, d: 2 }, r2: 0, complexity: 2 });
  });

  it('looks a name up in the default library', () => {
    const { xs, clean } = samples((x) => Math.tanh(2 * x));
    expect(fitSymbolicFunction(xs, clean, 'tanh').r2).toBeGreaterThan(0.999999);
    expect(() => fitSymbolicFunction(xs, clean, 'sinh')).toThrow(/^fitSymbolicFunction: unknown symbolic function "sinh" \(known: x, /);
  });

  it('refuses mismatched, too few and non-finite samples', () => {
    const sin = defaultSymbolicLibrary.require('sin', 'test');
    expect(() => fitSymbolicFunction([1, 2, 3, 4], [1, 2, 3], sin)).toThrow('fitSymbolicFunction: xs and ys must have the same length, found 4 and 3');
    expect(() => fitSymbolicFunction([1, 2, 3], [1, 2, 3], sin)).toThrow('fitSymbolicFunction: need at least 4 samples to fit 4 parameters (a, b, c, d), found 3');
    expect(() => fitSymbolicFunction([1, 2, NaN, 4], [1, 2, 3, 4], sin)).toThrow('fitSymbolicFunction: xs[2] is NaN; samples must be finite');
  });
});
