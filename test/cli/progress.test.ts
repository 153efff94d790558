import { afterEach, describe, expect, it, vi } from 'vitest';
import { main } from '../../solvers/cli.js';
import { progressReporter } from '../../solvers/progress.js';
import type { ProgressEvent } from '../../src/index.js';
import { capture } from './capture.js';

afterEach(() => {
  vi.restoreAllMocks();
  process.exitCode = undefined;
});

const event = (totalStep: number): ProgressEvent => ({
  stage: 0, stages: 2, grid: 5, step: totalStep, stepsInStage: 50, totalStep, totalSteps: 100, loss: 1.5e-3, relL2: totalStep >= 10 ? 2e-2 : null, evaluations: 3 * totalStep, seconds: totalStep / 10,
});

describe('progress off a terminal (issue 11, defect 14)', () => {
  it('writes a plain line every few steps with stage, step, loss, rel. L2 and elapsed time', () => {
    const lines: string[] = [];
    const reporter = progressReporter(true, 'poisson2d kan', { write: (t: string) => lines.push(t), isTTY: false });
    for (let s = 1; s <= 100; s++) reporter.update(event(s));
    reporter.stop();
    expect(lines.length).toBe(20);
    expect(lines[0]).toBe('poisson2d kan: stage 1/2 grid 5, step 5/100, loss 1.50e-3, rel. L2 —, 0.5 s\n');
    expect(lines[19]).toBe('poisson2d kan: stage 1/2 grid 5, step 100/100, loss 1.50e-3, rel. L2 2.00e-2, 10.0 s\n');
  });

  it('stays silent when disabled (--quiet)', () => {
    const lines: string[] = [];
    const reporter = progressReporter(false, 'x', { write: (t: string) => lines.push(t), isTTY: false });
    for (let s = 1; s <= 10; s++) reporter.update(event(s));
    expect(lines).toEqual([]);
  });

  it('solve logs its steps to a non-terminal stderr, and --quiet silences them', async () => {
    const tiny = ['solve', 'poisson2d', '--steps', '2', '--grids', '3,4', '--points', '40', '--boundary-points', '16', '--json'];
    const loud = capture();
    expect(await main(tiny)).toBe(0);
    expect(loud.err().trim().split('\n')).toEqual([1, 2, 3, 4].map((s) => expect.stringMatching(new RegExp(`^poisson2d kan: stage ${s <= 2 ? 1 : 2}/2 grid ${s <= 2 ? 3 : 4}, step ${s}/4, loss \\S+, rel\\. L2 \\S+, [\\d.]+ s$`))));
    vi.restoreAllMocks();
    const quiet = capture();
    expect(await main([...tiny, '--quiet'])).toBe(0);
    expect(quiet.err()).toBe('');
  });
});
