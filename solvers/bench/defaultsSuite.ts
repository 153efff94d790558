/**
 * The `defaults` benchmark (issue 14): every built-in problem (`kanpinn problems`: the PINNacle
 * tasks and the inverse problems included) solved by a KAN and an MLP with `--recipe auto` and
 * nothing else (no flags, no per-problem hints: the automatic recipe decides from the problem, its
 * step budget included, src/train/budget.ts), beside the tuned recipe's numbers (the accuracy
 * suite's, else the pinnacle suite's hand-set ones) and, for a PINNacle task, the published vanilla
 * PINN's with whether the run beats it (judged as the pinnacle suite judges, `comparePublished`).
 * `--steps N` changes the budget; `--only` and `--model` run a part, which `--save` merges into the
 * saved file.
 */
import { existsSync, readFileSync } from 'node:fs';
import { execFileSync } from 'node:child_process';
import { loadavg } from 'node:os';
import { fileURLToPath } from 'node:url';
import { join } from 'node:path';
import { builtinNames, resolveProblem } from '../../problems/index.js';
import { getThreads, KanpinnInputError } from '../../src/internal.js';
import { solveProblem, type SolveHooks, type SolveOptions, type SolveSummary } from '../solve.js';
import { perUnknownRelL2, runFields } from './runFields.js';
import { comparePublished, loadPublished, perUnknownText, pinnacleSummary, pinnacleTaskOf, type PublishedComparison, type PublishedResult } from './pinnacleSuite.js';
import { printError } from '../cliUtil.js';
import { sci } from './compareOutput.js';

/** One model's automatic-recipe run on one built-in problem (`solve --json` field names). */
export interface DefaultsRun extends Pick<SolveSummary, 'problem' | 'model' | 'width' | 'grids' | 'params' | 'optimizer' | 'steps' | 'seconds' | 'loss' | 'relL2' | 'status'> {
  /** What the automatic recipe chose and why (the spline degree included). */
  decisions: NonNullable<SolveSummary['recipe']>['decisions'];
  /** The grid stage whose model was returned (best on the validation set). */
  returnedStage: number;
  /** The tuned recipe's rel. L2 on this problem and model (accuracy suite of record, else the pinnacle suite's hand-set settings), null where neither has it. */
  tuned: number | null;
  /** What was passed besides the model kind, seed and recipe: empty in the suite of record. */
  override: Partial<SolveOptions>;
  /** The rel. L2 of each unknown alone (null without a test set; absent in files saved before it was recorded). */
  relL2PerUnknown?: Record<string, number> | null;
  /** An inverse problem's recovered scalar parameters (inverse-heat1d's k): value, truth and relative error. */
  parameters?: SolveSummary['parameters'];
  /** A PINNacle task's published numbers and whether this run beats them (absent for the other built-ins). */
  published?: PublishedComparison;
  /** A PINNacle inverse task's unknowns that are recovered parameter fields (PInv's a). */
  parameterFields?: string[];
  /** Loss+gradient evaluations of the run (with `seconds`, its cost per evaluation on this machine; absent in older files). */
  evaluations?: number;
  /** The machine's 1-minute load average when the run ended (the machine is shared: timings depend on it). */
  load?: number;
  /** The kernel threads it ran with (`--threads`, else the machine's cores); absent in files saved before it was recorded. */
  threads?: number;
  /** When the run ended (ISO 8601, UTC); absent in files saved before it was recorded. */
  ranAt?: string;
  /** The source commit that ran it (`git rev-parse --short HEAD`, "+" when the tree had changes); absent outside a git checkout and in older files. */
  commit?: string;
}

/**
 * The tuned recipe's rel. L2 per "problem/model": the accuracy suite's (bench/results/accuracy.json),
 * else the pinnacle suite's hand-set settings (pinnacle.json) for the PINNacle tasks it alone runs.
 * Rows with a label are variants and skipped; absent files give nothing.
 */
