import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { defaultsCases, defaultsMarkdown, problemTimes, defaultsTable, joinCommands, mergeDefaultsFile, runDefaultsProblem, runDefaultsSuite, tunedNumbers, type DefaultsRun } from '../../solvers/bench/defaultsSuite.js';
import { loadPublished, PINNACLE_TASKS } from '../../solvers/bench/pinnacleSuite.js';
import { commandLine, suiteMarkdown } from '../../solvers/bench/results.js';
import { updateReadme } from '../../solvers/bench/readme.js';
import { machineInfo } from '../../solvers/bench/machine.js';
import { getThreads } from '../../src/internal.js';

function row(over: Partial<DefaultsRun>): DefaultsRun {
  return {
    problem: 'pinnacle-ns-2d-c', model: 'kan', width: [2, 10, 3], grids: [5, 10], params: 1000, optimizer: 'lbfgs', steps: 50, seconds: 61.25, loss: 1e-3, relL2: 0.04, status: 'completed',
    decisions: [], returnedStage: 2, tuned: 0.058, override: {}, relL2PerUnknown: { u: 0.03, v: 0.05, p: 0.2 }, load: 3.25,
    published: { task: 'NS 2d-C', vanilla: 0.047, best: 0.036, bestMethod: 'LAAF', beatsVanilla: true, beatsBest: false }, ...over,
  };
}

