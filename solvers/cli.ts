/**
 * The `kanpinn` command line. The only code in the project that prints: results on stdout,
 * progress and errors on stderr. Bad input ends with one line naming the flag or field, exit 2.
 *
 * Start-up is kept short: this module imports only yargs and the error classes. The module of the
 * command being run (and with it tfjs, mathjs and the backend) is imported when that command is
 * chosen; `--help`, `--version` and the command list use the names and descriptions in COMMANDS.
 */
import { readFileSync } from 'node:fs';
import yargs from 'yargs';
import type { Argv, CommandModule } from 'yargs';
import { BackendError, KanpinnInputError, TrainingError } from '../src/errors.js';

type AnyCommand = CommandModule<object, never>;

/** A command as the top-level help lists it, and how to load it. */
export interface CommandEntry {
  /** yargs command string, equal to the module's `command`. */
  command: string;
  /** Equal to the module's `describe` (a test checks both). */
  describe: string;
  /** Whether the command computes with tensors (then the backend is started before its handler). */
  tensors: boolean;
  /** Whether `--config FILE` may hold its flags. */
  config: boolean;
  load: () => Promise<AnyCommand>;
}

const as = (m: unknown): AnyCommand => m as AnyCommand;

/** Every command, in help order. */
export const COMMANDS: readonly CommandEntry[] = [
  { command: 'problems', describe: 'list the built-in problems with their dimension and whether they have an exact solution or reference data', tensors: false, config: false, load: async () => as((await import('./commands/problems.js')).problemsCommand) },
  { command: 'check <problem>', describe: 'validate a problem (built-in name or .json file); with an exact solution, report its max residual and condition error', tensors: true, config: false, load: async () => as((await import('./commands/check.js')).checkCommand) },
  { command: 'solve <problem>', describe: 'train a physics-informed KAN (or MLP) on a built-in problem or a JSON problem file', tensors: true, config: true, load: async () => as((await import('./commands/solve.js')).solveCommand) },
  { command: 'compare <problem>', describe: 'train KAN and MLP PINNs on identical points, optimizer and budget; report error against cost', tensors: true, config: true, load: async () => as((await import('./commands/compare.js')).compareCommand) },
  { command: 'predict <model>', describe: "evaluate a saved model on points from a CSV, a grid of the domain or the problem's test set", tensors: true, config: false, load: async () => as((await import('./commands/predict.js')).predictCommand) },
  { command: 'fit <data>', describe: 'fit a KAN to a CSV table (header row; the last column is the target) and read off a formula', tensors: true, config: false, load: async () => as((await import('./commands/fit.js')).fitCommand) },
  { command: 'prune <model>', describe: 'remove the unimportant nodes and edges of a saved KAN (pykan\'s prune) and write the smaller model', tensors: true, config: false, load: async () => as((await import('./commands/prune.js')).pruneCommand) },
  { command: 'symbolic <model>', describe: 'read a saved KAN as a formula: suggest, fix or auto-fix symbolic edges, then print the formula and its error', tensors: true, config: false, load: async () => as((await import('./commands/symbolic.js')).symbolicCommand) },
  { command: 'plot <model>', describe: 'draw a saved KAN: every edge function, importance as opacity, symbolic edges with formulas', tensors: true, config: false, load: async () => as((await import('./commands/plot.js')).plotCommand) },
  { command: 'bench', describe: 'run a benchmark suite: eval (cost per loss+gradient), accuracy (time to accuracy, KAN vs MLP), paper (the KAN paper claim), pinnacle (every built-in PINNacle task, KAN vs MLP vs the published numbers), symbolic (interpretability timings), unseen (defaults only on the problems of bench/unseen), defaults (--recipe auto on every built-in problem, beside the tuned numbers)', tensors: true, config: false, load: async () => as((await import('./commands/bench.js')).benchCommand) },
  { command: 'sweep [sweep]', describe: 'run many solves (problems × models × optimizers × seeds) on local worker processes or a BullMQ queue', tensors: true, config: false, load: async () => as((await import('./commands/sweep.js')).sweepCommand) },
  { command: 'worker', describe: 'take sweep runs from a BullMQ queue (see `kanpinn sweep --redis`) and run them, until Ctrl-C', tensors: false, config: false, load: async () => as((await import('./commands/worker.js')).workerCommand) },
];

/** Exit codes: 0 ok, 1 failure while running, 2 bad input, 130 interrupted. */
export const EXIT = { ok: 0, failed: 1, badInput: 2, interrupted: 130 } as const;

/** The backend flag's help: every backend, the default and the environment variable. */
export const BACKEND_HELP =
  'tfjs backend: wasm (default, ships with kanpinn), cpu (pure JS), tensorflow (native; needs the optional @tensorflow/tfjs-node, or @tensorflow/tfjs-node-gpu for CUDA), webgl (browsers; needs the optional @tensorflow/tfjs-backend-webgl), webgpu (needs the optional @tensorflow/tfjs-backend-webgpu); without the flag, the environment variable KANPINN_BACKEND, else wasm';

