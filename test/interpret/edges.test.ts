/**
 * The edge functions that plots and reports show come from the layer's edge kernel; checked
 * against the naive float64 Cox–de Boor reference of a one-edge KAN (whose output is φ itself).
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { setBackend } from '../../src/backend.js';
import { edgeFunctions, edgeValues } from '../../src/interpret/edges.js';
import { createKan } from '../../src/kan/model.js';
import { referenceKan } from '../kan/reference.js';

/** float32 kernel against the float64 reference, relative to the function's size. */
const TOL = 1e-5;

beforeAll(async () => {
  await setBackend('cpu');
});

describe('edge functions', () => {
  it('are the values of the edge: φ(x) of a one-edge KAN equals its output', () => {
    const model = createKan({ width: [1, 1], grid: 6, k: 3, seed: 4 });
    const reference = referenceKan(model);
    const xs = Array.from({ length: 41 }, (_, n) => -1.2 + (2.4 * n) / 40);
    const ys = edgeValues(model, 0, 0, 0, xs);
    xs.forEach((x, n) => expect(Math.abs(ys[n]! - reference([x])[0]!)).toBeLessThan(TOL));
    const [edge] = edgeFunctions(model, Float32Array.from(xs), xs.length, 9);
    expect(edge!.xs[0]).toBeCloseTo(-1.2, 6);
    edge!.xs.forEach((x, s) => expect(Math.abs(edge!.ys[s]! - reference([x])[0]!)).toBeLessThan(TOL));
    expect(edge!.scale).toBeGreaterThan(0);
    model.dispose();
  });

  it('are zero on a pruned edge and leave the other edges of its input alone', () => {
    const model = createKan({ width: [2, 2], grid: 5, k: 3, seed: 2 });
    const before = edgeValues(model, 0, 1, 0, [0.3, -0.4]);
    model.layers[0]!.mask[1 * 2 + 1] = 0;
    expect(Array.from(edgeValues(model, 0, 1, 1, [0.3, -0.4]))).toEqual([0, 0]);
    expect(Array.from(edgeValues(model, 0, 1, 0, [0.3, -0.4]))).toEqual(Array.from(before));
    model.dispose();
  });
});
