import { describe, expect, it } from 'vitest';
import { colormap } from '../../viz/colormap.js';
import { escapeXml, formatNumber, logTicks, niceTicks } from '../../viz/format.js';
import { edgeOpacity, layoutNetwork } from '../../viz/networkLayout.js';

describe('viz formatting, ticks and colours', () => {
  it('formats numbers compactly, with exponents outside [1e-3, 1e5)', () => {
    expect(formatNumber(0.012345)).toBe('0.01235');
    expect(formatNumber(390)).toBe('390');
    expect(formatNumber(2.5e-7)).toBe('2.5e-7');
    expect(formatNumber(1234567)).toBe('1.23e6');
    expect(formatNumber(null)).toBe('–');
    expect(formatNumber(NaN)).toBe('NaN');
  });

  it('puts linear ticks on multiples of 1, 2 or 5 times a power of ten inside the range', () => {
    expect(niceTicks(-1, 1, 4)).toEqual([-1, -0.5, 0, 0.5, 1]);
    expect(niceTicks(0, 0.93, 5)).toEqual([0, 0.2, 0.4, 0.6, 0.8]);
    for (const [lo, hi] of [[-0.0213, 0.0213], [3, 7777], [1e-6, 3e-6]] as const) {
      const ticks = niceTicks(lo, hi, 5);
      expect(ticks.length).toBeGreaterThanOrEqual(2);
      expect(ticks.every((t) => t >= lo - 1e-12 && t <= hi + 1e-12)).toBe(true);
    }
  });

  it('puts log ticks on powers of ten', () => {
    expect(logTicks(0.0012, 2)).toEqual([0.001, 0.01, 0.1, 1, 10]);
    expect(logTicks(0, 1)).toEqual([]);
  });

  it('escapes the five XML special characters', () => {
    expect(escapeXml(`<a href="x">&'</a>`)).toBe('&lt;a href=&quot;x&quot;&gt;&amp;&#39;&lt;/a&gt;');
  });

  it('maps the ends of viridis to its dark purple and yellow, and clamps outside [0, 1]', () => {
    expect(colormap('viridis', 0)).toEqual([68, 1, 84]);
    expect(colormap('viridis', 1)).toEqual([253, 231, 37]);
    expect(colormap('viridis', 7)).toEqual([253, 231, 37]);
    expect(colormap('diverging', 0.5)).toEqual([247, 247, 247]);
  });

  it('scales opacity with importance relative to the max, above a floor', () => {
    expect(edgeOpacity(2, 2)).toBe(1);
    expect(edgeOpacity(0, 2, 0.1)).toBeCloseTo(0.1, 12);
    expect(edgeOpacity(1, 2, 0.1)).toBeCloseTo(0.55, 12);
    expect(edgeOpacity(0, 0)).toBe(1);
  });

  it('lays out pykan-style: inputs at the bottom, one box per (i, j) between the layers', () => {
    const layout = layoutNetwork({ width: [2, 3, 1], inputNames: ['x', 'y'], outputNames: ['u'] });
    expect(layout.nodes).toHaveLength(6);
    expect(layout.edges).toHaveLength(2 * 3 + 3 * 1);
    const input = layout.nodes.find((n) => n.layer === 0)!;
    const output = layout.nodes.find((n) => n.layer === 2)!;
    expect(input.y).toBeGreaterThan(output.y);
    expect(input.label).toBe('x');
    expect(output.label).toBe('u');
    const row = layout.edges.filter((e) => e.layer === 0);
    for (const e of row) {
      expect(e.box.y).toBeLessThan(e.from.y);
      expect(e.box.y).toBeGreaterThan(e.to.y);
    }
    const xs = row.map((e) => e.box.x);
    expect(xs).toEqual([...xs].sort((a, b) => a - b));
    for (let k = 1; k < row.length; k++) expect(xs[k]! - xs[k - 1]!).toBeGreaterThan(row[k]!.box.w);
  });
});