export function tunedNumbers(path: string, pinnaclePath?: string): Map<string, number> {
  const out = new Map<string, number>();
  for (const file of [pinnaclePath, path]) {
    if (file === undefined || !existsSync(file)) continue;
    const parsed = JSON.parse(readFileSync(file, 'utf8')) as { runs?: { problem: string; label?: string; model: string; relL2: number | null }[] };
    for (const r of parsed.runs ?? []) if (!r.label && r.relL2 !== null) out.set(`${r.problem}/${r.model}`, r.relL2);
  }
  return out;
}

/** Solves one built-in problem with the automatic recipe (`override` is for tests and `--steps` only). */
export async function runDefaultsProblem(name: string, kind: 'kan' | 'mlp', tuned: ReadonlyMap<string, number>, override: Partial<SolveOptions> = {}, hooks: SolveHooks = {}, published: readonly PublishedResult[] = loadPublished()): Promise<DefaultsRun> {
  const problem = resolveProblem(name);
  const task = pinnacleTaskOf(name);
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
    relL2PerUnknown: perUnknownRelL2(summary),
    evaluations: summary.evaluations,
    ...(summary.parameters && Object.keys(summary.parameters).length ? { parameters: summary.parameters } : {}),
    ...(task ? { published: comparePublished(task, summary.relL2, published) } : {}),
    ...(task?.parameterFields ? { parameterFields: [...task.parameterFields] } : {}),
    load: Math.round(loadavg()[0]! * 10) / 10,
    threads: getThreads(),
    ranAt: new Date().toISOString(),
    ...(sourceCommit() ? { commit: sourceCommit() } : {}),
  };
}

let commitCache: string | null | undefined;
/**
 * The commit of the checkout that runs the suite, "+" appended when tracked files differ from it,
 * so that rows merged from runs at different times say what code made them; undefined outside git.
 */
