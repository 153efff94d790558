import * as tf from '../../src/tf.js';
import { beforeAll, describe, expect, it } from 'vitest';
import { setBackend } from '../../src/backend.js';
import { hasSymbolicEdges, readLayerParams } from '../../src/kan/kanLayer.js';
import { createKan, type KanModel } from '../../src/kan/model.js';
import { setSymbolicEdge } from '../../src/kan/symbolicState.js';
import { symbolicDerivatives } from '../../src/kan/symbolicEdge.js';
import { jetTensors } from '../../src/model/evaluate.js';
import { createRng } from '../../src/random.js';
import { defaultSymbolicLibrary } from '../../src/symbolic/library.js';
import { edgeForward, regularizationLoss, resolveRegularization } from '../../src/train/regularization.js';
import { expectFlatTensorCount, expectGradientsMatchFiniteDifferences, finiteDifference, referenceKan } from './reference.js';

/** float32 jets against float64 finite differences, relative to the derivative's scale. */
const JET_TOL = 2e-3;
/** Fourth-order jets go through finite differences of f''' in the kernel and a 5-point stencil here. */
const HIGH_ORDER_TOL = 2e-2;
/** float32 parameter gradients against central differences of the float32 loss. */
const GRAD_TOL = 3e-2;

beforeAll(async () => {
  await setBackend('wasm');
});

const fn = (name: string) => defaultSymbolicLibrary.require(name, 'test');

/** A KAN [2,3,2,1] with O(1) random splines and a mix of symbolic edges in every layer. */
function mixedModel(k = 3, size = 0.5): KanModel {
  const model = createKan({ width: [2, 3, 2, 1], k, grid: 5, seed: 7 });
  const rng = createRng(3);
  for (const layer of model.layers) {
    tf.tidy(() => {
      layer.coef.assign(tf.tensor(Float32Array.from({ length: layer.coef.size }, () => rng.normal() * size), layer.coef.shape));
      layer.scaleBase.assign(tf.tensor(Float32Array.from({ length: layer.scaleBase.size }, () => rng.normal() * size), layer.scaleBase.shape));
    });
  }
  const [l0, l1, l2] = model.layers;
  setSymbolicEdge(l0!, 0, 0, fn('sin'), { a: 2.1, b: 0.3, c: 0.8, d: -0.2 });
  setSymbolicEdge(l0!, 1, 2, fn('x^2'), { a: 1.3, b: -0.4, c: 0.6, d: 0.1 });
  setSymbolicEdge(l0!, 0, 1, fn('exp'), { a: 0.7, b: 0.2, c: 0.5, d: 0 });
  setSymbolicEdge(l1!, 1, 0, fn('tanh'), { a: 1.5, b: -0.1, c: 1.2, d: 0.3 });
  setSymbolicEdge(l1!, 2, 1, fn('gaussian'), { a: 0.9, b: 0.5, c: -0.7, d: 0.05 });
  setSymbolicEdge(l2!, 0, 0, fn('cos'), { a: 1.1, b: 0.4, c: 0.9, d: 0.2 });
  return model;
}

