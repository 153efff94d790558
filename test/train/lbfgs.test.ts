import { describe, expect, it } from 'vitest';
import {
  Lbfgs, LBFGS_DEFAULTS, cubicInterpolate, lbfgsDirection, strongWolfe, type Objective,
} from '../../src/train/lbfgs.js';
import { KanpinnInputError } from '../../src/errors.js';
import { createRng } from '../../src/random.js';

const SOLUTION_TOL = 1e-6;
const QUADRATIC_TOL = 1e-8;
const EXACT_TOL = 1e-14;

/** Chained Rosenbrock f = Σ 100(x_{i+1} − x_i²)² + (1 − x_i)², minimum at all ones. */
const rosenbrock: Objective = (x) => {
  const grad = new Float64Array(x.length);
  let loss = 0;
  for (let i = 0; i + 1 < x.length; i++) {
    const a = x[i] as number;
    const b = x[i + 1] as number;
    const r = b - a * a;
    loss += 100 * r * r + (1 - a) * (1 - a);
    grad[i] = (grad[i] as number) - 400 * a * r - 2 * (1 - a);
    grad[i + 1] = (grad[i + 1] as number) + 200 * r;
  }
  return { loss, grad };
};

/** Counts calls and records the points an objective is evaluated at. */
function recording(objective: Objective): { objective: Objective; points: Float64Array[] } {
  const points: Float64Array[] = [];
  return { points, objective: (x) => { points.push(Float64Array.from(x)); return objective(x); } };
}

/** Dense symmetric matrix Q·diag(λ)·Qᵀ with Q orthonormal from Gram–Schmidt on seeded normals. */
function spdMatrix(eigenvalues: number[], seed: number): number[][] {
  const n = eigenvalues.length;
  const rng = createRng(seed);
  const q: number[][] = [];
  while (q.length < n) {
    const v = Array.from({ length: n }, () => rng.normal());
    for (const u of q) {
      const p = v.reduce((s, vi, i) => s + vi * (u[i] as number), 0);
      for (let i = 0; i < n; i++) v[i] = (v[i] as number) - p * (u[i] as number);
    }
    const norm = Math.hypot(...v);
    q.push(v.map((vi) => vi / norm));
  }
  return Array.from({ length: n }, (_, i) => Array.from({ length: n }, (_, j) =>
    eigenvalues.reduce((s, l, k) => s + l * (q[k]?.[i] as number) * (q[k]?.[j] as number), 0)));
}

function matVec(a: number[][], x: ArrayLike<number>): Float64Array {
  return Float64Array.from(a, (row) => row.reduce((s, aij, j) => s + aij * (x[j] as number), 0));
}

/** f = ½xᵀAx − bᵀx, ∇f = Ax − b. */
function quadratic(a: number[][], b: Float64Array): Objective {
  return (x) => {
    const ax = matVec(a, x);
    let loss = 0;
    const grad = new Float64Array(x.length);
    for (let i = 0; i < x.length; i++) {
      loss += 0.5 * (x[i] as number) * (ax[i] as number) - (b[i] as number) * (x[i] as number);
      grad[i] = (ax[i] as number) - (b[i] as number);
    }
    return { loss, grad };
  };
}

/**
 * The same quadratic plus the constant ½bᵀA⁻¹b, evaluated as ½eᵀAe with e = x − A⁻¹b, so f* = 0.
 * Near the minimum f then keeps its relative precision; in the form above the decrease left,
 * ½λ_min‖e‖², sinks below the rounding of |f*| and any line search on f stalls (as torch's does).
 */
function shiftedQuadratic(a: number[][], solution: Float64Array): Objective {
  return (x) => {
    const e = Float64Array.from(x, (v, i) => v - (solution[i] as number));
    const grad = matVec(a, e);
    return { loss: 0.5 * e.reduce((s, ei, i) => s + ei * (grad[i] as number), 0), grad };
  };
}

function maxAbsDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs((a[i] as number) - (b[i] as number)));
  return m;
}