describe('defaults suite (--recipe auto on the built-ins, issue 14)', () => {
  it('runs every PINNacle task and inverse-heat1d besides the other built-ins', () => {
    const cases = defaultsCases();
    for (const task of PINNACLE_TASKS) expect(cases).toContain(task.problem);
    expect(cases).toContain('inverse-heat1d');
    expect(cases).toContain('poisson2d-paper');
    expect(defaultsCases('wave1d, pinnacle-pnd')).toEqual(['pinnacle-pnd', 'wave1d']);
  });

  it('tabulates per-unknown and parameter errors, the published vanilla PINN and whether the run beats it', () => {
    const runs = [
      row({ ranAt: '2026-11-30T01:23:45.000Z', commit: '5b8f2e3', threads: 1 }),
      row({ model: 'mlp', width: [2, 16, 16, 3], relL2: 0.5, published: { task: 'NS 2d-C', vanilla: 0.047, best: 0.036, bestMethod: 'LAAF', beatsVanilla: false, beatsBest: false } }),
      row({ problem: 'pinnacle-pinv', width: [2, 10, 2], relL2PerUnknown: { u: 0.0181, a: 0.0413 }, parameterFields: ['a'], published: { task: 'Inverse PInv', vanilla: 0.0942, best: 0.0196, bestMethod: 'vPINN', beatsVanilla: true, beatsBest: false } }),
      row({ problem: 'inverse-heat1d', width: [2, 10, 1], relL2PerUnknown: { u: 0.002 }, published: undefined, tuned: null, load: undefined, ranAt: undefined, parameters: { k: { value: 0.10012, truth: 0.1, relError: 0.0012 } } }),
    ];
    const lines = defaultsTable(runs).split('\n');
    expect(lines[0]).toBe('| problem | model | steps | seconds | load (threads) | ran (UTC, commit) | rel. L2 (auto) | per unknown / parameter | rel. L2 (tuned) | vanilla PINN | beats vanilla | status | returned stage | recipe chose |');
    expect(lines[2]).toBe('| pinnacle-ns-2d-c | KAN [2,10,3] G5→10 | 50 | 61.3 | 3.3 (1) | 11-30 01:23 5b8f2e3 | 4.00e-2 | u 3.00e-2, v 5.00e-2, p 2.00e-1 | 5.80e-2 | 0.047 | yes | completed | 2 |  |');
    expect(lines[3]).toContain('| 5.00e-1 | u 3.00e-2, v 5.00e-2, p 2.00e-1 | 5.80e-2 | 0.047 | **no** |');
    expect(lines[4]).toContain('| u 1.81e-2, parameter a 4.13e-2 | 5.80e-2 | 0.0942 | yes |');
    expect(lines[5]).toBe('| inverse-heat1d | KAN [2,10,1] G5→10 | 50 | 61.3 | — | — | 4.00e-2 | parameter k 0.1001 (rel. error 1.20e-3) | — |  |  | completed | 2 |  |');
    expect(commandLine('kanpinn bench --suite defaults --only a')).toBe('Command: `kanpinn bench --suite defaults --only a`');
    expect(commandLine(Array.from({ length: 4 }, (_, i) => `kanpinn bench --suite defaults --only p${i} --save DIR`).join('; '))).toBe('Commands: 4 partial runs merged, each `kanpinn bench --suite defaults --only PROBLEM --save DIR` (listed in the JSON file\'s `command`).');
    expect(commandLine(Array.from({ length: 5 }, (_, i) => `kanpinn bench --suite defaults --model kan --only p${i} --save DIR`).join('; '))).toBe('Commands: 5 partial runs merged, each `kanpinn bench --suite defaults --model kan|mlp --only PROBLEM --save DIR` (listed in the JSON file\'s `command`).');
    // Time per problem: KAN + MLP of problems that have both rows, against the 5-minute limit.
    const timed = [row({ seconds: 100, load: 1.5, threads: 2, commit: 'ab2b0ac' }), row({ model: 'mlp', seconds: 150, load: 2.5, threads: 2, commit: 'ab2b0ac' }), row({ problem: 'wave1d', seconds: 200, load: 1.9, threads: 2, commit: 'ab2b0ac' }), row({ problem: 'wave1d', model: 'mlp', seconds: 120, load: 2, threads: 2, commit: 'ab2b0ac' }), row({ problem: 'heat1d', seconds: 999 })];
    expect(problemTimes(timed)).toBe('KAN + MLP time per problem: 1 of 2 problems within 5 minutes; the longest wave1d, 320 s (rows at load 1.5–2.5, 2 kernel threads, commit ab2b0ac).');
    expect(defaultsMarkdown(timed)).toContain('the longest wave1d, 320 s');
    expect(problemTimes([row({})])).toBe('');
    expect(defaultsMarkdown(runs)).toContain('The KAN beats the published vanilla PINN on 2 of 2 tasks and the best published method on 0 of 2. The MLP beats the published vanilla PINN on 0 of 1 tasks');
  });

  it('merges a partial run (--only) into the saved file: rows run again are replaced, the others kept in built-in order', () => {
    const dir = mkdtempSync(join(tmpdir(), 'kanpinn-defaults-'));
    const path = join(dir, 'defaults.json');
    const next = { suite: 'defaults' as const, command: 'kanpinn bench --suite defaults --only wave1d', seconds: 20, runs: [row({ problem: 'wave1d', relL2: 0.1 })] };
    expect(mergeDefaultsFile(path, next)).toBe(next);
    writeFileSync(path, JSON.stringify({ suite: 'defaults', command: 'kanpinn bench --suite defaults --only wave1d,heat1d', seconds: 30.5, runs: [row({ problem: 'wave1d', relL2: 0.9 }), row({ problem: 'heat1d', model: 'mlp' }), row({ problem: 'heat1d' })] }));
    const merged = mergeDefaultsFile(path, next);
    expect(merged.runs.map((r) => `${r.problem}/${r.model}/${r.relL2}`)).toEqual(['heat1d/kan/0.04', 'heat1d/mlp/0.04', 'wave1d/kan/0.1']);
    expect(merged.command).toBe('kanpinn bench --suite defaults --only wave1d,heat1d; kanpinn bench --suite defaults --only wave1d');
    expect(merged.seconds).toBe(50.5);
    // Each command once, with the folder the rows were gathered in written DIR.
    const again = mergeDefaultsFile(path.replace(/defaults\.json$/, 'none.json'), { ...next, command: joinCommands('kanpinn bench --suite defaults --only a --save /tmp/x', 'kanpinn bench --suite defaults --only b --save=/tmp/y; kanpinn bench --suite defaults --only a --save /tmp/z') });
    expect(again.command).toBe('kanpinn bench --suite defaults --only a --save DIR; kanpinn bench --suite defaults --only b --save DIR');
    writeFileSync(path, JSON.stringify({ suite: 'pinnacle', command: 'x', seconds: 1, runs: [] }));
    expect(() => mergeDefaultsFile(path, next)).toThrow(/defaults\.json: expected a saved defaults suite/);
  });

  it('a tiny run of a PINNacle task records its per-unknown errors and the published comparison', async () => {
    const run = await runDefaultsProblem('pinnacle-ns-2d-c', 'kan', new Map(), { steps: 1, grids: [3], points: 40, boundaryPoints: 12 }, {}, loadPublished());
    expect(Object.keys(run.relL2PerUnknown ?? {})).toEqual(['u', 'v', 'p']);
    expect(run.published).toMatchObject({ task: 'NS 2d-C', vanilla: 0.047, beatsVanilla: (run.relL2 as number) < 0.047 });
    expect(run.load).toBeGreaterThanOrEqual(0);
    expect(run.threads).toBe(getThreads());
    // Rows merged from runs at different times say when and from which commit.
    expect(Date.now() - Date.parse(run.ranAt ?? '')).toBeLessThan(60_000);
    expect(run.commit ?? 'no-git').toMatch(/^([0-9a-f]{7,}\+?|no-git)$/);
  }, 60_000);

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

  it('refuses an unknown --only name or --model, naming the flag', async () => {
    await expect(runDefaultsSuite({ only: 'nope' })).rejects.toThrow(/^--only: unknown case nope/);
    await expect(runDefaultsSuite({ only: 'poisson1d', model: 'cnn' })).rejects.toThrow(/^--model: expected kan or mlp, got cnn$/);
  });
});
