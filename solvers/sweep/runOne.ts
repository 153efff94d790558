/**
 * One run of a sweep in this process, through the same code path as `kanpinn solve`:
 * `solveProblem` then `writeOutputs`, plus `run.json` (the record that marks the run finished).
 * Called by the local pool's child processes and by BullMQ's sandboxed processor.
 */
import { hostname } from 'node:os';
import { basename, join } from 'node:path';
import { resolveProblem } from '../../problems/index.js';
import { setBackend, type BackendName } from '../../src/index.js';
import { writeFileAtomic } from '../../src/io/files.js';
import { errorCurve, type ErrorCurve } from '../compare.js';
import { solveProblem, writeOutputs, type SolveSummary } from '../solve.js';
import type { RunSpec } from './expand.js';

/** What a finished run leaves in `run.json` and sends back: the `solve --json` summary and its error curve. */
export interface RunRecord {
  id: string;
  config: string;
  configLabel: string;
  problem: string;
  problemName: string;
  seed: number;
  summary: SolveSummary;
  curve: ErrorCurve;
  /** Output files in the run's folder (names only). */
  files: string[];
  /** host:pid of the process that ran it. */
  worker: string;
}

/** The marker file of a finished run. */
export const RECORD_FILE = 'run.json';

let backendInUse: BackendName | null = null;

/** Error thrown when a run is stopped by its timeout or a cancel. */
export class RunStoppedError extends Error {}

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
  const { model, result, summary, options } = await solveProblem(problem, { ...run.settings, seed: run.seed }, signal ? { signal } : {});
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
      curve: errorCurve(result.history, run.seed),
      files: [...files.map((f) => basename(f)), RECORD_FILE],
      worker: `${hostname()}:${process.pid}`,
    };
    await writeFileAtomic(join(dir, RECORD_FILE), `${JSON.stringify(record, null, 2)}\n`);
    return record;
  } finally {
    model.dispose();
  }
}
