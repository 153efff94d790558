import { describe, expect, it } from 'vitest';
import { ACCURACY_TASKS, runAccuracyTask, timeToAccuracy, type AccuracyRun } from '../../solvers/bench/accuracySuite.js';
import { PAPER_CLAIM, PAPER_TASK, paperVerdict } from '../../solvers/bench/paperSuite.js';
import { asSuiteFile, CAVEAT, updateReadme } from '../../solvers/bench/readme.js';
import { accuracyTable, suiteMarkdown, type SuiteFile } from '../../solvers/bench/results.js';
import type { MachineInfo } from '../../solvers/bench/machine.js';

const MACHINE: MachineInfo = { cpu: 'Test CPU', cores: 2, memoryGiB: 8, node: 'v20.0.0', tfjs: '4.22.0', backend: 'cpu', kanpinn: '0.1.0', date: '2026-01-02T03:04:05.000Z' };

function run(over: Partial<AccuracyRun>): AccuracyRun {
  return {
    problem: 'pinnacle-poisson-2d-c', model: 'kan', width: [2, 10, 1], grids: [5, 10, 20], params: 750, optimizer: 'lbfgs', steps: 60, evaluations: 1200,
    seconds: 42.04, loss: 1e-3, mse: 1e-3, relL2: 0.05, maxAbsErr: 0.1, status: 'completed', timeTo: { '0.1': 3.2, '0.01': null, '0.001': null },
    published: 0.694, beatsPublished: true, note: 'weights', settings: {}, ...over,
  };
}

describe('accuracy suite', () => {
  it('runs the six problems of the issue, PINNacle ones with the published vanilla-PINN rel. L2', () => {
    expect([...new Set(ACCURACY_TASKS.map((t) => t.problem))]).toEqual(['poisson2d', 'poisson2d-paper', 'heat1d', 'pinnacle-poisson-2d-c', 'pinnacle-poisson-2d-cg', 'pinnacle-heat-2d-ms']);
    const names = ACCURACY_TASKS.map((t) => t.label ?? t.problem);
    expect(new Set(names).size).toBe(names.length);
    expect(Object.fromEntries(ACCURACY_TASKS.filter((t) => t.published !== null).map((t) => [t.problem, t.published]))).toEqual({
      'pinnacle-poisson-2d-c': 0.694, 'pinnacle-poisson-2d-cg': 0.636, 'pinnacle-heat-2d-ms': 0.0621,
    });
  });

  it('gives KAN and MLP the same optimizer, steps, points and weights in every task', () => {
    for (const t of ACCURACY_TASKS) {
      const { width: _k, ...kan } = t.kan;
      const { width: _m, ...mlp } = t.mlp;
      expect(mlp).toEqual(kan);
    }
  });

  it('time to accuracy is the first measured time at or below each level', () => {
    const history = { columns: ['step', 'seconds', 'relL2'], rows: [[1, 1.5, NaN], [2, 2.5, 0.2], [3, 3.25, 0.08], [4, 4, 0.009], [5, 5, 0.02]] };
    expect(timeToAccuracy(history)).toEqual({ '0.1': 3.25, '0.01': 4, '0.001': null });
  });

  it('a tiny run reports the solve fields and is the same twice with one seed', async () => {
    const tiny = { steps: 1, grids: [3], points: 30, boundaryPoints: 12, evalEvery: 1 };
    const task = ACCURACY_TASKS[0]!;
    const a = await runAccuracyTask(task, 'kan', tiny);
    const b = await runAccuracyTask(task, 'kan', tiny);
    expect(a).toMatchObject({ problem: 'poisson2d', model: 'kan', width: [2, 10, 1], steps: 1, status: 'completed', published: null, beatsPublished: null });
    expect(a.params).toBe(2 * 10 * (3 + 3 + 2) + 10 * (3 + 3 + 2));
    expect(a.relL2).not.toBeNull();
    expect(b.relL2).toBe(a.relL2);
    expect(b.loss).toBe(a.loss);
    expect(b.evaluations).toBe(a.evaluations);
  }, 60_000);

  it('the table flags a run that does not beat the published number', () => {
    const table = accuracyTable([run({}), run({ model: 'mlp', width: [2, 20, 20, 20, 1], relL2: 0.8, beatsPublished: false })]);
    const lines = table.split('\n');
    expect(lines[0]).toBe('| problem | model | params | steps | evals | seconds | s to 1e-1 | s to 1e-2 | s to 1e-3 | rel. L2 | published vanilla PINN | beats it |');
    expect(lines[2]).toBe('| pinnacle-poisson-2d-c | KAN [2,10,1] G5→10→20 | 750 | 60 | 1200 | 42.0 | 3.2 | — | — | 5.00e-2 | 0.694 | yes |');
    expect(lines[3]).toMatch(/\| 8\.00e-1 \| 0\.694 \| \*\*no\*\* \|$/);
  });
});

