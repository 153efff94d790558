/**
 * The KAN-vs-MLP comparison: trains several models on one problem with identical points
 * (same seed → same sampled points), optimizer and step budget (an MLP gets one stage of
 * steps × grids.length steps, the KAN's total), over one or more seeds, and aggregates per model
 * mean ± std of rel. L2 with the cost (parameters, loss evaluations, wall time).
 */
import { BACKEND_NAMES, backendName, builtinNames, defaultBackendName, KanpinnInputError, type BackendName, type Problem } from '../src/internal.js';
import { resolveSolveOptions, type SolveHooks, type SolveOptions, type SolveSummary } from './solve.js';
import { configurationRuns } from './sweep/expand.js';
import { trainRun } from './sweep/runOne.js';

/** One model of a comparison: kind and full layer widths [inputs, hidden…, outputs]. */
export interface CompareModel {
  model: 'kan' | 'mlp';
  width: number[];
}

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

/** Rel. L2 against wall time of one run, from the trainer's history (rows where it was measured). */
export interface ErrorCurve {
  seed: number;
  seconds: number[];
  relL2: number[];
}

/** Errors of one unknown in a row of `compare --json`: means over seeds, and the std of its rel. L2. */
export interface UnknownErrors {
  relL2: number;
  relL2Std: number;
  maxAbsErr: number;
  mse: number;
}

/** One row of `compare --json`: the field names of `solve --json`, values averaged over seeds. */
export interface CompareRow {
  model: 'kan' | 'mlp';
  width: number[];
  grids: number[] | null;
  params: number;
  /** Mean over seeds of evaluations, seconds, loss, terms, mse, relL2, maxAbsErr. */
  evaluations: number;
  seconds: number;
  loss: number;
  terms: Record<string, number>;
  mse: number | null;
  relL2: number | null;
  maxAbsErr: number | null;
  /** Sample standard deviation of rel. L2 over seeds (0 for one seed; null without a reference). */
  relL2Std: number | null;
  /** The same errors for each unknown alone (mean over seeds, and the std of its rel. L2); null without a reference. */
  perUnknown: Record<string, UnknownErrors> | null;
  seeds: number;
  status: SolveSummary['status'][];
  curves: ErrorCurve[];
}

export interface CompareResult {
  problem: string;
  backend: string;
  optimizer: SolveSummary['optimizer'];
  /** Steps per KAN stage; an MLP trains `steps × grids.length` steps in one stage. */
  steps: number;
  points: { interior: number; boundary: number };
  testSet: string | null;
  rows: CompareRow[];
}

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

const mean = (xs: number[]): number => xs.reduce((s, x) => s + x, 0) / xs.length;

/** Sample standard deviation √(Σ(x−x̄)²/(n−1)); 0 for fewer than two values. */
export function sampleStd(xs: number[]): number {
  if (xs.length < 2) return 0;
  const m = mean(xs);
  return Math.sqrt(xs.reduce((s, x) => s + (x - m) ** 2, 0) / (xs.length - 1));
}

/** Mean of the values, or null when any is null (no reference solution). */
function meanOrNull(xs: (number | null)[]): number | null {
  return xs.some((x) => x === null) ? null : mean(xs as number[]);
}

/** Rel. L2 against seconds from a trainer history (`seconds` and `relL2` columns; unmeasured rows skipped). */
export function errorCurve(history: { columns: string[]; rows: number[][] }, seed: number): ErrorCurve {
  const t = history.columns.indexOf('seconds');
  const e = history.columns.indexOf('relL2');
  const curve: ErrorCurve = { seed, seconds: [], relL2: [] };
  if (t < 0 || e < 0) return curve;
  for (const row of history.rows) {
    const s = row[t]!;
    const r = row[e]!;
    if (Number.isFinite(s) && Number.isFinite(r)) {
      curve.seconds.push(Math.round(s * 1000) / 1000);
      curve.relL2.push(r);
    }
  }
  return curve;
}

/** Per-unknown errors averaged over runs; null when any run lacks them (no reference solution). */
export function aggregatePerUnknown(summaries: Pick<SolveSummary, 'perUnknown'>[]): Record<string, UnknownErrors> | null {
  const all = summaries.map((s) => s.perUnknown ?? null);
  if (all.length === 0 || all.some((p) => p === null)) return null;
  const tables = all as Record<string, { relL2: number; maxAbsErr: number; mse: number }>[];
  const names = Object.keys(tables[0]!);
  const of = (name: string, key: 'relL2' | 'maxAbsErr' | 'mse'): number[] => tables.map((t) => t[name]?.[key] ?? NaN);
  return Object.fromEntries(names.map((n) => [n, { relL2: mean(of(n, 'relL2')), relL2Std: sampleStd(of(n, 'relL2')), maxAbsErr: mean(of(n, 'maxAbsErr')), mse: mean(of(n, 'mse')) }]));
}

/** Aggregates the runs of one model (one summary per seed) into a row. */
export function aggregateRuns(spec: CompareModel, runs: { summary: SolveSummary; curve: ErrorCurve }[]): CompareRow {
  const summaries = runs.map((r) => r.summary);
  const first = summaries[0];
  if (!first) throw new KanpinnInputError('seeds: expected at least one run per model, got 0');
  const relL2s = summaries.map((s) => s.relL2);
  const termNames = Object.keys(first.terms);
  return {
    model: spec.model,
    width: first.width,
    grids: first.grids,
    params: first.params,
    evaluations: mean(summaries.map((s) => s.evaluations)),
    seconds: Math.round(mean(summaries.map((s) => s.seconds)) * 1000) / 1000,
    loss: mean(summaries.map((s) => s.loss)),
    terms: Object.fromEntries(termNames.map((n) => [n, mean(summaries.map((s) => s.terms[n] ?? NaN))])),
    mse: meanOrNull(summaries.map((s) => s.mse)),
    relL2: meanOrNull(relL2s),
    maxAbsErr: meanOrNull(summaries.map((s) => s.maxAbsErr)),
    relL2Std: relL2s.some((x) => x === null) ? null : sampleStd(relL2s as number[]),
    perUnknown: aggregatePerUnknown(summaries),
    seeds: summaries.length,
    status: summaries.map((s) => s.status),
    curves: runs.map((r) => r.curve),
  };
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
