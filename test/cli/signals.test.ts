/**
 * SIGTERM (sent by `timeout`, container stops and job schedulers) ends a run like Ctrl-C: training
 * stops, the outputs are written, the exit code names the signal (issue 11, defect 6).
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { loadModel, setBackend } from '../../src/index.js';
import { SIGNAL_EXIT_CODES } from '../../solvers/signals.js';
import { BUILT, startCli, waitFor } from './spawn.js';

/** Seconds the CLI may take to start on a loaded machine. */
const START_SECONDS = 60;
/** A run that would train for many minutes unless stopped. */
const LONG = ['solve', 'poisson2d', '--steps', '100000', '--grids', '3', '--optimizer', 'adam', '--points', '40', '--boundary-points', '16', '--quiet'];

beforeAll(async () => {
  await setBackend('wasm');
});

async function stopWith(signal: 'SIGTERM' | 'SIGINT', dir: string): Promise<{ code: number | null; stderr: string }> {
  const run = startCli([...LONG, '--out', dir]);
  // The out folder is made by the check before training, right before the signal handlers are set.
  await waitFor(() => existsSync(dir), START_SECONDS, 'the out folder');
  await new Promise((resolve) => setTimeout(resolve, 300));
  run.child.kill(signal);
  const ended = await run.ended;
  expect(ended.signal, `killed by the signal instead of handling it; stderr: ${ended.stderr}`).toBeNull();
  return ended;
}

describe.skipIf(!BUILT)('signals', () => {
  it('SIGTERM stops training, writes every output and exits with 143', async () => {
    const dir = join(mkdtempSync(join(tmpdir(), 'kanpinn-sigterm-')), 'run');
    const { code, stderr } = await stopWith('SIGTERM', dir);
    expect(code).toBe(SIGNAL_EXIT_CODES.SIGTERM);
    expect(code).toBe(143);
    expect(stderr).toMatch(/^kanpinn: interrupted at step \d+; .*\(SIGTERM\); outputs written\n$/m);
    expect(readdirSync(dir).sort()).toEqual(['config.json', 'history.csv', 'metrics.json', 'model.json', 'report.html']);
    const metrics = JSON.parse(readFileSync(join(dir, 'metrics.json'), 'utf8')) as { status: string; steps: number };
    expect(metrics.status).toBe('interrupted');
    expect(metrics.steps).toBeLessThan(100000);
    const model = await loadModel(join(dir, 'model.json'));
    expect(model.width).toEqual([2, 10, 1]);
    model.dispose();
  });

  it('Ctrl-C (SIGINT) does the same and exits with 130', async () => {
    const dir = join(mkdtempSync(join(tmpdir(), 'kanpinn-sigint-')), 'run');
    const { code, stderr } = await stopWith('SIGINT', dir);
    expect(code).toBe(130);
    expect(stderr).toMatch(/\(SIGINT\); outputs written\n$/m);
    expect(existsSync(join(dir, 'model.json'))).toBe(true);
  });

  it('fit: SIGTERM ends the current stage, skips the rest, writes the outputs and exits with 143', async () => {
    const root = mkdtempSync(join(tmpdir(), 'kanpinn-fit-sigterm-'));
    const csv = join(root, 'data.csv');
    writeFileSync(csv, `x,y\n${Array.from({ length: 60 }, (_, i) => `${i / 60},${Math.sin(3 * (i / 60))}`).join('\n')}\n`);
    const dir = join(root, 'run');
    const run = startCli(['fit', csv, '--steps', '100000', '--grids', '3,5', '--out', dir]);
    // "fit: fit" is printed as the first stage starts, after the handlers are set.
    await waitFor(() => run.stderr().includes('fit: fit'), START_SECONDS, 'the first fit stage');
    await new Promise((resolve) => setTimeout(resolve, 300));
    run.child.kill('SIGTERM');
    const ended = await run.ended;
    expect(ended.signal, ended.stderr).toBeNull();
    expect(ended.code).toBe(143);
    expect(ended.stderr).not.toContain('fit: refine');
    expect(ended.stderr).toMatch(/^kanpinn: interrupted \(SIGTERM\); outputs written\n$/m);
    expect(readdirSync(dir).sort()).toEqual(['fit.json', 'history.csv', 'kan.svg', 'model.json', 'network.html']);
    const summary = JSON.parse(readFileSync(join(dir, 'fit.json'), 'utf8')) as { steps: number; warnings: string[] };
    expect(summary.steps).toBeLessThan(100000);
    expect(summary.warnings).toContain('interrupted: the stages after the current one were skipped');
  });

  it('temp files left by a writer killed with kill -9 are removed by the next write to the folder', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'kanpinn-stale-'));
    const dead = spawnSync(process.execPath, ['-e', '']).pid!;
    const stale = [`.model.json.${dead}.1700000000000.tmp`, `.report.html.${dead}.1700000000001.tmp`];
    for (const name of stale) writeFileSync(join(dir, name), 'half a file');
    const run = startCli(['solve', 'poisson2d', '--steps', '1', '--grids', '3', '--points', '20', '--boundary-points', '8', '--quiet', '--out', dir]);
    const ended = await run.ended;
    expect(ended.code, ended.stderr).toBe(0);
    expect(readdirSync(dir).sort()).toEqual(['config.json', 'history.csv', 'metrics.json', 'model.json', 'report.html']);
  });
});
