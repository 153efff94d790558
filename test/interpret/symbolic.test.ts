import * as tf from '../../src/tf.js';
import { beforeAll, describe, expect, it } from 'vitest';
import { setBackend } from '../../src/backend.js';
import { modelFromJson, modelToJson } from '../../src/io/modelFile.js';
import { fitCoefficients } from '../../src/kan/splineFit.js';
import { createKan, type KanModel } from '../../src/kan/model.js';
import { autoSymbolic, fixSymbolic, suggestSymbolic, symbolicFormula, unfixSymbolic } from '../../src/interpret/symbolic.js';
import { createRng } from '../../src/random.js';
import { defaultSymbolicLibrary } from '../../src/symbolic/library.js';

/** A fixed edge reproduces its target to float32 accuracy of the fit. */
const VALUE_TOL = 1e-3;

beforeAll(async () => {
  await setBackend('wasm');
});

const grid = (n: number, lo = -1, hi = 1): Float64Array => Float64Array.from({ length: n }, (_, i) => lo + ((hi - lo) * i) / (n - 1));

/** A KAN [1,1] whose only edge is a fine spline fit of g on [-1, 1] (no base function). */
function splineEdge(g: (x: number) => number): KanModel {
  const model = createKan({ width: [1, 1], grid: 40, k: 3, base: 'zero', seed: 0 });
  const layer = model.layers[0]!;
  const xs = grid(400);
  const coef = fitCoefficients(layer.knots[0]!, 3, xs, xs.map(g), 1, 0);
  tf.tidy(() => {
    layer.coef.assign(tf.tensor3d(Float32Array.from(coef), [1, 1, 43]));
    layer.scaleSp.assign(tf.ones([1, 1]));
  });
  return model;
}

const CASES: [string, (x: number) => number][] = [
  ['sin', (x) => 1.5 * Math.sin(2.2 * x + 0.5) + 0.3],
  ['x^2', (x) => 0.8 * (x - 0.3) ** 2 - 0.1],
  ['x^3', (x) => -0.6 * (x + 0.2) ** 3 + 0.4],
  ['exp', (x) => 0.5 * Math.exp(1.3 * x) - 0.2],
  ['tanh', (x) => 1.1 * Math.tanh(3 * x - 0.4) + 0.05],
  ['gaussian', (x) => 0.9 * Math.exp(-((1.7 * x - 0.3) ** 2)) + 0.1],
  ['log', (x) => 0.7 * Math.log(x + 1.6) - 0.3],
  ['sqrt', (x) => 1.2 * Math.sqrt(x + 1.4) + 0.2],
];

