import { beforeAll, describe, expect, it } from 'vitest';
import { setBackend } from '../../src/backend.js';
import { prune } from '../../src/interpret/prune.js';
import { refine } from '../../src/interpret/refine.js';
import { autoSymbolic, symbolicFormula } from '../../src/interpret/symbolic.js';
import { createKan } from '../../src/kan/model.js';
import { createRng } from '../../src/random.js';
import { fit } from '../../src/train/fit.js';
import { helloData } from '../../solvers/bench/symbolicSuite.js';

beforeAll(async () => {
  await setBackend('wasm');
});

const f = (x: number, y: number): number => Math.exp(Math.sin(Math.PI * x) + y * y);

describe("pykan's hello-KAN workflow (shortened; the full one is solvers/bench/symbolicSuite.ts)", () => {
  it('sparsify → prune → refine → autoSymbolic → exp(sin(3.1416·x) + y²)', async () => {
    const train = helloData(1000, 1);
    let model = createKan({ width: [2, 5, 1], grid: 3, k: 3, seed: 1 });
    const first = await fit(model, train, { steps: 30, regularization: { lamb: 0.002 } });
    expect(first.history.columns).toEqual(['step', 'evaluations', 'seconds', 'trainRmse', 'testRmse', 'reg']);
    expect(first.trainRmse).toBeLessThan(0.05);
    const pruned = prune(model, train.inputs);
    model.dispose();
    model = pruned;
    const live = model.layers.map((l) => l.mask.reduce((s, m) => s + m, 0));
    expect(live).toEqual([2, 1]);
    const refined = refine(model, 10, train.inputs).model;
    model.dispose();
    model = refined;
    const second = await fit(model, train, { steps: 20 });
    expect(second.trainRmse).toBeLessThan(2e-3);
    const report = autoSymbolic(model, train.inputs, { candidates: ['x', 'x^2', 'x^3', 'x^4', 'exp', 'log', 'sqrt', 'tanh', 'sin', 'abs'] });
    expect(report.fixed.map((e) => e.name).sort()).toEqual(['exp', 'sin', 'x^2']);
    await fit(model, train, { steps: 10, gridUpdateEvery: 0 });
    const [formula] = symbolicFormula(model, { significantDigits: 3, dropBelow: 1e-3 });
    expect(formula!.text).toBe('exp(sin(3.14 * x) + y ^ 2)');
    const rng = createRng(9);
    let maxErr = 0;
    for (let n = 0; n < 1000; n++) {
      const [x, y] = [rng.next() * 2 - 1, rng.next() * 2 - 1];
      maxErr = Math.max(maxErr, Math.abs(formula!.evaluate({ x, y }) - f(x, y)));
    }
    expect(maxErr).toBeLessThan(1e-3);
    model.dispose();
  });
});
