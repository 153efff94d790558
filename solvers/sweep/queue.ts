/**
 * Distributed sweeps on BullMQ (Redis): the submitter enqueues one job per run (job id = "run-" + run id,
 * so a run is queued once however often it is submitted) and collects the results; `kanpinn
 * worker` processes take jobs on any machine. Retries (`attempts`), stalled jobs of killed workers
 * (lock expiry, `maxStalledCount`) and failed jobs with their reason are BullMQ's own.
 */
import { existsSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Queue, Worker, type ConnectionOptions, type Job } from 'bullmq';
import { KanpinnInputError } from '../../src/index.js';
import type { RunSpec } from './expand.js';
import type { PoolHooks, PoolResult } from './pool.js';
import { STORE_ENV, type JobResult } from './records.js';
import { runDir, writeRemoteRun } from './store.js';

/** The default queue name (`--queue` picks another, e.g. one per team or test). */
export const DEFAULT_QUEUE = 'kanpinn-sweep';

/** Worker defaults: one run at a time, a 30 s job lock (a killed worker's job is retried after it expires). */
export const WORKER_DEFAULTS = { concurrency: 1, lockSeconds: 30 } as const;

/** ioredis options from a `redis://[user:password@]host[:port][/db]` URL (`rediss://` for TLS). */
export function connectionFromUrl(url: string, flag = '--redis'): ConnectionOptions {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new KanpinnInputError(`${flag}: expected a URL such as redis://127.0.0.1:6379, got "${url}"`);
  }
  if (parsed.protocol !== 'redis:' && parsed.protocol !== 'rediss:') throw new KanpinnInputError(`${flag}: expected a redis:// or rediss:// URL, got "${url}"`);
  const db = parsed.pathname.replace(/^\//, '');
  if (db !== '' && !/^\d+$/.test(db)) throw new KanpinnInputError(`${flag}: expected a database number after the port, got "/${db}" in "${url}"`);
  return {
    host: parsed.hostname || '127.0.0.1',
    port: parsed.port ? Number(parsed.port) : 6379,
    ...(parsed.username ? { username: decodeURIComponent(parsed.username) } : {}),
    ...(parsed.password ? { password: decodeURIComponent(parsed.password) } : {}),
    ...(db ? { db: Number(db) } : {}),
    ...(parsed.protocol === 'rediss:' ? { tls: {} } : {}),
    // BullMQ's blocking calls need this; commands wait for a reconnect instead of failing.
    maxRetriesPerRequest: null,
  };
}

/** Resolves when the queue's Redis answers, or throws one line after `seconds`. */
async function reachable(queue: Queue, url: string, seconds = 10): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`cannot reach Redis at ${url} (no answer within ${seconds} s)`)), seconds * 1000);
  });
  try {
    await Promise.race([queue.getJobCounts('waiting'), timeout]);
  } finally {
    clearTimeout(timer);
  }
}

/** Opens the queue and checks that Redis answers. */
export async function openQueue(url: string, name = DEFAULT_QUEUE): Promise<Queue<RunSpec, JobResult>> {
  const queue = new Queue<RunSpec, JobResult>(name, { connection: connectionFromUrl(url) });
  queue.on('error', () => undefined); // connection errors surface through `reachable` and the calls
  try {
    await reachable(queue, url);
  } catch (error) {
    await queue.close().catch(() => undefined);
    throw error;
  }
  return queue;
}

const jobName = (run: RunSpec): string => `${run.configLabel} seed ${run.seed}`;

/**
 * The BullMQ job id of a run: its id with a prefix, because BullMQ refuses ids that read as
 * integers ("Custom Id cannot be integers") and a run id of 12 hex digits is all decimal digits
 * about once in 280 runs.
 */
export const jobIdOf = (run: Pick<RunSpec, 'id'>): string => `run-${run.id}`;

/** Enqueues a run unless its job exists; a job that failed before is retried (a resubmission asks for it). */
async function enqueue(queue: Queue<RunSpec, JobResult>, run: RunSpec): Promise<void> {
  const job = await queue.getJob(jobIdOf(run));
  if (job) {
    if ((await job.getState()) === 'failed') await job.retry('failed');
    return;
  }
  await queue.add(jobName(run), run, {
    jobId: jobIdOf(run),
    attempts: run.attempts,
    backoff: { type: 'fixed', delay: 1000 },
    removeOnComplete: false,
    removeOnFail: false,
  });
}

export interface SubmitOptions {
  url: string;
  queue?: string;
  signal?: AbortSignal;
  hooks?: PoolHooks & { onRunning?: (count: number) => void };
  /** Milliseconds between looks at the jobs' states. */
  pollMs?: number;
}

