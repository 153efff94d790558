/**
 * Line charts: the legend never hides a curve (it takes the first free spot inside the plot, else
 * goes under the chart), a shared x range places a lone measurement where the loss chart has it,
 * and log axes leave room around the data.
 */
import { describe, expect, it } from 'vitest';
import { lineChartSvg, legendCorner, tickLabels } from '../../viz/chartSvg.js';
import { historyCharts } from '../../viz/index.js';

const PLOT = { left: 0, top: 0, width: 200, height: 100 };
const attr = (svg: string, selector: RegExp): string => selector.exec(svg)?.[1] ?? '';

describe('legendCorner', () => {
  it('takes the top-right spot when nothing is drawn there, and skips spots a line passes through', () => {
    expect(legendCorner([], 50, 30, PLOT)).toEqual([144, 6]);
    // A line along the top edge: both top corners are taken, bottom-right is free.
    expect(legendCorner([[[0, 10], [200, 10]]], 50, 30, PLOT)).toEqual([144, 64]);
    // A segment crossing the top-right box between its two end points still counts (sampled along it).
    expect(legendCorner([[[100, 20], [200, 20]], [[0, 90], [60, 90]]], 50, 30, PLOT)).toEqual([6, 6]);
  });

  it('gives up when every spot covers a line', () => {
    const lines: [number, number][][] = [[[0, 15], [200, 15]], [[0, 85], [200, 85]]];
    expect(legendCorner(lines, 50, 30, PLOT)).toBeUndefined();
  });
});

