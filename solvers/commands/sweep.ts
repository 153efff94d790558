/** `kanpinn sweep <sweep.json> --out DIR`: many solves on a local worker pool or a BullMQ queue. */
import { availableParallelism } from 'node:os';
import { join } from 'node:path';
import type { Argv, CommandModule } from 'yargs';
import { defaultBackendName, KanpinnInputError, parseBackendName } from '../../src/internal.js';
import { writeFileAtomic } from '../../src/internal.js';
import { printError, printJson, printLine } from '../cliUtil.js';
import { expandSweep } from '../sweep/expand.js';
import { runLocalPool, type PoolResult } from '../sweep/pool.js';
import { sweepProgress } from '../sweep/progress.js';
import { DEFAULT_QUEUE, queueStatus, runOnQueue } from '../sweep/queue.js';
import { buildResults, compareViews, configurationTable, writeResults } from '../sweep/results.js';
import type { RunRecord } from '../sweep/runOne.js';
import { loadSweep } from '../sweep/spec.js';
import { readRecord } from '../sweep/store.js';

interface SweepArgs {
  sweep?: string;
  out?: string;
  workers?: number;
  redis?: string;
  queue: string;
  status: boolean;
  json: boolean;
  quiet: boolean;
  backend?: string;
}

async function printStatus(args: SweepArgs): Promise<void> {
  if (!args.redis) throw new KanpinnInputError('--status: needs --redis URL (the queue to look at)');
  const status = await queueStatus(args.redis, args.queue);
  if (args.json) return printJson(status);
  printLine(`queue ${status.queue}: ${Object.entries(status.counts).map(([k, v]) => `${v} ${k}`).join(', ')}`);
  for (const job of status.active) printLine(`  running ${job.id} ${job.name}`);
  for (const job of status.failed) printLine(`  failed  ${job.id} ${job.name} (${job.attempts} tries): ${job.error}`);
}

export const sweepCommand: CommandModule<object, SweepArgs> = {
  command: 'sweep [sweep]',
  describe: 'run many solves (problems × models × optimizers × seeds) on local worker processes or a BullMQ queue',
  builder: (y: Argv) =>
    y
      .positional('sweep', { type: 'string', describe: 'sweep file (JSON): problems, models, optimizers, seeds, fixed' })
      .option('out', { type: 'string', describe: 'folder for every run (runs/<id>/) and the results (results.json, results.csv, configurations.csv, plots/)' })
      .option('workers', { type: 'number', describe: 'local worker processes (default: the number of cores)' })
      .option('redis', { type: 'string', describe: 'enqueue the runs on this Redis (redis://host:6379) for `kanpinn worker`s, and collect the results' })
      .option('queue', { type: 'string', default: DEFAULT_QUEUE, describe: 'BullMQ queue name' })
      .option('status', { type: 'boolean', default: false, describe: 'show the queue (with --redis): job counts, running and failed jobs' })
      .option('json', { type: 'boolean', default: false, describe: 'print one JSON object with the results' })
      .option('quiet', { type: 'boolean', default: false, describe: 'no progress display' })
      .example('$0 sweep problems/sweeps/kan-vs-mlp.json --out sweep-out', 'on all local cores')
      .example('$0 sweep problems/sweeps/kan-vs-mlp.json --redis redis://127.0.0.1:6379 --out sweep-out', 'on the workers of a queue') as never,
  handler: async (args) => {
    if (args.status) return printStatus(args);
    if (!args.sweep) throw new KanpinnInputError('sweep: name a sweep file (or use --status --redis URL)');
    if (!args.out) throw new KanpinnInputError('--out: expected a folder for the runs and results');
    const workers = args.workers ?? availableParallelism();
    if (!Number.isInteger(workers) || workers < 1) throw new KanpinnInputError(`--workers: expected an integer >= 1, got ${args.workers}`);
    const out = args.out;
    const spec = loadSweep(args.sweep);
    const backend = args.backend ? parseBackendName(args.backend, '--backend') : defaultBackendName();
    const runs = expandSweep(spec, backend);
    const records = new Map<string, RunRecord>();
    for (const run of runs) {
      const record = readRecord(out, run.id);
      if (record) records.set(run.id, record);
    }
    const todo = runs.filter((r) => !records.has(r.id));
    await writeFileAtomic(join(out, 'sweep.json'), `${JSON.stringify({ sweep: spec, runs }, null, 2)}\n`);
    if (!args.quiet) printError(`sweep ${spec.name}: ${runs.length} runs, ${records.size} already finished, ${todo.length} to run${todo.length ? (args.redis ? ` on queue ${args.queue}` : ` on ${Math.min(workers, todo.length)} local worker${Math.min(workers, todo.length) > 1 ? 's' : ''}`) : ''}`);
    const controller = new AbortController();
    const onSignal = (): void => controller.abort();
    process.once('SIGINT', onSignal);
    const progress = sweepProgress(todo.length, !args.quiet, printError);
    const label = (r: { configLabel: string; seed: number }): string => `${r.configLabel} seed ${r.seed}`;
    const hooks = {
      onStart: (run: (typeof runs)[number]) => progress.start(label(run)),
      onDone: (record: RunRecord) => progress.done(label(record), record.summary.relL2, record.summary.seconds),
      onFailed: (run: (typeof runs)[number], error: string) => progress.failed(label(run), error),
      onRetry: (run: (typeof runs)[number], error: string) => progress.retry(label(run), error),
      onRunning: (count: number) => progress.running(count),
    };
    let outcome: PoolResult = { records: new Map(), failures: new Map(), interrupted: false };
    try {
      if (todo.length > 0) {
        outcome = args.redis
          ? await runOnQueue(todo, out, { url: args.redis, queue: args.queue, signal: controller.signal, hooks })
          : await runLocalPool(todo, out, { workers, signal: controller.signal, hooks });
      }
    } finally {
      progress.stop();
      process.removeListener('SIGINT', onSignal);
    }
    for (const [id, record] of outcome.records) records.set(id, record);
    const results = buildResults(spec.name, backend, runs, records, outcome.failures);
    const files = await writeResults(out, results, compareViews(results, runs, records));
    const ran = outcome.records.size;
    if (args.json) printJson({ ...results, ran, skipped: runs.length - todo.length, failed: outcome.failures.size, files });
    else {
      printLine(`${spec.name}: ${runs.length} runs (${ran} ran now, ${runs.length - todo.length} finished before, ${outcome.failures.size} failed), backend ${backend}`);
      for (const line of configurationTable(results)) printLine(line);
      printLine(`wrote ${files.join(', ')}`);
    }
    if (outcome.interrupted) {
      printError('kanpinn: interrupted; finished runs are kept and a rerun skips them');
      process.exitCode = 130;
    } else if (outcome.failures.size > 0) {
      for (const row of results.runs.filter((r) => r.state === 'failed')) printError(`kanpinn: failed: ${row.label} seed ${row.seed}: ${row.error}`);
      process.exitCode = 1;
    }
  },
};
