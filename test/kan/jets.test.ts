import * as tf from '../../src/tf.js';
import { beforeAll, describe, expect, it } from 'vitest';
import { setBackend } from '../../src/backend.js';
import { fitCoefficients } from '../../src/kan/splineFit.js';
import { createKan, type KanModel } from '../../src/kan/model.js';
import { createMlp } from '../../src/mlp/mlp.js';
import { inputJetTensor, jetTensors, planFor } from '../../src/model/evaluate.js';
import { kanLayerJet, kanNetworkJet } from '../../src/kan/kanLayer.js';
import { fixSymbolic } from '../../src/interpret/symbolic.js';
import { createRng } from '../../src/random.js';
import { expectFlatTensorCount, expectGradientsMatchFiniteDifferences, finiteDifference, randomise, referenceKan, referenceMlp } from './reference.js';

/** float32 outputs against float64 finite differences: relative to the derivative's scale. */
const JET_TOL = 2e-3;
/** Parameter gradients against central differences in float32, relative to max(1, |fd|). */
const GRAD_TOL = 2e-2;

beforeAll(async () => {
  await setBackend('wasm');
});

function checkJets(evaluate: (pts: number[][], names: string[]) => Record<string, Float32Array>, ref: (p: number[]) => number, names: [string, number[], number][], points: number[][]): void {
  const out = evaluate(points, names.map(([n]) => n));
  points.forEach((p, n) => {
    for (const [name, axes, h] of names) {
      const expected = finiteDifference(ref, p, axes, h);
      const got = out[name]![n]!;
      const scale = Math.max(1, Math.abs(expected));
      expect(Math.abs(got - expected) / scale, `${name} at ${p.map((v) => v.toFixed(3)).join(',')}: ${got} vs ${expected}`).toBeLessThan(JET_TOL);
    }
  });
}

const DERIVS_3D: [string, number[], number][] = [
  ['u', [], 0],
  ['u_x', [0], 1e-5],
  ['u_y', [1], 1e-5],
  ['u_z', [2], 1e-5],
  ['u_xx', [0, 0], 1e-4],
  ['u_yy', [1, 1], 1e-4],
  ['u_xy', [0, 1], 1e-4],
  ['u_yz', [1, 2], 1e-4],
];

describe('forward jets', () => {
  for (const k of [2, 3]) {
    it(`of a random KAN [3,5,4,1] with k = ${k} match finite differences`, () => {
      const model = createKan({ width: [3, 5, 4, 1], k, grid: 5, seed: 11 });
      randomise(model, 100 + k);
      const ref = referenceKan(model);
      const rng = createRng(5);
      const points = Array.from({ length: 12 }, () => [rng.next() * 1.8 - 0.9, rng.next() * 1.8 - 0.9, rng.next() * 1.8 - 0.9]);
      checkJets((pts, names) => model.evaluate(pts, { derivatives: names }), (p) => ref(p)[0]!, DERIVS_3D, points);
      model.dispose();
    });
  }

  it('of a smooth KAN (k = 5) match finite differences up to fourth order along one axis', () => {
    const model = createKan({ width: [2, 3, 1], k: 5, grid: 4, seed: 3 });
    randomise(model, 9);
    const ref = referenceKan(model);
    const points = [[0.13, -0.42], [-0.61, 0.27], [0.44, 0.71]];
    checkJets(
      (pts, names) => model.evaluate(pts, { derivatives: names }),
      (p) => ref(p)[0]!,
      [['u_x', [0], 1e-5], ['u_xxx', [0, 0, 0], 1e-3], ['u_yyyy', [1, 1, 1, 1], 1.5e-3], ['u_xx', [0, 0], 1e-4]],
      points,
    );
    model.dispose();
  });

  for (const activation of ['tanh', 'sin', 'silu'] as const) {
    it(`of a random ${activation} MLP [3,8,8,2] match finite differences (both outputs)`, () => {
      const model = createMlp({ width: [3, 8, 8, 2], activation, seed: 4 });
      const ref = referenceMlp(model);
      const rng = createRng(6);
      const points = Array.from({ length: 8 }, () => [rng.next() * 2 - 1, rng.next() * 2 - 1, rng.next() * 2 - 1]);
      checkJets((pts, names) => model.evaluate(pts, { derivatives: names }), (p) => ref(p)[0]!, DERIVS_3D, points);
      checkJets((pts, names) => model.evaluate(pts, { derivatives: names }), (p) => ref(p)[1]!, [['v_xz', [0, 2], 1e-4], ['v_zzz', [2, 2, 2], 1e-3]], points);
      model.dispose();
    });
  }

  it('reproduce closed forms: a spline edge fitted to x² composed with an identity edge', () => {
    const model = createKan({ width: [1, 1, 1], k: 3, grid: 8, base: 'identity', seed: 0 });
    const [first, second] = model.layers;
    const t = first!.knots[0]!;
    const xs = Float64Array.from({ length: 200 }, (_, i) => -1 + (2 * i) / 199);
    const coef = fitCoefficients(t, 3, xs, xs.map((x) => x * x), 1, 0);
    tf.tidy(() => {
      first!.coef.assign(tf.tensor3d(Float32Array.from(coef), [1, 1, 11]));
      first!.scaleBase.assign(tf.zeros([1, 1]));
      first!.scaleSp.assign(tf.ones([1, 1]));
      second!.coef.assign(tf.zeros([1, 1, 11]));
      second!.scaleBase.assign(tf.ones([1, 1]));
    });
    // u(x) = x² (cubic splines reproduce quadratics exactly), so u_x = 2x, u_xx = 2, u_xxx = 0.
    const pts = [[-0.9], [-0.3], [0.05], [0.77]];
    const out = model.evaluate(pts, { derivatives: ['u', 'u_x', 'u_xx', 'u_xxx'] });
    pts.forEach(([x], n) => {
      expect(out.u![n]!).toBeCloseTo(x! * x!, 5);
      expect(out.u_x![n]!).toBeCloseTo(2 * x!, 4);
      expect(out.u_xx![n]!).toBeCloseTo(2, 3);
      expect(out.u_xxx![n]!).toBeCloseTo(0, 2);
    });
    model.dispose();
  });

  it('compute only what is requested: the plan for u_xx holds u, u_x, u_xx', () => {
    const { plan } = planFor(['u_xx'], ['x', 'y'], ['u']);
    expect(plan.channels).toEqual([[], [0], [0, 0]]);
    const mixed = planFor(['u', 'u_xy'], ['x', 'y'], ['u']).plan;
    expect(mixed.channels).toEqual([[], [0], [1], [0, 1]]);
  });

  it('accept flat Float32Array points and refuse a wrong dimension', () => {
    const model = createKan({ width: [2, 3, 1], seed: 1 });
    const flat = model.evaluate(new Float32Array([0.1, 0.2, -0.3, 0.4])).u!;
    const rows = model.evaluate([[0.1, 0.2], [-0.3, 0.4]]).u!;
    expect(Array.from(flat)).toEqual(Array.from(rows));
    expect(() => model.evaluate([[0.1, 0.2, 0.3]])).toThrow('points[0]: expected 2 coordinates, got 3');
    expect(() => model.evaluate(new Float32Array(3))).toThrow('points: flat array length 3 is not a multiple of the input dimension 2');
    expect(() => model.evaluate([[0, 0]], { derivatives: ['u_q'] })).toThrow("derivatives: unknown derivative 'u_q': 'q' is not a variable (variables are x, y)");
    expect(() => model.evaluate([[0, 0]], { derivatives: ['u_xxyyy'] })).toThrow("derivatives: unsupported derivative 'u_xxyyy': order 5, at most 4 is supported");
    model.dispose();
  });
});

