/**
 * A small line chart as an SVG string (no DOM): several series over a shared x axis, linear or
 * log-10 y axis, ticks, axis labels and a legend. Points that are null, NaN, or ≤ 0 on a log
 * axis are skipped and the line joins the measured points around them (quantities recorded every
 * few steps); a series with few points also gets a dot per point.
 */
import { escapeXml, formatNumber, logTicks, niceTicks } from './format.js';

/** One curve of a chart. */
export interface ChartSeries {
  name: string;
  xs: ArrayLike<number | null>;
  ys: ArrayLike<number | null>;
  color: string;
  dash?: string;
}

/** Chart size, axes and labels. */
export interface ChartOptions {
  width: number;
  height: number;
  xLabel: string;
  yLabel: string;
  logY: boolean;
  title?: string;
  /** Fixed y range (linear axes); absent: fitted to the data. */
  yRange?: [number, number];
  /** Fixed x range (e.g. shared by charts of one run); absent: fitted to the data. */
  xRange?: [number, number];
  /** Labelled vertical lines, e.g. where a training stage begins. */
  markers?: { x: number; label: string }[];
  /** Extra attributes on the root <svg>, e.g. 'class="chart" data-role="loss"'. */
  attributes?: string;
}

/** Defaults of `ChartOptions`. */
export const DEFAULT_CHART_OPTIONS: ChartOptions = { width: 520, height: 300, xLabel: 'x', yLabel: 'y', logY: false };

const MARGIN = { left: 64, right: 16, top: 28, bottom: 44 };

const usable = (v: number | null | undefined, log: boolean): v is number =>
  typeof v === 'number' && Number.isFinite(v) && (!log || v > 0);