/** Runs steps until a tolerance stops one or `maxSteps` is reached; checks the per-step budget. */
function runSteps(opt: Lbfgs, objective: Objective, x: Float64Array, maxSteps: number): { steps: number; evaluations: number } {
  const maxEval = Math.floor((opt.options.maxIter * 5) / 4);
  let evaluations = 0;
  let steps = 0;
  while (steps < maxSteps) {
    const info = opt.step(objective, x);
    steps++;
    evaluations += info.evaluations;
    expect(info.evaluations).toBeGreaterThan(0);
    expect(info.evaluations).toBeLessThanOrEqual(maxEval);
    if (info.converged) break;
  }
  return { steps, evaluations };
}

describe('cubicInterpolate', () => {
  it('finds the local minimum of a cubic from two points and slopes, in either order', () => {
    // p(x) = x³ − 3x has its local minimum at x = 1.
    expect(cubicInterpolate(0, 0, -3, 2, 2, 9)).toBeCloseTo(1, 14);
    expect(cubicInterpolate(2, 2, 9, 0, 0, -3)).toBeCloseTo(1, 14);
  });

  it('is exact on a quadratic and clamps to the given bounds', () => {
    // q(x) = (x − 0.3)², sampled at 0 and 1.
    expect(cubicInterpolate(0, 0.09, -0.6, 1, 0.49, 1.4)).toBeCloseTo(0.3, 14);
    expect(cubicInterpolate(0, 0.09, -0.6, 1, 0.49, 1.4, [0.5, 2])).toBe(0.5);
  });

  it('returns the midpoint of the bounds when the cubic has no minimum or a value is not finite', () => {
    // p(x) = x³ + x is monotone.
    expect(cubicInterpolate(0, 0, 1, 1, 2, 4)).toBe(0.5);
    expect(cubicInterpolate(0, 1, -1, 2, Infinity, Number.NaN)).toBe(1);
  });
});

describe('strongWolfe', () => {
  it('returns a step that meets both strong Wolfe conditions on Rosenbrock', () => {
    const x = Float64Array.of(-1.2, 1);
    const { loss: f, grad: g } = rosenbrock(x);
    const d = Float64Array.from(g, (v) => -v);
    const gtd = g.reduce((s, v, i) => s + v * (d[i] as number), 0);
    const along = (t: number) => rosenbrock(Float64Array.from(x, (v, i) => v + t * (d[i] as number)));
    const r = strongWolfe(along, 1, d, f, g, gtd, LBFGS_DEFAULTS);
    const at = along(r.t);
    const slope = at.grad.reduce((s, v, i) => s + v * (d[i] as number), 0);
    expect(r.t).toBeGreaterThan(0);
    expect(r.loss).toBe(at.loss);
    expect(at.loss).toBeLessThanOrEqual(f + LBFGS_DEFAULTS.c1 * r.t * gtd);
    expect(Math.abs(slope)).toBeLessThanOrEqual(-LBFGS_DEFAULTS.c2 * gtd);
    expect(r.nonFiniteTrials).toBe(0);
  });
});

describe('lbfgsDirection', () => {
  it('equals −H·g for H from the dense BFGS inverse update H ← (I − ρsyᵀ)H(I − ρysᵀ) + ρssᵀ', () => {
    const n = 5;
    const rng = createRng(7);
    const b = spdMatrix([1, 2, 3, 5, 8], 3);
    const pairs = Array.from({ length: 3 }, () => {
      const s = Float64Array.from({ length: n }, () => rng.normal());
      return { s, y: matVec(b, s) };
    });
    const g = Float64Array.from({ length: n }, () => rng.normal());
    const last = pairs[pairs.length - 1]!;
    const dotp = (u: ArrayLike<number>, v: ArrayLike<number>) => Array.from(u).reduce((s, ui, i) => s + ui * (v[i] as number), 0);
    const gamma = dotp(last.s, last.y) / dotp(last.y, last.y);
    let h = Array.from({ length: n }, (_, i) => Array.from({ length: n }, (_, j) => (i === j ? gamma : 0)));
    for (const { s, y } of pairs) {
      const rho = 1 / dotp(y, s);
      const left = Array.from({ length: n }, (_, i) => Array.from({ length: n }, (_, j) => (i === j ? 1 : 0) - rho * (s[i] as number) * (y[j] as number)));
      const mul = (p: number[][], q: number[][]) => p.map((row) => q[0]!.map((_, j) => row.reduce((acc, pik, k) => acc + pik * (q[k]?.[j] as number), 0)));
      const right = left[0]!.map((_, i) => left.map((row) => row[i] as number)); // transpose
      h = mul(mul(left, h), right).map((row, i) => row.map((v, j) => v + rho * (s[i] as number) * (s[j] as number)));
    }
    const expected = matVec(h, g).map((v) => -v);
    expect(maxAbsDiff(lbfgsDirection(g, pairs, gamma), expected)).toBeLessThan(1e-12);
  });
});