export function sourceCommit(): string | undefined {
  if (commitCache === undefined) {
    const root = fileURLToPath(new URL('.', import.meta.url)); // git finds the checkout from any folder inside it
    try {
      const head = execFileSync('git', ['rev-parse', '--short', 'HEAD'], { cwd: root, encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim();
      const dirty = execFileSync('git', ['status', '--porcelain', '--untracked-files=no'], { cwd: root, encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim();
      commitCache = head ? `${head}${dirty ? '+' : ''}` : null;
    } catch {
      commitCache = null;
    }
  }
  return commitCache ?? undefined;
}

/** The "ran" cell: UTC month-day and time, and the commit ("—" for rows saved before these were recorded). */
function ranText(r: DefaultsRun): string {
  if (!r.ranAt) return '—';
  const at = r.ranAt.slice(5, 16).replace('T', ' ');
  return r.commit ? `${at} ${r.commit}` : at;
}

/** The per-unknown cell of a run: each unknown's rel. L2 (parameter fields named so), then each recovered scalar parameter. */
function errorsText(r: DefaultsRun): string {
  const scalars = Object.entries(r.parameters ?? {}).map(([n, p]) => `parameter ${n} ${Number(p.value.toPrecision(4))}${p.relError === undefined ? '' : ` (rel. error ${sci(p.relError)})`}`);
  return [perUnknownText(r.relL2PerUnknown, r.parameterFields), ...scalars].filter((t) => t).join(', ');
}

const verdict = (b: boolean | null | undefined): string => (b === null || b === undefined ? '' : b ? 'yes' : '**no**');

/** The suite's Markdown table: one row per problem and model, the tuned recipe's rel. L2 beside and, for a PINNacle task, the published vanilla PINN's. */
export function defaultsTable(runs: readonly DefaultsRun[]): string {
  const head = ['problem', 'model', 'steps', 'seconds', 'load (threads)', 'ran (UTC, commit)', 'rel. L2 (auto)', 'per unknown / parameter', 'rel. L2 (tuned)', 'vanilla PINN', 'beats vanilla', 'status', 'returned stage', 'recipe chose'];
  const lines = [`| ${head.join(' | ')} |`, `|${head.map(() => '---').join('|')}|`];
  for (const r of runs) {
    const model = `${r.model.toUpperCase()} [${r.width.join(',')}]${r.grids && r.model === 'kan' ? ` G${r.grids.join('→')}` : ''}`;
    const chose = r.decisions.map((d) => `${d.option} ${d.value}`).join('; ');
    const cells = [r.problem, model, String(r.steps), r.seconds.toFixed(1), r.load === undefined ? '—' : `${r.load.toFixed(1)}${r.threads === undefined ? '' : ` (${r.threads})`}`, ranText(r), sci(r.relL2), errorsText(r), r.tuned === null ? '—' : sci(r.tuned), r.published ? String(r.published.vanilla) : '', verdict(r.published?.beatsVanilla), r.status, String(r.returnedStage), chose];
    lines.push(`| ${cells.join(' | ')} |`);
  }
  return lines.join('\n');
}

/** Issue 14's time limit: a KAN and an MLP solve of one problem together within 5 minutes. */
export const DEFAULTS_PROBLEM_LIMIT_S = 300;

/**
 * The time per problem in words: KAN + MLP seconds of each problem that has both rows, the largest
 * named, how many stay within DEFAULTS_PROBLEM_LIMIT_S, and the loads, threads and commits the rows
 * ran at (a limit holds on a quiet machine only if the rows say they ran on one).
 */
export function problemTimes(runs: readonly DefaultsRun[]): string {
  const byProblem = new Map<string, DefaultsRun[]>();
  for (const r of runs) byProblem.set(r.problem, [...(byProblem.get(r.problem) ?? []), r]);
  const totals = [...byProblem].flatMap(([problem, rows]) => (rows.some((r) => r.model === 'kan') && rows.some((r) => r.model === 'mlp') ? [{ problem, seconds: rows.reduce((sum, r) => sum + r.seconds, 0), rows }] : []));
  if (totals.length === 0) return '';
  const worst = totals.reduce((a, b) => (b.seconds > a.seconds ? b : a));
  const within = totals.filter((t) => t.seconds <= DEFAULTS_PROBLEM_LIMIT_S).length;
  const rows = totals.flatMap((t) => t.rows);
  const loads = rows.flatMap((r) => (r.load === undefined ? [] : [r.load]));
  const threads = [...new Set(rows.flatMap((r) => (r.threads === undefined ? [] : [r.threads])))].sort();
  const commits = [...new Set(rows.map((r) => r.commit ?? 'unrecorded'))];
  const conditions = [
    loads.length ? `load ${Math.min(...loads).toFixed(1)}–${Math.max(...loads).toFixed(1)}` : '',
    threads.length ? `${threads.join(', ')} kernel thread${threads.length === 1 && threads[0] === 1 ? '' : 's'}` : '',
    `${commits.length === 1 ? 'commit' : 'commits'} ${commits.join(', ')}`,
  ].filter((c) => c);
  return `KAN + MLP time per problem: ${within} of ${totals.length} problems within ${DEFAULTS_PROBLEM_LIMIT_S / 60} minutes; the longest ${worst.problem}, ${worst.seconds.toFixed(0)} s (rows at ${conditions.join(', ')}).`;
}

/** The suite's Markdown body: the table, the count against the published vanilla PINN, the time per problem, and what the columns mean. */
export function defaultsMarkdown(runs: readonly DefaultsRun[]): string {
  const judged = runs.flatMap((r) => (r.published ? [{ model: r.model, relL2: r.relL2, beatsVanilla: r.published.beatsVanilla, beatsBest: r.published.beatsBest }] : []));
  const times = problemTimes(runs);
  const summary = `${judged.length ? `\n\nPINNacle tasks under \`--recipe auto\`: ${pinnacleSummary(judged)}` : ''}${times ? `\n\n${times}` : ''}`;
  return `${defaultsTable(runs)}${summary}\n\nEvery row ran \`--recipe auto\` with no other flag and no problem hint (seed 0); "tuned" is the accuracy suite's rel. L2 with the problem's own recipe (bench/results/accuracy.json), else the pinnacle suite's hand-set settings (pinnacle.json), "—" where neither has it; "vanilla PINN" is PINNacle's published rel. L2 (MLP 5×100, 20k Adam); "load" is the machine's 1-minute load average when the run ended (2 cores, shared), with the kernel threads the run used where recorded; "ran" is when the row ended and the commit that ran it ("+": with uncommitted changes), since rows run at different times are merged.`;
}

/** The problems the suite runs: every built-in (the PINNacle tasks and the inverse problems included), or those `--only` names. */
export function defaultsCases(only?: string): string[] {
  const names = builtinNames();
  const picked = only?.split(',').map((s) => s.trim());
  const unknown = (picked ?? []).filter((n) => !names.includes(n));
  if (unknown.length) throw new KanpinnInputError(`--only: unknown case ${unknown.join(', ')} (cases are ${names.join(', ')})`);
  return picked ? names.filter((n) => picked.includes(n)) : names;
}

/** The runs of `kanpinn bench --suite defaults [--only NAMES] [--model kan|mlp] [--steps N]`: every built-in (or those named), KAN then MLP (or the one model named). */
export async function runDefaultsSuite(args: { only?: string; steps?: number; model?: string }, resultsDir = 'bench/results'): Promise<DefaultsRun[]> {
  if (args.model !== undefined && args.model !== 'kan' && args.model !== 'mlp') throw new KanpinnInputError(`--model: expected kan or mlp, got ${args.model}`);
  const kinds = args.model === undefined ? (['kan', 'mlp'] as const) : ([args.model] as const);
  const names = defaultsCases(args.only);
  const tuned = tunedNumbers(join(resultsDir, 'accuracy.json'), join(resultsDir, 'pinnacle.json'));
  const published = loadPublished();
  const runs: DefaultsRun[] = [];
  for (const name of names) {
    for (const kind of kinds) {
      printError(`bench defaults: ${name} ${kind}`);
      const run = await runDefaultsProblem(name, kind, tuned, args.steps !== undefined ? { steps: args.steps } : {}, {}, published);
      const vanilla = run.published ? `, vanilla PINN ${run.published.vanilla}` : '';
      printError(`  rel. L2 ${sci(run.relL2, 3)} in ${run.seconds.toFixed(1)} s${run.tuned === null ? '' : ` (tuned ${sci(run.tuned, 3)})`}${vanilla}`);
      runs.push(run);
    }
  }
  return runs;
}

/** The parts of a saved defaults file that a partial run (`--only`) merges into. */
export interface DefaultsFileParts {
  command: string;
  seconds: number;
  runs: DefaultsRun[];
}

/**
 * The commands of merged partial runs: each once, in first-run order, with the `--save` folder written
 * DIR (it is wherever the rows were gathered), joined by "; ".
 */
export function joinCommands(...commands: string[]): string {
  const parts = commands.flatMap((c) => c.split(/;\s*/)).map((c) => c.trim().replace(/--save(\s+|=)\S+/, '--save DIR')).filter((c) => c);
  return [...new Set(parts)].join('; ');
}

/**
 * Merges the runs of a partial suite (`--only`) into the saved file at `path`: a problem and model
 * run again replaces its row, the others stay (rows in built-in order, KAN before MLP); the commands
 * are joined with "; " and the wall times added, so that the file says everything that made it. A
 * missing file gives `next` unchanged; a file that is not a defaults result is refused.
 */
export function mergeDefaultsFile<T extends DefaultsFileParts>(path: string, next: T): T {
  if (!existsSync(path)) return next;
  const saved = JSON.parse(readFileSync(path, 'utf8')) as Partial<DefaultsFileParts> & { suite?: unknown };
  if (saved.suite !== 'defaults' || !Array.isArray(saved.runs) || typeof saved.command !== 'string' || typeof saved.seconds !== 'number') {
    throw new KanpinnInputError(`${path}: expected a saved defaults suite (suite, command, seconds, runs) to merge --only runs into`);
  }
  const key = (r: DefaultsRun): string => `${r.problem}/${r.model}`;
  const fresh = new Set(next.runs.map(key));
  const order = builtinNames();
  const rank = (r: DefaultsRun): number => (order.indexOf(r.problem) + 1) * 2 + (r.model === 'kan' ? 0 : 1);
  const runs = [...saved.runs.filter((r) => !fresh.has(key(r))), ...next.runs].sort((a, b) => rank(a) - rank(b));
  return { ...next, command: joinCommands(saved.command, next.command), seconds: Math.round((saved.seconds + next.seconds) * 10) / 10, runs };
}
