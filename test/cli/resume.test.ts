/**
 * `solve --checkpoint-every N` and `solve --resume DIR|model.json` (issue 16 item 2), in process:
 * the checkpoint files, a resumed run continuing flags, history and Adam state, and bad input for
 * both flags (one line naming the flag, exit 2). The kill-and-resume test is ./resumeKill.test.ts.
 */
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { main } from '../../solvers/cli.js';
import { capture } from './capture.js';

afterEach(() => {
  vi.restoreAllMocks();
  process.exitCode = undefined;
});

const root = mkdtempSync(join(tmpdir(), 'kanpinn-resume-'));
const TINY = ['--optimizer', 'adam', '--lr', '0.01', '--grids', '3', '--points', '60', '--boundary-points', '16', '--seed', '2', '--quiet'];

async function run(argv: string[]): Promise<{ code: number; out: string; err: string }> {
  const io = capture();
  const code = await main(argv);
  const result = { code, out: io.out(), err: io.err() };
  vi.restoreAllMocks();
  process.exitCode = undefined;
  return result;
}

const metrics = (dir: string): { relL2: number; steps: number; loss: number } => JSON.parse(readFileSync(join(dir, 'metrics.json'), 'utf8'));
const historyRows = (dir: string): string[] => readFileSync(join(dir, 'history.csv'), 'utf8').trim().split('\n').slice(1);

const lossOf = (row: string): number => Number(row.split(',')[5]);

describe('solve --checkpoint-every / --resume', () => {
  it('writes model.json, best-model.json and checkpoint.json; a run resumed from its last checkpoint reaches the uninterrupted numbers', async () => {
    const whole = join(root, 'whole');
    const full = await run(['solve', 'poisson2d', ...TINY, '--steps', '20', '--out', whole]);
    expect(full.code, full.err).toBe(0);

    // Checkpoints at steps 7 and 14; the final outputs at 20 leave checkpoint.json at 14.
    const dir = join(root, 'cut');
    const first = await run(['solve', 'poisson2d', ...TINY, '--steps', '20', '--checkpoint-every', '7', '--out', dir]);
    expect(first.code, first.err).toBe(0);
    const saved = JSON.parse(readFileSync(join(dir, 'checkpoint.json'), 'utf8')) as { state: { loop: { totalStep: number; adam: { count: number } } }; config: Record<string, unknown> };
    expect(saved.state.loop.totalStep).toBe(14);
    expect(saved.state.loop.adam.count).toBe(14);
    expect(saved.config).toMatchObject({ problem: 'poisson2d', optimizer: 'adam', 'checkpoint-every': '7' });
    const best = JSON.parse(readFileSync(join(dir, 'best-model.json'), 'utf8')) as { format: string; meta: { checkpoint: { bestStep: number } } };
    expect(best.format).toBe('kanpinn-model');
    expect(best.meta.checkpoint.bestStep).toBeGreaterThan(0);

    // Resume: the problem, flags and folder come from the checkpoint; history continues at step 15.
    writeFileSync(join(dir, 'history.csv'), 'overwritten\n');
    const resumed = await run(['solve', '--resume', dir]);
    expect(resumed.code, resumed.err).toBe(0);
    expect(resumed.err).toContain(`resuming ${join(dir, 'checkpoint.json')} at step 14`);
    const rows = historyRows(dir);
    expect(rows.length).toBe(20);
    const reference = historyRows(whole);
    rows.forEach((row, r) => expect(lossOf(row)).toBeCloseTo(lossOf(reference[r]!), 6));
    expect(metrics(dir).steps).toBe(20);
    expect(metrics(dir).relL2).toBeCloseTo(metrics(whole).relL2, 6);
  });

  it('resumes from a plain model file (parameters only) and says so', async () => {
    const dir = join(root, 'plain');
    expect((await run(['solve', 'poisson2d', ...TINY, '--steps', '3', '--out', dir])).code).toBe(0);
    const again = await run(['solve', '--resume', join(dir, 'model.json'), ...TINY, '--steps', '3', '--out', join(root, 'plain2')]);
    expect(again.code, again.err).toBe(0);
    expect(again.err).toMatch(/resuming from .*model\.json: parameters only/);
  });

  it('refuses bad input for --checkpoint-every and --resume: one line naming the flag, exit 2', async () => {
    const empty = join(root, 'empty');
    mkdirSync(empty, { recursive: true });
    const notModel = join(root, 'other.json');
    writeFileSync(notModel, '{"format": "something-else"}');
    const broken = join(root, 'broken.json');
    writeFileSync(broken, '{ not json');
    const cases: [string[], RegExp][] = [
      [['solve', 'poisson2d', '--checkpoint-every', 'abc'], /^kanpinn: --checkpoint-every: .*abc/],
      [['solve', 'poisson2d', '--checkpoint-every', '-1'], /^kanpinn: --checkpoint-every: /],
      [['solve', 'poisson2d', '--checkpoint-every', '5'], /^kanpinn: --checkpoint-every: needs --out/],
      [['compare', 'poisson2d', '--checkpoint-every', '5', '--seeds', '1'], /^kanpinn: --checkpoint-every: only solve writes checkpoints/],
      [['solve', '--resume', join(root, 'missing')], /^kanpinn: --resume: .*missing: no such file or folder/],
      [['solve', '--resume', empty], /^kanpinn: --resume: .*holds neither checkpoint\.json nor model\.json/],
      [['solve', '--resume', notModel], /^kanpinn: --resume: .*format: expected "kanpinn-checkpoint" or "kanpinn-model"/],
      [['solve', '--resume', broken], /^kanpinn: --resume: .*not readable JSON/],
    ];
    for (const [argv, message] of cases) {
      const r = await run([...argv, '--quiet']);
      expect(r.code, `${argv.join(' ')}: ${r.err}`).toBe(2);
      expect(r.err.trim().split('\n')).toHaveLength(1);
      expect(r.err).toMatch(message);
    }
  });
});