describe('lineChartSvg', () => {
  const flat = (name: string, y: number) => ({ name, xs: [1, 2, 3, 4, 5], ys: [y, y, y, y, y], color: '#000' });

  it('puts the legend under the chart, which grows to hold it, when curves cross every spot', () => {
    const svg = lineChartSvg([flat('top', 10), flat('bottom', 1), { name: 'middle', xs: [1, 5], ys: [3, 3], color: '#f00' }], { width: 400, height: 200, logY: true });
    expect(svg).toContain('<g class="legend below">');
    expect(attr(svg, /<svg[^>]* height="(\d+)"/)).toBe('220');
    expect(attr(svg, /viewBox="([^"]+)"/)).toBe('0 0 400 220');
  });

  it('keeps a boxed legend inside when a spot is free', () => {
    const svg = lineChartSvg([flat('a', 1), flat('b', 1.1)], { width: 400, height: 200, yRange: [0, 10] });
    expect(svg).toContain('<rect class="legend"');
    expect(attr(svg, /<svg[^>]* height="(\d+)"/)).toBe('200');
  });

  it('places a lone point at the right end of a shared x range, and pads log axes', () => {
    const svg = lineChartSvg([{ name: 'relL2', xs: [null, null, 5], ys: [null, null, 0.2], color: '#d62728' }], { width: 400, height: 200, logY: true, xRange: [1, 5] });
    // Plot area: left margin 64, right margin 16.
    expect(attr(svg, /<circle cx="([\d.]+)"/)).toBe('384.0');
    const padded = lineChartSvg([{ name: 'loss', xs: [1, 2], ys: [1, 100], color: '#000' }], { width: 400, height: 200, logY: true });
    const ys = attr(padded, /points="([^"]+)"/).split(' ').map((p) => Number(p.split(',')[1]));
    // Two decades over a 128 px plot (top 28): 4 % padding each side keeps both points off the frame.
    expect(ys[1]).toBeGreaterThan(28 + 3);
    expect(ys[0]).toBeLessThan(28 + 128 - 3);
  });

  it('labels a log axis spanning less than a decade with 1, 2, 5 × 10ⁿ', () => {
    const svg = lineChartSvg([{ name: 'relL2', xs: [1, 2], ys: [0.0017, 0.009], color: '#000' }], { logY: true });
    const labels = [...svg.matchAll(/text-anchor="end" dominant-baseline="middle" fill="#444">([^<]+)</g)].map((m) => m[1]);
    expect(labels).toEqual(['0.002', '0.005']);
  });

  it('labels a log axis whose values stay in a narrow band (0.660 → 0.649) with distinct round values (issue 11, defect 9)', () => {
    const xs = Array.from({ length: 50 }, (_, k) => k);
    const svg = lineChartSvg([{ name: 'relL2', xs, ys: xs.map((k) => 0.66 - (0.011 * k) / 49), color: '#000' }], { logY: true, height: 320 });
    const labels = [...svg.matchAll(/<text class="y-tick" x="[\d.]+" y="([\d.]+)"[^>]*>([^<]+)</g)].map((m) => ({ y: Number(m[1]), v: Number(m[2]) }));
    expect(labels.length).toBeGreaterThanOrEqual(2);
    expect(new Set(labels.map((l) => l.v)).size).toBe(labels.length);
    for (const l of labels) expect(l.v).toBeGreaterThan(0.645), expect(l.v).toBeLessThan(0.665);
    // Labels sit where their values are: higher values higher up (smaller y).
    const sorted = [...labels].sort((a, b) => a.v - b.v);
    for (let k = 1; k < sorted.length; k++) expect(sorted[k]!.y).toBeLessThan(sorted[k - 1]!.y);
  });

  it('tick labels get more digits until neighbours differ', () => {
    expect(tickLabels([1.001, 1.002, 1.003], 3)).toEqual(['1.001', '1.002', '1.003']);
    expect(tickLabels([0.1, 0.2], 3)).toEqual(['0.1', '0.2']);
  });

  it('the loss legend does not cover a grid-extension label (issue 11, defect 9)', () => {
    // Loss terms falling from left to right: the legend's first choice is the top-right corner, where the G=20 label is.
    const xs = Array.from({ length: 30 }, (_, k) => k);
    const series = ['loss', 'loss:pde', 'loss:conditions[0].dirichlet'].map((name, i) => ({ name, xs, ys: xs.map((k) => (i + 1) * Math.exp(-k / 4)), color: '#000' }));
    const markers = [{ x: 9.5, label: 'G=10' }, { x: 19.5, label: 'G=20' }];
    const svg = lineChartSvg(series, { logY: true, width: 600, height: 320, markers });
    const legend = /<rect class="legend" x="([\d.]+)" y="([\d.]+)" width="([\d.]+)" height="([\d.]+)"/.exec(svg);
    const below = svg.includes('class="legend below"');
    expect(legend !== null || below).toBe(true);
    if (legend) {
      const [x, y, w, h] = legend.slice(1).map(Number) as [number, number, number, number];
      for (const m of svg.matchAll(/<g class="marker">.*?<text x="([\d.]+)" y="([\d.]+)"[^>]*>([^<]+)</g)) {
        const tx = Number(m[1]), ty = Number(m[2]), tw = m[3]!.length * 6;
        const overlaps = tx < x + w && tx + tw > x && ty - 10 < y + h && ty > y;
        expect(overlaps, `legend ${x},${y} ${w}x${h} covers ${m[3]} at ${tx},${ty}`).toBe(false);
      }
    }
    // Without markers the same chart keeps its legend top-right, so the test above did move it.
    const plain = /<rect class="legend" x="([\d.]+)" y="([\d.]+)"/.exec(lineChartSvg(series, { logY: true, width: 600, height: 320 }));
    expect(plain && Number(plain[2])).toBe(34);
    expect(legendCorner([], 50, 30, PLOT, [{ x: 150, y: 2, w: 30, h: 12 }])).toEqual([6, 6]);
  });

  it('historyCharts marks each grid extension half-way between the records around it', () => {
    const html = historyCharts({ columns: ['step', 'grid', 'loss'], rows: [[1, 5, 1], [2, 5, 0.5], [3, 10, 0.4], [4, 10, 0.3], [5, 20, 0.2]] });
    const labels = [...html.matchAll(/<g class="marker"><line x1="([\d.]+)"[^>]*\/><text[^>]*>([^<]+)</g)].map((m) => `${m[2]}@${m[1]}`);
    // Plot 64..584 px over steps 1..5 (130 px a step): 2.5 → 259, 4.5 → 519.
    expect(labels).toEqual(['G=10@259.0', 'G=20@519.0']);
  });

  it('historyCharts gives the loss and rel. L2 charts the same steps', () => {
    const html = historyCharts({ columns: ['step', 'loss', 'relL2'], rows: [[1, 1, null], [2, 0.5, null], [3, 0.2, 0.3]] });
    const ticks = (role: string): string[] => {
      const svg = attr(html, new RegExp(`(<svg[^>]*data-role="${role}"[\\s\\S]*?</svg>)`));
      return [...svg.matchAll(/<text x="([\d.]+)" y="[\d.]+" text-anchor="middle" fill="#444">([^<]+)</g)].map((m) => `${m[2]}@${m[1]}`);
    };
    expect(ticks('relL2')).toEqual(ticks('loss'));
    expect(ticks('loss')[0]).toBe('1@64.0');
  });
});
