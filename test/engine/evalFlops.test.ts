/**
 * The eval suite's operation counts (solvers/bench/evalFlops.ts) against counts made by hand from
 * the kernels' code for the smallest layers, their scaling, and the eval table's new columns.
 */
import { describe, expect, it } from 'vitest';
import { createJetPlan } from '../../src/jet/plan.js';
import { EVAL_PLANS, evalCaseFlops, kanLayerFlops, mlpFlops } from '../../solvers/bench/evalFlops.js';
import { EVAL_CASES } from '../../solvers/bench/evalSuite.js';
import { evalTable } from '../../solvers/bench/results.js';

const valuePlan = createJetPlan([], 1);

describe('operations per evaluation', () => {
  it('count one linear-spline edge of a first layer by hand (value only)', () => {
    // forward: u = (x − t)·h (2), SiLU (4); mask·scale (2), sb·b0 (1), sp·h0·(r0·u0 + r1·u1) with its
    // add into f0 (8), f0 into the output (1) → 18. Backward: prelude again (6), g0 (1),
    // dL/dscale_base mk·g0·b0 and its add (3), dL/draw for p = 0, 1 (4 each) → 18.
    expect(kanLayerFlops(valuePlan, 1, 1, 1, 1, true)).toBe(36);
  });

  it('count an MLP [1,2,1] on values by hand', () => {
    // layer 1: 3 products of 2·1·2 (forward, dX, dW) = 12, bias and its gradient 2·2 = 4, tanh jet
    // forward (3) and backward (2·3) per neuron = 18; layer 2: 3·2·2·1 = 12 and 2 → 48 per point
    expect(mlpFlops(valuePlan, [1, 2, 1], 1)).toBe(48);
    expect(mlpFlops(valuePlan, [1, 2, 1], 10)).toBe(480);
  });

  it('grow with the points, the order of the plan and a hidden layer', () => {
    const plan = EVAL_PLANS.interior;
    expect(kanLayerFlops(plan, 3, 2, 10, 1000, true)).toBe(1000 * kanLayerFlops(plan, 3, 2, 10, 1, true));
    expect(kanLayerFlops(plan, 3, 2, 10, 1, true)).toBeGreaterThan(kanLayerFlops(createJetPlan([], 2), 3, 2, 10, 1, true));
    // a hidden layer has no constant factors and passes the gradient on
    expect(kanLayerFlops(plan, 3, 2, 10, 1, false)).toBeGreaterThan(kanLayerFlops(plan, 3, 2, 10, 1, true));
  });

  it('are dominated by the matrix products for the wide MLP', () => {
    const plan = EVAL_PLANS.interior;
    const C = plan.channels.length;
    const products = 6 * C * (2 * 100 + 100 * 100 + 100 * 100 + 100);
    const perPoint = mlpFlops(plan, [2, 100, 100, 100, 1], 1);
    expect(perPoint).toBeGreaterThan(products);
    expect(perPoint).toBeLessThan(1.2 * products);
  });

  it('cover every case, the million-point rows in chunks', () => {
    for (const c of EVAL_CASES) expect(evalCaseFlops(c), c.name).toBeGreaterThan(0);
    const million = EVAL_CASES.filter((c) => c.interior >= 1_000_000);
    expect(million.map((c) => c.name)).toEqual(['kan-G5-1M', 'mlp-16x2-1M']);
    for (const c of million) expect(c.chunk).toBeLessThanOrEqual(100_000);
  });
});

describe('the eval table', () => {
  it('shows the operations, GFLOP/s and matmul peak, and dashes for rows saved before them', () => {
    const old = { name: 'kan-G5-525', model: 'kan' as const, width: [2, 10, 1], grid: 5, points: 525, params: 300, msPerEval: 2.3, repeats: 101 };
    const now = { ...old, threads: 2, flops: 2.1e6, gflops: 0.913, peakGflops: { tfjs: 17.4, js: 1.25 }, peakRssMB: 195 };
    const lines = evalTable([old, now]).split('\n');
    expect(lines[0]).toContain('| MFLOP per eval | GFLOP/s | matmul GFLOP/s (tfjs / JS) | peak RSS MB |');
    expect(lines[2]).toBe('| kan-G5-525 | kan | [2,10,1] | 5 | 525 | 300 | 1 | 2.3 | – | – | – | – |');
    expect(lines[3]).toBe('| kan-G5-525 | kan | [2,10,1] | 5 | 525 | 300 | 2 | 2.3 | 2.1 | 0.91 | 17.4 / 1.3 | 195 |');
  });
});
