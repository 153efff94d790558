/** `kanpinn worker --redis URL`: take sweep runs from a BullMQ queue and run them until stopped. */
import { availableParallelism } from 'node:os';
import type { Argv, CommandModule } from 'yargs';
import { KanpinnInputError } from '../../src/index.js';
import { DEFAULT_QUEUE, startWorker, WORKER_DEFAULTS } from '../sweep/queue.js';

// This process only takes jobs and hands them to sandboxed processes: it never loads tfjs.
const printError = (line: string): void => {
  process.stderr.write(`${line}\n`);
};

interface WorkerArgs {
  redis?: string;
  queue: string;
  concurrency: number;
  store?: string;
  lockSeconds: number;
  quiet: boolean;
}

export const workerCommand: CommandModule<object, WorkerArgs> = {
  command: 'worker',
  describe: 'take sweep runs from a BullMQ queue (see `kanpinn sweep --redis`) and run them, until Ctrl-C',
  builder: (y: Argv) =>
    y
      .option('redis', { type: 'string', describe: 'the Redis of the queue, e.g. redis://10.0.0.5:6379' })
      .option('queue', { type: 'string', default: DEFAULT_QUEUE, describe: 'BullMQ queue name' })
      .option('concurrency', { type: 'number', default: WORKER_DEFAULTS.concurrency, describe: 'runs at a time, each in its own process' })
      .option('store', { type: 'string', describe: 'shared folder to write each run into (<store>/runs/<id>/, with report.html); without it the model, metrics and history go back through Redis' })
      .option('lock-seconds', { type: 'number', default: WORKER_DEFAULTS.lockSeconds, describe: 'job lock; a killed worker\'s run is retried by another this long after it died' })
      .option('quiet', { type: 'boolean', default: false, describe: 'no line per run' })
      .example('$0 worker --redis redis://10.0.0.5:6379 --concurrency 4', 'four runs at a time on this machine') as never,
  handler: async (args) => {
    if (!args.redis) throw new KanpinnInputError('--redis: expected the URL of the queue\'s Redis, e.g. redis://127.0.0.1:6379');
    if (!Number.isInteger(args.concurrency) || args.concurrency < 1) throw new KanpinnInputError(`--concurrency: expected an integer >= 1, got ${args.concurrency}`);
    if (!(args.lockSeconds >= 1)) throw new KanpinnInputError(`--lock-seconds: expected a number >= 1, got ${args.lockSeconds}`);
    // BullMQ's sandboxed run processes inherit this: together they fill the cores once.
    process.env.KANPINN_THREADS ??= String(Math.max(1, Math.floor(availableParallelism() / args.concurrency)));
    const worker = await startWorker({ url: args.redis, queue: args.queue, concurrency: args.concurrency, store: args.store ?? null, lockSeconds: args.lockSeconds });
    const say = (line: string): void => {
      if (!args.quiet) printError(line);
    };
    worker.on('active', (job) => say(`start ${job.id} ${job.name} (try ${job.attemptsMade + 1}/${job.opts.attempts ?? 1})`));
    worker.on('completed', (job) => say(`done  ${job.id} ${job.name}`));
    worker.on('failed', (job, error) => say(`fail  ${job?.id ?? '?'} ${job?.name ?? ''}: ${error.message}`));
    worker.on('error', (error) => printError(`kanpinn worker: ${error.message}`));
    say(`worker on queue ${args.queue} at ${args.redis}: ${args.concurrency} at a time${args.store ? `, writing to ${args.store}` : ''}; Ctrl-C stops after the current runs`);
    await new Promise<void>((resolve) => {
      const stop = (): void => {
        process.removeListener('SIGINT', stop);
        process.removeListener('SIGTERM', stop);
        resolve();
      };
      process.once('SIGINT', stop);
      process.once('SIGTERM', stop);
    });
    say('stopping: waiting for the current runs');
    await worker.close();
  },
};
