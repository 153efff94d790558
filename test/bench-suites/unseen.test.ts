import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { checkProblem, loadProblem } from '../../src/index.js';
import { HINT_FIELDS, runUnseenProblem, unseenFiles, unseenTable } from '../../solvers/bench/unseenSuite.js';

describe('unseen problems (bench/unseen)', () => {
  const files = unseenFiles();

  it('holds the classes of issue 14, none with a tuning hint', () => {
    const names = files.map((f) => loadProblem(f).name);
    expect(names).toEqual(expect.arrayContaining(['unseen-helmholtz-hole', 'unseen-wave-hf', 'unseen-burgers-front', 'unseen-beam', 'unseen-diffusion-reaction']));
    for (const file of files) {
      const spec = JSON.parse(readFileSync(file, 'utf8')) as Record<string, unknown>;
      for (const field of HINT_FIELDS) expect(spec[field], `${file}: ${field}`).toBeUndefined();
    }
  });

  it('each loads, and each with an exact solution passes check', () => {
    for (const file of files) {
      const problem = loadProblem(file);
      expect(problem.exactDerivative, file).toBeDefined();
      const report = checkProblem(problem);
      expect(report.ok, `${file}: ${JSON.stringify(report.terms.map((t) => [t.name, t.maxAbs]))}`).toBe(true);
    }
  }, 60_000);

  it('the beam is 4th order with operator conditions, Helmholtz has k0 = 2π and a hole', () => {
    const beam = loadProblem('bench/unseen/beam.json');
    expect(beam.terms[0]?.derivatives).toEqual(['u_xxxx']);
    expect(beam.terms.flatMap((t) => t.derivatives)).toEqual(expect.arrayContaining(['u_x', 'u_xx', 'u_xxx']));
    const helmholtz = loadProblem('bench/unseen/helmholtz-hole.json');
    const f = helmholtz.exactDerivative!('u', Float64Array.from([0, 0.5]), 1)[0]!;
    expect(f).toBeCloseTo(Math.sin(0) * Math.sin(Math.PI / 2) + 0.5 * 0.25, 6);
  });

  it('the runner solves a file with the defaults (tiny budget here) and tabulates it', async () => {
    const run = await runUnseenProblem('bench/unseen/beam.json', 'kan', { steps: 1, grids: [3] });
    expect(run).toMatchObject({ problem: 'unseen-beam', file: 'beam.json', model: 'kan', steps: 1, status: 'completed', k: 4, returnedStage: 1, override: { steps: 1, grids: [3] } });
    expect(run.relL2).not.toBeNull();
    expect(Number.isFinite(run.loss)).toBe(true);
    const table = unseenTable([run]).split('\n');
    expect(table[0]).toBe('| problem | model | params | steps | seconds | loss | rel. L2 | max abs err | status | returned stage |');
    expect(table[2]).toMatch(/^\| unseen-beam \| KAN \[1,10,1\] G3 k=4 \| \d+ \| 1 \| .* \| completed \| 1 \|$/);
  }, 60_000);
});