/** The command named in `argv`: the first word that is a command's name (options and their values are skipped by not matching). */
function chosen(argv: readonly string[]): CommandEntry | undefined {
  const byName = new Map(COMMANDS.map((c) => [c.command.split(' ')[0]!, c]));
  for (const word of argv) {
    if (word === '--') break;
    const entry = byName.get(word);
    if (entry) return entry;
  }
  return undefined;
}

/** The path after `--config` (or in `--config=PATH`) in argv, if any. */
function configPath(argv: readonly string[], flag = 'config'): string | undefined {
  for (let k = 0; k < argv.length; k++) {
    const word = argv[k]!;
    if (word === '--') break;
    if (word === `--${flag}`) return argv[k + 1] ?? '';
    if (word.startsWith(`--${flag}=`)) return word.slice(flag.length + 3);
  }
  return undefined;
}

/** `solve --resume DIR` without `--config`: the saved run's flags (and problem) act as the config. */
async function resumeConfig(command: string, argv: readonly string[]): Promise<Record<string, unknown> | undefined> {
  const path = command.startsWith('solve ') ? configPath(argv, 'resume') : undefined;
  return path === undefined ? undefined : (await import('../src/internal.js')).readResumeConfig(path);
}

/**
 * Adds `--config FILE` to a command: a JSON object of its flags (names as on the command line, with
 * or without dashes). The file is read before parsing (so its errors are ours, one line) and given
 * to yargs as a config object, below the command line in precedence.
 */
function withConfig(y: Argv, config: Record<string, unknown> | undefined): Argv {
  const described = y.option('config', { type: 'string', describe: 'JSON file of flags, e.g. the config.json that `solve --out` writes; command-line flags win' });
  return config ? described.config(config) : described;
}

/**
 * The command with `--config FILE`; its positional `<problem>` becomes optional on the command line
 * (`[problem]`) because the config file may name it, and is checked once the config is applied.
 */
function configurable(module: AnyCommand, config: Record<string, unknown> | undefined): AnyCommand {
  const builder = module.builder;
  const handler = module.handler;
  return {
    ...module,
    command: String(module.command).replace('<problem>', '[problem]'),
    builder: (y: Argv) => withConfig(typeof builder === 'function' ? (builder(y as never) as unknown as Argv) : y.options(builder ?? {}), config) as never,
    handler: (args) => {
      const given = (args as { problem?: unknown }).problem;
      if (typeof given !== 'string' || given === '') throw new KanpinnInputError('problem: name a problem (a built-in name or a .json file) on the command line or as "problem" in --config');
      return handler(args);
    },
  };
}

/** Reads `--config FILE`; one-line errors naming the flag. */
export function readConfigFile(path: string): Record<string, unknown> {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    throw new KanpinnInputError(`--config: cannot read ${path}: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`);
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (error) {
    throw new KanpinnInputError(`--config: ${path} is not valid JSON (${(error as Error).message})`);
  }
  if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed)) throw new KanpinnInputError(`--config: ${path} must hold one JSON object of flags such as {"steps": 20}`);
  return parsed as Record<string, unknown>;
}

async function build(argv: string[]): Promise<Argv> {
  const entry = chosen(argv);
  let parser = yargs(argv)
    .scriptName('kanpinn')
    .usage('$0 <command> [options]\n\nPhysics-informed Kolmogorov-Arnold Networks: solve PDEs, compare KAN and MLP PINNs, read the trained network.')
    .option('backend', { type: 'string', describe: BACKEND_HELP, global: true })
    .demandCommand(1, 'name a command (see --help)')
    .strict()
    .recommendCommands()
    .help()
    .alias('h', 'help')
    .version()
    .wrap(Math.min(110, process.stdout.columns ?? 100))
    .fail((message, error) => {
      throw error ?? new KanpinnInputError(message);
    });
  if (entry?.tensors) {
    parser = parser.middleware(async (args) => {
      // The command runs on the chosen backend (wasm unless --backend / KANPINN_BACKEND say otherwise).
      const { defaultBackendName, parseBackendName, setBackend } = await import('../src/backend.js');
      const name = typeof args.backend === 'string' ? parseBackendName(args.backend, '--backend') : defaultBackendName();
      // a valid --threads before the backend starts: the wasm build is chosen by it (engine/wasmThreads.ts)
      if (Number.isInteger(args.threads) && (args.threads as number) >= 1) {
        const { setThreads } = await import('../src/index.js');
        setThreads(args.threads as number);
      }
      await setBackend(name);
    });
  }
  for (const c of COMMANDS) {
    if (c !== entry) {
      // Listed for help and suggestions only; never run (yargs runs the command that matches argv).
      parser = parser.command(c.command, c.describe);
      continue;
    }
    const module = await c.load();
    const path = c.config ? configPath(argv) : undefined;
    parser = parser.command(c.config ? configurable(module, path === undefined ? await resumeConfig(c.command, argv) : readConfigFile(path)) : module);
  }
  return parser;
}

/** Runs the CLI on `argv` (without `node` and the script) and resolves to the exit code. */
export async function main(argv: string[]): Promise<number> {
  try {
    await (await build(argv)).parseAsync();
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
