/**
 * Plain float64 reference implementations (oracles) of the KAN and MLP forward pass, built from
 * a model's parameters with a naive Cox–de Boor basis, for finite-difference checks.
 */
import * as tf from '../../src/tf.js';
import { expect } from 'vitest';
import type { KanModel } from '../../src/kan/model.js';
import type { MlpModel } from '../../src/mlp/mlp.js';
import { jetTensors } from '../../src/model/evaluate.js';
import { createRng } from '../../src/random.js';

function coxDeBoor(t: ArrayLike<number>, m: number, k: number, x: number): number {
  if (k === 0) return t[m]! <= x && x < t[m + 1]! ? 1 : 0;
  return ((x - t[m]!) / (t[m + k]! - t[m]!)) * coxDeBoor(t, m, k - 1, x) + ((t[m + k + 1]! - x) / (t[m + k + 1]! - t[m + 1]!)) * coxDeBoor(t, m + 1, k - 1, x);
}

const BASE: Record<string, (x: number) => number> = {
  silu: (x) => x / (1 + Math.exp(-x)),
  identity: (x) => x,
  zero: () => 0,
};

/** f(point) → outputs, in float64, from the KAN's current parameters. */
export function referenceKan(model: KanModel): (point: number[]) => number[] {
  const layers = model.layers.map((layer) => ({
    layer,
    coef: Array.from(layer.coef.dataSync()),
    sb: Array.from(layer.scaleBase.dataSync()),
    sp: Array.from(layer.scaleSp.dataSync()),
    affine: layer.symbolic ? Array.from(layer.symbolic.affine.dataSync()) : [],
  }));
  return (point) => {
    let x = point;
    for (const { layer, coef, sb, sp, affine } of layers) {
      const nBasis = layer.grid + layer.k;
      const y = new Array<number>(layer.nOut).fill(0);
      for (let i = 0; i < layer.nIn; i++) {
        const basis = Array.from({ length: nBasis }, (_, m) => coxDeBoor(layer.knots[i]!, m, layer.k, x[i]!));
        for (let j = 0; j < layer.nOut; j++) {
          const e = i * layer.nOut + j;
          const fn = layer.symbolic?.mask[e] ? layer.symbolic.functions[e] : null;
          if (fn) {
            const [a, b, c, d] = affine.slice(4 * e, 4 * e + 4);
            y[j] = y[j]! + layer.mask[e]! * (c! * fn.f(a! * x[i]! + b!) + d!);
            continue;
          }
          const spline = basis.reduce((s, b, m) => s + b * coef[e * nBasis + m]!, 0);
          y[j] = y[j]! + layer.mask[e]! * (sb[e]! * BASE[layer.base]!(x[i]!) + sp[e]! * spline);
        }
      }
      x = y;
    }
    return x;
  };
}

const ACT: Record<string, (x: number) => number> = { tanh: Math.tanh, sin: Math.sin, silu: (x) => x / (1 + Math.exp(-x)) };

export function referenceMlp(model: MlpModel): (point: number[]) => number[] {
  const layers = model.layers.map((l) => ({ w: Array.from(l.weight.dataSync()), b: Array.from(l.bias.dataSync()), nIn: l.weight.shape[0]!, nOut: l.weight.shape[1]! }));
  const act = ACT[model.options.activation]!;
  return (point) => {
    let x = point;
    layers.forEach(({ w, b, nIn, nOut }, l) => {
      const y = Array.from({ length: nOut }, (_, j) => b[j]! + x.reduce((s, v, i) => s + v * w[i * nOut + j]!, 0));
      x = l === layers.length - 1 ? y : y.map(act);
    });
    return x;
  };
}

/** Central finite difference of f along `axes` (a multiset), step h, in float64. */
export function finiteDifference(f: (p: number[]) => number, point: number[], axes: number[], h: number): number {
  if (axes.length === 0) return f(point);
  const [a, ...rest] = axes;
  const plus = [...point];
  const minus = [...point];
  plus[a!] = plus[a!]! + h;
  minus[a!] = minus[a!]! - h;
  return (finiteDifference(f, plus, rest, h) - finiteDifference(f, minus, rest, h)) / (2 * h);
}

