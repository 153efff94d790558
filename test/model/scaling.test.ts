/**
 * Input and output scaling inside a model (src/model/scaling.ts): the scaled model is s·N((x − c)/h)
 * exactly (jets against the unscaled network on the same layers, by the chain rule), its jets are
 * central differences of its own original-unit values, it survives model.json unchanged, pruning
 * keeps it, a symbolic formula reads the original variables, and a bad file field is named.
 */
import { describe, expect, it } from 'vitest';
import { createModel, type Model } from '../../src/createModel.js';
import { createKan, type KanModel } from '../../src/kan/model.js';
import { createMlp } from '../../src/mlp/mlp.js';
import { buildEmbedding } from '../../src/model/embedding.js';
import { buildScaling, type ScalingConfig } from '../../src/model/scaling.js';
import { modelFromJson, modelToJson } from '../../src/io/modelFile.js';
import { parseEmbedText, type EmbedSpec } from '../../src/options/architecture.js';
import { fixSymbolic, symbolicFormula } from '../../src/interpret/symbolic.js';
import { subsetKan } from '../../src/interpret/prune.js';

/** A box far from unit: x in [2, 12], t in [0, 100]; output scale 40. */
const bounds = { min: [2, 0], max: [12, 100] };
const scaling: ScalingConfig = buildScaling(bounds, [40], 'test');
const gridRange: [number, number][] = [[2, 12], [0, 100]];
const points = [[3, 10], [7.5, 55], [11.2, 93]];
/** float32 jets against float64 chain-rule factors: relative tolerance. */
const JET_TOL = 2e-5;

function scaled(kind: 'kan' | 'mlp', extra: Record<string, unknown> = {}): Model {
  return createModel({ kind, width: [2, 4, 1], seed: 5, inputs: ['x', 't'], scaling, ...(kind === 'kan' ? { gridRange } : {}), ...extra } as never);
}

