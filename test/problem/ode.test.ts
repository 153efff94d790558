import { existsSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it, vi } from 'vitest';
import { main } from '../../solvers/cli.js';
import { capture } from '../cli/capture.js';
import { setBackend } from '../../src/backend.js';
import { checkProblem, createRng, defineProblem } from '../../src/index.js';
import type { LossTerm } from '../../src/index.js';
import { solveProblem } from '../../solvers/solve.js';

beforeAll(async () => {
  await setBackend('wasm');
});

/** u' = -u + sin(t), u(0) = 1, as a time-only problem. */
const ode = {
  name: 'ode',
  variables: [] as string[],
  time: [0, 2] as [number, number],
  pde: 'u_t + u - sin(t)',
  conditions: [{ type: 'initial' as const, value: 1 }],
  exact: '1.5*exp(-t) + (sin(t) - cos(t))/2',
};

describe('time-only problems (ODEs)', () => {
  it('have t as their only variable, sample t in [t0, t1] and t0 for the initial condition', () => {
    const problem = defineProblem(ode);
    expect(problem.variables).toEqual(['t']);
    expect(problem.spatial).toEqual([]);
    expect(problem.bounds).toEqual({ min: [0], max: [2] });
    for (const method of ['random', 'sobol', 'halton', 'mesh'] as const) {
      const interior = (problem.terms[0] as LossTerm).sample(50, createRng(1), method);
      expect(interior.count).toBeGreaterThanOrEqual(49);
      for (const t of interior.coords) expect(t >= 0 && t <= 2).toBe(true);
      expect(new Set(interior.coords).size).toBeGreaterThan(40);
      const initial = (problem.terms[1] as LossTerm).sample(4, createRng(2), method);
      expect([...initial.coords].every((t) => t === 0)).toBe(true);
    }
  });

  it('pass check with their exact solution and train to it', async () => {
    const problem = defineProblem(ode);
    expect(checkProblem(problem).ok).toBe(true);
    const { summary } = await solveProblem(problem, { model: 'mlp', width: [1, 8, 1], steps: 40, seed: 1 });
    expect(summary.relL2).toBeLessThan(1e-2);
  });

  it('solve --out writes a report that draws u over t', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'kanpinn-ode-'));
    const file = join(dir, 'ode.json');
    writeFileSync(file, JSON.stringify({ ...ode, conditions: [{ type: 'initial', value: '1' }] }));
    const io = capture();
    const code = await main(['solve', file, '--model', 'mlp', '--width', '1,8,1', '--steps', '3', '--quiet', '--backend', 'cpu', '--out', join(dir, 'run')]);
    vi.restoreAllMocks();
    expect(code, io.err()).toBe(0);
    expect(existsSync(join(dir, 'run', 'report.html'))).toBe(true);
  });

  it('refuse a domain and boundary conditions, and variables: [] without time', () => {
    expect(() => defineProblem({ ...ode, domain: { type: 'interval', min: 0, max: 1 } })).toThrow('domain: a time-only problem ("variables": []) has no spatial domain; remove "domain"');
    expect(() => defineProblem({ ...ode, conditions: [{ type: 'dirichlet', value: 0 }] })).toThrow('conditions[0].type: a time-only problem has no spatial boundary; use "initial" or "data" conditions, got "dirichlet"');
    expect(() => defineProblem({ ...ode, time: undefined })).toThrow('variables: expected at least one spatial variable, or "time": [t0, t1] for a time-only problem (ODE)');
    expect(() => defineProblem({ ...ode, pde: 'u_t + lap(u)' })).toThrow('pde: lap() needs spatial variables (this problem has none)');
  });
});
