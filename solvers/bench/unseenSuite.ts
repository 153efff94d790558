/**
 * The `unseen` benchmark: problem files nobody tuned for (bench/unseen/*.json — a Helmholtz problem
 * with a hole, a high-frequency wave, Burgers with a steep front, a 4th-order beam, a
 * diffusion–reaction with a sin 8x source, a 5-D Poisson), solved by a KAN and an MLP with the
 * defaults only: no flags, no per-problem hints (the files carry none; the test checks it). The
 * files are kept out of the built-ins so that the measure of the defaults stays honest (issue 14).
 */
import { existsSync, readdirSync } from 'node:fs';
import { basename, join } from 'node:path';
import { KanpinnInputError, loadProblem, writeFileAtomic } from '../../src/internal.js';
import { solveProblem, type SolveHooks, type SolveOptions, type SolveSummary } from '../solve.js';
import { runFields } from './runFields.js';
import { printError, printJson, printLine } from '../cliUtil.js';
import { sci } from './compareOutput.js';
import { machineInfo, type MachineInfo } from './machine.js';

/** Where the unseen problem files live, relative to the repository root. */
export const UNSEEN_DIR = 'bench/unseen';

/** Problem-file fields that tune a solve; an unseen problem must carry none of them. */
export const HINT_FIELDS = ['solver', 'weights', 'points'] as const;

/** The unseen problem files in `dir`, sorted by name. */
export function unseenFiles(dir: string = UNSEEN_DIR): string[] {
  if (!existsSync(dir)) throw new KanpinnInputError(`--suite unseen: folder "${dir}" not found (run from the repository root)`);
  return readdirSync(dir)
    .filter((f) => f.endsWith('.json'))
    .sort()
    .map((f) => join(dir, f));
}

/** One model's defaults-only run on one unseen problem (`solve --json` field names). */
export interface UnseenRun extends Pick<SolveSummary, 'problem' | 'model' | 'width' | 'grids' | 'params' | 'optimizer' | 'steps' | 'seconds' | 'loss' | 'relL2' | 'maxAbsErr' | 'status'> {
  /** The problem's file. */
  file: string;
  /** A KAN's spline degree (automatic unless `override` sets it); null for an MLP. */
  k: number | null;
  /** The grid stage whose model was returned (best on the validation set). */
  returnedStage: number;
  /** What was passed besides the model kind and seed: empty in the suite of record (`--steps` or tests fill it). */
  override: Partial<SolveOptions>;
}

/**
 * Solves one unseen problem file with the defaults (`override` is for tests and `--steps` only;
 * the suite of record passes nothing).
 */
export async function runUnseenProblem(file: string, kind: 'kan' | 'mlp', override: Partial<SolveOptions> = {}, hooks: SolveHooks = {}): Promise<UnseenRun> {
  const problem = loadProblem(file);
  const { model, summary, result, recipe } = await solveProblem(problem, { seed: 0, ...override, model: kind }, hooks);
  model.dispose();
  return {
    problem: problem.name,
    file: basename(file),
    model: kind,
    ...runFields(summary),
    maxAbsErr: summary.maxAbsErr,
    k: recipe.k?.value ?? null,
    returnedStage: result.returnedStage,
    override,
  };
}

/** The suite's Markdown table: one row per problem and model. */
export function unseenTable(runs: readonly UnseenRun[]): string {
  const lines = ['| problem | model | params | steps | seconds | loss | rel. L2 | max abs err | status | returned stage |', '|---|---|---|---|---|---|---|---|---|---|'];
  for (const r of runs) {
    const model = `${r.model.toUpperCase()} [${r.width.join(',')}]${r.grids && r.model === 'kan' ? ` G${r.grids.join('→')}` : ''}${r.k === null ? '' : ` k=${r.k}`}`;
    lines.push(`| ${r.problem} | ${model} | ${r.params} | ${r.steps} | ${r.seconds.toFixed(1)} | ${sci(r.loss)} | ${sci(r.relL2)} | ${sci(r.maxAbsErr)} | ${r.status} | ${r.returnedStage} |`);
  }
  return lines.join('\n');
}

/** The saved file of one suite run (`--save DIR` writes DIR/unseen.json and DIR/unseen.md). */
export interface UnseenSuiteFile {
  suite: 'unseen';
  machine: MachineInfo;
  command: string;
  seconds: number;
  runs: UnseenRun[];
}

/** `kanpinn bench --suite unseen [--only NAMES] [--steps N] [--save DIR] [--json]`: every file, KAN then MLP. */
export async function runUnseenSuite(args: { json: boolean; only?: string; steps?: number; save?: string; dir?: string }): Promise<UnseenSuiteFile> {
  if (args.steps !== undefined && (!Number.isInteger(args.steps) || args.steps < 1)) throw new KanpinnInputError(`--steps: expected an integer >= 1, got ${args.steps}`);
  const files = unseenFiles(args.dir);
  const names = files.map((f) => loadProblem(f).name);
  const only = args.only?.split(',').map((s) => s.trim());
  const unknown = (only ?? []).filter((n) => !names.includes(n));
  if (unknown.length) throw new KanpinnInputError(`--only: unknown case ${unknown.join(', ')} (cases are ${names.join(', ')})`);
  const start = performance.now();
  const runs: UnseenRun[] = [];
  for (const [i, file] of files.entries()) {
    if (only && !only.includes(names[i]!)) continue;
    for (const kind of ['kan', 'mlp'] as const) {
      printError(`bench unseen: ${names[i]} ${kind}`);
      const run = await runUnseenProblem(file, kind, args.steps !== undefined ? { steps: args.steps } : {});
      printError(`  rel. L2 ${sci(run.relL2, 3)} in ${run.seconds.toFixed(1)} s`);
      runs.push(run);
    }
  }
  const command = `kanpinn bench ${process.argv.slice(3).filter((a) => a !== '--json').join(' ')}`.trim();
  const result: UnseenSuiteFile = { suite: 'unseen', machine: machineInfo(), command, seconds: Math.round((performance.now() - start) / 100) / 10, runs };
  const table = unseenTable(runs);
  if (args.save) {
    await writeFileAtomic(join(args.save, 'unseen.json'), `${JSON.stringify(result, null, 2)}\n`);
    await writeFileAtomic(join(args.save, 'unseen.md'), `${table}\n`);
  }
  if (args.json) printJson(result);
  else {
    printLine(table);
    if (args.save) printLine(`wrote ${join(args.save, 'unseen.json')}, ${join(args.save, 'unseen.md')}`);
  }
  return result;
}