describe('a scaled model', () => {
  for (const kind of ['kan', 'mlp'] as const) {
    it(`${kind}: is s·N((x − c)/h), jets by the chain rule, N the same layers unscaled`, () => {
      const model = scaled(kind);
      // The same layers without the maps, on [-1, 1] (its grid is where the scaled model's grid lies).
      const plain =
        model.kind === 'kan'
          ? createKan({ ...model.options, scaling: undefined, gridRange: [-1, 1] }, model.layers)
          : createMlp({ ...model.options, scaling: undefined }, model.layers);
      const names = ['u', 'u_x', 'u_t', 'u_xx', 'u_xt', 'u_ttt'];
      const got = model.evaluate(points, { derivatives: names });
      const hat = points.map(([x, t]) => [(x! - 7) / 5, (t! - 50) / 50]);
      const ref = plain.evaluate(hat, { derivatives: names });
      // ∂x = (1/h_x) ∂x̂: 1/5 per x, 1/50 per t.
      const factor: Record<string, number> = { u: 40, u_x: 40 / 5, u_t: 40 / 50, u_xx: 40 / 25, u_xt: 40 / 250, u_ttt: 40 / 50 ** 3 };
      for (const name of names) {
        for (let n = 0; n < points.length; n++) {
          const want = factor[name]! * ref[name]![n]!;
          expect(Math.abs(got[name]![n]! - want), `${name} at ${points[n]}`).toBeLessThanOrEqual(JET_TOL * Math.max(Math.abs(want), 1e-3 * factor[name]!));
        }
      }
      model.dispose();
    });

    it(`${kind}: jets are central differences of its original-unit values (orders 1 to 3, mixed)`, () => {
      const model = scaled(kind);
      const names = ['u', 'u_x', 'u_t', 'u_xx', 'u_xt', 'u_xxx'];
      const at = (x: number, t: number): Record<string, Float32Array> => model.evaluate([[x, t]], { derivatives: names });
      const [x, t] = [6.3, 41];
      const step = [0.02, 0.2]; // 1/500 of each extent
      const pairs: [string, string, 0 | 1][] = [['u', 'u_x', 0], ['u', 'u_t', 1], ['u_x', 'u_xx', 0], ['u_x', 'u_xt', 1], ['u_xx', 'u_xxx', 0]];
      const centre = at(x, t);
      for (const [lower, higher, axis] of pairs) {
        const h = step[axis]!;
        const plus = at(x + (axis === 0 ? h : 0), t + (axis === 1 ? h : 0))[lower]![0]!;
        const minus = at(x - (axis === 0 ? h : 0), t - (axis === 1 ? h : 0))[lower]![0]!;
        const fd = (plus - minus) / (2 * h);
        const exact = centre[higher]![0]!;
        expect(Math.abs(fd - exact), `${higher}: jet ${exact}, difference ${fd}`).toBeLessThan(3e-3 * Math.max(Math.abs(exact), 40 / 5 ** (higher.length - 2)));
      }
      model.dispose();
    });

    it(`${kind}: model.json keeps the scaling and rebuilds the same values and derivatives`, () => {
      const model = scaled(kind);
      const json = JSON.parse(JSON.stringify(modelToJson(model)));
      expect(json.config.scaling).toEqual({ center: [7, 50], halfWidth: [5, 50], outputScale: [40], source: 'test' });
      const again = modelFromJson(json);
      const names = ['u', 'u_x', 'u_tt', 'u_xt'];
      const a = model.evaluate(points, { derivatives: names });
      const b = again.evaluate(points, { derivatives: names });
      for (const name of names) expect(Array.from(b[name]!)).toEqual(Array.from(a[name]!));
      model.dispose();
      again.dispose();
    });
  }

  it('a KAN grid over the domain lands on [-1, 1] for the layers', () => {
    const model = scaled('kan') as KanModel;
    for (const knots of model.layers[0]!.knots) {
      const k = model.options.k;
      expect(knots[k]).toBeCloseTo(-1, 12);
      expect(knots[knots.length - 1 - k]).toBeCloseTo(1, 12);
    }
    model.dispose();
  });

  it('composes with a Fourier embedding and a hard constraint: jets still central differences, u = g still exact', () => {
    const embedding = buildEmbedding(parseEmbedText('fourier:x=1:3', '--embed') as EmbedSpec, ['x', 't'], bounds, 1);
    // u = x·t/100 + t·N: u(x, 0) = 0 whatever N.
    const hard = { spec: 'initial', outputs: [{ lift: 'x * t / 100', factor: 't / 100' }], imposes: [] };
    for (const kind of ['kan', 'mlp'] as const) {
      const model = scaled(kind, { embedding, hard });
      expect(model.width[0]).toBe(7);
      expect(Array.from(model.evaluate([[4, 0], [9, 0]]).u!)).toEqual([0, 0]);
      const at = (x: number, t: number): Record<string, Float32Array> => model.evaluate([[x, t]], { derivatives: ['u', 'u_x', 'u_t', 'u_xt'] });
      const [x, t, hx, ht] = [5.1, 30, 0.02, 0.2];
      const c = at(x, t);
      const fdX = (at(x + hx, t).u![0]! - at(x - hx, t).u![0]!) / (2 * hx);
      const fdT = (at(x, t + ht).u![0]! - at(x, t - ht).u![0]!) / (2 * ht);
      const fdXT = (at(x, t + ht).u_x![0]! - at(x, t - ht).u_x![0]!) / (2 * ht);
      expect(Math.abs(fdX - c.u_x![0]!)).toBeLessThan(3e-3 * Math.max(1, Math.abs(c.u_x![0]!)));
      expect(Math.abs(fdT - c.u_t![0]!)).toBeLessThan(3e-3 * Math.max(1, Math.abs(c.u_t![0]!)));
      expect(Math.abs(fdXT - c.u_xt![0]!)).toBeLessThan(3e-3 * Math.max(0.1, Math.abs(c.u_xt![0]!)));
      model.dispose();
    }
  });

  it('pruning keeps the scaling of the inputs and outputs it keeps', () => {
    const model = scaled('kan') as KanModel;
    const same = subsetKan(model, [[0, 1], [0, 1, 2, 3], [0]]);
    expect(same.options.scaling).toEqual(model.options.scaling);
    expect(Array.from(same.evaluate(points).u!)).toEqual(Array.from(model.evaluate(points).u!));
    const onlyT = subsetKan(model, [[1], [0, 1, 2, 3], [0]]);
    expect(onlyT.options.scaling).toMatchObject({ center: [50], halfWidth: [50], outputScale: [40] });
    model.dispose();
  });

  it('a symbolic formula reads the original variables and units', () => {
    const model = createKan({ width: [2, 2, 1], seed: 1, inputs: ['x', 't'], gridRange, scaling }) as KanModel;
    const edges: [number, number, number, string][] = [[0, 0, 0, 'sin'], [0, 1, 0, 'x^2'], [0, 0, 1, 'x'], [0, 1, 1, 'exp'], [1, 0, 0, 'x'], [1, 1, 0, 'tanh']];
    edges.forEach(([l, i, j, name], e) => fixSymbolic(model, l, i, j, name, { params: { a: 0.7 + 0.1 * e, b: 0.2 - 0.05 * e, c: 1.1 - 0.1 * e, d: 0.05 * e } }));
    const [formula] = symbolicFormula(model, { significantDigits: 12 });
    const values = model.evaluate(points).u!;
    points.forEach(([x, t], n) => {
      const f = formula!.evaluate({ x: x!, t: t! });
      expect(Math.abs(f - values[n]!), `${formula!.text} at ${x}, ${t}`).toBeLessThan(1e-4 * Math.max(1, Math.abs(values[n]!)));
    });
    // The formula is in x and t, not in the layers' scaled inputs.
    expect(formula!.text).toMatch(/\bx\b/);
    expect(formula!.text).toMatch(/\bt\b/);
    model.dispose();
  });

  it('refuses a bad scaling naming the field, in a model file and in options', () => {
    const model = scaled('mlp');
    const json = JSON.parse(JSON.stringify(modelToJson(model)));
    model.dispose();
    json.config.scaling.halfWidth = [5, 0];
    expect(() => modelFromJson(json)).toThrow(/^model file: config\.scaling: halfWidth: expected 2 finite numbers > 0$/);
    json.config.scaling = { center: [0, 0], halfWidth: [1, 1], outputScale: [1, 2], source: '' };
    expect(() => modelFromJson(json)).toThrow(/^model file: config\.scaling: outputScale: expected 1 finite numbers > 0$/);
    expect(() => buildScaling({ min: [0, 1], max: [1, 1] }, [1], '', ['x', 't'])).toThrow(/^--scale: input 't' has no finite extent \[1, 1\] to scale over$/);
  });
});
