/**
 * The `kanpinn` command line. The only code in the project that prints: results on stdout,
 * progress and errors on stderr. Bad input ends with one line naming the flag or field, exit 2.
 */
import yargs from 'yargs';
import type { Argv, CommandModule } from 'yargs';
import { BackendError, defaultBackendName, KanpinnInputError, parseBackendName, setBackend, TrainingError } from '../src/index.js';
import { benchCommand } from './commands/bench.js';
import { checkCommand } from './commands/check.js';
import { compareCommand } from './commands/compare.js';
import { fitCommand } from './commands/fit.js';
import { plotCommand } from './commands/plot.js';
import { problemsCommand } from './commands/problems.js';
import { solveCommand } from './commands/solve.js';
import { symbolicCommand } from './commands/symbolic.js';
import { sweepCommand } from './commands/sweep.js';
import { workerCommand } from './commands/worker.js';

const COMMANDS: CommandModule<object, never>[] = [
  problemsCommand,
  checkCommand,
  solveCommand,
  compareCommand,
  fitCommand,
  symbolicCommand,
  plotCommand,
  benchCommand,
  sweepCommand,
  workerCommand,
] as CommandModule<object, never>[];

/** Exit codes: 0 ok, 1 failure while running, 2 bad input, 130 interrupted. */
export const EXIT = { ok: 0, failed: 1, badInput: 2, interrupted: 130 } as const;

function build(argv: string[]): Argv {
  let parser = yargs(argv)
    .scriptName('kanpinn')
    .usage('$0 <command> [options]\n\nPhysics-informed Kolmogorov-Arnold Networks: solve PDEs, compare KAN and MLP PINNs, read the trained network.')
    .option('backend', { type: 'string', describe: 'tfjs backend: wasm (default), cpu, tensorflow (needs @tensorflow/tfjs-node)', global: true })
    .demandCommand(1, 'name a command (see --help)')
    .strict()
    .recommendCommands()
    .help()
    .alias('h', 'help')
    .version()
    .wrap(Math.min(110, process.stdout.columns ?? 100))
    .middleware(async (args) => {
      // Every command runs on the chosen backend (wasm unless --backend / KANPINN_BACKEND say otherwise).
      const name = typeof args.backend === 'string' ? parseBackendName(args.backend, '--backend') : defaultBackendName();
      await setBackend(name);
    })
    .fail((message, error) => {
      throw error ?? new KanpinnInputError(message);
    });
  for (const command of COMMANDS) parser = parser.command(command);
  return parser;
}

/** Runs the CLI on `argv` (without `node` and the script) and resolves to the exit code. */
export async function main(argv: string[]): Promise<number> {
  try {
    await build(argv).parseAsync();
    return typeof process.exitCode === 'number' ? process.exitCode : EXIT.ok;
  } catch (error) {
    if (error instanceof KanpinnInputError || error instanceof BackendError) {
      process.stderr.write(`kanpinn: ${error.message}\n`);
      return EXIT.badInput;
    }
    if (error instanceof TrainingError) {
      process.stderr.write(`kanpinn: ${error.message}\n`);
      return EXIT.failed;
    }
    const text = error instanceof Error ? error.message : String(error);
    process.stderr.write(`kanpinn: ${text}\n`);
    if (process.env.KANPINN_DEBUG && error instanceof Error && error.stack) process.stderr.write(`${error.stack}\n`);
    return EXIT.failed;
  }
}