describe('Lbfgs', () => {
  it('starts along −g with t = min(1, 1/‖g‖₁)·lr, as torch does on its first iteration', () => {
    const a = spdMatrix([1, 4, 9], 11);
    const b = Float64Array.of(1, -2, 3);
    for (const [x0, lr] of [[Float64Array.of(0, 0, 0), 1], [Float64Array.of(0.4, -0.6, 0.2), 0.5]] as const) {
      const { points, objective } = recording(quadratic(a, b));
      const x = Float64Array.from(x0);
      new Lbfgs({ lr }).step(objective, x);
      const g = quadratic(a, b)(x0).grad;
      const t = Math.min(1, 1 / g.reduce((s, v) => s + Math.abs(v), 0)) * lr;
      expect(maxAbsDiff(points[0]!, x0)).toBe(0);
      expect(maxAbsDiff(points[1]!, Float64Array.from(x0, (v, i) => v - t * (g[i] as number)))).toBeLessThan(EXACT_TOL);
    }
  });

  it('on ½ax² zooms from an overshooting first trial to the exact minimiser in three evaluations', () => {
    // x0 = 0.3, a = 10: g = 3, t0 = 1/3 lands at −0.7 (Armijo fails); the cubic through t = 0 and
    // t0 is exact for a quadratic and gives t = 0.1, x = 0, where the slope is zero.
    const objective: Objective = (x) => ({ loss: 5 * (x[0] as number) ** 2, grad: Float64Array.of(10 * (x[0] as number)) });
    const x = Float64Array.of(0.3);
    const info = new Lbfgs({ maxIter: 1, maxEval: 10 }).step(objective, x);
    expect(Math.abs(x[0] as number)).toBeLessThan(EXACT_TOL);
    expect(info).toMatchObject({ loss: 5 * 0.09, evaluations: 3, iterations: 1, reason: 'maxIter', converged: false });
    expect(info.finalLoss).toBeLessThan(EXACT_TOL);
  });

  it('minimises 2-D Rosenbrock from (−1.2, 1) to all ones within 1e-6', () => {
    const x = Float64Array.of(-1.2, 1);
    const opt = new Lbfgs();
    const { steps, evaluations } = runSteps(opt, rosenbrock, x, 20);
    expect(maxAbsDiff(x, [1, 1])).toBeLessThan(SOLUTION_TOL);
    expect(steps).toBeLessThanOrEqual(5);
    expect(opt.evaluations).toBe(evaluations);
  });

  it('minimises 10-D Rosenbrock to all ones within 1e-6', () => {
    const x = Float64Array.from({ length: 10 }, (_, i) => (i % 2 === 0 ? -1.2 : 1));
    const { objective, points } = recording(rosenbrock);
    const opt = new Lbfgs();
    const { steps } = runSteps(opt, objective, x, 40);
    expect(maxAbsDiff(x, new Float64Array(10).fill(1))).toBeLessThan(SOLUTION_TOL);
    expect(steps).toBeLessThanOrEqual(8);
    expect(opt.evaluations).toBe(points.length);
  });

  it('solves a well conditioned (κ = 10, n = 12) quadratic ½xᵀAx − bᵀx to A⁻¹b within 1e-8', () => {
    const a = spdMatrix(Array.from({ length: 12 }, (_, i) => 1 + (9 * i) / 11), 1);
    const rng = createRng(101);
    const solution = Float64Array.from({ length: 12 }, () => rng.normal());
    const x = new Float64Array(12);
    const { steps } = runSteps(new Lbfgs(), quadratic(a, matVec(a, solution)), x, 20);
    expect(maxAbsDiff(x, solution)).toBeLessThan(QUADRATIC_TOL);
    expect(steps).toBeLessThanOrEqual(5);
  });

  it('solves a moderately ill conditioned (κ = 1e4, n = 10) quadratic to A⁻¹b within 1e-8', () => {
    const a = spdMatrix(Array.from({ length: 10 }, (_, i) => 10 ** ((4 * i) / 9)), 2);
    const rng = createRng(102);
    const solution = Float64Array.from({ length: 10 }, () => rng.normal());
    const x = new Float64Array(10);
    const { steps } = runSteps(new Lbfgs(), shiftedQuadratic(a, solution), x, 20);
    expect(maxAbsDiff(x, solution)).toBeLessThan(QUADRATIC_TOL);
    expect(steps).toBeLessThanOrEqual(12);
  });

  it('continues one run across steps: two steps of 10 iterations end where one of 20 does', () => {
    const x1 = Float64Array.of(-1.2, 1, -1.2, 1);
    const x2 = Float64Array.from(x1);
    const one = new Lbfgs({ maxIter: 20, maxEval: 1000 });
    const two = new Lbfgs({ maxIter: 10, maxEval: 1000 });
    const info = one.step(rosenbrock, x1);
    const a = two.step(rosenbrock, x2);
    const b = two.step(rosenbrock, x2);
    expect([info.iterations, a.iterations, b.iterations]).toEqual([20, 10, 10]);
    expect(Array.from(x2)).toEqual(Array.from(x1));
    // The second step re-evaluates its start once, as torch's closure call does.
    expect(two.evaluations).toBe(one.evaluations + 1);
    expect(two.iterations).toBe(20);
    expect(b.loss).toBe(a.finalLoss);
  });

  it('starts a fresh run after reset()', () => {
    const x = Float64Array.of(-1.2, 1);
    const opt = new Lbfgs({ maxIter: 5 });
    opt.step(rosenbrock, x);
    opt.reset();
    expect(opt.evaluations).toBe(0);
    const y = Float64Array.from(x);
    const info = opt.step(rosenbrock, x);
    const fresh = new Lbfgs({ maxIter: 5 }).step(rosenbrock, y);
    expect(Array.from(x)).toEqual(Array.from(y));
    expect(info).toEqual(fresh);
  });

  it('never leaves the finite region when the loss is NaN beyond x > 1.5', () => {
    // Σ (x_i − 2)², undefined where any x_i > 1.5: every direction toward the minimum leaves the
    // finite region, so the line search has to bisect back to finite points.
    const objective: Objective = (x) => {
      if (x.some((v) => v > 1.5)) return { loss: Number.NaN, grad: new Float64Array(x.length).fill(Number.NaN) };
      return { loss: x.reduce((s, v) => s + (v - 2) ** 2, 0), grad: Float64Array.from(x, (v) => 2 * (v - 2)) };
    };
    const x = Float64Array.of(0, 0.5, 1);
    const opt = new Lbfgs();
    const reasons = new Set<string>();
    for (let i = 0; i < 8; i++) {
      const info = opt.step(objective, x);
      reasons.add(info.reason);
      expect(Number.isFinite(info.finalLoss)).toBe(true);
      expect(info.finalLoss).toBeLessThanOrEqual(info.loss);
      expect(info.evaluations).toBeLessThanOrEqual(25);
      for (const v of x) {
        expect(Number.isFinite(v)).toBe(true);
        expect(v).toBeLessThanOrEqual(1.5);
      }
    }
    expect(objective(x).loss).toBeLessThan(7.25 / 2);
    expect(reasons.has('nonFiniteLineSearch')).toBe(true);
  });

  it('leaves x unchanged and says so when every trial along d is non-finite', () => {
    const x0 = Float64Array.of(0.25, -0.5);
    const objective: Objective = (x) => {
      const atStart = x[0] === x0[0] && x[1] === x0[1];
      return { loss: atStart ? 1 : Infinity, grad: Float64Array.of(1, -1) };
    };
    const x = Float64Array.from(x0);
    const info = new Lbfgs().step(objective, x);
    expect(Array.from(x)).toEqual(Array.from(x0));
    expect(info).toMatchObject({ loss: 1, finalLoss: 1, iterations: 1, converged: false, reason: 'nonFiniteLineSearch' });
    // The zoom halves [0, 0.5] 24 times within the budget of 25 evaluations for the step.
    expect(info.evaluations).toBe(25);
    // torch's own accounting (strictMaxEval off): 1 + 1 + max_ls = 27, past max_eval.
    const loose = new Lbfgs({ strictMaxEval: false }).step(objective, Float64Array.from(x0));
    expect(loose).toMatchObject({ evaluations: 27, reason: 'nonFiniteLineSearch' });
  });

  it('stops at once, x unchanged, when the loss at the start is not finite', () => {
    const x = Float64Array.of(1, 2);
    const info = new Lbfgs().step(() => ({ loss: 1, grad: Float64Array.of(Number.NaN, 0) }), x);
    expect(Array.from(x)).toEqual([1, 2]);
    expect(info).toEqual({ loss: 1, finalLoss: 1, evaluations: 1, iterations: 0, converged: false, reason: 'nonFiniteStart' });
  });

  it('returns at once when the gradient is already below toleranceGrad', () => {
    const x = Float64Array.of(1, 1);
    const info = new Lbfgs({ toleranceGrad: 1e-7 }).step(rosenbrock, x);
    expect(info).toEqual({ loss: 0, finalLoss: 0, evaluations: 1, iterations: 0, converged: true, reason: 'gradientTolerance' });
  });

  it('with lineSearch none takes fixed steps and evaluates maxIter times per step, as torch does', () => {
    const a = spdMatrix([1, 2, 3], 5);
    const b = Float64Array.of(1, 1, 1);
    const { objective, points } = recording(quadratic(a, b));
    const x = new Float64Array(3);
    const info = new Lbfgs({ lineSearch: 'none', lr: 0.1, maxIter: 7, maxEval: 100 }).step(objective, x);
    expect(info.evaluations).toBe(7);
    expect(info.iterations).toBe(7);
    const g0 = quadratic(a, b)(new Float64Array(3)).grad;
    const t0 = Math.min(1, 1 / g0.reduce((s, v) => s + Math.abs(v), 0)) * 0.1;
    expect(maxAbsDiff(points[1]!, Float64Array.from(g0, (v) => -t0 * v))).toBeLessThan(EXACT_TOL);
  });

  it('counts every evaluation and keeps each step within maxEval', () => {
    const { objective, points } = recording(rosenbrock);
    const opt = new Lbfgs({ maxIter: 8, maxEval: 9 });
    const x = Float64Array.of(-1.2, 1);
    let total = 0;
    for (let i = 0; i < 6; i++) {
      const info = opt.step(objective, x);
      total += info.evaluations;
      expect(info.evaluations).toBeLessThanOrEqual(9);
    }
    expect(opt.evaluations).toBe(total);
    expect(points.length).toBe(total);
  });

  it('refuses bad options and mismatched lengths with a message naming the field', () => {
    expect(() => new Lbfgs({ historySize: 0 })).toThrow(new KanpinnInputError('Lbfgs options.historySize: expected an integer >= 1, found 0'));
    expect(() => new Lbfgs({ lr: -1 })).toThrow(new KanpinnInputError('Lbfgs options.lr: expected a positive finite number, found -1'));
    expect(() => new Lbfgs({ c1: 0.95 })).toThrow(new KanpinnInputError('Lbfgs options.c1, c2: expected 0 < c1 < c2 < 1, found [0.95,0.9]'));
    const opt = new Lbfgs({ maxIter: 2 });
    opt.step(rosenbrock, Float64Array.of(0, 0));
    expect(() => opt.step(rosenbrock, Float64Array.of(0, 0, 0))).toThrow(
      new KanpinnInputError("Lbfgs.step: x has length 3 but the optimizer's memory is for length 2 (call reset() after changing the parameters)"));
    expect(() => new Lbfgs().step(() => ({ loss: 0, grad: new Float64Array(1) }), Float64Array.of(1, 2))).toThrow(
      new KanpinnInputError('Lbfgs.step: objective returned a gradient of length 1 for 2 parameters'));
  });
});
