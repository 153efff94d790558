/**
 * End-to-end sweeps on a tiny budget (1 L-BFGS step, 30 + 12 points, pure-JS backend): the local
 * pool against `kanpinn solve`, a rerun, and the same sweep through Redis with two `kanpinn worker`
 * processes, one of them killed mid-run. The worker processes run the built CLI (dist/, `npm run build`).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { Queue } from 'bullmq';
import { main } from '../../solvers/cli.js';
import { connectionFromUrl } from '../../solvers/sweep/queue.js';
import type { SweepResults } from '../../solvers/sweep/results.js';
import { capture } from '../cli/capture.js';
import { redisSkipReason, startRedis, type TestRedis } from './redis.js';

const SWEEP = resolve(import.meta.dirname, 'tiny-sweep.json');
const BIN = resolve(import.meta.dirname, '../../bin/kanpinn.js');
const COMMON = ['--backend', 'cpu', '--quiet', '--json'];

interface SweepOutput extends SweepResults {
  ran: number;
  skipped: number;
  failed: number;
}

async function sweep(args: string[]): Promise<{ code: number; out: SweepOutput; err: string }> {
  const io = capture();
  const code = await main(['sweep', SWEEP, ...args, ...COMMON]);
  vi.restoreAllMocks();
  process.exitCode = undefined;
  return { code, out: JSON.parse(io.out() || '{}') as SweepOutput, err: io.err() };
}

/** The table without wall times (which differ between any two runs). */
function table(results: SweepResults): unknown {
  return {
    runs: results.runs.map(({ seconds: _s, ...row }) => row),
    configurations: results.configurations.map((c) => ({ ...c, mean: { ...c.mean, seconds: null }, std: { ...c.std, seconds: null } })),
  };
}

let local: SweepResults | null = null;
const localOut = mkdtempSync(join(tmpdir(), 'kanpinn-sweep-'));

describe('kanpinn sweep on the local pool', () => {
  it('runs 2 problems × 2 models × 3 seeds on 2 worker processes with the numbers of `solve`', async () => {
    const { code, out } = await sweep(['--out', localOut, '--workers', '2']);
    expect(code).toBe(0);
    expect(out.ran).toBe(12);
    expect(out.runs).toHaveLength(12);
    expect(new Set(out.runs.map((r) => r.id)).size).toBe(12);
    expect(out.runs.every((r) => r.state === 'done')).toBe(true);
    expect(out.configurations.map((c) => [c.label, c.done])).toEqual([
      ['poisson1d KAN [1,3,1] G3', 3],
      ['poisson1d MLP [1,6,1]', 3],
      ['heat1d KAN [2,3,1] G3', 3],
      ['heat1d MLP [2,6,1]', 3],
    ]);
    local = out;
    for (const row of out.runs) {
      const io = capture();
      const width = row.model === 'kan' ? ['--width', '3', '--grids', '3'] : ['--width', '6', '--grids', '3'];
      const code = await main(['solve', row.problem, '--model', row.model!, ...width, '--steps', '1', '--points', '30', '--boundary-points', '12', '--seed', String(row.seed), ...COMMON]);
      vi.restoreAllMocks();
      expect(code).toBe(0);
      const solved = JSON.parse(io.out()) as Record<string, unknown>;
      for (const field of ['width', 'params', 'steps', 'evaluations', 'loss', 'terms', 'relL2', 'maxAbsErr', 'mse', 'status']) {
        expect([row.label, row.seed, field, row[field as keyof typeof row]]).toEqual([row.label, row.seed, field, solved[field]]);
      }
    }
    const csv = readFileSync(join(localOut, 'results.csv'), 'utf8').trim().split('\n');
    expect(csv).toHaveLength(13);
    const configurations = readFileSync(join(localOut, 'configurations.csv'), 'utf8').trim().split('\n');
    expect(configurations).toHaveLength(5);
    expect(configurations[0]).toContain('relL2Mean,relL2Std');
    // mean ± std over the three seeds, from the per-run numbers
    const kan = out.runs.filter((r) => r.config === out.configurations[0]!.config).map((r) => r.relL2!);
    const m = kan.reduce((s, x) => s + x, 0) / 3;
    expect(out.configurations[0]!.mean.relL2).toBeCloseTo(m, 12);
    expect(out.configurations[0]!.std.relL2).toBeCloseTo(Math.sqrt(kan.reduce((s, x) => s + (x - m) ** 2, 0) / 2), 12);
  }, 90_000);

  it('a rerun of a finished sweep runs nothing and leaves the runs untouched', async () => {
    expect(local).not.toBeNull();
    const record = join(localOut, 'runs', local!.runs[0]!.id, 'run.json');
    const before = statSync(record).mtimeMs;
    const { code, out } = await sweep(['--out', localOut, '--workers', '2']);
    expect(code).toBe(0);
    expect([out.ran, out.skipped]).toEqual([0, 12]);
    expect(statSync(record).mtimeMs).toBe(before);
    expect(table(out)).toEqual(table(local!));
  }, 30_000);

  it('compare, a small sweep in one process, reports the same numbers as the sweep', async () => {
    expect(local).not.toBeNull();
    const io = capture();
    const code = await main(['compare', 'poisson1d', '--kan', '3', '--mlp', '6', '--grids', '3', '--steps', '1', '--points', '30', '--boundary-points', '12', '--seeds', '3', ...COMMON]);
    vi.restoreAllMocks();
    expect(code).toBe(0);
    const rows = (JSON.parse(io.out()) as { rows: { params: number; evaluations: number; loss: number; relL2: number; relL2Std: number; maxAbsErr: number; mse: number }[] }).rows;
    const configurations = local!.configurations.slice(0, 2);
    expect(rows.map((r) => [r.params, r.evaluations, r.loss, r.relL2, r.relL2Std, r.maxAbsErr, r.mse])).toEqual(
      configurations.map((c) => [c.params, c.mean.evaluations, c.mean.loss, c.mean.relL2, c.std.relL2, c.mean.maxAbsErr, c.mean.mse]),
    );
  }, 60_000);

  it('reports a run that fails every try (here its timeout) with its error and exits 1', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'kanpinn-sweep-fail-'));
    const file = join(dir, 'timeout.json');
    writeFileSync(file, JSON.stringify({ problems: ['heat1d'], models: [{ model: 'mlp', width: [4] }], seeds: 1, fixed: { steps: 500, points: 20 }, attempts: 2, timeout: 0.001 }));
    const io = capture();
    const code = await main(['sweep', file, '--out', join(dir, 'out'), '--workers', '1', ...COMMON]);
    vi.restoreAllMocks();
    process.exitCode = undefined;
    expect(code).toBe(1);
    const out = JSON.parse(io.out()) as SweepOutput;
    expect([out.ran, out.failed, out.runs[0]!.state]).toEqual([0, 1, 'failed']);
    expect(out.runs[0]!.error).toMatch(/^stopped after \d+ steps \(timeout of 0.001 s\)$/);
    expect(io.err()).toMatch(/kanpinn: failed: heat1d MLP \[2,4,1\] seed 0: stopped after/);
  }, 30_000);
});

