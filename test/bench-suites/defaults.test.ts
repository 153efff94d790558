import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { defaultsTable, runDefaultsProblem, runDefaultsSuite, tunedNumbers } from '../../solvers/bench/defaultsSuite.js';
import { suiteMarkdown } from '../../solvers/bench/results.js';
import { updateReadme } from '../../solvers/bench/readme.js';
import { machineInfo } from '../../solvers/bench/machine.js';

describe('defaults suite (--recipe auto on the built-ins, issue 14)', () => {
  it('reads the tuned numbers of the accuracy suite (unlabelled rows only)', () => {
    const dir = mkdtempSync(join(tmpdir(), 'kanpinn-defaults-'));
    const path = join(dir, 'accuracy.json');
    writeFileSync(path, JSON.stringify({ runs: [{ problem: 'poisson2d', model: 'kan', relL2: 0.001 }, { problem: 'poisson2d', label: 'variant', model: 'mlp', relL2: 0.5 }, { problem: 'heat1d', model: 'mlp', relL2: null }] }));
    const tuned = tunedNumbers(path);
    expect([...tuned.entries()]).toEqual([['poisson2d/kan', 0.001]]);
    expect(tunedNumbers(join(dir, 'absent.json')).size).toBe(0);
  });

  it('solves a built-in with the automatic recipe, records its decisions and tabulates them beside the tuned number', async () => {
    const run = await runDefaultsProblem('poisson1d', 'kan', new Map([['poisson1d/kan', 0.002]]), { steps: 1, grids: [3] });
    expect(run).toMatchObject({ problem: 'poisson1d', model: 'kan', steps: 1, status: 'completed', tuned: 0.002, override: { steps: 1, grids: [3] } });
    expect(run.decisions.map((d) => d.option)).toEqual(['k', 'points', 'boundaryPoints', 'balanceEvery']);
    const table = defaultsTable([run]);
    expect(table).toContain('| poisson1d | KAN [1,10,1] G3 | 1 |');
    expect(table).toContain('| 2.00e-3 |');
    const file = { suite: 'defaults' as const, machine: machineInfo(), backend: 'wasm', command: 'kanpinn bench --suite defaults', seconds: 1, runs: [run] };
    expect(suiteMarkdown(file)).toContain('--recipe auto');
    expect(updateReadme('# x\n', { defaults: suiteMarkdown(file) })).toContain('<!-- bench:defaults -->');
  }, 60_000);

  it('refuses an unknown --only name, naming the flag', async () => {
    await expect(runDefaultsSuite({ only: 'nope' })).rejects.toThrow(/^--only: unknown case nope/);
  });
});
