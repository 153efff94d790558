import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { listProblems, resolveProblem } from '../../problems/index.js';
import { loadPublished, parsePublished, PINNACLE_TASKS, pinnacleMarkdown, pinnacleTable, runPinnacleTask, type PinnacleRun } from '../../solvers/bench/pinnacleSuite.js';
import { asSuiteFile } from '../../solvers/bench/readme.js';
import { suiteMarkdown, type SuiteFile } from '../../solvers/bench/results.js';
import type { MachineInfo } from '../../solvers/bench/machine.js';

const MACHINE: MachineInfo = { cpu: 'Test CPU', cores: 2, memoryGiB: 8, node: 'v20.0.0', tfjs: '4.22.0', backend: 'cpu', kanpinn: '0.1.0', date: '2026-01-02T03:04:05.000Z' };

function run(over: Partial<PinnacleRun>): PinnacleRun {
  return {
    problem: 'pinnacle-ns-2d-c', task: 'NS 2d-C', model: 'kan', width: [2, 10, 3], grids: [5, 10], params: 1000, optimizer: 'lbfgs', steps: 50, evaluations: 900,
    seconds: 61.25, loss: 1e-3, relL2: 0.04, relL2PerUnknown: { u: 0.03, v: 0.05, p: 0.2 }, status: 'completed',
    vanilla: 0.047, best: 0.036, bestMethod: 'LAAF', beatsVanilla: true, beatsBest: false, note: 'budget', settings: {}, ...over,
  };
}

describe('pinnacle suite', () => {
  const published = loadPublished();

  it('reads the published table copied from PINNacle, every task with its vanilla and best rel. L2', () => {
    expect(published).toHaveLength(22);
    expect(published.find((p) => p.task === 'NS 2d-C')).toEqual({ task: 'NS 2d-C', pinnacleClass: 'NS2D_LidDriven', vanilla: 0.047, bestMethod: 'LAAF', best: 0.036, bestNote: '' });
    expect(published.find((p) => p.task === 'Inverse HInv')).toMatchObject({ vanilla: 1.57, best: 0.0119, bestNote: '(appendix says 0.456)' });
    const shipped = readFileSync(join(import.meta.dirname, '../../problems/data/pinnacle/published.csv'), 'utf8');
    expect(parsePublished(shipped)).toEqual(published);
  });

  it('refuses a table with other columns or a row without numbers', () => {
    expect(() => parsePublished('name,class\nx,y\n')).toThrow(/expected columns task,pinnacle_class/);
    expect(() => parsePublished('task,pinnacle_class,vanilla_pinn_rel_l2,best_method,best_rel_l2\nA,B,n/a,C,0.1\n')).toThrow(/line 2/);
  });

  it('runs every built-in PINNacle task, each with a published row and widths that fit its inputs and outputs', () => {
    const builtins = listProblems().map((p) => p.name).filter((n) => n.startsWith('pinnacle-')).sort();
    expect(PINNACLE_TASKS.map((t) => t.problem).sort()).toEqual(builtins);
    expect(builtins.length).toBeGreaterThanOrEqual(13);
    for (const task of PINNACLE_TASKS) {
      expect(published.some((p) => p.task === task.task)).toBe(true);
      const problem = resolveProblem(task.problem);
      for (const width of [task.kanWidth, task.mlpWidth]) {
        expect(width[0]).toBe(problem.variables.length);
        expect(width[width.length - 1]).toBe(problem.unknowns.length);
      }
      // The same points, optimizer and budget for both models: the settings are one object.
      expect(task.shared.width).toBeUndefined();
      expect(task.shared.model).toBeUndefined();
    }
  });

  it('a tiny run gives stacked and per-unknown rel. L2 and judges them against the published numbers, the same twice with one seed', async () => {
    const tiny = { steps: 1, grids: [3], points: 40, boundaryPoints: 12 };
    const task = PINNACLE_TASKS.find((t) => t.problem === 'pinnacle-ns-2d-c')!;
    const a = await runPinnacleTask(task, 'kan', published, tiny);
    const b = await runPinnacleTask(task, 'kan', published, tiny);
    const m = await runPinnacleTask(task, 'mlp', published, tiny);
    expect(a).toMatchObject({ problem: 'pinnacle-ns-2d-c', task: 'NS 2d-C', model: 'kan', width: [2, 10, 3], vanilla: 0.047, best: 0.036, bestMethod: 'LAAF', status: 'completed' });
    expect(Object.keys(a.relL2PerUnknown ?? {})).toEqual(['u', 'v', 'p']);
    expect(a.relL2).not.toBeNull();
    expect(a.beatsVanilla).toBe((a.relL2 as number) < 0.047);
    expect(a.beatsBest).toBe((a.relL2 as number) < 0.036);
    expect(b.relL2).toBe(a.relL2);
    expect(m).toMatchObject({ model: 'mlp', width: [2, 20, 20, 20, 3] });
    // The MLP trains on the same points and steps (one stage of steps × stages).
    expect(m.settings.points).toBe(a.settings.points);
    expect(m.steps).toBe(a.steps);
  }, 120_000);

  it('the table shows per-unknown errors and flags what does not beat the best method', () => {
    const lines = pinnacleTable([run({}), run({ model: 'mlp', width: [2, 20, 3], relL2: 0.5, beatsVanilla: false, beatsBest: false })]).split('\n');
    expect(lines[0]).toBe('| task | model | params | steps | seconds | rel. L2 | per unknown | vanilla PINN | best (method) | beats vanilla | beats best |');
    expect(lines[2]).toBe('| NS 2d-C | KAN [2,10,3] | 1000 | 50 | 61.3 | 4.00e-2 | u 3.00e-2, v 5.00e-2, p 2.00e-1 | 0.047 | 0.036 (LAAF) | yes | **no** |');
    expect(lines[3]).toMatch(/\| 5\.00e-1 \| .* \| \*\*no\*\* \| \*\*no\*\* \|$/);
    const md = pinnacleMarkdown([run({}), run({ model: 'mlp', relL2: 0.5, beatsVanilla: false, beatsBest: false })]);
    expect(md).toContain('The KAN beats the published vanilla PINN on 1 of 1 tasks and the best published method on 0 of 1. The MLP beats the published vanilla PINN on 0 of 1 tasks');
    expect(md).toContain('- NS 2d-C: budget');
  });

  it('a saved pinnacle result reads back and renders with the machine and command', () => {
    const file: SuiteFile = { suite: 'pinnacle', machine: MACHINE, backend: 'cpu', command: 'kanpinn bench --suite pinnacle', seconds: 3000, runs: [run({})] };
    expect(asSuiteFile(JSON.parse(JSON.stringify(file)), 'x')).toEqual(file);
    expect(() => asSuiteFile({ ...file, runs: undefined }, 'r/pinnacle.json')).toThrow(/r\/pinnacle\.json: expected a kanpinn bench result/);
    const md = suiteMarkdown(file);
    expect(md).toContain('| NS 2d-C | KAN [2,10,3] |');
    expect(md).toContain('Command: `kanpinn bench --suite pinnacle`');
  });
});
