/**
 * The KAN-vs-MLP comparison: trains several models on one problem with identical points
 * (same seed → same sampled points), optimizer and step budget (an MLP gets one stage of
 * steps × grids.length steps, the KAN's total), over one or more seeds, and aggregates per model
 * mean ± std of rel. L2 with the cost (parameters, loss evaluations, wall time).
 */
import { BACKEND_NAMES, backendName, builtinNames, defaultBackendName, KanpinnInputError, type BackendName, type Problem } from '../src/internal.js';
import { aggregateRuns, type CompareModel, type CompareResult, type CompareRow, type ErrorCurve } from './compareRows.js';
import { resolveSolveOptions, type SolveHooks, type SolveOptions, type SolveSummary } from './solve.js';
import { configurationRuns } from './sweep/expand.js';
import { trainRun } from './sweep/runOne.js';


export interface CompareOptions {
  /** Models in the order they are trained and reported; null: `defaultCompareModels(problem)`. */
  models: CompareModel[] | null;
  /** Seeds 0 … seeds−1; every model is trained once per seed. */
  seeds: number;
  /** Training settings shared by every model (model and width are set per model). */
  training: Partial<SolveOptions>;
}

/** Defaults of `CompareOptions`: the issue's three models, one seed, `solve`'s training defaults. */
export const COMPARE_DEFAULTS: CompareOptions = { models: null, seeds: 1, training: {} };

export type { CompareModel, CompareResult, CompareRow, ErrorCurve, UnknownErrors } from './compareRows.js';
export { aggregatePerUnknown, aggregateRuns, errorCurve, sampleStd } from './compareRows.js';

/** The default line-up: KAN [d,10,1] (grids from the training options), MLP [d,16,16,1], MLP [d,100,100,100,1]. */
export function defaultCompareModels(problem: Problem): CompareModel[] {
  const d = problem.variables.length;
  const o = problem.unknowns.length;
  return [
    { model: 'kan', width: [d, 10, o] },
    { model: 'mlp', width: [d, 16, 16, o] },
    { model: 'mlp', width: [d, 100, 100, 100, o] },
  ];
}

/**
 * Full widths for a `--kan`/`--mlp` value: taken as full widths when it has ≥ 3 entries starting
 * with the problem's input count and ending with its output count, else as hidden widths.
 */
export function compareWidth(problem: Problem, given: number[], flag: string): number[] {
  const d = problem.variables.length;
  const o = problem.unknowns.length;
  if (given.length === 0 || given.some((w) => !Number.isInteger(w) || w < 1)) {
    throw new KanpinnInputError(`--${flag}: expected positive integer widths such as 10 or ${d},10,${o}, got "${given.join(',')}"`);
  }
  if (given.length >= 3 && given[0] === d && given[given.length - 1] === o) return given;
  return [d, ...given, o];
}

/** Progress of a comparison: which model and seed is training, and the trainer's own events. */
export interface CompareHooks extends SolveHooks {
  onRun?: (run: { index: number; total: number; model: CompareModel; seed: number }) => void;
}

/** The backend the runs train on (as `RunSpec.backend`): the active tfjs backend when it is one of ours. */
function activeBackend(): BackendName {
  const name = backendName();
  return (BACKEND_NAMES as readonly string[]).includes(name) ? (name as BackendName) : defaultBackendName();
}

/**
 * Trains every model once per seed on identical points and budget; returns one row per model.
 * A comparison is a small sweep run in this process: its runs are planned by the sweep's
 * `configurationRuns` (same effective settings, same run ids) and trained by its `trainRun`, and the
 * rows aggregate them as the sweep's plots do, so `compare` and `sweep` report the same numbers.
 */
export async function compareModels(problem: Problem, partial: Partial<CompareOptions> = {}, hooks: CompareHooks = {}): Promise<CompareResult> {
  const options: CompareOptions = { ...COMPARE_DEFAULTS, ...partial };
  if (!Number.isInteger(options.seeds) || options.seeds < 1) throw new KanpinnInputError(`--seeds: expected an integer >= 1, got ${options.seeds}`);
  const models = options.models ?? defaultCompareModels(problem);
  if (models.length === 0) throw new KanpinnInputError('models: expected at least one model to compare, got none');
  const { seed: base = 0, ...training } = options.training;
  const seeds = Array.from({ length: options.seeds }, (_, s) => base + s);
  const identity = builtinNames().includes(problem.name) ? `builtin:${problem.name}` : `problem:${problem.name}`;
  const backend = activeBackend();
  const rows: CompareRow[] = [];
  let last: SolveSummary | null = null;
  let index = 0;
  for (const spec of models) {
    const planned = configurationRuns({ key: problem.name, problem, identity, settings: { ...training, model: spec.model, width: spec.width }, name: null }, seeds, backend, { timeout: null, attempts: 1 });
    const runs: { summary: SolveSummary; curve: ErrorCurve }[] = [];
    for (const run of planned) {
      hooks.onRun?.({ index: index++, total: models.length * options.seeds, model: spec, seed: run.seed });
      const { model, summary, curve } = await trainRun(run, problem, hooks);
      model.dispose();
      runs.push({ summary, curve });
      last = summary;
      if (hooks.signal?.aborted) break;
    }
    rows.push(aggregateRuns(spec, runs));
    if (hooks.signal?.aborted) break;
  }
  return {
    problem: problem.name,
    backend: last?.backend ?? 'unknown',
    optimizer: last?.optimizer ?? 'lbfgs',
    steps: resolveSolveOptions(problem, options.training).steps,
    points: {
      interior: options.training.points ?? problem.defaults.interiorPoints,
      boundary: options.training.boundaryPoints ?? problem.defaults.boundaryPoints,
    },
    testSet: last?.testSet ?? null,
    rows,
  };
}
