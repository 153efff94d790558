/**
 * What runs leave behind and send back, in a module without tfjs, so that the processes that only
 * queue and collect (`kanpinn worker`'s main process, the submitter) start fast.
 */
import type { ErrorCurve } from '../compareRows.js';
import type { SolveSummary } from '../solve.js';

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

/** The marker file of a finished run (written last). */
export const RECORD_FILE = 'run.json';

/** What a queue job returns to the submitter. */
export interface JobResult {
  record: RunRecord;
  /** File name → text, sent back when the worker has no shared store; null when `stored` is set. */
  files: Record<string, string> | null;
  /** The run's folder in the worker's `--store`. */
  stored: string | null;
}

/** Files sent back through Redis (report.html, with its bundled viewer, is left to the store). */
export const RETURNED_FILES = ['model.json', 'metrics.json', 'history.csv'];

/** Environment variable through which `kanpinn worker --store` reaches the sandboxed processes. */
export const STORE_ENV = 'KANPINN_SWEEP_STORE';
