import { describe, expect, it } from 'vitest';
import { createRng } from '../../src/random.js';
import { buildSymbolicFormula } from '../../src/symbolic/formula.js';
import type { FormulaEdge, FormulaNetwork } from '../../src/symbolic/formula.js';
import { defaultSymbolicLibrary } from '../../src/symbolic/library.js';

const ZERO: FormulaEdge = { kind: 'zero' };
const NUMERIC: FormulaEdge = { kind: 'numeric' };
const edge = (name: string, a = 1, b = 0, c = 1, d = 0): FormulaEdge => ({ kind: 'symbolic', name, a, b, c, d });
/** Agreement of `evaluate` with a plain-JS oracle (float64 throughout). */
const EVALUATE_TOLERANCE = 1e-6;

/** pykan's example: exp(sin(pi*x) + y^2) as a [2, 1, 1] KAN. */
const EXAMPLE: FormulaNetwork = {
  edges: [[[edge('sin', Math.PI)], [edge('x^2')]], [[edge('exp')]]],
};

/** Plain-JS forward pass of a symbolic network (the oracle). */
function forward(network: FormulaNetwork, inputs: number[]): number[] {
  let values = inputs;
  network.edges.forEach((layer, l) => {
    const width = layer[0]?.length ?? 0;
    values = Array.from({ length: width }, (_, j) => {
      let sum = network.bias?.[l]?.[j] ?? 0;
      layer.forEach((row, i) => {
        const e = row[j];
        if (e?.kind !== 'symbolic') return;
        sum += e.c * defaultSymbolicLibrary.require(e.name, 'test').f(e.a * (values[i] ?? NaN) + e.b) + e.d;
      });
      return sum;
    });
  });
  return values;
}

