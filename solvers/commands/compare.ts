/** `kanpinn compare <problem>`: KAN and MLP PINNs on identical points, optimizer and budget. */
import type { Argv, CommandModule } from 'yargs';
import { resolveProblem } from '../../problems/index.js';
import { defaultBackendName, KanpinnInputError, parseBackendName, setBackend } from '../../src/internal.js';
import { compareTable, modelLabel, writeCompareOutputs } from '../bench/compareOutput.js';
import { parseIntList, printError, printJson, printLine } from '../cliUtil.js';
import { compareModels, compareWidth, type CompareModel } from '../compare.js';
import { preflightCompare } from '../preflight.js';
import { progressReporter } from '../progress.js';
import { effectiveConfig, runConfigFile } from '../runConfig.js';
import { catchInterrupts } from '../signals.js';
import { solveOptionsFromArgs, trainingFlags, type TrainingArgs } from '../trainingFlags.js';

interface CompareArgs extends TrainingArgs {
  problem: string;
  kan?: string[];
  mlp?: string[];
  seeds: number;
  json: boolean;
  out?: string;
  quiet: boolean;
  backend?: string;
}

/** Models from repeated `--kan W` / `--mlp W` in flag order (yargs keeps each array's order; KANs first). */
function modelsFromArgs(args: CompareArgs, problem: ReturnType<typeof resolveProblem>): CompareModel[] | null {
  const kans = (args.kan ?? []).map((w) => ({ model: 'kan' as const, width: compareWidth(problem, parseIntList(w, 'kan'), 'kan') }));
  const mlps = (args.mlp ?? []).map((w) => ({ model: 'mlp' as const, width: compareWidth(problem, parseIntList(w, 'mlp'), 'mlp') }));
  const models = [...kans, ...mlps];
  return models.length ? models : null;
}

export const compareCommand: CommandModule<object, CompareArgs> = {
  command: 'compare <problem>',
  describe: 'train KAN and MLP PINNs on identical points, optimizer and budget; report error against cost',
  builder: (y: Argv) =>
    trainingFlags(y)
      .positional('problem', { type: 'string', describe: 'built-in name (see `kanpinn problems`) or path to a .json problem file' })
      .option('kan', { type: 'string', array: true, describe: 'a KAN to train: widths such as 2,10,1 or hidden widths such as 10 (repeatable)' })
      .option('mlp', { type: 'string', array: true, describe: 'an MLP to train: widths such as 2,16,16,1 or hidden widths such as 16,16 (repeatable)' })
      .option('seeds', { type: 'number', default: 1, describe: 'train every model with seeds 0…N−1 (offset by --seed); report mean ± std' })
      .option('json', { type: 'boolean', default: false, describe: 'print one JSON object with a rows array' })
      .option('out', { type: 'string', describe: 'write compare.json, rows.csv, curves.csv and SVG plots of error against time and parameters' })
      .option('quiet', { type: 'boolean', default: false, describe: 'no progress bar' })
      .example('$0 compare poisson2d', 'KAN [2,10,1] grids 5→10→20 vs MLP [2,16,16,1] and [2,100,100,100,1]')
      .example('$0 compare heat1d --kan 5 --kan 10 --mlp 20,20,20 --seeds 3 --out cmp', 'your own line-up, 3 seeds') as never,
  handler: async (args) => {
    const problem = resolveProblem(args.problem);
    if (!Number.isInteger(args.seeds) || args.seeds < 1) throw new KanpinnInputError(`--seeds: expected an integer >= 1, got ${args.seeds}`);
    if (args.model !== undefined && args.model !== 'kan') throw new KanpinnInputError('--model: compare trains every model in --kan/--mlp; use those instead of --model');
    if (args.width !== undefined) throw new KanpinnInputError('--width: compare takes widths from --kan/--mlp; use those instead of --width');
    const training = solveOptionsFromArgs(args);
    delete training.model;
    const models = modelsFromArgs(args, problem);
    preflightCompare(problem, training, models, args.out);
    await setBackend(args.backend ? parseBackendName(args.backend, '--backend') : defaultBackendName());
    // Ctrl-C and SIGTERM stop training, then the outputs are written (handlers stay until then).
    const interrupts = catchInterrupts();
    let progress: ReturnType<typeof progressReporter> | null = null;
    let result;
    try {
      result = await compareModels(problem, { models, seeds: args.seeds, training }, {
        signal: interrupts.signal,
        onRun: ({ index, total, model, seed }) => {
          progress?.stop();
          progress = progressReporter(!args.quiet, `${index + 1}/${total} ${modelLabel(model)} seed ${seed}`);
        },
        onProgress: (event) => progress?.update(event),
      });
    } finally {
      (progress as ReturnType<typeof progressReporter> | null)?.stop();
    }
    let files: string[] = [];
    if (args.out) files = await writeCompareOutputs(args.out, result, { command: `kanpinn compare ${process.argv.slice(3).join(' ')}`.trim(), config: effectiveConfig(args) }, [runConfigFile(args)]);
    if (args.json) printJson({ ...result, ...(args.out ? { files } : {}) });
    else {
      printLine(`${result.problem}: ${result.optimizer}, ${result.steps} steps per KAN stage (an MLP gets the same total in one stage), ${result.points.interior} interior + ${result.points.boundary} boundary points, backend ${result.backend}${result.testSet ? `, test set ${result.testSet}` : ''}`);
      for (const line of compareTable(result)) printLine(line);
      if (files.length) printLine(`wrote ${files.join(', ')}`);
    }
    if (interrupts.received()) {
      printError(`kanpinn: interrupted (${interrupts.received()}); rows cover the runs finished so far`);
      process.exitCode = interrupts.exitCode()!;
    } else if (result.rows.some((r) => r.status.includes('diverged'))) {
      printError(`kanpinn: diverged: ${result.rows.filter((r) => r.status.includes('diverged')).map(modelLabel).join(', ')} (parameters of the best step were used)`);
    }
    interrupts.dispose();
  },
};