describe('paper suite', () => {
  it("uses the paper's points and models with one budget", () => {
    expect(PAPER_TASK.kan).toMatchObject({ width: [2, 10, 1], points: 10_000, boundaryPoints: 800 });
    expect(PAPER_TASK.mlp).toMatchObject({ width: [2, 100, 100, 100, 1], points: 10_000, boundaryPoints: 800 });
    expect(PAPER_TASK.mlp.steps).toBe(PAPER_TASK.kan.steps);
    expect(PAPER_TASK.mlp.optimizer).toBe(PAPER_TASK.kan.optimizer);
  });

  it('judges the claim by the MSE ratio', () => {
    expect(paperVerdict(1e-7, 1e-5)).toMatchObject({ verdict: 'reproduces' });
    expect(paperVerdict(8e-5, 1.6e-2)).toMatchObject({ verdict: 'partly' });
    expect(paperVerdict(8e-5, 1.6e-2).statement).toMatch(/^The ratio reproduces, the accuracy does not: KAN MSE 8\.00e-5 vs MLP MSE 1\.60e-2, the KAN 200× more accurate/);
    expect(paperVerdict(1e-7, 1e-5).ratio!).toBeCloseTo(100, 9);
    expect(paperVerdict(4e-7, 2e-6)).toMatchObject({ verdict: 'partly' });
    expect(paperVerdict(4e-7, 2e-6).ratio!).toBeCloseTo(5, 12);
    expect(paperVerdict(4e-7, 2e-6).statement).toBe('The claim reproduces only in direction: KAN MSE 4.00e-7 vs MLP MSE 2.00e-6, the KAN 5.0× more accurate, not 100×.');
    expect(paperVerdict(2e-6, 1e-6)).toMatchObject({ verdict: 'does not reproduce' });
    expect(paperVerdict(null, 1e-6)).toMatchObject({ verdict: 'no data', ratio: null });
    expect(PAPER_CLAIM.ratio).toBeCloseTo(PAPER_CLAIM.mlpMse / PAPER_CLAIM.kanMse, 9);
  });
});

describe('result files and the README', () => {
  const accuracy: SuiteFile = { suite: 'accuracy', machine: MACHINE, backend: 'cpu', command: 'kanpinn bench --suite accuracy', seconds: 600, thresholds: [0.1, 0.01, 0.001], runs: [run({})] };

  it('the Markdown of a suite names the machine and the command', () => {
    const md = suiteMarkdown(accuracy);
    expect(md).toContain('The KAN beats the published vanilla-PINN rel. L2 on every PINNacle task (1).');
    const mixed = suiteMarkdown({ ...accuracy, runs: [run({}), run({ model: 'mlp', width: [2, 20, 1] }), run({ model: 'mlp', problem: 'pinnacle-heat-2d-ms', relL2: 0.9, published: 0.0621, beatsPublished: false })] });
    expect(mixed).toContain('The KAN beats the published vanilla-PINN rel. L2 on every PINNacle task (1). The MLP does **not** beat the published vanilla-PINN rel. L2 on pinnacle-heat-2d-ms (9.00e-1 vs 0.0621); it beats it on the other 1 of 2.');
    expect(md).toContain('\n- pinnacle-poisson-2d-c: weights\n');
    expect(md).toContain('Machine: Test CPU, 2 cores, 8 GiB; Node v20.0.0, tfjs 4.22.0 (cpu backend), kanpinn 0.1.0; 2026-01-02. Suite wall time 600 s.');
    expect(md).toContain('Command: `kanpinn bench --suite accuracy`');
  });

  it('adds the marked section at the end when the README has none, leaving the rest as it was', () => {
    const before = '# kanpinn\n\nIntro.\n';
    const after = updateReadme(before, { accuracy: 'TABLE' });
    expect(after.startsWith('# kanpinn\n\nIntro.\n\n## Benchmarks\n')).toBe(true);
    expect(after).toContain(`<!-- bench:accuracy -->\nTABLE\n${CAVEAT}\n<!-- /bench:accuracy -->`);
    expect(after).toContain('<!-- bench:eval -->\n<!-- /bench:eval -->');
    expect(after).toContain('<!-- bench:paper -->\n<!-- /bench:paper -->');
  });

  it('replaces only the text between the markers and is idempotent', () => {
    const once = updateReadme('# kanpinn\n', { eval: 'OLD', paper: 'P' });
    const twice = updateReadme(`${once}\n## After\nkept\n`, { eval: 'NEW' });
    expect(twice).toContain(`<!-- bench:eval -->\nNEW\n${CAVEAT}\n<!-- /bench:eval -->`);
    expect(twice).toContain(`<!-- bench:paper -->\nP\n${CAVEAT}\n<!-- /bench:paper -->`);
    expect(twice).not.toContain('OLD');
    expect(twice.endsWith('## After\nkept\n')).toBe(true);
    expect(updateReadme(twice, { eval: 'NEW' })).toBe(twice);
    expect(twice.match(/## Benchmarks/g)).toHaveLength(1);
  });

  it('refuses a JSON file that is not a bench result, naming the file', () => {
    expect(() => asSuiteFile({ suite: 'accuracy' }, 'r/accuracy.json')).toThrow("r/accuracy.json: expected a kanpinn bench result (suite, machine, command, seconds and the suite's rows), got something else");
    expect(asSuiteFile(JSON.parse(JSON.stringify(accuracy)), 'x')).toEqual(accuracy);
  });
});