/** Renders the series as an SVG line chart; an empty chart says "no data". */
export function lineChartSvg(series: ChartSeries[], options: Partial<ChartOptions> = {}): string {
  const o = { ...DEFAULT_CHART_OPTIONS, ...options };
  let xMin = Infinity, xMax = -Infinity, yMin = Infinity, yMax = -Infinity;
  for (const s of series) {
    for (let k = 0; k < Math.min(s.xs.length, s.ys.length); k++) {
      const x = s.xs[k];
      const y = s.ys[k];
      if (!usable(x, false) || !usable(y, o.logY)) continue;
      xMin = Math.min(xMin, x); xMax = Math.max(xMax, x);
      yMin = Math.min(yMin, y); yMax = Math.max(yMax, y);
    }
  }
  const open = `<svg xmlns="http://www.w3.org/2000/svg" width="${o.width}" height="${o.height}" viewBox="0 0 ${o.width} ${o.height}" font-family="system-ui, sans-serif" font-size="11"${o.attributes ? ` ${o.attributes}` : ''}>`;
  const title = o.title ? `<text x="${o.width / 2}" y="16" text-anchor="middle" font-size="13" font-weight="600">${escapeXml(o.title)}</text>` : '';
  if (!Number.isFinite(xMin)) {
    return `${open}${title}<text x="${o.width / 2}" y="${o.height / 2}" text-anchor="middle" fill="#888">no data</text></svg>`;
  }
  if (o.xRange && o.xRange[1] > o.xRange[0]) { xMin = o.xRange[0]; xMax = o.xRange[1]; }
  if (xMax === xMin) { xMin -= 0.5; xMax += 0.5; }
  if (o.yRange && !o.logY) { yMin = o.yRange[0]; yMax = o.yRange[1]; }
  const ty = (v: number): number => (o.logY ? Math.log10(v) : v);
  let lo = ty(yMin), hi = ty(yMax);
  if (hi === lo) { lo -= 0.5; hi += 0.5; }
  else if (o.logY || !o.yRange) { const pad = (hi - lo) * (o.logY ? 0.04 : 0.05); lo -= pad; hi += pad; }
  const pw = o.width - MARGIN.left - MARGIN.right;
  const ph = o.height - MARGIN.top - MARGIN.bottom;
  const px = (x: number): number => MARGIN.left + ((x - xMin) / (xMax - xMin)) * pw;
  const py = (y: number): number => MARGIN.top + (1 - (ty(y) - lo) / (hi - lo)) * ph;
  const parts: string[] = [open, title];
  parts.push(`<rect x="${MARGIN.left}" y="${MARGIN.top}" width="${pw}" height="${ph}" fill="#fff" stroke="#bbb"/>`);
  const inRange = (v: number): boolean => ty(v) >= lo - 1e-9 && ty(v) <= hi + 1e-9;
  let yTicks = (o.logY ? logTicks(10 ** lo, 10 ** hi) : niceTicks(lo, hi, 5)).filter(inRange);
  // Less than a decade shown: 1, 2, 5 × 10ⁿ so a log axis still has labels to read.
  if (o.logY && yTicks.length < 2) yTicks = logTicks(10 ** lo, 10 ** hi).flatMap((v) => [v, 2 * v, 5 * v]).filter(inRange);
  // A narrow band (say 0.649 to 0.660) holds none of those: round linear values, or a small drop reads as a cliff.
  if (o.logY && yTicks.length < 2) yTicks = niceTicks(10 ** lo, 10 ** hi, 4).filter(inRange);
  const yLabels = tickLabels(yTicks, 3);
  yTicks.forEach((v, k) => {
    const y = py(v).toFixed(1);
    parts.push(`<line x1="${MARGIN.left}" x2="${MARGIN.left + pw}" y1="${y}" y2="${y}" stroke="#eee"/>`);
    parts.push(`<text class="y-tick" x="${MARGIN.left - 6}" y="${y}" text-anchor="end" dominant-baseline="middle" fill="#444">${escapeXml(yLabels[k]!)}</text>`);
  });
  const xTicks = niceTicks(xMin, xMax, 6);
  const xLabels = tickLabels(xTicks, 4);
  xTicks.forEach((v, k) => {
    const x = px(v).toFixed(1);
    parts.push(`<line x1="${x}" x2="${x}" y1="${MARGIN.top + ph}" y2="${MARGIN.top + ph + 4}" stroke="#888"/>`);
    parts.push(`<text x="${x}" y="${MARGIN.top + ph + 16}" text-anchor="middle" fill="#444">${escapeXml(xLabels[k]!)}</text>`);
  });
  parts.push(`<text x="${MARGIN.left + pw / 2}" y="${o.height - 8}" text-anchor="middle" fill="#222">${escapeXml(o.xLabel)}</text>`);
  parts.push(`<text transform="translate(14 ${MARGIN.top + ph / 2}) rotate(-90)" text-anchor="middle" fill="#222">${escapeXml(o.yLabel)}${o.logY ? ' (log)' : ''}</text>`);
  // Marker labels are boxes the legend must not cover.
  const avoid: Box[] = [];
  for (const m of o.markers ?? []) {
    if (!(m.x >= xMin && m.x <= xMax)) continue;
    const x = px(m.x).toFixed(1);
    avoid.push({ x: px(m.x) + 3, y: MARGIN.top + 1, w: m.label.length * MARKER_CHAR, h: 13 });
    parts.push(`<g class="marker"><line x1="${x}" x2="${x}" y1="${MARGIN.top}" y2="${MARGIN.top + ph}" stroke="#9aa3b2" stroke-dasharray="3 3"/><text x="${(px(m.x) + 3).toFixed(1)}" y="${MARGIN.top + 11}" fill="#667" font-size="10">${escapeXml(m.label)}</text></g>`);
  }
  const drawn: [number, number][][] = [];
  series.forEach((s) => {
    const points: string[] = [];
    const line: [number, number][] = [];
    for (let k = 0; k < Math.min(s.xs.length, s.ys.length); k++) {
      const x = s.xs[k];
      const y = s.ys[k];
      if (usable(x, false) && usable(y, o.logY) && x >= xMin && x <= xMax) {
        points.push(`${px(x).toFixed(1)},${py(y).toFixed(1)}`);
        line.push([px(x), py(y)]);
      }
    }
    drawn.push(line);
    const dash = s.dash ? ` stroke-dasharray="${s.dash}"` : '';
    parts.push(`<polyline class="series" data-name="${escapeXml(s.name)}" points="${points.join(' ')}" fill="none" stroke="${escapeXml(s.color)}" stroke-width="1.6"${dash}/>`);
    if (points.length <= 30) {
      for (const p of points) {
        const [cx, cy] = p.split(',');
        parts.push(`<circle cx="${cx}" cy="${cy}" r="2.5" fill="${escapeXml(s.color)}"/>`);
      }
    }
  });
  if (series.length > 1) {
    const longest = Math.max(...series.map((s) => s.name.length));
    const boxWidth = 30 + longest * 6.2;
    const boxHeight = series.length * 14 + 6;
    const corner = legendCorner(drawn, boxWidth, boxHeight, { left: MARGIN.left, top: MARGIN.top, width: pw, height: ph }, avoid);
    const key = (s: ChartSeries, x: number, y: number): string =>
      `<line x1="${(x + 6).toFixed(1)}" x2="${(x + 24).toFixed(1)}" y1="${y}" y2="${y}" stroke="${escapeXml(s.color)}" stroke-width="2"${s.dash ? ` stroke-dasharray="${s.dash}"` : ''}/>` +
      `<text x="${(x + 28).toFixed(1)}" y="${y}" dominant-baseline="middle" fill="#222">${escapeXml(s.name)}</text>`;
    if (corner) {
      const [x, top] = corner;
      parts.push(`<rect class="legend" x="${x.toFixed(1)}" y="${top.toFixed(1)}" width="${boxWidth.toFixed(1)}" height="${boxHeight}" fill="#ffffff" fill-opacity="0.9" stroke="#ddd"/>`);
      series.forEach((s, k) => parts.push(key(s, x, top + 10 + k * 14)));
    } else {
      // Every spot inside would hide a curve: the legend goes under the chart, which grows to hold it.
      let x = MARGIN.left, row = 0;
      const items: string[] = [];
      for (const s of series) {
        const w = 36 + s.name.length * 6.2;
        if (x + w > MARGIN.left + pw && x > MARGIN.left) { x = MARGIN.left; row++; }
        items.push(key(s, x, o.height + 6 + row * 14));
        x += w;
      }
      const height = o.height + (row + 1) * 14 + 6;
      parts[0] = open.replace(`height="${o.height}" viewBox="0 0 ${o.width} ${o.height}"`, `height="${height}" viewBox="0 0 ${o.width} ${height}"`);
      parts.push(`<g class="legend below">${items.join('')}</g>`);
    }
  }
  parts.push('</svg>');
  return parts.join('');
}

