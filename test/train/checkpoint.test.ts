/**
 * Checkpoints and resume (issue 16 item 2): a run resumed from a checkpoint continues its history,
 * and with Adam it takes exactly the steps of an uninterrupted run with the same seed.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { setBackend } from '../../src/backend.js';
import { createModel } from '../../src/createModel.js';
import { modelFromJson } from '../../src/io/modelFile.js';
import { checkpointFiles, type CheckpointJson, type TrainCheckpoint } from '../../src/train/checkpoint.js';
import { train, type TrainOptions } from '../../src/train/trainer.js';
import { poissonFixture } from './poissonFixture.js';

const clone = <T>(v: T): T => JSON.parse(JSON.stringify(v)) as T;

describe('checkpoint and resume', () => {
  beforeAll(async () => {
    await setBackend('cpu');
  });
  const newModel = () => createModel({ kind: 'kan', width: [2, 3, 1], grid: 4, inputs: ['x', 'y'], seed: 1 });
  const base: Partial<TrainOptions> = { optimizer: 'adam', lr: 0.01, steps: 12, points: 64, boundaryPoints: 16, seed: 3, gridUpdateEvery: 4, gridUpdateUntil: 50, evalEvery: 4 };

  it('an Adam run resumed from its step-6 checkpoint (through the files) ends where the uninterrupted run ends', async () => {
    const problem = poissonFixture();
    const whole = newModel();
    const files: CheckpointJson[] = [];
    const full = await train(problem, whole, {
      ...base,
      checkpointEvery: 6,
      checkpoint: (state: TrainCheckpoint) => {
        const set = checkpointFiles(whole, state, { problem: 'fixture', config: {} });
        files.push(JSON.parse(String(set[2]!.contents)) as CheckpointJson);
      },
    });
    expect(files.map((f) => f.state.loop.totalStep)).toEqual([6, 12]);
    const saved = files[0]!;
    expect(saved.state.loop.adam?.count).toBe(6);
    const resumed = modelFromJson(clone(saved.model));
    const state = clone(saved.state);
    state.history.rows = state.history.rows.map((r) => r.map((v) => (v === null ? Number.NaN : v)));
    const rest = await train(problem, resumed, { ...base, resume: state });
    expect(rest.status).toBe('completed');
    expect(rest.steps).toBe(12);
    expect(rest.history.rows.length).toBe(12);
    // Same steps: the loss of every step after the checkpoint, the final loss and the parameters.
    const lossColumn = full.history.columns.indexOf('loss');
    for (let r = 0; r < 12; r++) expect(rest.history.rows[r]![lossColumn]).toBeCloseTo(full.history.rows[r]![lossColumn]!, 6);
    expect(rest.loss).toBeCloseTo(full.loss, 7);
    expect(rest.accuracy!.relL2).toBeCloseTo(full.accuracy!.relL2, 6);
    expect(rest.evaluations).toBe(full.evaluations);
    expect(rest.warnings.some((w) => w.includes('L-BFGS'))).toBe(false);
    whole.dispose();
    resumed.dispose();
  });

  it.each([6, 4])('with a grid schedule (two stages of 6 steps), resuming from the checkpoint at step %i takes the same steps', async (every) => {
    const problem = poissonFixture();
    const options: Partial<TrainOptions> = { ...base, grids: [3, 5], steps: 6 };
    const whole = newModel();
    const saved: { model: unknown; state: TrainCheckpoint }[] = [];
    const full = await train(problem, whole, { ...options, checkpointEvery: every, checkpoint: (state) => void saved.push(clone({ model: JSON.parse(String(checkpointFiles(whole, state, { problem: 'fixture', config: {} })[0]!.contents)), state })) });
    const first = saved[0]!;
    expect(first.state.loop.totalStep).toBe(every);
    const resumed = modelFromJson(first.model);
    first.state.history.rows = first.state.history.rows.map((r) => r.map((v) => (v === null ? Number.NaN : v)));
    const rest = await train(problem, resumed, { ...options, resume: first.state });
    expect(rest.steps).toBe(12);
    expect(resumed.kind === 'kan' && resumed.layers[0]!.grid).toBe(5);
    expect(rest.loss).toBeCloseTo(full.loss, 7);
    // The stage judging on the validation set goes on too (its columns and the judged stages).
    const val = full.history.columns.indexOf('valLoss');
    expect(val).toBeGreaterThan(0);
    expect(rest.history.rows.map((r) => r[val])).toEqual(full.history.rows.map((r) => r[val]));
    expect(saved[1]!.state.loop.judged?.stages.map((o) => o.stage)).toEqual([1]);
    expect(saved[1]!.state.loop.judged?.best?.layers?.[0]?.grid).toBe(3);
    whole.dispose();
    resumed.dispose();
  });

  it('a resumed L-BFGS run says that its memory restarts', async () => {
    const problem = poissonFixture();
    const model = newModel();
    const states: TrainCheckpoint[] = [];
    await train(problem, model, { ...base, optimizer: 'lbfgs', steps: 4, checkpointEvery: 2, checkpoint: (s) => void states.push(clone(s)) });
    const rest = await train(problem, model, { ...base, optimizer: 'lbfgs', steps: 4, resume: states[0]! });
    expect(rest.steps).toBe(4);
    expect(rest.warnings.join('\n')).toMatch(/resumed at step 2: the L-BFGS memory is not saved and restarts empty/);
    model.dispose();
  });

  it('the best model of a checkpoint holds the parameters of the lowest loss seen', async () => {
    const problem = poissonFixture();
    const model = newModel();
    let files: ReturnType<typeof checkpointFiles> = [];
    await train(problem, model, { ...base, steps: 4, checkpointEvery: 4, checkpoint: (s) => void (files = checkpointFiles(model, s, { problem: 'fixture', config: {} })) });
    const best = JSON.parse(String(files[1]!.contents)) as { meta: { checkpoint: { bestStep: number; loss: number } } };
    expect(best.meta.checkpoint.bestStep).toBeGreaterThan(0);
    const current = JSON.parse(String(files[0]!.contents)) as { params: unknown };
    expect(current.params).not.toEqual((best as unknown as { params: unknown }).params);
    model.dispose();
  });
});
