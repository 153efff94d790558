/**
 * One run of a sweep in this process, through the same code path as `kanpinn solve`:
 * `solveProblem` then `writeOutputs`, plus `run.json` (the record that marks the run finished).
 * Called by the local pool's child processes and by BullMQ's sandboxed processor.
 */
import { hostname } from 'node:os';
import { basename, join } from 'node:path';
import { resolveProblem } from '../../problems/index.js';
import { setBackend, type BackendName, type Problem } from '../../src/index.js';
import { writeFileAtomic } from '../../src/internal.js';
import { errorCurve, type ErrorCurve } from '../compareRows.js';
import { solveProblem, writeOutputs, type SolveHooks } from '../solve.js';
import type { RunSpec } from './expand.js';
import { RECORD_FILE, type RunRecord } from './records.js';

export type { RunRecord };

let backendInUse: BackendName | null = null;

/** Error thrown when a run is stopped by its timeout or a cancel. */
export class RunStoppedError extends Error {}

/**
 * Trains one run of a sweep or a comparison in this process: `solveProblem` with the run's settings
 * and seed (the path of `kanpinn solve`), plus its rel. L2 against time from the history.
 */
export async function trainRun(run: RunSpec, problem: Problem, hooks: SolveHooks = {}): Promise<Awaited<ReturnType<typeof solveProblem>> & { curve: ErrorCurve }> {
  const outcome = await solveProblem(problem, { ...run.settings, seed: run.seed }, hooks);
  return { ...outcome, curve: errorCurve(outcome.result.history, run.seed) };
}

/**
 * Trains the run and writes model.json, metrics.json, history.csv, report.html and run.json into
 * `dir`. A `signal` (timeout, cancel) stops training; the run then throws instead of recording.
 */
export async function runOne(run: RunSpec, dir: string, signal?: AbortSignal): Promise<RunRecord> {
  if (backendInUse !== run.backend) {
    await setBackend(run.backend);
    backendInUse = run.backend;
  }
  const problem = resolveProblem(run.problem);
  const { model, result, summary, options, curve } = await trainRun(run, problem, signal ? { signal } : {});
  try {
    if (result.status === 'interrupted') throw new RunStoppedError(`stopped after ${summary.steps} steps (${String(signal?.reason ?? 'interrupted')})`);
    const files = await writeOutputs(dir, problem, model, result, summary, {
      command: `kanpinn sweep (run ${run.id})`,
      model: summary.model,
      width: summary.width.join(','),
      grids: summary.grids?.join(',') ?? null,
      optimizer: summary.optimizer,
      steps: options.steps,
      seed: options.seed,
      backend: summary.backend,
    });
    const record: RunRecord = {
      id: run.id,
      config: run.config,
      configLabel: run.configLabel,
      problem: run.problem,
      problemName: run.problemName,
      seed: run.seed,
      summary,
      curve,
      files: [...files.map((f) => basename(f)), RECORD_FILE],
      worker: `${hostname()}:${process.pid}`,
    };
    await writeFileAtomic(join(dir, RECORD_FILE), `${JSON.stringify(record, null, 2)}\n`);
    return record;
  } finally {
    model.dispose();
  }
}
