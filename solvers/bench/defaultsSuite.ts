/**
 * The `defaults` benchmark (issue 14): every built-in problem (`kanpinn problems`) solved by a KAN
 * and an MLP with `--recipe auto` and nothing else (no flags, no per-problem hints: the automatic
 * recipe decides from the problem), beside the tuned recipe's numbers where the accuracy suite has
 * them (bench/results/accuracy.json). The step budget is the defaults' (3 × 50 L-BFGS steps for a
 * KAN, the same total for an MLP), measured at under 5 minutes per problem on the 2-core machine
 * for the non-PINNacle problems; `--steps N` changes it.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { builtinNames, resolveProblem } from '../../problems/index.js';
import { KanpinnInputError } from '../../src/internal.js';
import { solveProblem, type SolveHooks, type SolveOptions, type SolveSummary } from '../solve.js';
import { runFields } from './runFields.js';
import { printError } from '../cliUtil.js';
import { sci } from './compareOutput.js';

/** One model's automatic-recipe run on one built-in problem (`solve --json` field names). */
export interface DefaultsRun extends Pick<SolveSummary, 'problem' | 'model' | 'width' | 'grids' | 'params' | 'optimizer' | 'steps' | 'seconds' | 'loss' | 'relL2' | 'status'> {
  /** What the automatic recipe chose and why (the spline degree included). */
  decisions: NonNullable<SolveSummary['recipe']>['decisions'];
  /** The grid stage whose model was returned (best on the validation set). */
  returnedStage: number;
  /** The tuned recipe's rel. L2 on this problem and model (accuracy suite of record), null where it has none. */
  tuned: number | null;
  /** What was passed besides the model kind, seed and recipe: empty in the suite of record. */
  override: Partial<SolveOptions>;
}

/** The tuned recipe's rel. L2 per "problem/model" from a saved accuracy suite (rows with a label are variants and skipped). */
export function tunedNumbers(path: string): Map<string, number> {
  const out = new Map<string, number>();
  if (!existsSync(path)) return out;
  const parsed = JSON.parse(readFileSync(path, 'utf8')) as { runs?: { problem: string; label?: string; model: string; relL2: number | null }[] };
  for (const r of parsed.runs ?? []) if (!r.label && r.relL2 !== null) out.set(`${r.problem}/${r.model}`, r.relL2);
  return out;
}

/** Solves one built-in problem with the automatic recipe (`override` is for tests and `--steps` only). */
export async function runDefaultsProblem(name: string, kind: 'kan' | 'mlp', tuned: ReadonlyMap<string, number>, override: Partial<SolveOptions> = {}, hooks: SolveHooks = {}): Promise<DefaultsRun> {
  const problem = resolveProblem(name);
  const { model, summary, result } = await solveProblem(problem, { seed: 0, ...override, recipe: 'auto', model: kind }, hooks);
  model.dispose();
  return {
    problem: problem.name,
    model: kind,
    ...runFields(summary),
    decisions: summary.recipe?.decisions ?? [],
    returnedStage: result.returnedStage,
    tuned: tuned.get(`${problem.name}/${kind}`) ?? null,
    override,
  };
}

/** The suite's Markdown table: one row per problem and model, the tuned recipe's rel. L2 beside. */
export function defaultsTable(runs: readonly DefaultsRun[]): string {
  const lines = ['| problem | model | steps | seconds | rel. L2 (auto) | rel. L2 (tuned) | status | returned stage | recipe chose |', '|---|---|---|---|---|---|---|---|---|'];
  for (const r of runs) {
    const model = `${r.model.toUpperCase()} [${r.width.join(',')}]${r.grids && r.model === 'kan' ? ` G${r.grids.join('→')}` : ''}`;
    const chose = r.decisions.map((d) => `${d.option} ${d.value}`).join('; ');
    lines.push(`| ${r.problem} | ${model} | ${r.steps} | ${r.seconds.toFixed(1)} | ${sci(r.relL2)} | ${r.tuned === null ? '—' : sci(r.tuned)} | ${r.status} | ${r.returnedStage} | ${chose} |`);
  }
  return lines.join('\n');
}

/** The suite's Markdown body: the table and what the decisions mean. */
export function defaultsMarkdown(runs: readonly DefaultsRun[]): string {
  return `${defaultsTable(runs)}\n\nEvery row ran \`--recipe auto\` with no other flag and no problem hint (seed 0); "tuned" is the accuracy suite's rel. L2 with the problem's own recipe (bench/results/accuracy.json), "—" where it has none.`;
}

/** The runs of `kanpinn bench --suite defaults [--only NAMES] [--steps N]`: every built-in (or those named), KAN then MLP. */
export async function runDefaultsSuite(args: { only?: string; steps?: number }, resultsDir = 'bench/results'): Promise<DefaultsRun[]> {
  const names = builtinNames();
  const only = args.only?.split(',').map((s) => s.trim());
  const unknown = (only ?? []).filter((n) => !names.includes(n));
  if (unknown.length) throw new KanpinnInputError(`--only: unknown case ${unknown.join(', ')} (cases are ${names.join(', ')})`);
  const tuned = tunedNumbers(join(resultsDir, 'accuracy.json'));
  const runs: DefaultsRun[] = [];
  for (const name of names) {
    if (only && !only.includes(name)) continue;
    for (const kind of ['kan', 'mlp'] as const) {
      printError(`bench defaults: ${name} ${kind}`);
      const run = await runDefaultsProblem(name, kind, tuned, args.steps !== undefined ? { steps: args.steps } : {});
      printError(`  rel. L2 ${sci(run.relL2, 3)} in ${run.seconds.toFixed(1)} s${run.tuned === null ? '' : ` (tuned ${sci(run.tuned, 3)})`}`);
      runs.push(run);
    }
  }
  return runs;
}
