import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as tf from '../../src/tf.js';
import { beforeAll, describe, expect, it } from 'vitest';
import { setBackend } from '../../src/backend.js';
import { loadModel, modelFromJson, modelToJson, saveModel } from '../../src/io/modelFile.js';
import { updateGrid } from '../../src/kan/gridUpdate.js';
import { createKan } from '../../src/kan/model.js';
import { createMlp } from '../../src/mlp/mlp.js';

beforeAll(async () => {
  await setBackend('wasm');
});

const bits = (a: Float32Array): number[] => Array.from(new Uint32Array(a.buffer, a.byteOffset, a.length));

describe('model file', () => {
  it('round-trips a KAN with a non-uniform grid and a pruned edge bit for bit', async () => {
    const model = createKan({ width: [2, 4, 1], grid: 6, k: 3, seed: 5 });
    const pts = Float32Array.from({ length: 200 }, (_, i) => Math.sin(i * 1.7) * 0.9);
    updateGrid(model, { points: { coords: pts, count: 100 } });
    model.layers[0]!.mask[3] = 0;
    const dir = mkdtempSync(join(tmpdir(), 'kanpinn-'));
    const path = join(dir, 'model.json');
    await saveModel(model, path, { problem: 'test' });
    const loaded = await loadModel(path);
    expect(loaded.kind).toBe('kan');
    const probe = Float32Array.from({ length: 40 }, (_, i) => Math.cos(i) * 0.95);
    const names = ['u', 'u_x', 'u_yy'];
    const a = model.evaluate(probe, { derivatives: names });
    const b = loaded.evaluate(probe, { derivatives: names });
    for (const n of names) expect(bits(b[n]!)).toEqual(bits(a[n]!));
    expect(JSON.parse(readFileSync(path, 'utf8')).meta).toEqual({ problem: 'test' });
    model.dispose();
    loaded.dispose();
  });

  it('writes each float32 parameter as the shortest decimal that reads back to it', () => {
    const model = createMlp({ width: [1, 3, 1], seed: 1 });
    const weight = Float32Array.from([0.1, 1 / 3, -2.5e-7]);
    model.layers[0]!.weight.assign(tf.tensor2d(weight, [1, 3]));
    const text = JSON.stringify(modelToJson(model));
    expect(text).toContain('"weight":[0.1,0.33333334,-2.5e-7]');
    expect(text).not.toContain('0.10000000149011612');
    const loaded = modelFromJson(JSON.parse(text));
    if (loaded.kind !== 'mlp') throw new Error('expected an MLP back');
    expect(bits(loaded.layers[0]!.weight.dataSync() as Float32Array)).toEqual(bits(weight));
    model.dispose();
    loaded.dispose();
  });

  it('round-trips an MLP bit for bit', () => {
    const model = createMlp({ width: [2, 7, 1], activation: 'sin', seed: 3 });
    const loaded = modelFromJson(JSON.parse(JSON.stringify(modelToJson(model))));
    const probe = new Float32Array([0.1, 0.2, -0.4, 0.9]);
    expect(bits(loaded.evaluate(probe).u!)).toEqual(bits(model.evaluate(probe).u!));
    model.dispose();
    loaded.dispose();
  });

  it('refuses files it cannot trust, naming the field', async () => {
    const model = createKan({ width: [2, 2, 1], grid: 3, seed: 1 });
    const good = modelToJson(model);
    const bad = (mutate: (j: Record<string, any>) => void): unknown => {
      const copy = JSON.parse(JSON.stringify(good));
      mutate(copy);
      return copy;
    };
    expect(() => modelFromJson(bad((j) => (j.format = 'other')))).toThrow('model file: format: expected "kanpinn-model", found "other"');
    expect(() => modelFromJson(bad((j) => (j.version = 9)))).toThrow('model file: version: expected 1 (this kanpinn reads version 1), found 9');
    expect(() => modelFromJson(bad((j) => j.params.layers[0].coef.pop()))).toThrow('model file: params.layers[0].coef: expected an array of 24 numbers, found an array of 23');
    expect(() => modelFromJson(bad((j) => (j.params.layers[1].scaleSp[0] = 'x')))).toThrow('model file: params.layers[1].scaleSp[0]: expected a finite number, found "x"');
    expect(() => modelFromJson(bad((j) => (j.params.layers[0].knots[1][4] = -5)))).toThrow('model file: params.layers[0].knots[1][4]: expected strictly increasing knots, found -5');
    expect(() => modelFromJson(bad((j) => (j.config.kind = 'cnn')))).toThrow('model file: config.kind: expected "kan" or "mlp", found "cnn"');
    const dir = mkdtempSync(join(tmpdir(), 'kanpinn-'));
    writeFileSync(join(dir, 'broken.json'), '{"format": ');
    await expect(loadModel(join(dir, 'broken.json'))).rejects.toThrow(/^model file: .*broken\.json is not valid JSON/);
    await expect(loadModel(join(dir, 'missing.json'))).rejects.toThrow(/^model file: cannot read .*missing\.json: ENOENT$/);
    model.dispose();
  });
});
