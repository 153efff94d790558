/**
 * Fault injection (issue 11, "Beyond the list"): `solve --out` is killed with kill -9 or SIGTERM
 * at seeded random moments, 20 times, over one folder. After every kill the folder holds either
 * the previous complete outputs or the new complete ones, and its model.json loads. A kill -9
 * inside the final back-to-back renames leaves a commit journal; the next write to the folder
 * completes it (src/io/files.ts), so the test repairs the folder as that write would and counts it.
 */
import { existsSync, mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { createRng, loadModel, setBackend } from '../../src/index.js';
import { repairFolder } from '../../src/io/files.js';
import { BUILT, startCli } from './spawn.js';

const RUNS = 20;
const SEED = 2026;
const OUTPUTS = ['config.json', 'history.csv', 'metrics.json', 'model.json', 'report.html'];
const args = (dir: string, seed: number): string[] => [
  'solve', 'poisson2d', '--optimizer', 'adam', '--steps', '30', '--grids', '3', '--points', '24', '--boundary-points', '8', '--eval-every', '20',
  '--seed', String(seed), '--quiet', '--out', dir,
];

beforeAll(async () => {
  await setBackend('wasm');
});

type Snapshot = Record<string, string>;

function snapshot(dir: string): Snapshot {
  return Object.fromEntries(OUTPUTS.filter((f) => existsSync(join(dir, f))).map((f) => [f, readFileSync(join(dir, f), 'utf8')]));
}

/** Checks that `now` is one complete set written by the run with `seed`; returns its metrics. */
async function expectCompleteSet(dir: string, now: Snapshot, seed: number): Promise<void> {
  expect(Object.keys(now).sort()).toEqual(OUTPUTS);
  const metrics = JSON.parse(now['metrics.json']!) as { seed: number; steps: number; relL2: number | null };
  const modelFile = JSON.parse(now['model.json']!) as { meta?: { relL2?: number | null } };
  expect(metrics.seed).toBe(seed);
  expect(modelFile.meta?.relL2).toBe(metrics.relL2);
  expect(now['history.csv']!.trim().split('\n').length - 1).toBe(metrics.steps);
  expect(now['report.html']!.trimEnd().endsWith('</html>')).toBe(true);
  const model = await loadModel(join(dir, 'model.json'));
  model.dispose();
}

/** Resolves when a temp file of an output appears in `dir` (polling every 2 ms) or the process ends. */
async function waitForTempFile(dir: string, ended: Promise<unknown>): Promise<void> {
  let done = false;
  void ended.then(() => (done = true));
  const writing = (): boolean => existsSync(dir) && readdirSync(dir).some((n) => n.endsWith('.tmp') && !n.startsWith('.kanpinn-probe.'));
  while (!done && !writing()) await new Promise((resolve) => setTimeout(resolve, 2));
}

describe.skipIf(!BUILT)('fault injection into solve --out', () => {
  it('after kill -9 or SIGTERM at 20 random moments the folder holds the previous or the new complete outputs', async () => {
    const dir = join(mkdtempSync(join(tmpdir(), 'kanpinn-faults-')), 'run');
    const first = await startCli(args(dir, 0)).ended;
    expect(first.code, first.stderr).toBe(0);
    let previous = snapshot(dir);
    let previousSeed = 0;
    await expectCompleteSet(dir, previous, 0);
    const full = first.seconds;
    const rng = createRng(SEED);
    const outcomes = { previous: 0, replaced: 0, journal: 0 };
    for (let run = 1; run <= RUNS; run++) {
      const signal = rng.next() < 0.5 ? 'SIGKILL' : 'SIGTERM';
      const duringWrites = rng.next() < 0.5;
      const running = startCli(args(dir, run));
      let delay: number;
      let timer: NodeJS.Timeout | undefined;
      if (duringWrites) {
        // The moment the outputs are being written is short: wait for the first temp file, then kill within 40 ms.
        delay = 40 * rng.next();
        await waitForTempFile(dir, running.ended);
        timer = setTimeout(() => running.child.kill(signal), delay);
      } else {
        // Any moment from late start-up to just past the end of a full run.
        delay = full * (0.3 + 0.8 * rng.next()) * 1000;
        timer = setTimeout(() => running.child.kill(signal), delay);
      }
      const ended = await running.ended;
      clearTimeout(timer);
      expect(ended.stderr, `run ${run}`).not.toMatch(/at .*\.js:\d+/);
      if (readdirSync(dir).some((n) => n.startsWith('.kanpinn-commit.'))) {
        outcomes.journal++;
        repairFolder(dir);
      }
      const now = snapshot(dir);
      const unchanged = OUTPUTS.filter((f) => now[f] === previous[f]);
      if (unchanged.length === OUTPUTS.length) {
        outcomes.previous++;
        await expectCompleteSet(dir, now, previousSeed);
      } else {
        expect(unchanged, `run ${run} (${signal} ${duringWrites ? 'during the writes' : ''} after ${Math.round(delay)} ms) mixed old and new files`).toEqual([]);
        await expectCompleteSet(dir, now, run);
        outcomes.replaced++;
        previous = now;
        previousSeed = run;
      }
      if (signal === 'SIGTERM' && ended.signal === null) expect([0, 143], `run ${run}`).toContain(ended.code);
    }
    // Both kinds of outcome happened, so the moments covered training and writing.
    expect(outcomes.previous + outcomes.replaced).toBe(RUNS);
    expect(outcomes.previous).toBeGreaterThan(0);
    expect(outcomes.replaced).toBeGreaterThan(0);
    // A last complete run cleans what the killed writers left behind.
    const last = await startCli(args(dir, RUNS + 1)).ended;
    expect(last.code, last.stderr).toBe(0);
    expect(readdirSync(dir).sort()).toEqual(OUTPUTS);
  }, 600_000);
});
