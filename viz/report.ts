/**
 * `renderReport`: the self-contained HTML report of one run: what was solved, the solution field
 * (3-D surface, heat maps, error, time slider), the KAN with its edge functions, loss and rel. L2
 * curves, metrics and settings. Static parts are written here; the viewer script draws the rest.
 */
import { lineChartSvg, SERIES_COLORS } from './chartSvg.js';
import type { ChartSeries } from './chartSvg.js';
import { escapeXml, formatNumber } from './format.js';
import { pageHtml } from './page.js';
import { fieldPayload, networkPayload } from './payload.js';
import type { HistoryData, ReportData } from './types.js';
import { validateField, validateHistory, validateNetwork } from './validate.js';

const cell = (v: string | number | boolean | null): string =>
  v === null ? '–' : typeof v === 'number' ? formatNumber(v, 5) : escapeXml(String(v));

/** Words for the metric keys of `ReportData.metrics`. */
const METRIC_WORDS: Record<string, string> = {
  relL2: 'rel. L2 error',
  maxAbsErr: 'max |error|',
  mse: 'mean squared error',
  loss: 'final loss',
  params: 'parameters',
  steps: 'steps',
  evaluations: 'loss evaluations',
  seconds: 'seconds',
  backend: 'backend',
  status: 'status',
  testSet: 'test set',
  message: 'message',
  warnings: 'warnings',
  // An inverse problem's parameters (`param:k` → "inferred value of k").
  param: 'inferred value',
  paramTruth: 'true value',
  paramRelError: 'rel. error',
};

/**
 * A metric key in words: `relL2` → "rel. L2 error", `maxAbsErr:v` → "max |error| of v"; with
 * several unknowns (`pooled`) the pooled errors say so. Unknown keys are shown as they are.
 */
export function metricLabel(key: string, pooled = false): string {
  const colon = key.indexOf(':');
  if (colon > 0) {
    const base = key.slice(0, colon);
    return base in METRIC_WORDS ? `${METRIC_WORDS[base]!} of ${key.slice(colon + 1)}` : key;
  }
  const words = METRIC_WORDS[key] ?? key;
  return pooled && (key === 'relL2' || key === 'maxAbsErr' || key === 'mse') ? `${words} (all unknowns)` : words;
}

/** A two-column table of names and values; `label` turns a key into the text shown. */
export function keyValueTable(entries: Record<string, string | number | boolean | null>, cls: string, label: (key: string) => string = (k) => k): string {
  const rows = Object.entries(entries).map(([k, v]) => `<tr><td>${escapeXml(label(k))}</td><td>${cell(v)}</td></tr>`);
  return rows.length ? `<table class="kv ${cls}">${rows.join('')}</table>` : '<p class="note">none recorded</p>';
}

const toNumber = (v: number | null | undefined): number | null => (typeof v === 'number' && Number.isFinite(v) ? v : null);

/**
 * A dashed line where the grid changes (grid extension), half-way between the two records. Only
 * between two measured grid sizes: an MLP's grid column is empty (NaN or null), and NaN !== NaN
 * must not put a "G=NaN" line at every step.
 */
export function gridMarkers(history: HistoryData, xs: (number | null)[]): { x: number; label: string }[] {
  const grid = history.columns.indexOf('grid');
  const markers: { x: number; label: string }[] = [];
  if (grid < 0) return markers;
  let last: number | null = null;
  for (let r = 0; r < history.rows.length; r++) {
    const now = toNumber(history.rows[r]![grid]);
    if (now === null) continue;
    const x0 = r > 0 ? xs[r - 1] : null, x1 = xs[r];
    if (last !== null && now !== last && typeof x0 === 'number' && typeof x1 === 'number') markers.push({ x: (x0 + x1) / 2, label: `G=${now}` });
    last = now;
  }
  return markers;
}

