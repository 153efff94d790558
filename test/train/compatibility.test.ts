/**
 * The initial/boundary compatibility check (src/train/compatibility.ts) and the automatic recipe's
 * block on it (recipe.ts): PINNacle Heat 2d-CG starts at u = 0 while its holes ask u + ∂u/∂n = 5
 * and 1 (incompatible at t0), so the recipe weighs terms by their NTK trace and imposes the initial
 * value; heat1d's sin(πx) start meets its u = 0 ends (compatible) and keeps the defaults.
 */
import { describe, expect, it } from 'vitest';
import { builtinNames, resolveProblem } from '../../problems/index.js';
import { initialBoundaryMismatches } from '../../src/train/compatibility.js';
import { autoRecipe } from '../../src/train/recipe.js';
import { resolveSolveOptions } from '../../solvers/solve.js';
import { defineProblem } from '../../src/problem/define.js';

describe('initial/boundary compatibility', () => {
  it('finds the Robin conditions of Heat 2d-CG that disagree with u = 0 at t = 0, with their size', () => {
    const found = initialBoundaryMismatches(resolveProblem('pinnacle-heat-2d-cg'));
    const byName = Object.fromEntries(found.map((f) => [f.condition, f.mismatch]));
    expect(Object.keys(byName).sort()).toEqual(['conditions[1].robin', 'conditions[2].robin', 'conditions[3].robin']);
    expect(byName['conditions[1].robin']).toBeCloseTo(5, 4);
    expect(byName['conditions[2].robin']).toBeCloseTo(1, 4);
    expect(byName['conditions[3].robin']).toBeCloseTo(0.1, 4);
    expect(found.every((f) => f.initial === 'conditions[0].initial')).toBe(true);
  });

  it('finds none where the data agree at t0 (every other built-in), nor for a steady problem', () => {
    const flagged = builtinNames().filter((name) => initialBoundaryMismatches(resolveProblem(name)).length > 0);
    expect(flagged).toEqual(['pinnacle-heat-2d-cg']);
    expect(initialBoundaryMismatches(resolveProblem('heat1d'))).toEqual([]);
  });

  it('reads a Dirichlet value that disagrees with the start, and the normal derivative of the start', () => {
    const base = { name: 't', variables: ['x'], time: [0, 1] as [number, number], domain: { type: 'interval', min: 0, max: 1 }, pde: 'u_t - u_xx' };
    // u0 = sin(pi x) vanishes at both ends: compatible with u = 0; u = 1 at x = 1 is not.
    const ok = defineProblem({ ...base, conditions: [{ type: 'initial', value: 'sin(pi*x)' }, { type: 'dirichlet', value: '0' }] });
    expect(initialBoundaryMismatches(ok)).toEqual([]);
    const bad = defineProblem({ ...base, conditions: [{ type: 'initial', value: 'sin(pi*x)' }, { type: 'dirichlet', on: 'x == 1', value: '1' }] });
    expect(initialBoundaryMismatches(bad).map((m) => m.condition)).toEqual(['conditions[1].dirichlet']);
    // u0 = x²: ∂u0/∂n = 2 at x = 1 (n = +1), −0 at x = 0 (n = −1); a Neumann value 2 at x = 1 agrees, 0 at x = 0 too.
    const neumann = defineProblem({ ...base, conditions: [{ type: 'initial', value: 'x^2' }, { type: 'neumann', on: 'x == 1', value: '2' }, { type: 'neumann', on: 'x == 0', value: '1' }] });
    const found = initialBoundaryMismatches(neumann);
    expect(found.map((m) => m.condition)).toEqual(['conditions[2].neumann']);
    expect(found[0]!.mismatch).toBeCloseTo(1, 2);
  });
});

describe('automatic recipe: incompatible initial and boundary data', () => {
  const cg = resolveProblem('pinnacle-heat-2d-cg');

  it('weighs Heat 2d-CG by the NTK trace and imposes its initial value, with why', () => {
    const auto = autoRecipe(cg, {});
    expect(auto.options).toMatchObject({ balanceRule: 'trace', hard: 'initial' });
    const rule = auto.decisions.find((d) => d.option === 'balanceRule')!;
    expect(rule.why).toMatch(/^conditions\[1\]\.robin, conditions\[2\]\.robin, conditions\[3\]\.robin disagree with conditions\[0\]\.initial at t0 \(by up to 5\)/);
    expect(auto.decisions.find((d) => d.option === 'hard')!.why).toMatch(/Lagaris/);
    expect(resolveSolveOptions(cg, {})).toMatchObject({ balanceRule: 'trace', hard: 'initial' });
  });

  it("leaves compatible problems alone, and the user's choices win", () => {
    for (const name of ['heat1d', 'pinnacle-heat-2d-ms', 'poisson2d']) {
      const auto = autoRecipe(resolveProblem(name), {});
      expect(auto.decisions.some((d) => d.option === 'hard' || d.why.includes('disagree'))).toBe(false);
    }
    expect(resolveSolveOptions(cg, { balanceRule: 'gradnorm', hard: null })).toMatchObject({ balanceRule: 'gradnorm', hard: null });
    // No balancing asked (fixed weights): no rule to choose.
    expect(autoRecipe(cg, { balanceEvery: 0 }).decisions.some((d) => d.option === 'balanceRule')).toBe(false);
  });
});
