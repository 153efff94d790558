/** `kanpinn solve <problem>`: train a KAN (or MLP) PINN, print the result, write the outputs. */
import type { Argv, CommandModule } from 'yargs';
import { resolveProblem } from '../../problems/index.js';
import { printError, printJson, printLine } from '../cliUtil.js';
import { SOLVE_DEFAULTS, solveProblem, writeOutputs, type SolveOptions, type SolveRecipe, type SolveSummary } from '../solve.js';
import { checkpointFiles, KanpinnInputError, OPTION_SPECS, readResumeSource, writeFileSet, type Model, type Problem, type TrainCheckpoint } from '../../src/internal.js';
import { preflightSolve } from '../preflight.js';
import { parameterLines } from '../summary.js';
import { progressReporter } from '../progress.js';
import { effectiveConfig, runConfigFile } from '../runConfig.js';
import { catchInterrupts } from '../signals.js';
import { solveOptionsFromArgs, trainingFlags, type TrainingArgs } from '../trainingFlags.js';

interface SolveArgs extends TrainingArgs {
  problem: string;
  json: boolean;
  out?: string;
  quiet: boolean;
  backend?: string;
  resume?: string;
}

const fmt = (v: number | null, digits = 3): string => (v === null || !Number.isFinite(v) ? 'n/a' : v.toExponential(digits));

/** The settings the report lists for a solve: what was asked, with the real step budget of the model kind. */
export function runSettings(problem: Problem, summary: SolveSummary, effective: SolveOptions, recipe: SolveRecipe = {}): Record<string, string | number | boolean | null> {
  return {
    command: `kanpinn solve ${process.argv.slice(3).join(' ')}`.trim(),
    model: summary.model,
    width: summary.width.join(','),
    grids: summary.grids?.join(',') ?? null,
    // What the recipe chose from the problem, with one line of why (issue 14).
    'spline degree k': recipe.k ? `${recipe.k.value} (${recipe.k.why})` : null,
    recipe: effective.recipe,
    ...Object.fromEntries((recipe.decisions ?? []).map((d) => [`recipe: ${OPTION_SPECS[d.option].flag}`, `${d.value} (${d.why})`])),
    'input embedding': recipe.embed ? `${recipe.embed.value} (${recipe.embed.why})` : null,
    'hard constraints': recipe.hard ? `${recipe.hard.value} (${recipe.hard.why})` : null,
    scaling: recipe.scale ? `${recipe.scale.value} (${recipe.scale.why})` : null,
    optimizer: summary.optimizer,
    // A KAN's budget is per stage; an MLP trains one stage of the same total (see stagePlan).
    // reportSettings turns this into the steps run, keeping a KAN's per-stage count beside it.
    steps: summary.model === 'kan' ? effective.steps : effective.steps * (effective.grids?.length ?? 1),
    'adam steps': effective.optimizer === 'adam+lbfgs' ? (summary.model === 'kan' ? `${effective.adamSteps} per stage` : effective.adamSteps * (effective.grids?.length ?? 1)) : null,
    'lbfgs history': effective.optimizer === 'adam' ? null : effective.lbfgsHistory,
    'grid updates': summary.grids ? (effective.gridUpdateEvery > 0 ? `every ${effective.gridUpdateEvery} steps while step < ${effective.gridUpdateUntil}` : 'off') : null,
    weights: problem.terms.map((t) => `${t.name}=${effective.weights[t.name] ?? t.weight}`).join(', '),
    seed: effective.seed,
    backend: summary.backend,
    // Large point counts: each evaluation summed over chunks of this many points per term (src/train/chunking.ts).
    ...(summary.chunkPoints !== undefined ? { 'chunk points': `${summary.chunkPoints} per term (loss and gradient summed over chunks)` } : {}),
    // Which loss terms carried one forward-Laplacian channel instead of their second derivatives (--jet).
    ...(summary.jet !== undefined ? { jet: summary.jet } : {}),
  };
}