describe('symbolic regression on a model', () => {
  const points = Float32Array.from(grid(300));
  for (const [name, g] of CASES) {
    it(`recovers ${name} from a spline edge, and the fixed edge reproduces it`, () => {
      const model = splineEdge(g);
      const [best] = suggestSymbolic(model, 0, 0, 0, points);
      expect(best!.name).toBe(name);
      const fixed = fixSymbolic(model, 0, 0, 0, name, { points });
      expect(fixed.r2).toBeGreaterThan(0.9999);
      const probe = Float32Array.from(grid(37, -0.97, 0.97));
      const u = model.evaluate(probe).u!;
      probe.forEach((x, n) => expect(Math.abs(u[n]! - g(x)), `${name} at ${x}`).toBeLessThan(VALUE_TOL));
      model.dispose();
    });
  }

  it('autoSymbolic fixes every edge of a two-layer sum and the formula evaluates to it', () => {
    const f = (x: number, y: number): number => Math.sin(Math.PI * x) + y * y;
    const model = createKan({ width: [2, 1], grid: 30, base: 'zero', seed: 0 });
    const layer = model.layers[0]!;
    const xs = grid(300);
    const c0 = fitCoefficients(layer.knots[0]!, 3, xs, xs.map((x) => Math.sin(Math.PI * x)), 1, 0);
    const c1 = fitCoefficients(layer.knots[1]!, 3, xs, xs.map((y) => y * y), 1, 0);
    tf.tidy(() => {
      layer.coef.assign(tf.tensor3d(Float32Array.from([...c0, ...c1]), [2, 1, 33]));
      layer.scaleSp.assign(tf.ones([2, 1]));
    });
    const rng = createRng(2);
    const points = Float32Array.from({ length: 1000 }, () => rng.next() * 2 - 1);
    const report = autoSymbolic(model, points, { candidates: ['x', 'x^2', 'sin', 'exp', 'tanh'] });
    expect(report.fixed.map((e) => e.name)).toEqual(['sin', 'x^2']);
    const [formula] = symbolicFormula(model, { significantDigits: 4 });
    expect(formula!.text).toMatch(/^sin\(3\.142 \* x\) \+ y \^ 2$|^y \^ 2 \+ sin\(3\.142 \* x\)$/);
    for (let n = 0; n < 50; n++) {
      const [x, y] = [rng.next() * 2 - 1, rng.next() * 2 - 1];
      expect(Math.abs(formula!.evaluate({ x, y }) - f(x, y))).toBeLessThan(VALUE_TOL);
    }
    unfixSymbolic(model, 0, 1, 0);
    expect(() => symbolicFormula(model)).toThrow('symbolicFormula: edges still numeric: (0,1,0); fix them with fixSymbolic or autoSymbolic first');
    model.dispose();
  });

  it('saves symbolic edges in the model file and reloads them bit for bit', () => {
    const model = createKan({ width: [2, 2, 1], seed: 3 });
    fixSymbolic(model, 0, 0, 1, 'sin', { params: { a: 3.1, b: 0.2, c: -0.7, d: 0.01 } });
    fixSymbolic(model, 1, 1, 0, 'exp', { params: { a: 0.5, b: 0, c: 1.3, d: -0.4 } });
    const json = modelToJson(model);
    const loaded = modelFromJson(JSON.parse(JSON.stringify(json))) as KanModel;
    const probe = new Float32Array([0.1, -0.4, 0.7, 0.3, -0.9, 0.05]);
    const bits = (a: Float32Array): number[] => Array.from(new Uint32Array(a.buffer, a.byteOffset, a.length));
    expect(bits(loaded.evaluate(probe, { derivatives: ['u', 'u_xx'] }).u_xx!)).toEqual(bits(model.evaluate(probe, { derivatives: ['u', 'u_xx'] }).u_xx!));
    expect(modelToJson(loaded)).toEqual(json);
    const bad = JSON.parse(JSON.stringify(json)) as { params: { layers: { symbolic: { functions: (string | null)[] } }[] } };
    bad.params.layers[0]!.symbolic.functions[1] = 'foo';
    expect(() => modelFromJson(bad)).toThrow(`model file: params.layers[0].symbolic.functions[1]: expected a symbolic function in the library (${defaultSymbolicLibrary.names().join(', ')}), found "foo"`);
    model.dispose();
    loaded.dispose();
  });

  it('refuses an unknown function, a bad edge and an out-of-range threshold with one-line messages', () => {
    const model = createKan({ width: [2, 1], seed: 0 });
    expect(() => fixSymbolic(model, 0, 0, 0, 'foo')).toThrow(`fixSymbolic: name: unknown symbolic function "foo" (known: ${defaultSymbolicLibrary.names().join(', ')})`);
    expect(() => fixSymbolic(model, 1, 0, 0, 'sin')).toThrow('fixSymbolic: layer 1 does not exist (the model has layers 0..0)');
    expect(() => fixSymbolic(model, 0, 2, 0, 'sin')).toThrow('fixSymbolic: input 2 does not exist in layer 0 (inputs 0..1)');
    expect(() => autoSymbolic(model, [[0, 0]], { r2Threshold: 1.5 })).toThrow('autoSymbolic: r2Threshold: expected a number in [0, 1], found 1.5');
    model.dispose();
  });
});
