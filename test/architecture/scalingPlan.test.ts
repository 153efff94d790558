/**
 * Output scales from Neumann and Robin conditions (src/architecture/scalingPlan.ts): a condition
 * αu + β∂u/∂n = g states the scale s = |g| / (|α| + |β|·‖n/h‖) at which a function of unit size in
 * the model's scaled units (inputs to [−1, 1] by the half-widths h) meets it. Before, only
 * Dirichlet, initial and data values counted, and Heat 2d-CG (Robin values 5, 1, 0.1, initial 0)
 * got scale 1 for a solution of size 3.2.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { setBackend } from '../../src/backend.js';
import { defineProblem } from '../../src/problem/define.js';
import { outputScales, scalingFor } from '../../src/architecture/scalingPlan.js';
import { resolveProblem } from '../../src/index.js';

beforeAll(async () => {
  await setBackend('wasm');
});

/** u_xx = 0 on [0, 10] (half-width 5) with u(0) = 0.5 and one condition at x = 10. */
function rod(condition: Record<string, unknown>) {
  return defineProblem({
    name: 'rod',
    variables: ['x'],
    domain: { type: 'interval', min: 0, max: 10 },
    pde: 'u_xx',
    conditions: [{ type: 'dirichlet', on: 'x == 0', value: '0.5' }, condition],
  });
}

describe('output scales from derivative conditions', () => {
  it('a Neumann value g is a slope: scale |g|·h, h the half-width the input is scaled by', () => {
    // u_x = 3 at x = 10, h = 5: u changes by 15 over the half-width (the solution u = 0.5 + 3x reaches 30.5).
    const neumann = outputScales(rod({ type: 'neumann', on: 'x == 10', value: '3' }));
    expect(neumann.scales).toEqual([15]);
    expect(neumann.source).toBe('u: 15 (max |value| of conditions[0].dirichlet; |g|/(|α| + |β|/h) of conditions[1].neumann)');
    // The sign of g and of the normal do not matter: u_x = −3 at x = 0 (∂u/∂n = 3).
    expect(outputScales(rod({ type: 'neumann', on: 'x == 0', value: '3' })).scales).toEqual([15]);
  });

  it('a Robin value counts through α and β/h together: |g| / (|α| + |β|/h)', () => {
    // 2u + u_x = 6 at x = 10: 6 / (2 + 1/5).
    expect(outputScales(rod({ type: 'robin', on: 'x == 10', alpha: '2', beta: '1', value: '6' })).scales).toEqual([2.73]);
    // β/h ≪ α: the value condition's |g/α| again; α = 0: Neumann's |g|·h.
    expect(outputScales(rod({ type: 'robin', on: 'x == 10', alpha: '4', beta: '0.001', value: '6' })).scales).toEqual([1.5]);
    expect(outputScales(rod({ type: 'robin', on: 'x == 10', alpha: '0', beta: '2', value: '6' })).scales).toEqual([15]);
  });

  it('reads the normal against each input\'s own half-width', () => {
    // [0, 8] x [0, 2]: half-widths 4 and 1. A unit slope across x (n = (1, 0)) is a change of 4, across y of 1.
    const plate = (on: string) => defineProblem({
      name: 'plate',
      variables: ['x', 'y'],
      domain: { type: 'rectangle', min: [0, 0], max: [8, 2] },
      pde: 'u_xx + u_yy',
      conditions: [{ type: 'dirichlet', on: 'x == 0', value: '0' }, { type: 'neumann', on, value: '1' }],
    });
    expect(outputScales(plate('x == 8')).scales).toEqual([4]);
    expect(outputScales(plate('y == 2')).scales).toEqual([1]);
    expect(scalingFor(plate('x == 8'), 'on').config).toMatchObject({ halfWidth: [4, 1], outputScale: [4] });
  });

  it('gives the built-in Robin and Neumann problems the size of their solutions', () => {
    // Heat 2d-CG: u + ∂u/∂n = 5 on the big circles, inputs of half-widths 8, 12, 1.5; the reference's largest |u| is 3.25.
    const heat = resolveProblem('pinnacle-heat-2d-cg');
    const s = outputScales(heat).scales[0]!;
    const test = heat.testSet!();
    const top = test.values.reduce((m, v) => Math.max(m, Math.abs(v)), 0);
    expect(top).toBeGreaterThan(3);
    expect(s / top).toBeGreaterThan(1 / 2);
    expect(s / top).toBeLessThan(2);
    expect(outputScales(heat).source).toMatch(/^u: [\d.]+ \(max \|g\|\/\(\|α\| \+ \|β\|\/h\) of conditions\[1\]\.robin, conditions\[2\]\.robin, conditions\[3\]\.robin\)$/);
    // HNd: ∂u/∂n = exp(|x|²/2 + t) on the unit sphere; the exact solution's largest value is e^1.5 = 4.48 (the initial value's e^0.5 alone: 1.65).
    expect(outputScales(resolveProblem('pinnacle-hnd')).scales[0]).toBeCloseTo(Math.exp(1.5), 1);
  });
});
