import * as tf from '../../src/tf.js';
import { beforeAll, describe, expect, it } from 'vitest';
import { setBackend } from '../../src/backend.js';
import { breakpointsFromSamples, GRID_UPDATE_DEFAULTS } from '../../src/kan/gridUpdate.js';
import { updateGrid } from '../../src/kan/gridUpdate.js';
import { createKan } from '../../src/kan/model.js';
import { collectActivations } from '../../src/interpret/activations.js';
import { isUniform } from '../../src/kan/spline.js';
import { createRng } from '../../src/random.js';

/** Max allowed change of the network output by a grid update, relative to its range. */
const KEEP_TOL = 1e-2;
/** By a grid extension onto a finer grid, same samples. */
const EXTEND_TOL = 5e-3;

beforeAll(async () => {
  await setBackend('wasm');
});

function trainedLikeKan(seed: number) {
  const model = createKan({ width: [2, 5, 1], grid: 5, seed });
  const rng = createRng(seed + 1);
  // Smooth edge functions with O(1) amplitude, as after training (coefficients vary slowly along m).
  for (const layer of model.layers) {
    const nBasis = layer.coef.shape[2]!;
    const phase = Array.from({ length: layer.nIn * layer.nOut }, () => rng.next() * 6.28);
    const values = Float32Array.from({ length: layer.coef.size }, (_, idx) => 0.8 * Math.sin(0.9 * (idx % nBasis) + phase[Math.floor(idx / nBasis)]!));
    tf.tidy(() => layer.coef.assign(tf.tensor(values, layer.coef.shape)));
  }
  return model;
}

function samples(count: number, seed: number): Float32Array {
  const rng = createRng(seed);
  // Clustered towards the middle, so adaptive knots differ clearly from uniform ones.
  return Float32Array.from({ length: count * 2 }, () => Math.tanh(rng.normal() * 0.8) * 0.98);
}

function maxDeviation(a: Float32Array, b: Float32Array): number {
  let max = 0;
  for (let i = 0; i < a.length; i++) max = Math.max(max, Math.abs(a[i]! - b[i]!));
  return max;
}

function range(a: Float32Array): number {
  return Math.max(...a) - Math.min(...a);
}

describe('grid update', () => {
  it('keeps the learned function (same G, adaptive knots)', () => {
    const model = trainedLikeKan(3);
    const pts = samples(400, 8);
    const before = model.evaluate(pts).u!;
    const reports = updateGrid(model, { points: { coords: pts, count: 400 } });
    const after = model.evaluate(pts).u!;
    expect(reports.flat().every((r) => r.method === 'adaptive')).toBe(true);
    expect(isUniform(model.layers[0]!.knots[0]!)).toBe(false);
    expect(maxDeviation(before, after) / range(before)).toBeLessThan(KEEP_TOL);
    model.dispose();
  });

  it('keeps the learned function when extending the grid 5 → 10 → 20', () => {
    const model = trainedLikeKan(4);
    const pts = samples(500, 9);
    const before = model.evaluate(pts).u!;
    updateGrid(model, { points: { coords: pts, count: 500 }, grid: 10 });
    updateGrid(model, { points: { coords: pts, count: 500 }, grid: 20 });
    const after = model.evaluate(pts).u!;
    expect(model.layers.every((l) => l.grid === 20 && l.coef.shape[2] === 23)).toBe(true);
    // model.json saves options.grid: it must follow the layers, whoever extends the grid
    expect(model.options.grid).toBe(20);
    expect(maxDeviation(before, after) / range(before)).toBeLessThan(EXTEND_TOL + KEEP_TOL);
    model.dispose();
  });

  it('never produces NaN with fewer distinct samples than grid points (falls back to uniform knots)', () => {
    const model = trainedLikeKan(5);
    const pts = new Float32Array(2 * 30);
    for (let n = 0; n < 30; n++) {
      pts[2 * n] = [-0.5, 0, 0.5][n % 3]!;
      pts[2 * n + 1] = [-0.2, 0.3][n % 2]!;
    }
    const reports = updateGrid(model, { points: { coords: pts, count: 30 }, grid: 20 });
    expect(reports[0]!.map((r) => r.method)).toEqual(['uniform', 'uniform']);
    expect(reports[0]![0]!.warning).toBe('input 0: fewer distinct samples than grid points; uniform knots used');
    const out = model.evaluate(samples(50, 1)).u!;
    expect(out.every(Number.isFinite)).toBe(true);
    model.dispose();
  });

  it('keeps the old range when all samples coincide', () => {
    const placed = breakpointsFromSamples(new Float64Array([0.3, 0.3, 0.3]), 5, GRID_UPDATE_DEFAULTS);
    expect(placed).toBeUndefined();
    const model = trainedLikeKan(6);
    const pts = new Float32Array(20).fill(0.3);
    const reports = updateGrid(model, { points: { coords: pts, count: 10 } });
    expect(reports[0]![0]!.method).toBe('kept');
    expect(model.evaluate(samples(20, 2)).u!.every(Number.isFinite)).toBe(true);
    model.dispose();
  });

  it('places strictly increasing knots from clustered samples', () => {
    const xs = new Float64Array(200).map((_, i) => (i < 150 ? 0.1 : 0.1 + i * 1e-3));
    const placed = breakpointsFromSamples(xs, 10, GRID_UPDATE_DEFAULTS)!;
    for (let q = 1; q < placed.points.length; q++) expect(placed.points[q]!).toBeGreaterThan(placed.points[q - 1]!);
  });

  it('sees each layer its real inputs (collectActivations)', () => {
    const model = trainedLikeKan(7);
    const pts = samples(10, 3);
    const acts = collectActivations(model, pts).inputs;
    expect(acts.length).toBe(3);
    expect(Array.from(acts[2]!)).toEqual(Array.from(model.evaluate(pts).u!));
    model.dispose();
  });
});
