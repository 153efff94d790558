/**
 * Entry of a local pool's worker process (forked by `pool.ts`): runs one sweep run at a time, as
 * the parent sends them, each in this process's own tfjs engine, and answers with the record.
 */
import { runOne, type RunRecord } from './runOne.js';
import type { RunSpec } from './expand.js';

/** Parent → child: do this run into this folder. */
export interface ChildRequest {
  run: RunSpec;
  dir: string;
}

/** Child → parent: the run's record, or why it failed. */
export type ChildReply = { id: string; ok: true; record: RunRecord } | { id: string; ok: false; error: string };

// The parent is gone (killed): nobody will read the result, so stop now instead of training on.
process.on('disconnect', () => process.exit(1));

process.on('message', (message: ChildRequest) => {
  const { run, dir } = message;
  const controller = new AbortController();
  const timer = run.timeout === null ? null : setTimeout(() => controller.abort(`timeout of ${run.timeout} s`), run.timeout * 1000);
  runOne(run, dir, controller.signal)
    .then((record): ChildReply => ({ id: run.id, ok: true, record }))
    .catch((error: unknown): ChildReply => ({ id: run.id, ok: false, error: error instanceof Error ? error.message : String(error) }))
    .then((reply) => {
      if (timer) clearTimeout(timer);
      process.send?.(reply);
    });
});
