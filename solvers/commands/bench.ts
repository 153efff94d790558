/**
 * `kanpinn bench`: the benchmark suites of record — eval (cost per loss+gradient), accuracy
 * (time-to-accuracy, KAN and MLP, six problems), paper (the KAN paper's Poisson claim). Prints a
 * table or `--json`; `--save DIR` writes DIR/S.json and DIR/S.md; `--readme` regenerates the
 * README's Benchmarks section from the saved files.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { CommandModule } from 'yargs';
import { KanpinnInputError, setBackend, setThreads, setJetChoice, parseBackendName, defaultBackendName } from '../../src/internal.js';
import { ACCURACY_TASKS, ACCURACY_THRESHOLDS, runAccuracyTask, type AccuracyRun } from '../bench/accuracySuite.js';
import { EVAL_CASES, repeatsFor, runEvalCase, type EvalResult } from '../bench/evalSuite.js';
import { machineInfo } from '../bench/machine.js';
import { runPaperSuite } from '../bench/paperSuite.js';
import { loadPublished, PINNACLE_TASKS, runPinnacleTask, type PinnacleRun } from '../bench/pinnacleSuite.js';
import { runSymbolicSuite } from '../bench/symbolicSuite.js';
import { runUnseenSuite } from '../bench/unseenSuite.js';
import { mergeDefaultsFile, runDefaultsSuite } from '../bench/defaultsSuite.js';
import { RESULTS_DIR, sectionsFromResults, updateReadme } from '../bench/readme.js';
import { SUITE_NAMES, saveSuiteFile, suiteMarkdown, type SuiteFile, type SuiteName } from '../bench/results.js';
import { writeFileAtomic } from '../../src/internal.js';
import { printError, printJson, printLine } from '../cliUtil.js';
import { prepareOutputDir } from '../outputs.js';

interface BenchArgs {
  suite: string;
  json: boolean;
  quick: boolean;
  only?: string;
  model?: string;
  steps?: number;
  save?: string;
  readme: boolean;
  results: string;
  readmeFile: string;
  backend?: string;
  threads?: number;
  jet?: 'auto' | 'plain';
}

/** Names in `--only`, each checked against the suite's names. */
function pick<T>(items: T[], name: (t: T) => string, only: string | undefined): T[] {
  if (!only) return items;
  const names = only.split(',').map((s) => s.trim());
  const unknown = names.filter((n) => !items.some((t) => name(t) === n));
  if (unknown.length) throw new KanpinnInputError(`--only: unknown case ${unknown.join(', ')} (cases are ${items.map(name).join(', ')})`);
  return items.filter((t) => names.includes(name(t)));
}

function runEval(args: BenchArgs): EvalResult[] {
  const results: EvalResult[] = [];
  for (const c of pick(EVAL_CASES, (c) => c.name, args.only)) {
    const { repeats, warmup } = repeatsFor(c, args.quick);
    if (!args.json) printError(`bench eval: ${c.name} (${repeats} repeats)`);
    results.push(runEvalCase(c, repeats, warmup));
  }
  return results;
}

async function runAccuracy(args: BenchArgs): Promise<AccuracyRun[]> {
  const runs: AccuracyRun[] = [];
  for (const task of pick(ACCURACY_TASKS, (t) => t.label ?? t.problem, args.only)) {
    for (const kind of ['kan', 'mlp'] as const) {
      printError(`bench accuracy: ${task.label ?? task.problem} ${kind}`);
      const run = await runAccuracyTask(task, kind, args.steps !== undefined ? { steps: args.steps } : {});
      const beats = run.beatsPublished === null ? '' : run.beatsPublished ? `, beats published ${run.published}` : `, does NOT beat published ${run.published}`;
      printError(`  rel. L2 ${run.relL2?.toExponential(3) ?? 'n/a'} in ${run.seconds.toFixed(1)} s${beats}`);
      runs.push(run);
    }
  }
  return runs;
}

async function runPinnacle(args: BenchArgs): Promise<PinnacleRun[]> {
  const published = loadPublished();
  const runs: PinnacleRun[] = [];
  for (const task of pick(PINNACLE_TASKS, (t) => t.problem, args.only)) {
    for (const kind of ['kan', 'mlp'] as const) {
      printError(`bench pinnacle: ${task.problem} ${kind}`);
      const run = await runPinnacleTask(task, kind, published, args.steps !== undefined ? { steps: args.steps } : {});
      printError(`  rel. L2 ${run.relL2?.toExponential(3) ?? 'n/a'} in ${run.seconds.toFixed(1)} s (vanilla PINN ${run.vanilla}, best ${run.best})`);
      runs.push(run);
    }
  }
  return runs;
}