export const solveCommand: CommandModule<object, SolveArgs> = {
  command: 'solve <problem>',
  describe: 'train a physics-informed KAN (or MLP) on a built-in problem or a JSON problem file',
  builder: (y: Argv) =>
    trainingFlags(y)
      .positional('problem', { type: 'string', describe: 'built-in name (see `kanpinn problems`) or path to a .json problem file' })
      .option('json', { type: 'boolean', default: false, describe: 'print one JSON object with the result' })
      .option('out', { type: 'string', describe: 'write model.json, metrics.json, history.csv and report.html into this folder' })
      .option('resume', { type: 'string', describe: 'continue the run saved in this folder (by --checkpoint-every: model, Adam state, history) or from a model .json file; its flags apply unless given again, and --out defaults to the folder' })
      .option('quiet', { type: 'boolean', default: false, describe: 'no progress on stderr (a bar on a terminal, else a log line every few steps)' })
      .example('$0 solve poisson2d', 'KAN [2,10,1], grids 5→10→20, L-BFGS')
      .example('$0 solve heat1d --model mlp --width 2,20,20,20,1 --optimizer adam+lbfgs', 'an MLP PINN for comparison') as never,
  handler: async (args) => {
    const problem = resolveProblem(args.problem);
    const options = solveOptionsFromArgs(args);
    const resume = args.resume === undefined ? null : readResumeSource(String(args.resume));
    // A resumed run goes on writing where it was saved unless --out says otherwise.
    if (resume && args.out === undefined) args.out = resume.dir;
    if ((options.checkpointEvery ?? 0) > 0 && !args.out) throw new KanpinnInputError('--checkpoint-every: needs --out FOLDER, where the checkpoints are written');
    preflightSolve(problem, options, args.out);
    const out = args.out;
    const checkpoint =
      out && (options.checkpointEvery ?? 0) > 0
        ? async (model: Model, state: TrainCheckpoint): Promise<void> => {
            await writeFileSet(out, checkpointFiles(model, state, { problem: args.problem, config: effectiveConfig(args) }));
          }
        : undefined;
    if (resume) printError(resume.state ? `resuming ${resume.file} at step ${resume.state.loop.totalStep}` : `resuming from ${resume.file}: parameters only (a model file holds no optimizer state; the history starts over)`);
    // Ctrl-C and SIGTERM stop training, then the outputs are written (handlers stay until then).
    const interrupts = catchInterrupts();
    const progress = progressReporter(!args.quiet, `${problem.name} ${options.model ?? SOLVE_DEFAULTS.model}`);
    let outcome;
    try {
      outcome = await solveProblem(problem, options, { onProgress: progress.update, signal: interrupts.signal, ...(checkpoint ? { checkpoint } : {}), ...(resume ? { resume } : {}) });
    } finally {
      progress.stop();
    }
    const { model, result, summary, options: effective } = outcome;
    for (const warning of result.warnings) printError(`warning: ${warning}`);
    let files: string[] = [];
    if (args.out) {
      files = await writeOutputs(args.out, problem, model, result, summary, { ...runSettings(problem, summary, effective, outcome.recipe), config: JSON.stringify(effectiveConfig(args)) }, [runConfigFile(args)]);
    }
    if (args.json) printJson({ ...summary, ...(args.out ? { files } : {}) });
    else {
      printLine(`${summary.problem}: ${summary.model.toUpperCase()} [${summary.width.join(',')}]${summary.grids ? ` grids ${summary.grids.join('→')}` : ''}, ${summary.params} parameters, backend ${summary.backend}`);
      printLine(`  ${summary.status}: ${summary.steps} steps, ${summary.evaluations} loss evaluations, ${summary.seconds.toFixed(1)} s`);
      if (summary.stoppedBy) printLine(`  ${summary.message}`);
      printLine(`  loss ${fmt(summary.loss)}  ${Object.entries(summary.terms).map(([k, v]) => `${k} ${fmt(v, 2)}`).join('  ')}`);
      printLine(`  rel. L2 ${fmt(summary.relL2)}  max |error| ${fmt(summary.maxAbsErr)}${summary.testSet ? `  on ${summary.testSet}` : ''}`);
      const perUnknown = Object.entries(summary.perUnknown ?? {});
      if (perUnknown.length > 1) for (const [name, a] of perUnknown) printLine(`    ${name}: rel. L2 ${fmt(a.relL2)}  max |error| ${fmt(a.maxAbsErr)}`);
      for (const line of parameterLines(summary.parameters)) printLine(`  parameter ${line}`);
      if (summary.jet !== undefined && summary.jet !== 'plain') printLine(`  jet: ${summary.jet}`);
      if (files.length) printLine(`  wrote ${files.join(', ')}`);
    }
    if (result.status === 'diverged') {
      printError(`kanpinn: ${result.message}`);
      process.exitCode = 1;
    } else if (result.status === 'interrupted' || interrupts.received()) {
      const by = interrupts.received();
      printError(`kanpinn: ${result.status === 'interrupted' ? result.message : 'training finished'}${by ? ` (${by})` : ''}${args.out ? '; outputs written' : ''}`);
      process.exitCode = interrupts.exitCode() ?? 130;
    }
    interrupts.dispose();
    model.dispose();
  },
};