/** Enqueues `runs`, waits until each has completed or failed for good, and writes each finished run into `out`. */
export async function runOnQueue(runs: RunSpec[], out: string, options: SubmitOptions): Promise<PoolResult> {
  const queue = await openQueue(options.url, options.queue);
  const result: PoolResult = { records: new Map(), failures: new Map(), interrupted: false };
  const hooks = options.hooks ?? {};
  try {
    for (const run of runs) await enqueue(queue, run);
    const pending = new Map(runs.map((r) => [r.id, r]));
    while (pending.size > 0) {
      if (options.signal?.aborted) {
        result.interrupted = true;
        break;
      }
      let running = 0;
      for (const run of [...pending.values()]) {
        const job: Job<RunSpec, JobResult> | undefined = await queue.getJob(jobIdOf(run));
        if (!job) {
          await enqueue(queue, run); // removed by someone (e.g. a queue clean): queue it again
          continue;
        }
        const state = await job.getState();
        if (state === 'completed') {
          const value = job.returnvalue;
          pending.delete(run.id);
          if (!value || value.record?.id !== run.id) {
            result.failures.set(run.id, 'the job completed without a run record');
            hooks.onFailed?.(run, 'the job completed without a run record');
            continue;
          }
          if (value.files) await writeRemoteRun(out, value.record, value.files);
          else if (value.stored && resolve(value.stored) !== resolve(runDir(out, run.id))) await writeRemoteRun(out, { ...value.record, worker: `${value.record.worker} (files in ${value.stored})` }, {});
          result.records.set(run.id, value.record);
          hooks.onDone?.(value.record);
        } else if (state === 'failed') {
          pending.delete(run.id);
          const error = `${job.failedReason || 'failed'} (after ${job.attemptsMade} tr${job.attemptsMade === 1 ? 'y' : 'ies'})`;
          result.failures.set(run.id, error);
          hooks.onFailed?.(run, error);
        } else if (state === 'active') running++;
      }
      hooks.onRunning?.(running);
      if (pending.size > 0) await new Promise((r) => setTimeout(r, options.pollMs ?? 500));
    }
  } finally {
    await queue.close();
  }
  return result;
}

/** The queue's job counts and its failed jobs with their reasons (for `sweep --status`). */
export interface QueueStatus {
  queue: string;
  counts: Record<string, number>;
  active: { id: string; name: string }[];
  failed: { id: string; name: string; error: string; attempts: number }[];
}

export async function queueStatus(url: string, name = DEFAULT_QUEUE): Promise<QueueStatus> {
  const queue = await openQueue(url, name);
  try {
    const counts = await queue.getJobCounts('waiting', 'active', 'delayed', 'completed', 'failed', 'paused', 'prioritized');
    const active = (await queue.getActive(0, 99)).map((j) => ({ id: String(j.id), name: j.name }));
    const failed = (await queue.getFailed(0, 99)).map((j) => ({ id: String(j.id), name: j.name, error: j.failedReason, attempts: j.attemptsMade }));
    return { queue: name, counts, active, failed };
  } finally {
    await queue.close();
  }
}

/** The compiled sandboxed processor: next to this file when running from dist/, else in the package's dist/. */
export function processorEntry(): string {
  const here = fileURLToPath(import.meta.url);
  const path = here.endsWith('.js') ? join(dirname(here), 'processor.js') : resolve(dirname(here), '../../dist/solvers/sweep/processor.js');
  if (!existsSync(path)) throw new Error(`the compiled sweep processor is missing (${path}); run \`npm run build\``);
  return path;
}

export interface WorkerOptions {
  url: string;
  queue?: string;
  concurrency?: number;
  /** Shared folder to write run outputs into (then only the record goes back through Redis). */
  store?: string | null;
  /** Job lock duration; a killed worker's job becomes available again this long after its last renewal. */
  lockSeconds?: number;
}

/** Starts a BullMQ worker whose jobs run in sandboxed child processes (one run per process at a time). */
export async function startWorker(options: WorkerOptions): Promise<Worker<RunSpec, JobResult>> {
  const lock = (options.lockSeconds ?? WORKER_DEFAULTS.lockSeconds) * 1000;
  const probe = await openQueue(options.url, options.queue);
  await probe.close();
  const worker = new Worker<RunSpec, JobResult>(options.queue ?? DEFAULT_QUEUE, processorEntry(), {
    connection: connectionFromUrl(options.url),
    concurrency: options.concurrency ?? WORKER_DEFAULTS.concurrency,
    lockDuration: lock,
    stalledInterval: lock,
    // A job whose worker died is put back once per try it has left.
    maxStalledCount: 2,
    useWorkerThreads: false,
    workerForkOptions: { execArgv: [], env: { ...process.env, [STORE_ENV]: options.store ? resolve(options.store) : '' } },
  });
  return worker;
}
