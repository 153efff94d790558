/**
 * The rows of a comparison: their types and how runs aggregate into them. On their own so that the
 * sweep (which trains and aggregates runs) and the table and chart writers (bench/compareOutput.ts)
 * need not import the comparison, which itself runs through the sweep.
 */
import { KanpinnInputError } from '../src/index.js';
import type { SolveSummary } from './summary.js';

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
  /** An inverse problem's parameters: mean and std over seeds of the value, and the mean relative error when the truth is known; absent otherwise. */
  parameters?: Record<string, ParameterRow>;
}

/** One inferred parameter in a row of `compare --json`. */
export interface ParameterRow {
  value: number;
  valueStd: number;
  truth?: number;
  relError?: number;
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

/** One model of a comparison: kind and full layer widths [inputs, hidden…, outputs]. */
export interface CompareModel {
  model: 'kan' | 'mlp';
  width: number[];
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

/** Inferred parameters averaged over runs (value, its std, the mean rel. error against the truth); undefined without any. */
export function aggregateParameters(summaries: Pick<SolveSummary, 'parameters'>[]): Record<string, ParameterRow> | undefined {
  const first = summaries[0]?.parameters;
  if (!first) return undefined;
  return Object.fromEntries(
    Object.entries(first).map(([name, p]) => {
      const values = summaries.map((s) => s.parameters?.[name]?.value ?? NaN);
      const row: ParameterRow = { value: mean(values), valueStd: sampleStd(values) };
      if (p.truth !== undefined) {
        row.truth = p.truth;
        row.relError = mean(summaries.map((s) => s.parameters?.[name]?.relError ?? NaN));
      }
      return [name, row];
    }),
  );
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
    ...(first.parameters ? { parameters: aggregateParameters(summaries)! } : {}),
  };
}
