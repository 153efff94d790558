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

/** A two-column table of names and values. */
export function keyValueTable(entries: Record<string, string | number | boolean | null>, cls: string): string {
  const rows = Object.entries(entries).map(([k, v]) => `<tr><td>${escapeXml(k)}</td><td>${cell(v)}</td></tr>`);
  return rows.length ? `<table class="kv ${cls}">${rows.join('')}</table>` : '<p class="note">none recorded</p>';
}

const toNumber = (v: number | null | undefined): number | null => (typeof v === 'number' && Number.isFinite(v) ? v : null);

/** The loss chart (every column named `loss` or `loss:…`, log scale) and the rel. L2 chart, as SVG. */
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
  // A dashed line where the grid changes (grid extension), half-way between the two records.
  const grid = col('grid');
  const markers: { x: number; label: string }[] = [];
  for (let r = 1; grid >= 0 && r < history.rows.length; r++) {
    const before = history.rows[r - 1]![grid], now = history.rows[r]![grid], x0 = xs[r - 1], x1 = xs[r];
    if (typeof now === 'number' && before !== now && typeof x0 === 'number' && typeof x1 === 'number') markers.push({ x: (x0 + x1) / 2, label: `G=${now}` });
  }
  const shared = { xLabel, logY: true, width: 600, height: 320, markers, ...(xRange ? { xRange } : {}) };
  const charts = [lineChartSvg(lossSeries, { ...shared, title: 'Loss per term', yLabel: 'loss', attributes: 'class="chart" data-role="loss"' })];
  const rel = col('relL2');
  if (rel >= 0) {
    charts.push(lineChartSvg([{ name: 'relL2', xs, ys: column(rel), color: '#d62728' }], { ...shared, title: 'Relative L2 error', yLabel: 'rel. L2', attributes: 'class="chart" data-role="relL2"' }));
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
  const badges = ['relL2', 'maxAbsErr', 'params', 'seconds', 'backend']
    .filter((k) => k in data.metrics)
    .map((k) => `<div class="badge"><small>${escapeXml(k)}</small><b>${cell(data.metrics[k] ?? null)}</b></div>`);
  return `<header><h1>${escapeXml(data.title)}</h1>${p.description ? `<p>${escapeXml(p.description)}</p>` : ''}<div class="facts">${facts.join('')}</div>${badges.length ? `<div class="badges">${badges.join('')}</div>` : ''}</header>`;
}

/** Renders a run as one self-contained HTML page (three.js and the data inline). */
export function renderReport(data: ReportData): string {
  if (data.field) validateField(data.field);
  if (data.network) validateNetwork(data.network);
  validateHistory(data.history);
  const fieldSection = data.field
    ? `<section id="solution"><h2>Solution ${escapeXml(data.field.unknown)}</h2><div id="field-root"></div></section>`
    : `<section id="solution"><h2>Solution</h2><p class="note">No sampled solution field was recorded for this run.</p></section>`;
  const networkSection = data.network
    ? `<section id="network"><h2>Network: KAN [${data.network.width.join(', ')}]</h2><p class="hint">Each edge is its learned function φ over its input range; opacity shows its importance, red edges are symbolic. Click an edge to enlarge it.</p><div id="network-root"></div></section>`
    : `<section id="network"><h2>Network</h2><p class="note">This run used an MLP: there are no edge functions to show.</p></section>`;
  const body = [
    fieldSection,
    networkSection,
    `<section id="training"><h2>Training</h2>${historyCharts(data.history)}</section>`,
    `<section id="tables"><div class="tables"><div><h2>Metrics</h2>${keyValueTable(data.metrics, 'metrics')}</div><div><h2>Settings</h2>${keyValueTable(data.settings, 'settings')}</div></div></section>`,
  ].join('\n');
  return pageHtml(data.title, headerHtml(data), body, {
    kind: 'report',
    title: data.title,
    ...(data.field ? { field: fieldPayload(data.field) } : {}),
    ...(data.network ? { network: networkPayload(data.network) } : {}),
  });
}
