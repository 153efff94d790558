import { parse } from 'mathjs';
import { describe, expect, it } from 'vitest';
import { quarterTurn } from '../../src/symbolic/canonical.js';
import { buildSymbolicFormula } from '../../src/symbolic/formula.js';
import type { FormulaEdge } from '../../src/symbolic/formula.js';
import { snapPi } from '../../src/symbolic/nodes.js';
import { normalizeNetwork } from '../../src/interpret/normalize.js';
import { defaultSymbolicLibrary } from '../../src/symbolic/library.js';
import { createRng } from '../../src/random.js';

const edge = (name: string, a = 1, b = 0, c = 1, d = 0): FormulaEdge => ({ kind: 'symbolic', name, a, b, c, d });

describe('quarterTurn', () => {
  it('moves sin ↔ cos so that |b| ≤ π/4, keeping the function exactly', () => {
    const rng = createRng(5);
    for (const name of ['sin', 'cos'] as const) {
      for (const b of [-1.5, -0.9, -0.78, 0, 0.78, 0.9, Math.PI / 2]) {
        const params = { a: 2.3, b, c: -0.7, d: 0.1 };
        const turned = quarterTurn(name, params);
        expect(Math.abs(turned.params.b)).toBeLessThanOrEqual(Math.PI / 4 + 1e-12);
        expect(turned.name === name).toBe(Math.abs(b) <= Math.PI / 4);
        for (let n = 0; n < 20; n++) {
          const x = rng.next() * 4 - 2;
          const f = (fn: 'sin' | 'cos', p: typeof params): number => p.c * Math[fn](p.a * x + p.b) + p.d;
          expect(f(turned.name, turned.params)).toBeCloseTo(f(name, params), 12);
        }
      }
    }
  });

  it('normalizeNetwork prints a trained 0.5·sin(π·x + π/2) as 0.5·cos(π·x)', () => {
    const network = { edges: [[[edge('sin', Math.PI, Math.PI / 2 + 1e-8, 0.5)]]] };
    const [formula] = buildSymbolicFormula(normalizeNetwork(network, defaultSymbolicLibrary), { inputNames: ['x'], snapPi: true });
    expect(formula!.text).toBe('0.5 * cos(pi * x)');
    expect(formula!.evaluate({ x: 0.3 })).toBeCloseTo(0.5 * Math.cos(Math.PI * 0.3), 7);
  });
});

describe('snapPi', () => {
  const snapped = (text: string, digits = 5): string => snapPi(parse(text), digits).toString();

  it('writes numbers that read as p/q·π to the digits shown as that multiple', () => {
    expect(snapped('3.1416 * x')).toBe('pi * x');
    expect(snapped('sin(6.2832 * x + 1.5708)')).toBe('sin(2 * pi * x + pi / 2)');
    expect(snapped('x - 4.7124')).toBe('x - 3 * pi / 2');
    expect(snapped('-3.1416 * y')).toBe('-pi * y');
    expect(snapped('3.14 * x', 3)).toBe('pi * x');
  });

  it('leaves other numbers alone, including near misses at the digits shown', () => {
    expect(snapped('0.5 * x + 2')).toBe('0.5 * x + 2');
    expect(snapped('3.1415 * x')).toBe('3.1415 * x');
    expect(snapped('3.14 * x')).toBe('3.14 * x');
  });

  it('is off by default in buildSymbolicFormula and changes only the text', () => {
    const network = { edges: [[[edge('sin', Math.PI)]]] };
    const [plain] = buildSymbolicFormula(network, { inputNames: ['x'] });
    const [pi] = buildSymbolicFormula(network, { inputNames: ['x'], snapPi: true });
    expect(plain!.text).toBe('sin(3.1416 * x)');
    expect(pi!.text).toBe('sin(pi * x)');
    expect(pi!.evaluate({ x: 0.25 })).toBe(plain!.evaluate({ x: 0.25 }));
  });
});