/** The loss chart (every column named `loss` or `loss:…`, log scale), the rel. L2 chart and an inverse problem's parameter trajectories (`param:…`), as SVG. */
export function historyCharts(history: HistoryData): string {
  const col = (name: string): number => history.columns.indexOf(name);
  const stepIndex = col('step');
  const xs = history.rows.map((row, r) => (stepIndex >= 0 ? toNumber(row[stepIndex]) : r));
  const column = (k: number): (number | null)[] => history.rows.map((row) => toNumber(row[k]));
  const lossSeries: ChartSeries[] = [];
  history.columns.forEach((name, k) => {
    if (name === 'loss' || name.startsWith('loss:')) {
      lossSeries.push({ name, xs, ys: column(k), color: SERIES_COLORS[lossSeries.length % SERIES_COLORS.length]!, ...(name === 'loss' ? {} : { dash: '5 3' }) });
    }
  });
  const xLabel = stepIndex >= 0 ? 'step' : 'record';
  // One x range for both charts, so a rel. L2 measured every few steps lines up with the loss.
  let xMin = Infinity, xMax = -Infinity;
  for (const x of xs) if (x !== null) { xMin = Math.min(xMin, x); xMax = Math.max(xMax, x); }
  const xRange: [number, number] | undefined = xMax > xMin ? [xMin, xMax] : undefined;
  const markers = gridMarkers(history, xs);
  const shared = { xLabel, logY: true, width: 600, height: 320, markers, ...(xRange ? { xRange } : {}) };
  const charts = [lineChartSvg(lossSeries, { ...shared, title: 'Loss per term', yLabel: 'loss', attributes: 'class="chart" data-role="loss"' })];
  // The pooled rel. L2, and with several unknowns each one's own (columns `relL2:U`).
  const relSeries: ChartSeries[] = [];
  history.columns.forEach((name, k) => {
    if (name === 'relL2') relSeries.push({ name: relSeries.length ? 'all unknowns' : 'relL2', xs, ys: column(k), color: '#d62728' });
    else if (name.startsWith('relL2:')) relSeries.push({ name: name.slice(6), xs, ys: column(k), color: SERIES_COLORS[relSeries.length % SERIES_COLORS.length]!, dash: '5 3' });
  });
  if (relSeries.length > 1 && relSeries[0]!.name === 'relL2') relSeries[0]!.name = 'all unknowns';
  if (relSeries.length > 0) {
    charts.push(lineChartSvg(relSeries, { ...shared, title: 'Relative L2 error', yLabel: 'rel. L2', attributes: 'class="chart" data-role="relL2"' }));
  }
  // An inverse problem's parameters as they were learned (columns `param:P`), on a linear scale.
  const paramSeries: ChartSeries[] = [];
  history.columns.forEach((name, k) => {
    if (name.startsWith('param:')) paramSeries.push({ name: name.slice(6), xs, ys: column(k), color: SERIES_COLORS[paramSeries.length % SERIES_COLORS.length]! });
  });
  if (paramSeries.length > 0) {
    charts.push(lineChartSvg(paramSeries, { ...shared, logY: false, title: 'Inferred parameters', yLabel: 'value', attributes: 'class="chart" data-role="parameters"' }));
  }
  return `<div class="charts">${charts.join('')}</div>`;
}

function headerHtml(data: ReportData): string {
  const p = data.problem;
  const facts = [
    ['problem', p.name],
    ['variables', p.variables.join(', ')],
    ['unknowns', p.unknowns.join(', ')],
    ...(p.time ? [['time', `[${formatNumber(p.time[0])}, ${formatNumber(p.time[1])}]`]] : []),
  ].map(([k, v]) => `<span>${escapeXml(k!)}: <b>${escapeXml(v!)}</b></span>`);
  const pooled = p.unknowns.length > 1;
  const perUnknown = pooled ? p.unknowns.map((u) => `relL2:${u}`) : [];
  const badges = ['relL2', 'maxAbsErr', ...perUnknown, 'params', 'seconds', 'backend']
    .filter((k) => k in data.metrics)
    .map((k) => `<div class="badge" data-key="${escapeXml(k)}"><small>${escapeXml(metricLabel(k, pooled))}</small><b>${cell(data.metrics[k] ?? null)}</b></div>`);
  return `<header><h1>${escapeXml(data.title)}</h1>${p.description ? `<p>${escapeXml(p.description)}</p>` : ''}<div class="facts">${facts.join('')}</div>${badges.length ? `<div class="badges">${badges.join('')}</div>` : ''}</header>`;
}

/** Buttons that choose which unknown the solution section shows (none for a single unknown); the viewer wires them. */
function unknownSelector(names: string[]): string {
  if (names.length < 2) return '';
  const buttons = names.map((n, k) => `<button type="button" data-unknown="${escapeXml(n)}"${k === 0 ? ' class="active"' : ''}>${escapeXml(n)}</button>`);
  return `<div class="controls" id="unknown-selector"><label>unknown:</label>${buttons.join('')}</div>`;
}

/** Renders a run as one self-contained HTML page (three.js and the data inline). */
export function renderReport(data: ReportData): string {
  if (data.network) validateNetwork(data.network);
  validateHistory(data.history);
  const fields = data.field ? [data.field, ...(data.moreFields ?? [])] : [];
  fields.forEach((f, k) => validateField(f, k === 0 ? 'field' : `moreFields[${k - 1}]`));
  const fieldSection = fields.length > 0
    ? `<section id="solution"><h2>Solution <span id="solution-unknown">${escapeXml(fields[0]!.unknown)}</span></h2>${unknownSelector(fields.map((f) => f.unknown))}<div id="field-root"></div></section>`
    : `<section id="solution"><h2>Solution</h2><p class="note">No sampled solution field was recorded for this run.</p></section>`;
  const networkSection = data.network
    ? `<section id="network"><h2>Network: KAN [${data.network.width.join(', ')}]</h2><p class="hint">Each edge is its learned function φ over its input range; opacity shows its importance, red edges are symbolic. Click an edge to enlarge it.</p><div id="network-root"></div></section>`
    : `<section id="network"><h2>Network</h2><p class="note">This run used an MLP: there are no edge functions to show.</p></section>`;
  const body = [
    fieldSection,
    networkSection,
    `<section id="training"><h2>Training</h2>${historyCharts(data.history)}</section>`,
    `<section id="tables"><div class="tables"><div><h2>Metrics</h2>${keyValueTable(data.metrics, 'metrics', (k) => metricLabel(k, data.problem.unknowns.length > 1))}</div><div><h2>Settings</h2>${keyValueTable(data.settings, 'settings')}</div></div></section>`,
  ].join('\n');
  return pageHtml(data.title, headerHtml(data), body, {
    kind: 'report',
    title: data.title,
    ...(fields.length > 0 ? { fields: fields.map(fieldPayload) } : {}),
    ...(data.network ? { network: networkPayload(data.network) } : {}),
  });
}
