/**
 * Line charts: the legend never hides a curve (it takes the first free spot inside the plot, else
 * goes under the chart), a shared x range places a lone measurement where the loss chart has it,
 * and log axes leave room around the data.
 */
import { describe, expect, it } from 'vitest';
import { lineChartSvg, legendCorner } from '../../viz/chartSvg.js';
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
