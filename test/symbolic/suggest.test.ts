import { describe, expect, it } from 'vitest';
import { createRng } from '../../src/random.js';
import { createSymbolicLibrary } from '../../src/symbolic/library.js';
import { SUGGEST_SYMBOLIC_DEFAULTS, rankSymbolicCandidates } from '../../src/symbolic/suggest.js';

const xs = Array.from({ length: 200 }, (_, i) => -1 + (2 * (i + 0.5)) / 200);
const FEW = ['x', 'x^2', 'sin', 'cos', 'exp', '0'];

describe('rankSymbolicCandidates ranking', () => {
  it('picks x for a linear edge and writes it as c*x + d', () => {
    const [top] = rankSymbolicCandidates(xs, xs.map((x) => 2 * x + 1));
    expect(top?.name).toBe('x');
    expect(top?.params.a).toBe(1);
    expect(top?.params.b).toBe(0);
    expect(top?.params.c).toBeCloseTo(2, 12);
    expect(top?.params.d).toBeCloseTo(1, 12);
  });

  it('picks sin for a sine edge', () => {
    expect(rankSymbolicCandidates(xs, xs.map((x) => Math.sin(Math.PI * x)))[0]?.name).toBe('sin');
  });

  it('keeps a noisy sine edge (r2 about 0.99) that pykan would set to 0', () => {
    const rng = createRng(5);
    const ys = xs.map((x) => Math.sin(Math.PI * x) + 0.07 * rng.normal());
    const [top] = rankSymbolicCandidates(xs, ys);
    expect(top?.name).toBe('sin');
    expect(top?.r2).toBeLessThan(0.995);
    // pykan's rule zeroes an edge unless 1 - r2 < 2^(-4 * complexity): 2^-8 for sin.
    expect(1 - (top?.r2 ?? 1)).toBeGreaterThan(2 ** -8);
  });

  it('picks 0 for a constant edge, with d the constant', () => {
    const [top] = rankSymbolicCandidates(xs, xs.map((x) => 2 + 1e-7 * x));
    expect(top?.name).toBe('0');
    expect(top?.params).toEqual({ a: 1, b: 0, c: 0, d: 2 });
    expect(top?.r2).toBe(1);
  });

  it('judges "constant" relative to options.scale', () => {
    const ys = xs.map((x) => 1e-3 * Math.sin(2 * x));
    expect(rankSymbolicCandidates(xs, ys, { candidates: FEW })[0]?.name).toBe('sin');
    expect(rankSymbolicCandidates(xs, ys, { candidates: FEW, scale: 100 })[0]?.name).toBe('0');
  });

  it('treats scores within tieTolerance as ties and puts the simpler/earlier x^2 ahead of cos on a noisy parabola', () => {
    const rng = createRng(12);
    const ys = xs.map((x) => x * x + 0.01 * rng.normal());
    // cos(0.3x) has an x^4 term that fits this noise draw a little better than x^2 ...
    const strict = rankSymbolicCandidates(xs, ys, { candidates: ['cos', 'x^2'], tieTolerance: 0 });
    expect(strict.map((c) => c.name)).toEqual(['cos', 'x^2']);
    expect((strict[1]?.score ?? 0) - (strict[0]?.score ?? 0)).toBeLessThan(SUGGEST_SYMBOLIC_DEFAULTS.tieTolerance);
    // ... by less than the tie tolerance, so the earlier library entry wins.
    expect(rankSymbolicCandidates(xs, ys, { candidates: ['cos', 'x^2'] }).map((c) => c.name)).toEqual(['x^2', 'cos']);
  });

  it('scores log2(1 - r2 + eps) + w*complexity and sorts by it outside ties', () => {
    const ys = xs.map((x) => Math.exp(x) + 0.3 * Math.sin(5 * x));
    const ranked = rankSymbolicCandidates(xs, ys, { candidates: FEW, tieTolerance: 0 });
    for (const c of ranked) expect(c.score).toBeCloseTo(Math.log2(1 - c.r2 + SUGGEST_SYMBOLIC_DEFAULTS.r2Floor) + c.complexity, 12);
    for (let k = 1; k < ranked.length; k++) expect(ranked[k]?.score).toBeGreaterThanOrEqual(ranked[k - 1]?.score ?? -Infinity);
  });

  it('returns topK candidates, and only the requested ones', () => {
    const ranked = rankSymbolicCandidates(xs, xs.map(Math.exp), { candidates: FEW, topK: 2 });
    expect(ranked).toHaveLength(2);
    expect(ranked[0]?.name).toBe('exp');
    expect(rankSymbolicCandidates(xs, xs.map(Math.exp), { candidates: ['sin', 'x'] }).map((c) => c.name).sort()).toEqual(['sin', 'x']);
  });

  it('fits aliases once, reports both with the same fit, and breaks the tie by library order', () => {
    const ys = xs.map((x) => Math.sqrt(x + 2));
    const [first, second] = rankSymbolicCandidates(xs, ys, { candidates: ['x^0.5', 'sqrt'] });
    expect(first?.name).toBe('sqrt');
    expect(second?.name).toBe('x^0.5');
    expect(second?.params).toEqual(first?.params);
  });

  it('uses a user library', () => {
    const library = createSymbolicLibrary();
    library.add({ name: 'sinh', f: Math.sinh, df: Math.cosh, d2f: Math.sinh, template: 'sinh(X)', complexity: 2 });
    const [top] = rankSymbolicCandidates(xs, xs.map((x) => 0.5 * Math.sinh(2 * x - 0.4) + 1), { library, candidates: ['x^3', 'exp', 'sinh', 'tan'] });
    expect(top?.name).toBe('sinh');
    expect(top?.r2).toBeGreaterThan(0.999999);
  });

  it('names an unknown candidate and a bad option', () => {
    expect(() => rankSymbolicCandidates(xs, xs, { candidates: ['x', 'sinh'] })).toThrow(/^rankSymbolicCandidates: options\.candidates\[1\]: unknown symbolic function "sinh" \(known: x, x\^2, /);
    expect(() => rankSymbolicCandidates(xs, xs, { complexityWeight: -1 })).toThrow('rankSymbolicCandidates: options.complexityWeight: expected a finite number >= 0, found -1');
    expect(() => rankSymbolicCandidates(xs, xs, { candidates: [] })).toThrow('rankSymbolicCandidates: options.candidates: expected at least one name, found none');
    expect(() => rankSymbolicCandidates(xs, xs.slice(1))).toThrow('rankSymbolicCandidates: xs and ys must have the same length, found 200 and 199');
  });
});
