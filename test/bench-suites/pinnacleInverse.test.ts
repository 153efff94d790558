/**
 * PINNacle's inverse tasks (PInv, HInv) recover a parameter field a(x, y) as a second output of the
 * network, as PINNacle does: the suite names it as a parameter in the table and states its error.
 */
import { describe, expect, it } from 'vitest';
import { PINNACLE_TASKS, pinnacleMarkdown, pinnacleTable, type PinnacleRun } from '../../solvers/bench/pinnacleSuite.js';

function inverseRun(over: Partial<PinnacleRun>): PinnacleRun {
  return {
    problem: 'pinnacle-pinv', task: 'Inverse PInv', model: 'kan', width: [2, 10, 2], grids: [5, 10], params: 500, optimizer: 'lbfgs', steps: 60, evaluations: 900,
    seconds: 53.1, loss: 1e-3, relL2: 0.0304, relL2PerUnknown: { u: 0.0181, a: 0.0413 }, status: 'completed',
    vanilla: 0.0942, best: 0.0196, bestMethod: 'vPINN', beatsVanilla: true, beatsBest: false, note: 'budget', settings: {}, parameterFields: ['a'], ...over,
  };
}

describe('pinnacle inverse tasks', () => {
  it('PInv and HInv declare a as their recovered parameter field, an output of the network', () => {
    for (const problem of ['pinnacle-pinv', 'pinnacle-hinv']) {
      const task = PINNACLE_TASKS.find((t) => t.problem === problem)!;
      expect(task.parameterFields).toEqual(['a']);
      expect(task.kanWidth[task.kanWidth.length - 1]).toBe(2);
    }
    expect(PINNACLE_TASKS.filter((t) => t.parameterFields).map((t) => t.problem).sort()).toEqual(['pinnacle-hinv', 'pinnacle-pinv']);
  });

  it('the table labels the parameter field and the markdown states its error per model', () => {
    const runs = [inverseRun({}), inverseRun({ model: 'mlp', width: [2, 20, 20, 20, 2], relL2PerUnknown: { u: 0.0158, a: 0.013 } })];
    expect(pinnacleTable(runs).split('\n')[2]).toContain('| u 1.81e-2, parameter a 4.13e-2 |');
    const md = pinnacleMarkdown(runs);
    expect(md).toContain('Recovered parameter fields: Inverse PInv, KAN: parameter a rel. L2 4.13e-2; Inverse PInv, MLP: parameter a rel. L2 1.30e-2.');
    // A forward task (and a saved record from before the field existed) says nothing of the kind.
    expect(pinnacleMarkdown([inverseRun({ parameterFields: undefined })])).not.toContain('parameter');
  });
});