const skip = redisSkipReason();

describe.skipIf(skip !== null)(`kanpinn sweep through Redis and two kanpinn workers${skip ? ` (skipped: ${skip})` : ''}`, () => {
  let redis: TestRedis;
  const workers: ChildProcess[] = [];
  const queues: string[] = [];

  beforeAll(async () => {
    redis = await startRedis();
  }, 20_000);

  afterAll(async () => {
    for (const w of workers) if (w.exitCode === null && w.signalCode === null) w.kill('SIGKILL');
    for (const name of queues) {
      const queue = new Queue(name, { connection: connectionFromUrl(redis.url) });
      await queue.obliterate({ force: true });
      await queue.close();
    }
    await redis.stop();
  }, 20_000);

  /** Starts `kanpinn worker` on `queue`; its stderr is collected in `log()`. */
  function worker(queue: string): { child: ChildProcess; log: () => string } {
    let log = '';
    const child = spawn(process.execPath, [BIN, 'worker', '--redis', redis.url, '--queue', queue, '--lock-seconds', '3', '--backend', 'cpu'], { stdio: ['ignore', 'ignore', 'pipe'] });
    child.stderr?.on('data', (chunk: Buffer) => {
      log += chunk.toString();
    });
    workers.push(child);
    return { child, log: () => log };
  }

  /** Resolves once every worker says it listens on its queue (so that both can take the first runs). */
  async function ready(workers: { log: () => string }[]): Promise<void> {
    while (!workers.every((w) => w.log().includes('worker on queue'))) await new Promise((r) => setTimeout(r, 100));
  }

  const stopped = (child: ChildProcess): Promise<void> =>
    new Promise((done) => {
      if (child.exitCode !== null || child.signalCode !== null) return done();
      child.once('exit', () => done());
      child.kill('SIGTERM');
    });

  it('gives the same table as the local pool', async () => {
    expect(local).not.toBeNull();
    const queue = `kanpinn-test-${process.pid}-a`;
    queues.push(queue);
    const pair = [worker(queue), worker(queue)];
    await ready(pair);
    const { code, out, err } = await sweep(['--out', mkdtempSync(join(tmpdir(), 'kanpinn-sweep-redis-')), '--redis', redis.url, '--queue', queue]);
    expect(code, err).toBe(0);
    expect(out.ran).toBe(12);
    expect(table(out)).toEqual(table(local!));
    // both workers took runs
    for (const w of pair) expect(w.log()).toMatch(/^done /m);
    // --status shows the queue: every job completed, none failed
    const io = capture();
    expect(await main(['sweep', '--status', '--redis', redis.url, '--queue', queue, '--json'])).toBe(0);
    vi.restoreAllMocks();
    const status = JSON.parse(io.out()) as { counts: Record<string, number>; failed: unknown[] };
    expect([status.counts.completed, status.counts.failed, status.counts.waiting, status.failed]).toEqual([12, 0, 0, []]);
    await Promise.all(pair.map((w) => stopped(w.child)));
  }, 90_000);

  it('completes when a worker is killed mid-run: its run is retried by the other, with no duplicate rows', async () => {
    const queue = `kanpinn-test-${process.pid}-b`;
    queues.push(queue);
    const victim = worker(queue);
    const survivor = worker(queue);
    await ready([victim, survivor]);
    let killed: string | null = null;
    victim.child.stderr?.on('data', () => {
      const started = /^start (\w+)/m.exec(victim.log());
      if (started && !killed) {
        killed = started[1]!;
        victim.child.kill('SIGKILL');
      }
    });
    const out = mkdtempSync(join(tmpdir(), 'kanpinn-sweep-kill-'));
    const { code, out: result, err } = await sweep(['--out', out, '--redis', redis.url, '--queue', queue]);
    const logs = `sweep:\n${err}\nvictim:\n${victim.log()}\nsurvivor:\n${survivor.log()}`;
    expect(code, logs).toBe(0);
    expect(killed, logs).not.toBeNull();
    expect(survivor.log(), logs).toContain(`start ${killed}`);
    expect(result.runs).toHaveLength(12);
    expect(new Set(result.runs.map((r) => r.id)).size).toBe(12);
    expect(readFileSync(join(out, 'results.csv'), 'utf8').trim().split('\n')).toHaveLength(13);
    expect(table(result)).toEqual(table(local!));
    await stopped(survivor.child);
  }, 90_000);
});
