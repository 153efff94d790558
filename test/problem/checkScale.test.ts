import { beforeAll, describe, expect, it } from 'vitest';
import { setBackend } from '../../src/backend.js';
import { checkProblem, defineProblem } from '../../src/index.js';
import { createKan } from '../../src/kan/model.js';
import { train } from '../../src/train/trainer.js';
import { derivativeOrder, splineDegreeWarnings } from '../../src/problem/warnings.js';

beforeAll(async () => {
  await setBackend('wasm');
});

const wave = (c: number) =>
  defineProblem({
    name: 'wave',
    variables: ['x'],
    time: [0, 1],
    params: { c },
    domain: { type: 'interval', min: 0, max: 1 },
    pde: 'u_tt - c^2*u_xx',
    conditions: [{ type: 'dirichlet', value: 0 }, { type: 'initial', value: 'sin(pi*x)', rate: 0 }],
    exact: 'sin(pi*x)*cos(c*pi*t)',
  });

describe('check judges a residual relative to the equation\'s own scale', () => {
  it('a correct wave problem with c = 100 passes: float32 rounding of |c² u_xx| ~ 1e5 is not a failure', () => {
    const report = checkProblem(wave(100));
    expect(report.maxResidual).toBeGreaterThan(1e-3);
    expect(report.terms[0]?.termScale).toBeGreaterThan(5e4);
    expect(report.relResidual).toBeLessThan(1e-5);
    expect(report.ok).toBe(true);
  });

  it('a wrong equation still fails: its residual is of the order of its terms', () => {
    const wrong = defineProblem({
      name: 'wrong',
      variables: ['x'],
      time: [0, 1],
      params: { c: 40 },
      domain: { type: 'interval', min: 0, max: 1 },
      pde: 'u_tt - 0.9*c^2*u_xx',
      conditions: [{ type: 'dirichlet', value: 0 }],
      exact: 'sin(pi*x)*cos(c*pi*t)',
    });
    const report = checkProblem(wrong);
    expect(report.ok).toBe(false);
    expect(report.relResidual).toBeGreaterThan(0.01);
  });
});

describe('spline degree below the PDE order', () => {
  const plate = defineProblem({
    name: 'beam',
    variables: ['x'],
    domain: { type: 'interval', min: 0, max: 1 },
    pde: 'u_xxxx - 1',
    conditions: [{ type: 'dirichlet', value: 0 }],
  });

  it('is detected from the derivatives the terms read', () => {
    expect(derivativeOrder(plate)).toBe(4);
    expect(derivativeOrder(wave(1))).toBe(2);
    expect(splineDegreeWarnings(plate, 5)).toEqual([]);
    expect(splineDegreeWarnings(plate, 4)).toEqual([]);
    expect(splineDegreeWarnings(plate, 3)[0]).toContain("the PDE has derivatives of order 4 but the KAN's splines have degree k = 3");
  });

  it('training a cubic KAN on a fourth-order PDE returns the warning (and prints nothing)', async () => {
    const model = createKan({ width: [1, 2, 1], k: 3, grid: 3, seed: 1 });
    const result = await train(plate, model, { steps: 1, grids: null, evalEvery: 0 });
    expect(result.warnings.some((w) => w.includes('degree k = 3'))).toBe(true);
    model.dispose();
    const smooth = createKan({ width: [1, 2, 1], k: 5, grid: 3, seed: 1 });
    const ok = await train(plate, smooth, { steps: 1, grids: null, evalEvery: 0 });
    expect(ok.warnings.some((w) => w.includes('degree'))).toBe(false);
    smooth.dispose();
  });
});