/**
 * Checks the tfjs gradient of `loss` against central finite differences (step 1e-2·max(0.1, |θ|))
 * at the entries `probes(variable)` of each variable, relative to max(1, |fd|).
 */
export function expectGradientsMatchFiniteDifferences(variables: tf.Variable[], loss: () => tf.Scalar, probes: (variable: tf.Variable) => number[], tolerance: number): void {
  const { grads } = tf.variableGrads(loss, variables);
  for (const variable of variables) {
    const g = grads[variable.name]!.dataSync();
    const values = variable.dataSync().slice();
    for (const idx of probes(variable)) {
      const h = 1e-2 * Math.max(0.1, Math.abs(values[idx]!));
      const at = (v: number): number => {
        const copy = values.slice();
        copy[idx] = v;
        tf.tidy(() => variable.assign(tf.tensor(copy, variable.shape)));
        return tf.tidy(() => loss().dataSync()[0]!);
      };
      const fd = (at(values[idx]! + h) - at(values[idx]! - h)) / (2 * h);
      tf.tidy(() => variable.assign(tf.tensor(values, variable.shape)));
      expect(Math.abs(g[idx]! - fd) / Math.max(1, Math.abs(fd)), `${variable.name}[${idx}]: ${g[idx]} vs ${fd}`).toBeLessThan(tolerance);
    }
  }
  tf.dispose(Object.values(grads));
}

/** Runs `steps` Poisson-like loss+gradient evaluations and expects the tfjs tensor count not to grow. */
export function expectFlatTensorCount(model: KanModel, points: Float32Array, count: number, steps: number): void {
  const step = (): void =>
    tf.tidy(() => {
      const { value, grads } = tf.variableGrads(() => {
        const s = jetTensors(model, ['u', 'u_xx', 'u_yy'], points, count);
        return s.u_xx!.add(s.u_yy!).square().mean().add(s.u!.square().mean()) as tf.Scalar;
      }, model.variables());
      value.dataSync();
      Object.values(grads).forEach((g) => g.dataSync());
    });
  step();
  const before = tf.memory().numTensors;
  for (let i = 0; i < steps; i++) step();
  expect(tf.memory().numTensors).toBe(before);
}

/** Two kernels' outputs agree to rounding: max |a − e| ≤ 1e-6 · max(1, max |e|). */
export function expectClose(actual: Float32Array | null, expected: Float32Array | null, what: string): void {
  expect(actual === null, what).toBe(expected === null);
  if (actual === null || expected === null) return;
  expect(actual.length, what).toBe(expected.length);
  const scale = Math.max(1, ...Array.from(expected, Math.abs));
  let worst = 0;
  for (let i = 0; i < actual.length; i++) worst = Math.max(worst, Math.abs(actual[i]! - expected[i]!));
  expect(worst / scale, what).toBeLessThan(1e-6);
}

/** Replaces a KAN's spline coefficients and base scales with O(1) random values (the initialisation is tiny, so derivatives would be too). */
export function randomise(model: KanModel, seed: number): void {
  const rng = createRng(seed);
  for (const layer of model.layers) {
    tf.tidy(() => {
      layer.coef.assign(tf.tensor(Float32Array.from({ length: layer.coef.size }, () => rng.normal() * 0.5), layer.coef.shape));
      layer.scaleBase.assign(tf.tensor(Float32Array.from({ length: layer.scaleBase.size }, () => rng.normal() * 0.5), layer.scaleBase.shape));
    });
  }
}

/** max |a − e| ≤ tol · max(1, max |e|): float32 outputs summed in another order; null only where both are. */
export function expectNear(actual: ArrayLike<number> | null, expected: ArrayLike<number> | null, what: string, tol = 2e-5): void {
  expect(actual === null, what).toBe(expected === null);
  if (actual === null || expected === null) return;
  expect(actual.length, what).toBe(expected.length);
  let scale = 1;
  let worst = 0;
  for (let i = 0; i < expected.length; i++) {
    scale = Math.max(scale, Math.abs(expected[i]!));
    worst = Math.max(worst, Math.abs(actual[i]! - expected[i]!));
  }
  expect(worst / scale, what).toBeLessThanOrEqual(tol);
}