describe('symbolic edges in the layer kernel', () => {
  it('use closed forms up to f\'\'\' and finite differences beyond', () => {
    const out = new Float64Array(6);
    symbolicDerivatives(fn('sin'), 0.7, 5, out);
    const exact = [Math.sin(0.7), Math.cos(0.7), -Math.sin(0.7), -Math.cos(0.7), Math.sin(0.7), Math.cos(0.7)];
    exact.forEach((v, m) => expect(Math.abs(out[m]! - v), `order ${m}`).toBeLessThan(m <= 3 ? 1e-15 : 1e-5));
  });

  it('give jets (values, first and second derivatives, mixed) that match finite differences of a float64 oracle', () => {
    const model = mixedModel();
    const ref = referenceKan(model);
    const rng = createRng(9);
    const points = Array.from({ length: 10 }, () => [rng.next() * 1.8 - 0.9, rng.next() * 1.8 - 0.9]);
    const names: [string, number[], number][] = [['u', [], 0], ['u_x', [0], 1e-5], ['u_y', [1], 1e-5], ['u_xx', [0, 0], 1e-4], ['u_xy', [0, 1], 1e-4], ['u_yy', [1, 1], 1e-4]];
    const out = model.evaluate(points, { derivatives: names.map(([n]) => n) });
    points.forEach((p, n) => {
      for (const [name, axes, h] of names) {
        const expected = finiteDifference((q) => ref(q)[0]!, p, axes, h);
        expect(Math.abs(out[name]![n]! - expected) / Math.max(1, Math.abs(expected)), `${name} at ${p.join(',')}`).toBeLessThan(JET_TOL);
      }
    });
    model.dispose();
  });

  it('give third and fourth derivatives along one axis (finite-difference fallback) that match the oracle', () => {
    const model = mixedModel(5);
    const ref = referenceKan(model);
    const points = [[0.21, -0.35], [-0.52, 0.44]];
    const out = model.evaluate(points, { derivatives: ['u_xxx', 'u_yyyy'] });
    points.forEach((p, n) => {
      const third = finiteDifference((q) => ref(q)[0]!, p, [0, 0, 0], 1e-3);
      const fourth = finiteDifference((q) => ref(q)[0]!, p, [1, 1, 1, 1], 1.5e-3);
      expect(Math.abs(out.u_xxx![n]! - third) / Math.max(1, Math.abs(third))).toBeLessThan(HIGH_ORDER_TOL);
      expect(Math.abs(out.u_yyyy![n]! - fourth) / Math.max(1, Math.abs(fourth))).toBeLessThan(HIGH_ORDER_TOL);
    });
    model.dispose();
  });

  it('give parameter gradients (splines, scales and the affine a, b, c, d) that match finite differences', () => {
    // k = 5 keeps φ''' continuous, so central differences in the parameters are accurate for u_xx.
    const model = mixedModel(5, 0.3);
    const pts = new Float32Array([0.1, 0.2, -0.5, 0.7, 0.8, -0.6, -0.2, -0.9]);
    const w = [0.7, -1.3, 0.4, 0.9];
    const names = ['u', 'u_x', 'u_xx', 'u_yy'];
    const loss = (): tf.Scalar => {
      const s = jetTensors(model, names, pts, 4);
      return names.map((n, i) => s[n]!.square().sum().mul(w[i]!)).reduce((a, b) => a.add(b)) as tf.Scalar;
    };
    expect(model.variables()).toHaveLength(12);
    const rng = createRng(1);
    // Every affine entry of a symbolic edge (indices 4e..4e+3), a few random entries elsewhere.
    expectGradientsMatchFiniteDifferences(
      model.variables(),
      loss,
      (v) => (v.shape.length === 3 && v.shape[2] === 4 ? [0, 1, 2, 3, 4, 5, 6, 7].map((q) => q + 4 * (v.size / 4 - 2)) : Array.from({ length: 4 }, () => rng.int(v.size))),
      GRAD_TOL,
    );
    model.dispose();
  });

  it('leave the tensor count flat over 100 loss+gradient evaluations with symbolic edges', () => {
    const model = mixedModel();
    const pts = new Float32Array(2 * 30).map((_, i) => Math.sin(i));
    expectFlatTensorCount(model, pts, 30, 100);
    model.dispose();
  });

  it('leave a layer without symbolic edges on the spline-only path', () => {
    const model = createKan({ width: [2, 3, 1], seed: 0 });
    expect(hasSymbolicEdges(model.layers[0]!)).toBe(false);
    expect(readLayerParams(model.layers[0]!).symbolic).toBeNull();
    expect(model.variables()).toHaveLength(6);
    model.dispose();
  });
});

describe('per-edge values and the sparsification regulariser', () => {
  it('sum over inputs to the network output, and give activation scales mean |φ|', () => {
    const model = mixedModel();
    const ref = referenceKan(model);
    const pts = [[0.3, -0.2], [-0.7, 0.5], [0.9, 0.1]];
    tf.tidy(() => {
      const { output, scales } = edgeForward(model, tf.tensor2d(pts), 3);
      const out = output.dataSync();
      pts.forEach((p, n) => expect(out[n]!).toBeCloseTo(ref(p)[0]!, 5));
      expect(scales.map((s) => s.shape)).toEqual([[2, 3], [3, 2], [2, 1]]);
      expect(scales.every((s) => s.dataSync().every((v) => v >= 0))).toBe(true);
    });
    model.dispose();
  });

  it('has a gradient that matches finite differences (L1, entropy and coefficient terms)', () => {
    const model = mixedModel(5, 0.3);
    const pts = new Float32Array([0.1, 0.2, -0.5, 0.7, 0.8, -0.6, -0.2, -0.9, 0.4, 0.35]);
    const options = resolveRegularization({ lamb: 1, lambCoef: 0.5, lambCoefDiff: 0.3 });
    const loss = (): tf.Scalar => regularizationLoss(model, pts, 5, options);
    const rng = createRng(4);
    expectGradientsMatchFiniteDifferences(model.variables(), loss, (v) => Array.from({ length: 4 }, () => rng.int(v.size)), 5e-2);
    model.dispose();
  });

  it('refuses a negative weight naming it', () => {
    expect(() => resolveRegularization({ lambEntropy: -1 })).toThrow('regularization.lambEntropy: expected a finite number >= 0, found -1');
  });
});
