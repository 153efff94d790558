/**
 * Outputs of `kanpinn compare`: the table printed on stdout, CSV of the rows and of the
 * rel. L2-against-time curves, JSON, and two SVG charts (rel. L2 against wall time and against
 * parameter count). Pure text builders plus one writer; nothing here prints.
 */
import { lineChartSvg } from '../../viz/index.js';
import { writeFileSet, type OutputFile } from '../../src/internal.js';
import type { CompareResult, CompareRow } from '../compareRows.js';

/** Line colours (Tableau 10). */
const SERIES_COLORS = ['#1f77b4', '#ff7f0e', '#2ca02c', '#d62728', '#9467bd', '#8c564b', '#e377c2', '#7f7f7f', '#bcbd22', '#17becf'];

/** "KAN [2,10,1]" or "MLP [2,16,16,1]". */
export function modelLabel(row: Pick<CompareRow, 'model' | 'width'>): string {
  return `${row.model.toUpperCase()} [${row.width.join(',')}]`;
}

/** A number in 3 significant digits of exponent form, "n/a" for null or non-finite. */
export function sci(v: number | null, digits = 2): string {
  return v === null || !Number.isFinite(v) ? 'n/a' : v.toExponential(digits);
}

/** Names of the unknowns with their own errors in the rows, when there are several (one unknown: its errors are the pooled ones). */
export function unknownNames(rows: readonly Pick<CompareRow, 'perUnknown'>[]): string[] {
  const names = Object.keys(rows.find((r) => r.perUnknown)?.perUnknown ?? {});
  return names.length > 1 ? names : [];
}

/** Names of the inferred parameters in the rows (an inverse problem), and whether each has a truth. */
function parameterNames(rows: readonly Pick<CompareRow, 'parameters'>[]): { name: string; truth: boolean }[] {
  return Object.entries(rows.find((r) => r.parameters)?.parameters ?? {}).map(([name, p]) => ({ name, truth: p.truth !== undefined }));
}

/**
 * The stdout table: one line per model (cost, final loss and each term's unweighted mean square,
 * error pooled and per unknown), columns padded to align. Takes any list of rows.
 */
export function compareTable(result: Pick<CompareResult, 'rows'>): string[] {
  const termNames = Object.keys(result.rows[0]?.terms ?? {});
  const unknowns = unknownNames(result.rows);
  const inferred = parameterNames(result.rows);
  const header = ['model', 'params', 'evals', 'seconds', 'loss', ...termNames, 'mse', 'rel. L2', '± std', ...unknowns.map((u) => `rel. L2 ${u}`), ...inferred.flatMap((p) => (p.truth ? [p.name, `${p.name} rel. err`] : [p.name])), 'seeds'];
  const body = result.rows.map((r) => [
    `${modelLabel(r)}${r.grids ? ` G${r.grids.join('→')}` : ''}`,
    String(r.params),
    String(Math.round(r.evaluations)),
    r.seconds.toFixed(1),
    sci(r.loss),
    ...termNames.map((n) => sci(r.terms[n] ?? null)),
    sci(r.mse),
    sci(r.relL2),
    sci(r.relL2Std, 1),
    ...unknowns.map((u) => sci(r.perUnknown?.[u]?.relL2 ?? null)),
    ...inferred.flatMap((p) => {
      const v = r.parameters?.[p.name];
      const value = v ? String(Number(v.value.toPrecision(5))) : 'n/a';
      return p.truth ? [value, sci(v?.relError ?? null)] : [value];
    }),
    String(r.seeds),
  ]);
  const widths = header.map((h, c) => Math.max(h.length, ...body.map((row) => row[c]!.length)));
  const line = (cells: string[]): string => cells.map((cell, c) => (c === 0 ? cell.padEnd(widths[c]!) : cell.padStart(widths[c]!))).join('  ');
  return [line(header), ...body.map(line)];
}