describe('parameter gradients through the jets', () => {
  for (const kind of ['kan', 'mlp'] as const) {
    it(`of a ${kind} loss over u, u_x, u_xx, u_yy match finite differences in the parameters`, () => {
      const model = kind === 'kan' ? createKan({ width: [2, 4, 3, 1], grid: 4, seed: 2 }) : createMlp({ width: [2, 6, 1], seed: 2 });
      if (model.kind === 'kan') randomise(model, 21);
      const pts = new Float32Array([0.1, 0.2, -0.5, 0.7, 0.8, -0.6, -0.2, -0.9]);
      const w = [0.7, -1.3, 0.4, 0.9];
      const names = ['u', 'u_x', 'u_xx', 'u_yy'];
      const loss = (): tf.Scalar => {
        const s = jetTensors(model, names, pts, 4);
        return names.map((n, i) => s[n]!.square().sum().mul(w[i]!)).reduce((a, b) => a.add(b)) as tf.Scalar;
      };
      const rng = createRng(1);
      expectGradientsMatchFiniteDifferences(model.variables(), loss, (v) => Array.from({ length: 4 }, () => rng.int(v.size)), GRAD_TOL);
      model.dispose();
    });
  }

  it('are the same through the one-op network as through one op per layer (values and every parameter, bit for bit)', () => {
    // a hidden layer with a pruned edge and one symbolic edge, so both kernel branches run
    const model = createKan({ width: [2, 4, 3, 1], grid: 4, seed: 3 });
    randomise(model, 31);
    model.layers[1]!.mask[2] = 0;
    fixSymbolic(model, 1, 0, 1, 'sin');
    const pts = new Float32Array([0.1, 0.2, -0.5, 0.7, 0.8, -0.6, -0.2, -0.9, 0.3, 0.35]);
    const { plan } = planFor(['u', 'u_x', 'u_xx', 'u_yy'], model.inputs, model.outputs);
    const R = Float32Array.from({ length: plan.channels.length * 5 }, (_, i) => Math.cos(3 * i));
    const run = (jet: (x: tf.Tensor) => tf.Tensor): { value: Float32Array; grads: Float32Array[] } =>
      tf.tidy(() => {
        const x = inputJetTensor(plan, pts, 5);
        const value = jet(x).dataSync() as Float32Array;
        const { grads } = tf.variableGrads(() => tf.sum(tf.mul(jet(inputJetTensor(plan, pts, 5)), tf.tensor3d(R, [plan.channels.length, 5, 1]))) as tf.Scalar, model.variables());
        return { value, grads: model.variables().map((v) => grads[v.name]!.dataSync() as Float32Array) };
      });
    const fused = run((x) => kanNetworkJet(model.layers, plan, x, 5));
    const layered = run((x) => model.layers.reduce((h, layer, l) => kanLayerJet(layer, plan, h, 5, l > 0), x));
    expect(fused.value).toEqual(layered.value);
    expect(fused.grads).toEqual(layered.grads);
    expect(fused.grads.every((g) => g.some((v) => v !== 0))).toBe(true);
    model.dispose();
  });

  it('leave the tensor count flat over 200 loss+gradient evaluations', () => {
    const model = createKan({ width: [2, 5, 1], seed: 0 });
    const pts = new Float32Array(2 * 50).map((_, i) => Math.sin(i));
    expectFlatTensorCount(model, pts, 50, 200);
    model.dispose();
  });
});
