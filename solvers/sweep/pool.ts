/**
 * The embedded default: a pool of local worker processes (`child_process.fork` of `child.js`),
 * one run at a time per process so that per-process tfjs state never clashes. A run whose process
 * crashes or which fails is tried again up to its `attempts`; then it is reported failed.
 */
import { fork, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { ChildReply } from './child.js';
import type { RunSpec } from './expand.js';
import type { RunRecord } from './records.js';
import { runDir } from './store.js';

/** Events of the pool, for the progress display. */
export interface PoolHooks {
  onStart?: (run: RunSpec) => void;
  onDone?: (record: RunRecord) => void;
  onFailed?: (run: RunSpec, error: string) => void;
  /** A try failed and the run goes back to the queue. */
  onRetry?: (run: RunSpec, error: string) => void;
}

export interface PoolOptions {
  workers: number;
  signal?: AbortSignal;
  hooks?: PoolHooks;
}

export interface PoolResult {
  records: Map<string, RunRecord>;
  failures: Map<string, string>;
  interrupted: boolean;
}

/** The compiled child entry: next to this file when running from dist/, else in the package's dist/. */
export function childEntry(): string {
  const here = fileURLToPath(import.meta.url);
  const path = here.endsWith('.js') ? join(dirname(here), 'child.js') : resolve(dirname(here), '../../dist/solvers/sweep/child.js');
  if (!existsSync(path)) throw new Error(`the compiled sweep worker is missing (${path}); run \`npm run build\``);
  return path;
}

/** One worker process and what it is doing. */
interface Slot {
  child: ChildProcess | null;
  stderr: string;
  /** Kernel threads for this slot's process (its share of the cores). */
  threads: number;
}

function spawn(slot: Slot, entry: string, threads: number): ChildProcess {
  // Each process gets at most its share of the cores (unless the user set KANPINN_THREADS): N
  // processes each starting every core would oversubscribe the machine.
  const env = { ...process.env, KANPINN_THREADS: process.env.KANPINN_THREADS ?? String(threads) };
  const child = fork(entry, [], { execArgv: [], env, stdio: ['ignore', 'ignore', 'pipe', 'ipc'] });
  slot.stderr = '';
  child.stderr?.on('data', (chunk: Buffer) => {
    slot.stderr = (slot.stderr + chunk.toString()).slice(-2000);
  });
  slot.child = child;
  return child;
}

/** Sends a run to the slot's process and waits for its reply or its death. */
function runIn(slot: Slot, entry: string, run: RunSpec, out: string): Promise<ChildReply> {
  const child = slot.child ?? spawn(slot, entry, slot.threads);
  return new Promise((resolveReply) => {
    const onMessage = (reply: ChildReply): void => {
      if (reply.id !== run.id) return;
      cleanup();
      resolveReply(reply);
    };
    const onExit = (code: number | null, signal: NodeJS.Signals | null): void => {
      cleanup();
      slot.child = null;
      const tail = slot.stderr.trim().split('\n').slice(-1)[0] ?? '';
      resolveReply({ id: run.id, ok: false, error: `worker process exited (${signal ?? `code ${code}`})${tail ? `: ${tail}` : ''}` });
    };
    const cleanup = (): void => {
      child.off('message', onMessage);
      child.off('exit', onExit);
    };
    child.on('message', onMessage);
    child.on('exit', onExit);
    child.send({ run, dir: runDir(out, run.id) });
  });
}

/** Runs `runs` on `workers` local processes, writing each into `out/runs/<id>/`. */
export async function runLocalPool(runs: RunSpec[], out: string, options: PoolOptions): Promise<PoolResult> {
  const entry = childEntry();
  const queue = [...runs];
  const tries = new Map<string, number>();
  const result: PoolResult = { records: new Map(), failures: new Map(), interrupted: false };
  const count = Math.max(1, Math.min(options.workers, runs.length));
  const slots: Slot[] = Array.from({ length: count }, () => ({ child: null, stderr: '', threads: Math.max(1, Math.floor(availableParallelism() / count)) }));
  const stopAll = (): void => {
    result.interrupted = true;
    for (const slot of slots) slot.child?.kill('SIGTERM');
  };
  options.signal?.addEventListener('abort', stopAll, { once: true });
  const hooks = options.hooks ?? {};
  const work = async (slot: Slot): Promise<void> => {
    for (let run = queue.shift(); run && !result.interrupted; run = queue.shift()) {
      hooks.onStart?.(run);
      const reply = await runIn(slot, entry, run, out);
      if (result.interrupted) break;
      if (reply.ok) {
        result.records.set(run.id, reply.record);
        hooks.onDone?.(reply.record);
        continue;
      }
      const tried = (tries.get(run.id) ?? 0) + 1;
      tries.set(run.id, tried);
      if (tried < run.attempts) {
        queue.push(run);
        hooks.onRetry?.(run, reply.error);
      } else {
        result.failures.set(run.id, reply.error);
        hooks.onFailed?.(run, reply.error);
      }
    }
  };
  try {
    await Promise.all(slots.map(work));
  } finally {
    options.signal?.removeEventListener('abort', stopAll);
    for (const slot of slots) {
      slot.child?.disconnect();
      slot.child = null;
    }
  }
  return result;
}