const csvCell = (v: string | number | null): string => {
  if (v === null) return '';
  const text = String(v);
  return /[",\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
};

/**
 * rows.csv: one line per model with the `--json` field names as columns (terms as `loss:NAME`; an
 * inverse problem's parameters as `param:P`, `paramStd:P`, `paramRelError:P`;
 * with several unknowns also `relL2:U`, `relL2Std:U`, `maxAbsErr:U` for each unknown U).
 */
export function compareCsv(result: Pick<CompareResult, 'rows'>): string {
  const termNames = Object.keys(result.rows[0]?.terms ?? {});
  const unknowns = unknownNames(result.rows);
  const perUnknown = unknowns.flatMap((u) => [`relL2:${u}`, `relL2Std:${u}`, `maxAbsErr:${u}`]);
  const inferred = parameterNames(result.rows).map((p) => p.name);
  const columns = ['model', 'width', 'grids', 'params', 'evaluations', 'seconds', 'loss', ...termNames.map((n) => `loss:${n}`), 'mse', 'relL2', 'relL2Std', 'maxAbsErr', ...perUnknown, ...inferred.flatMap((n) => [`param:${n}`, `paramStd:${n}`, `paramRelError:${n}`]), 'seeds'];
  const lines = result.rows.map((r) =>
    [
      r.model, r.width.join(' '), r.grids?.join(' ') ?? null, r.params, r.evaluations, r.seconds, r.loss, ...termNames.map((n) => r.terms[n] ?? null), r.mse, r.relL2, r.relL2Std, r.maxAbsErr,
      ...unknowns.flatMap((u) => { const e = r.perUnknown?.[u]; return e ? [e.relL2, e.relL2Std, e.maxAbsErr] : [null, null, null]; }),
      ...inferred.flatMap((n) => { const p = r.parameters?.[n]; return p ? [p.value, p.valueStd, p.relError ?? null] : [null, null, null]; }),
      r.seeds,
    ].map(csvCell).join(','),
  );
  return [columns.map(csvCell).join(','), ...lines].join('\n') + '\n';
}

/** curves.csv: model, seed, seconds, relL2 — rel. L2 against wall time for every run. */
export function curvesCsv(result: CompareResult): string {
  const lines = ['model,seed,seconds,relL2'];
  for (const r of result.rows) {
    for (const c of r.curves) c.seconds.forEach((s, k) => lines.push([modelLabel(r), c.seed, s, c.relL2[k]!].map(csvCell).join(',')));
  }
  return lines.join('\n') + '\n';
}

/** SVG: rel. L2 (log) against wall time, one line per model and seed (one colour per model, later seeds dashed). */
export function errorVsTimeSvg(result: CompareResult): string {
  const series = result.rows.flatMap((r, i) =>
    r.curves.map((c, k) => ({
      name: `${modelLabel(r)}${r.curves.length > 1 ? ` seed ${c.seed}` : ''}`,
      xs: c.seconds,
      ys: c.relL2,
      color: SERIES_COLORS[i % SERIES_COLORS.length]!,
      ...(k > 0 ? { dash: k % 2 ? '5 3' : '2 2' } : {}),
    })),
  );
  return lineChartSvg(series, { width: 640, height: 360, xLabel: 'wall time (s)', yLabel: 'rel. L2', logY: true, title: `${result.problem}: error against time` });
}

/** SVG: final rel. L2 (log, mean over seeds) against log10 of the parameter count, one dot per model. */
export function errorVsParamsSvg(result: CompareResult): string {
  const series = result.rows.map((r, i) => ({ name: modelLabel(r), xs: [Math.log10(r.params)], ys: [r.relL2], color: SERIES_COLORS[i % SERIES_COLORS.length]! }));
  return lineChartSvg(series, { width: 640, height: 360, xLabel: 'log10(parameters)', yLabel: 'rel. L2', logY: true, title: `${result.problem}: error against parameters` });
}

/** Writes compare.json, rows.csv, curves.csv, error-vs-time.svg and error-vs-params.svg into `dir`. */
export async function writeCompareOutputs(dir: string, result: CompareResult, extra: Record<string, unknown> = {}, more: readonly OutputFile[] = []): Promise<string[]> {
  const files: [string, string][] = [
    ['compare.json', `${JSON.stringify({ ...result, ...extra }, null, 2)}\n`],
    ['rows.csv', compareCsv(result)],
    ['curves.csv', curvesCsv(result)],
    ['error-vs-time.svg', errorVsTimeSvg(result)],
    ['error-vs-params.svg', errorVsParamsSvg(result)],
  ];
  return writeFileSet(dir, [...files.map(([name, contents]) => ({ name, contents })), ...more]);
}
