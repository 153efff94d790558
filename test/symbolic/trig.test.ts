import { parse } from 'mathjs';
import { describe, expect, it } from 'vitest';
import { buildSymbolicFormula } from '../../src/symbolic/formula.js';
import type { FormulaEdge } from '../../src/symbolic/formula.js';
import { normalizeNetwork } from '../../src/interpret/normalize.js';
import { defaultSymbolicLibrary } from '../../src/symbolic/library.js';
import { combineTrigProducts } from '../../src/symbolic/trig.js';
import { createRng } from '../../src/random.js';

const combined = (text: string): string => combineTrigProducts(parse(text), 5).toString();

/** The two texts agree at random points (the identities are exact). */
function sameFunction(a: string, b: string): void {
  const [f, g] = [parse(a).compile(), parse(b).compile()];
  const rng = createRng(7);
  for (let n = 0; n < 50; n++) {
    const scope = { x: rng.next() * 4 - 2, y: rng.next() * 4 - 2 };
    expect(Number(f.evaluate(scope))).toBeCloseTo(Number(g.evaluate(scope)), 12);
  }
}

describe('combineTrigProducts', () => {
  it('writes the four sum-to-product identities when the arguments get shorter', () => {
    const cases: [string, string][] = [
      ['0.5 * cos(3.1416 * (x - y)) - 0.5 * cos(3.1416 * (x + y))', 'sin(3.1416 * x) * sin(3.1416 * y)'],
      ['0.5 * cos(3 * (x - y)) + 0.5 * cos(3 * (x + y))', 'cos(3 * x) * cos(3 * y)'],
      ['sin(2 * (x + y)) + sin(2 * (x - y))', '2 * sin(2 * x) * cos(2 * y)'],
      ['0.25 * sin(2 * (x + y)) - 0.25 * sin(2 * (x - y))', '0.5 * cos(2 * x) * sin(2 * y)'],
      ['-0.5 * cos(x - y) + 0.5 * cos(x + y) + x', '-(sin(x) * sin(y)) + x'],
    ];
    for (const [sum, product] of cases) {
      expect(combined(sum), sum).toBe(product);
      sameFunction(sum, product);
    }
  });

  it('leaves sums alone when the weights print differently, the functions differ, or nothing gets shorter', () => {
    for (const text of ['0.5 * cos(pi * (x - y)) - 0.49 * cos(pi * (x + y))', 'cos(x - y) + sin(x + y)', 'cos(x) + cos(y)', 'x + 2']) {
      expect(combined(text)).toBe(parse(text).toString());
    }
  });

  it('is off by default; on, the poisson2d network prints sin(pi * x) * sin(pi * y)', () => {
    const edge = (name: string, a: number, b: number, c: number): FormulaEdge => ({ kind: 'symbolic', name, a, b, c, d: 0 });
    // As trained: linear hidden nodes x ± y, outer sines with phase π/2 and weights ±0.5.
    const network = normalizeNetwork(
      { edges: [[[edge('x', 1, 0, 1), edge('x', 1, 0, 1)], [edge('x', 1, 0, -1), edge('x', 1, 0, 1)]], [[edge('sin', Math.PI, Math.PI / 2, 0.5)], [edge('sin', Math.PI, Math.PI / 2, -0.5)]]] },
      defaultSymbolicLibrary,
    );
    const [plain] = buildSymbolicFormula(network, { inputNames: ['x', 'y'] });
    const [tidy] = buildSymbolicFormula(network, { inputNames: ['x', 'y'], snapPi: true, trigProducts: true });
    expect(plain!.text).toBe('0.5 * cos(3.1416 * (x - y)) - 0.5 * cos(3.1416 * (x + y))');
    expect(tidy!.text).toBe('sin(pi * x) * sin(pi * y)');
  });
});
