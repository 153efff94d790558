/**
 * The sweep's results: one row per run with the `solve --json` fields, one row per configuration
 * with mean ± std over its seeds, and the plots of `compare` per problem. Pure builders plus one
 * writer; nothing here prints.
 */
import { join } from 'node:path';
import { writeFileAtomic } from '../../src/internal.js';
import { errorVsParamsSvg, errorVsTimeSvg, sci } from '../bench/compareOutput.js';
import { aggregateRuns, sampleStd, type CompareResult } from '../compareRows.js';
import type { SolveSummary } from '../solve.js';
import type { RunSpec } from './expand.js';
import type { RunRecord } from './records.js';

/** One run in results.json: where it stands, plus every `solve --json` field once it is done. */
export type RunRow = {
  id: string;
  config: string;
  label: string;
  state: 'done' | 'failed' | 'pending';
  error: string | null;
  /** The run's output folder, relative to the sweep's --out. */
  dir: string;
  problem: string;
  seed: number;
} & Partial<Omit<SolveSummary, 'problem' | 'seed'>>;

/** Metrics averaged over the seeds of a configuration. */
export const AGGREGATED = ['loss', 'relL2', 'maxAbsErr', 'mse', 'seconds', 'evaluations'] as const;
export type AggregatedMetric = (typeof AGGREGATED)[number];

/** One configuration (all settings but the seed): mean and sample std over its finished runs. */
export interface ConfigurationRow {
  config: string;
  label: string;
  problem: string;
  model: 'kan' | 'mlp' | null;
  width: number[] | null;
  grids: number[] | null;
  optimizer: string | null;
  params: number | null;
  /** Finished runs / runs of this configuration. */
  done: number;
  runs: number;
  failed: number;
  mean: Record<AggregatedMetric, number | null>;
  std: Record<AggregatedMetric, number | null>;
}

export interface SweepResults {
  sweep: string;
  backend: string;
  runs: RunRow[];
  configurations: ConfigurationRow[];
}

const mean = (xs: number[]): number => xs.reduce((s, x) => s + x, 0) / xs.length;

/** Builds the results of `runs` (in sweep order) from the finished records and the failures. */
export function buildResults(sweep: string, backend: string, runs: RunSpec[], records: Map<string, RunRecord>, failures: Map<string, string>): SweepResults {
  const rows: RunRow[] = runs.map((run) => {
    const record = records.get(run.id);
    const base = { id: run.id, config: run.config, label: run.configLabel, dir: `runs/${run.id}`, problem: run.problemName, seed: run.seed };
    if (!record) return { ...base, state: failures.has(run.id) ? 'failed' : 'pending', error: failures.get(run.id) ?? null };
    const { problem: _p, seed: _s, ...summary } = record.summary;
    return { ...base, state: 'done', error: null, ...summary };
  });
  const configs = new Map<string, RunSpec[]>();
  for (const run of runs) configs.set(run.config, [...(configs.get(run.config) ?? []), run]);
  const configurations = [...configs.values()].map((group): ConfigurationRow => {
    const first = group[0]!;
    const done = group.map((r) => records.get(r.id)?.summary).filter((s): s is SolveSummary => s !== undefined);
    const stat = (f: (xs: number[]) => number): Record<AggregatedMetric, number | null> =>
      Object.fromEntries(
        AGGREGATED.map((m) => {
          const xs = done.map((s) => s[m]);
          return [m, xs.length === 0 || xs.some((x) => x === null) ? null : f(xs as number[])];
        }),
      ) as Record<AggregatedMetric, number | null>;
    const s = done[0];
    return {
      config: first.config,
      label: first.configLabel,
      problem: first.problemName,
      model: s?.model ?? null,
      width: s?.width ?? null,
      grids: s?.grids ?? null,
      optimizer: s?.optimizer ?? null,
      params: s?.params ?? null,
      done: done.length,
      runs: group.length,
      failed: group.filter((r) => failures.has(r.id)).length,
      mean: stat(mean),
      std: stat(sampleStd),
    };
  });
  return { sweep, backend, runs: rows, configurations };
}

