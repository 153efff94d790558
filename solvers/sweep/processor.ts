/**
 * BullMQ's sandboxed processor for sweep runs: `kanpinn worker` hands this file to a BullMQ
 * `Worker`, which runs each job in a child process of its own pool (the worker's event loop stays
 * free to renew job locks while tfjs trains). The job's data is a `RunSpec`; the result is the
 * run's record plus its model, metrics and history files, unless the worker writes to a shared
 * `--store` (then the files stay there).
 */
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { SandboxedJob } from 'bullmq';
import type { RunSpec } from './expand.js';
import { RETURNED_FILES, STORE_ENV, type JobResult } from './records.js';
import { runOne } from './runOne.js';
import { runDir } from './store.js';

// The worker process is gone (killed): BullMQ will hand the job to another worker, so stop here.
process.on('disconnect', () => process.exit(1));

export default async function processRun(job: SandboxedJob<RunSpec, JobResult>, _token?: string, signal?: AbortSignal): Promise<JobResult> {
  const run = job.data;
  const store = process.env[STORE_ENV] || null;
  const dir = store ? runDir(store, run.id) : await mkdtemp(join(tmpdir(), `kanpinn-run-${run.id}-`));
  const controller = new AbortController();
  const timer = run.timeout === null ? null : setTimeout(() => controller.abort(`timeout of ${run.timeout} s`), run.timeout * 1000);
  const onCancel = (): void => controller.abort(signal?.reason ?? 'cancelled');
  signal?.addEventListener('abort', onCancel, { once: true });
  try {
    const record = await runOne(run, dir, controller.signal);
    if (store) return { record, files: null, stored: dir };
    const files: Record<string, string> = {};
    for (const name of RETURNED_FILES) files[name] = await readFile(join(dir, name), 'utf8');
    return { record, files, stored: null };
  } finally {
    if (timer) clearTimeout(timer);
    signal?.removeEventListener('abort', onCancel);
    if (!store) await rm(dir, { recursive: true, force: true });
  }
}
