import * as tf from '../../src/tf.js';
import { beforeAll, describe, expect, it } from 'vitest';
import { setBackend } from '../../src/backend.js';
import { createKan, type KanModel } from '../../src/kan/model.js';
import { createMlp } from '../../src/mlp/mlp.js';
import { parseDerivative } from '../../src/jet/plan.js';
import { finiteDifference, randomise, referenceKan, referenceMlp } from '../kan/reference.js';

beforeAll(async () => {
  await setBackend('wasm');
});

/** Mixed derivatives of order 3 and 4, with the float64 central-difference step of each. */
const MIXED: [string, number[], number][] = [
  ['u_xxy', [0, 0, 1], 2e-3],
  ['u_xyy', [0, 1, 1], 2e-3],
  ['u_xxyy', [0, 0, 1, 1], 4e-3],
  ['u_xxxy', [0, 0, 0, 1], 4e-3],
  ['u_xy', [0, 1], 1e-4],
];

function check(evaluate: (pts: number[][], names: string[]) => Record<string, Float32Array>, ref: (p: number[]) => number, points: number[][]): void {
  const out = evaluate(points, MIXED.map(([n]) => n));
  points.forEach((p, n) => {
    for (const [name, axes, h] of MIXED) {
      const expected = finiteDifference(ref, p, axes, h);
      const got = out[name]![n]!;
      expect(Math.abs(got - expected) / Math.max(1, Math.abs(expected)), `${name} at ${p.join(',')}: ${got} vs ${expected}`).toBeLessThan(5e-3);
    }
  });
}

describe('mixed derivatives of order 3 and 4 through the jets', () => {
  it('of a smooth KAN (k = 5) match finite differences', () => {
    const model = createKan({ width: [2, 3, 1], k: 5, grid: 4, seed: 3 });
    randomise(model, 9);
    const ref = referenceKan(model);
    check((pts, names) => model.evaluate(pts, { derivatives: names }), (p) => ref(p)[0]!, [[0.13, -0.42], [-0.61, 0.27], [0.44, 0.71]]);
    model.dispose();
  });

  it('of a tanh MLP match finite differences', () => {
    const model = createMlp({ width: [2, 8, 8, 1], activation: 'tanh', seed: 4 });
    const ref = referenceMlp(model);
    check((pts, names) => model.evaluate(pts, { derivatives: names }), (p) => ref(p)[0]!, [[0.2, -0.5], [-0.7, 0.1], [0.5, 0.6]]);
    model.dispose();
  });

  it('the one name parser: any mixed derivative up to order 4, naming what is wrong otherwise', () => {
    expect(parseDerivative('u_yxyx', ['x', 'y'], ['u'])).toMatchObject({ output: 0, axes: [0, 0, 1, 1], canonical: 'u_xxyy' });
    expect(() => parseDerivative('u_xxyyx', ['x', 'y'], ['u'])).toThrow("derivatives: unsupported derivative 'u_xxyyx': order 5, at most 4 is supported");
    expect(() => parseDerivative('u_q', ['x', 'y'], ['u'])).toThrow("derivatives: unknown derivative 'u_q': 'q' is not a variable (variables are x, y)");
    expect(() => parseDerivative('w_x', ['x', 'y'], ['u'])).toThrow("derivatives: unknown output 'w' in 'w_x' (outputs are u)");
  });
});