export const benchCommand: CommandModule<object, BenchArgs> = {
  command: 'bench',
  describe: 'run a benchmark suite: eval (cost per loss+gradient), accuracy (time to accuracy, KAN vs MLP), paper (the KAN paper claim), pinnacle (every built-in PINNacle task, KAN vs MLP vs the published numbers), symbolic (interpretability timings), unseen (defaults only on the problems of bench/unseen), defaults (--recipe auto on every built-in problem, beside the tuned numbers)',
  builder: (y) =>
    y
      .option('suite', { type: 'string', default: 'eval', describe: `suite to run: ${SUITE_NAMES.join(', ')}, symbolic, unseen` })
      .option('json', { type: 'boolean', default: false, describe: 'print one JSON object' })
      .option('quick', { type: 'boolean', default: false, describe: 'eval: fewer repeats (noisier)' })
      .option('only', { type: 'string', describe: 'comma-separated case names (eval) or problems (accuracy, pinnacle, defaults) to run; defaults with --save merges them into the saved file' })
      .option('model', { type: 'string', describe: 'defaults: run only this model (kan or mlp); with --save the other rows of the saved file stay' })
      .option('steps', { type: 'number', describe: 'accuracy/paper/pinnacle: steps per KAN stage instead of the suite\'s (an MLP gets the same total)' })
      .option('save', { type: 'string', describe: 'write DIR/SUITE.json and DIR/SUITE.md' })
      .option('threads', { type: 'number', describe: "CPU threads of the KAN and MLP kernels (default: KANPINN_THREADS, else the machine's cores)" })
      .option('jet', { type: 'string', choices: ['auto', 'plain'], describe: 'jet channels of the loss terms (as solve --jet): auto uses the forward Laplacian where a residual allows it, plain never (for comparisons)' })
      .option('readme', { type: 'boolean', default: false, describe: 'rewrite the README Benchmarks section from the saved results (runs no suite)' })
      .option('results', { type: 'string', default: RESULTS_DIR, describe: 'with --readme: folder of the saved SUITE.json files' })
      .option('readme-file', { type: 'string', default: 'README.md', describe: 'with --readme: the README to rewrite' })
      .example('$0 bench --suite accuracy --save bench/results', 'the accuracy suite of record (< 30 min)')
      .example('$0 bench --readme', 'regenerate the README tables from bench/results') as never,
  handler: async (args) => {
    if (args.readme) {
      const sections = sectionsFromResults(args.results);
      const before = readFileSync(args.readmeFile, 'utf8');
      await writeFileAtomic(args.readmeFile, updateReadme(before, sections));
      printLine(`updated ${args.readmeFile}: ${Object.keys(sections).join(', ') || 'no result files found, markers only'}`);
      return;
    }
    if (args.threads !== undefined) {
      if (!Number.isInteger(args.threads) || args.threads < 1) throw new KanpinnInputError(`--threads: expected an integer >= 1, got ${args.threads}`);
      setThreads(args.threads);
    }
    if (args.jet !== undefined) setJetChoice(args.jet);
    if (args.save !== undefined) prepareOutputDir(args.save, '--save');
    if (args.suite === 'symbolic') {
      // Interpretability timings (hello-KAN workflow, symbolic fitting vs pykan, Example 6): JSON only.
      await setBackend(args.backend ? parseBackendName(args.backend, '--backend') : defaultBackendName());
      const result = { ...(await runSymbolicSuite()), machine: machineInfo() };
      if (args.save) {
        const path = join(args.save, 'symbolic.json');
        await writeFileAtomic(path, `${JSON.stringify(result, null, 2)}\n`);
        if (!args.json) printLine(`wrote ${path}`);
      }
      printJson(result);
      return;
    }
    if (args.suite === 'unseen') {
      // Defaults only on the problem files kept aside in bench/unseen (issue 14): KAN and MLP.
      await setBackend(args.backend ? parseBackendName(args.backend, '--backend') : defaultBackendName());
      await runUnseenSuite(args);
      return;
    }
    if (!(SUITE_NAMES as readonly string[]).includes(args.suite)) {
      throw new KanpinnInputError(`--suite: unknown suite "${args.suite}" (expected one of ${[...SUITE_NAMES, 'symbolic', 'unseen'].join(', ')})`);
    }
    if (args.steps !== undefined && (!Number.isInteger(args.steps) || args.steps < 1)) throw new KanpinnInputError(`--steps: expected an integer >= 1, got ${args.steps}`);
    const suite = args.suite as SuiteName;
    await setBackend(args.backend ? parseBackendName(args.backend, '--backend') : defaultBackendName());
    const start = performance.now();
    const command = `kanpinn bench ${process.argv.slice(3).filter((a) => a !== '--json').join(' ')}`.trim();
    const base = (): { machine: ReturnType<typeof machineInfo>; backend: string; command: string; seconds: number } => {
      const machine = machineInfo();
      return { machine, backend: machine.backend, command, seconds: Math.round((performance.now() - start) / 100) / 10 };
    };
    let file: SuiteFile;
    switch (suite) {
      case 'eval': {
        const results = runEval(args);
        file = { suite, ...base(), results };
        break;
      }
      case 'accuracy': {
        const runs = await runAccuracy(args);
        file = { suite, ...base(), thresholds: [...ACCURACY_THRESHOLDS], runs };
        break;
      }
      case 'pinnacle': {
        const runs = await runPinnacle(args);
        file = { suite, ...base(), runs };
        break;
      }
      case 'defaults': {
        // --recipe auto on every built-in problem, KAN and MLP, beside the tuned numbers (issue 14).
        const runs = await runDefaultsSuite(args, args.results);
        file = { suite, ...base(), runs };
        // A partial run (--only, --model) replaces its rows in the saved file and keeps the others.
        if (args.save && (args.only || args.model)) file = mergeDefaultsFile(join(args.save, 'defaults.json'), file);
        break;
      }
      case 'paper': {
        const result = await runPaperSuite(args.steps !== undefined ? { steps: args.steps } : {}, { onModel: (kind) => printError(`bench paper: ${kind}`) });
        file = { suite, ...base(), result };
        break;
      }
      default: {
        const never: never = suite;
        throw new KanpinnInputError(`--suite: unknown suite "${String(never)}"`);
      }
    }
    const files = args.save ? await saveSuiteFile(args.save, file) : [];
    if (args.json) printJson(file);
    else {
      printLine(suiteMarkdown(file).trimEnd());
      if (files.length) printLine(`wrote ${files.join(', ')}`);
    }
  },
};