const csvCell = (v: unknown): string => {
  if (v === null || v === undefined) return '';
  const text = Array.isArray(v) ? v.join(' ') : String(v);
  return /[",\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
};

/** results.csv: one line per run (sweep order) with the `solve --json` fields; terms as `loss:NAME`, inferred parameters as `param:NAME`. */
export function resultsCsv(results: SweepResults): string {
  const terms = [...new Set(results.runs.flatMap((r) => Object.keys(r.terms ?? {})))];
  const fields = ['id', 'config', 'label', 'state', 'problem', 'model', 'width', 'grids', 'optimizer', 'seed', 'params', 'steps', 'evaluations', 'seconds', 'loss'] as const;
  const tail = ['mse', 'relL2', 'maxAbsErr', 'status', 'backend', 'error'] as const;
  // An inverse problem's parameters: the learned value, `param:NAME`.
  const inferred = [...new Set(results.runs.flatMap((r) => Object.keys(r.parameters ?? {})))];
  const header = [...fields, ...terms.map((t) => `loss:${t}`), ...inferred.map((n) => `param:${n}`), ...tail];
  const lines = results.runs.map((r) => [...fields.map((f) => r[f]), ...terms.map((t) => r.terms?.[t] ?? null), ...inferred.map((n) => r.parameters?.[n]?.value ?? null), ...tail.map((f) => r[f])].map(csvCell).join(','));
  return [header.map(csvCell).join(','), ...lines].join('\n') + '\n';
}

/** configurations.csv: one line per configuration with mean and std over seeds of each aggregated metric. */
export function configurationsCsv(results: SweepResults): string {
  const header = ['config', 'label', 'problem', 'model', 'width', 'grids', 'optimizer', 'params', 'done', 'runs', 'failed', ...AGGREGATED.flatMap((m) => [`${m}Mean`, `${m}Std`])];
  const lines = results.configurations.map((c) =>
    [c.config, c.label, c.problem, c.model, c.width, c.grids, c.optimizer, c.params, c.done, c.runs, c.failed, ...AGGREGATED.flatMap((m) => [c.mean[m], c.std[m]])].map(csvCell).join(','),
  );
  return [header.map(csvCell).join(','), ...lines].join('\n') + '\n';
}

/** The stdout table: one line per configuration, columns padded to align. */
export function configurationTable(results: SweepResults): string[] {
  const header = ['configuration', 'params', 'evals', 'seconds', 'loss', 'rel. L2', '± std', 'runs'];
  const body = results.configurations.map((c) => [
    c.label,
    c.params === null ? 'n/a' : String(c.params),
    c.mean.evaluations === null ? 'n/a' : String(Math.round(c.mean.evaluations)),
    c.mean.seconds === null ? 'n/a' : c.mean.seconds.toFixed(1),
    sci(c.mean.loss),
    sci(c.mean.relL2),
    sci(c.std.relL2, 1),
    `${c.done}/${c.runs}${c.failed ? ` (${c.failed} failed)` : ''}`,
  ]);
  const widths = header.map((h, i) => Math.max(h.length, ...body.map((row) => row[i]!.length)));
  const line = (cells: string[]): string => cells.map((cell, i) => (i === 0 ? cell.padEnd(widths[i]!) : cell.padStart(widths[i]!))).join('  ');
  return [line(header), ...body.map(line)];
}

/** Per problem, the finished configurations as a `compare` result, for `compare`'s plots. */
export function compareViews(results: SweepResults, runs: RunSpec[], records: Map<string, RunRecord>): CompareResult[] {
  const views = new Map<string, CompareResult>();
  for (const c of results.configurations) {
    const done = runs.filter((r) => r.config === c.config).map((r) => records.get(r.id)).filter((r): r is RunRecord => r !== undefined);
    const first = done[0];
    if (!first || c.model === null || c.width === null) continue;
    const view = views.get(c.problem) ?? {
      problem: c.problem,
      backend: first.summary.backend,
      optimizer: first.summary.optimizer,
      steps: first.summary.steps,
      points: { interior: 0, boundary: 0 },
      testSet: first.summary.testSet,
      rows: [],
    };
    view.rows.push(aggregateRuns({ model: c.model, width: c.width }, done.map((r) => ({ summary: r.summary, curve: r.curve }))));
    views.set(c.problem, view);
  }
  return [...views.values()];
}

/** Writes results.json, results.csv, configurations.csv and per problem `plots/<problem>-error-vs-{time,params}.svg`. */
export async function writeResults(out: string, results: SweepResults, views: CompareResult[]): Promise<string[]> {
  const files: [string, string][] = [
    ['results.json', `${JSON.stringify(results, null, 2)}\n`],
    ['results.csv', resultsCsv(results)],
    ['configurations.csv', configurationsCsv(results)],
  ];
  for (const view of views) {
    const safe = view.problem.replace(/[^A-Za-z0-9._-]+/g, '_');
    files.push([join('plots', `${safe}-error-vs-time.svg`), errorVsTimeSvg(view)], [join('plots', `${safe}-error-vs-params.svg`), errorVsParamsSvg(view)]);
  }
  const paths: string[] = [];
  for (const [name, text] of files) {
    const path = join(out, name);
    await writeFileAtomic(path, text);
    paths.push(path);
  }
  return paths;
}