describe('buildSymbolicFormula', () => {
  it('prints the pykan example as exp(sin(3.1416 * x) + y ^ 2)', () => {
    const [formula] = buildSymbolicFormula(EXAMPLE, { inputNames: ['x', 'y'] });
    expect(formula?.text).toBe('exp(sin(3.1416 * x) + y ^ 2)');
    expect(formula?.latex).toBe('\\exp\\left(\\sin\\left(3.1416\\cdot x\\right)+{ y}^{2}\\right)');
  });

  it('evaluates the example to exp(sin(pi x) + y^2) at random points', () => {
    const [formula] = buildSymbolicFormula(EXAMPLE, { inputNames: ['x', 'y'] });
    const rng = createRng(3);
    for (let k = 0; k < 50; k++) {
      const [x, y] = [2 * rng.next() - 1, 2 * rng.next() - 1];
      expect(Math.abs((formula?.evaluate({ x, y }) ?? NaN) - Math.exp(Math.sin(Math.PI * x) + y * y))).toBeLessThan(EVALUATE_TOLERANCE);
    }
  });

  it('refuses numeric edges, naming each one', () => {
    const row = (j: number): FormulaEdge[] => [0, 1, 2, 3].map((k) => (k === j ? NUMERIC : edge('x')));
    const network: FormulaNetwork = {
      edges: [
        [row(-1), row(0)],
        [[edge('x')], [edge('sin')], [ZERO], [NUMERIC]],
      ],
    };
    expect(() => buildSymbolicFormula(network)).toThrow(
      'symbolicFormula: edges still numeric: (0,1,0), (1,3,0); fix them with fixSymbolic or autoSymbolic first',
    );
  });

  it('agrees with a plain-JS forward pass on a [2, 3, 2] network with biases', () => {
    const network: FormulaNetwork = {
      edges: [
        [
          [edge('sin', 2, 0.3, -1.5, 0.2), edge('tanh', 1.3, -0.2, 0.8, 0), ZERO],
          [edge('x^2', 1, -0.5, 2, -0.3), edge('gaussian', 3, 0.1), edge('arctan', -2, 0.4, 1.1, 0.05)],
        ],
        [
          [edge('x'), edge('exp', 0.5, 0, 0.3, 0)],
          [edge('cos', 1.5, 0.2, -0.7, 0.1), ZERO],
          [edge('x^3', 1, 0.1, 0.4, 0), edge('abs', 1, -0.2, 1, 0)],
        ],
      ],
      bias: [[0.1, -0.2, 0], [0.25, 0]],
    };
    const formulas = buildSymbolicFormula(network, { inputNames: ['u', 'v'] });
    expect(formulas).toHaveLength(2);
    const rng = createRng(11);
    for (let k = 0; k < 30; k++) {
      const point = [2 * rng.next() - 1, 2 * rng.next() - 1];
      const expected = forward(network, point);
      formulas.forEach((formula, j) => {
        expect(Math.abs(formula.evaluate({ u: point[0] ?? 0, v: point[1] ?? 0 }) - (expected[j] ?? NaN))).toBeLessThan(EVALUATE_TOLERANCE);
        // The printed (rounded) expression is close too.
        const printed: unknown = formula.expression.evaluate({ u: point[0], v: point[1] });
        expect(Math.abs((printed as number) - (expected[j] ?? NaN))).toBeLessThan(1e-3);
      });
    }
  });

  it('folds constants: biases, every d and edges fed by a dead node become one number', () => {
    const network: FormulaNetwork = {
      edges: [
        [[edge('x', 1, 0, 1, 0.5), ZERO], [edge('0', 1, 0, 0, -0.2), ZERO]],
        [[edge('x')], [edge('exp', 2, 1, 3, 0)]],
      ],
      bias: [[0.1, 0], [0]],
    };
    // node 1 of the hidden layer is 0, so its exp edge is 3*exp(2*0 + 1).
    const [formula] = buildSymbolicFormula(network, { inputNames: ['x', 'y'], significantDigits: 6 });
    expect(formula?.text).toBe(`x + ${Number((0.4 + 3 * Math.E).toPrecision(6))}`);
  });

  it('drops coefficients below dropBelow and rounds to significantDigits', () => {
    const network: FormulaNetwork = { edges: [[[edge('sin', 2.000001234, 1e-9, -1.23456789, 0)], [edge('x^2', 1, 0, 1e-9, 0)]]] };
    const [formula] = buildSymbolicFormula(network, { inputNames: ['x', 'y'], significantDigits: 3 });
    expect(formula?.text).toBe('-1.23 * sin(2 * x)');
  });

  it('names inputs x1, x2, ... by default', () => {
    const [formula] = buildSymbolicFormula({ edges: [[[edge('x')], [edge('x', 1, 0, -1, 0)]]] });
    expect(formula?.text).toBe('x1 - x2');
  });

  it('gives a constant formula when every edge is zero', () => {
    const [formula] = buildSymbolicFormula({ edges: [[[ZERO], [ZERO]]], bias: [[1.5]] });
    expect(formula?.text).toBe('1.5');
    expect(formula?.evaluate({ x1: 0, x2: 0 })).toBe(1.5);
  });

  it('names bad shapes, names and values', () => {
    expect(() => buildSymbolicFormula({ edges: [[[edge('x')]], [[edge('x')], [edge('x')]]] })).toThrow(
      'symbolicFormula: edges[1]: expected 1 rows (the outputs of layer 0), found 2',
    );
    expect(() => buildSymbolicFormula({ edges: [[[edge('x'), edge('x')], [edge('x')]]] })).toThrow('symbolicFormula: edges[0][1]: expected 2 edges, found 1');
    expect(() => buildSymbolicFormula({ edges: [[[edge('sinh')]]] })).toThrow(/^symbolicFormula: edges\[0\]\[0\]\[0\]\.name: unknown symbolic function "sinh"/);
    expect(() => buildSymbolicFormula({ edges: [[[edge('x', NaN)]]] })).toThrow('symbolicFormula: edges[0][0][0].a: expected a finite number, found NaN');
    expect(() => buildSymbolicFormula(EXAMPLE, { inputNames: ['x', 'pi'] })).toThrow('symbolicFormula: inputNames[1]: "pi" is a mathjs function or constant; choose another name');
    expect(() => buildSymbolicFormula(EXAMPLE, { inputNames: ['x'] })).toThrow("symbolicFormula: inputNames: expected 2 names (the network's inputs), found 1");
    expect(() => buildSymbolicFormula(EXAMPLE, { inputNames: ['x', 'x'] })).toThrow('symbolicFormula: inputNames[1]: "x" is used twice');
    const [formula] = buildSymbolicFormula(EXAMPLE, { inputNames: ['x', 'y'] });
    expect(() => formula?.evaluate({ x: 1 })).toThrow('symbolicFormula.evaluate: point.y: expected a finite number, found undefined');
  });

  it('returns NaN outside the real domain of the printed formula', () => {
    const [formula] = buildSymbolicFormula({ edges: [[[edge('sqrt')]]] }, { inputNames: ['x'] });
    expect(formula?.evaluate({ x: 4 })).toBe(2);
    expect(formula?.evaluate({ x: -4 })).toBeNaN();
  });
});