/** A rectangle in chart pixels (x, y: top-left corner). */
export interface Box { x: number; y: number; w: number; h: number }

/** Width of one character of a marker label (10 px font), generous so the estimate covers the text. */
const MARKER_CHAR = 6.2;

/**
 * Labels for tick values: `digits` significant digits, more (up to 10) until neighbouring labels
 * differ, so a narrow range does not print the same label twice.
 */
export function tickLabels(ticks: number[], digits: number): string[] {
  for (let d = digits; ; d++) {
    const labels = ticks.map((v) => formatNumber(v, d));
    if (d >= 10 || labels.every((l, k) => k === 0 || l !== labels[k - 1])) return labels;
  }
}

/**
 * Top-left corner of the legend box: the first spot inside the plot (top-right, top-left,
 * bottom-right, bottom-left, top-centre, bottom-centre) whose box covers no point of the drawn
 * lines (sampled along each segment) and overlaps none of the `avoid` boxes (marker labels);
 * undefined when every spot would hide something.
 */
export function legendCorner(lines: [number, number][][], width: number, height: number, plot: { left: number; top: number; width: number; height: number }, avoid: Box[] = []): [number, number] | undefined {
  const pad = 6;
  const right = plot.left + plot.width - width - pad, left = plot.left + pad, centre = plot.left + (plot.width - width) / 2;
  const top = plot.top + pad, bottom = plot.top + plot.height - height - pad;
  const spots: [number, number][] = [[right, top], [left, top], [right, bottom], [left, bottom], [centre, top], [centre, bottom]];
  const samples: [number, number][] = [];
  for (const line of lines) {
    line.forEach((p, k) => {
      samples.push(p);
      const next = line[k + 1];
      if (next) for (let s = 1; s < 8; s++) samples.push([p[0] + ((next[0] - p[0]) * s) / 8, p[1] + ((next[1] - p[1]) * s) / 8]);
    });
  }
  const overlaps = (c: [number, number], b: Box): boolean => b.x < c[0] + width + 3 && b.x + b.w > c[0] - 3 && b.y < c[1] + height + 3 && b.y + b.h > c[1] - 3;
  return spots.find((c) => !avoid.some((b) => overlaps(c, b)) && !samples.some(([x, y]) => x >= c[0] - 3 && x <= c[0] + width + 3 && y >= c[1] - 3 && y <= c[1] + height + 3));
}

/** A palette of distinguishable line colours (Tableau 10). */
export const SERIES_COLORS = ['#1f77b4', '#ff7f0e', '#2ca02c', '#d62728', '#9467bd', '#8c564b', '#e377c2', '#7f7f7f', '#bcbd22', '#17becf'];
