import { describe, expect, it } from 'vitest';
import { historyCharts, renderNetworkHtml, renderReport, VizDataError } from '../../viz/index.js';
import type { HistoryData } from '../../viz/index.js';
import { gridMarkers, metricLabel } from '../../viz/report.js';
import { decodeFloat32 } from '../../viz/encode.js';
import type { PagePayload } from '../../viz/payload.js';
import { bundlePaths } from '../../viz/bundle.js';
import { boxReport, poissonReport, syntheticNetwork } from './fixtures.js';

const payloadOf = (html: string): PagePayload => {
  const m = /<script id="kanpinn-data" type="application\/json">([\s\S]*?)<\/script>/.exec(html);
  if (!m) throw new Error('no data block');
  return JSON.parse(m[1]!) as PagePayload;
};

describe('renderReport', () => {
  it('stays under 2 MB for a 100 x 100 field and a [2, 10, 1] KAN, with three.js inline and no external script', () => {
    const html = renderReport(poissonReport(100));
    expect(html.length).toBeLessThan(2_000_000);
    expect(html).not.toMatch(/<script[^>]+src=/);
    expect(html).not.toMatch(/https?:\/\/(cdn|unpkg)/);
    expect(html).toContain('WebGLRenderer');
    expect(html.startsWith('<!DOCTYPE html>')).toBe(true);
  });

  it('carries the field as float32 that decodes to the input values', () => {
    const report = poissonReport(20);
    const payload = payloadOf(renderReport(report));
    expect(payload.kind).toBe('report');
    const predicted = decodeFloat32(payload.fields![0]!.predicted);
    expect(Array.from(predicted)).toEqual(Array.from(Float32Array.from(report.field!.predicted)));
    expect(payload.network!.width).toEqual([2, 10, 1]);
    expect(payload.network!.edges[0]!.ys.every((v) => v === Number(v.toPrecision(4)))).toBe(true);
  });

  it('cannot be broken out of by a </script> in a title or a formula', () => {
    const report = poissonReport(10);
    report.title = 'a </script><script>alert(1)</script>';
    report.network!.edges[1]!.formula = '</script>';
    const html = renderReport(report);
    expect(html.match(/<\/script>/g)).toHaveLength(2);
    expect(payloadOf(html).network!.edges[1]!.formula).toBe('</script>');
    expect(html).toContain('<title>a &lt;/script&gt;&lt;script&gt;alert(1)&lt;/script&gt;</title>');
  });

  it('shows the metrics, the settings, the loss terms and a note for an MLP run', () => {
    const html = renderReport(boxReport(4));
    expect(html).toContain('This run used an MLP');
    expect(html).toContain('<td>optimizer</td><td>lbfgs</td>');
    expect(html).toContain('<td>rel. L2 error</td><td>0.0123</td>');
    expect(html).toContain('data-name="loss:conditions[0].dirichlet"');
    expect(html).toContain('data-role="relL2"');
  });

  it('refuses a field whose arrays do not match the grid, naming the field', () => {
    const report = poissonReport(10);
    report.field!.exact = [1, 2, 3];
    expect(() => renderReport(report)).toThrow(VizDataError);
    expect(() => renderReport(report)).toThrow('field.exact: expected 100 values (frames x grid), found 3');
    const timed = poissonReport(10);
    timed.field!.times = [0, 1];
    expect(() => renderReport(timed)).toThrow('field.predicted: expected 200 values (frames x grid), found 100');
    const history = poissonReport(10);
    history.history.rows[3] = [1, 2];
    expect(() => renderReport(history)).toThrow('history.rows[3]: expected 7 values (one per column), found 2');
  });
});

describe('renderNetworkHtml', () => {
  it('writes a page with the network alone', () => {
    const html = renderNetworkHtml(syntheticNetwork([2, 5, 1]), { title: 'my KAN' });
    const payload = payloadOf(html);
    expect(payload.kind).toBe('network');
    expect(payload.fields).toBeUndefined();
    expect(payload.network!.edges).toHaveLength(15);
    expect(html).toContain('<div id="network-root"></div>');
    expect(html).toContain('<title>my KAN</title>');
  });
});

describe('viewer bundle location', () => {
  it('finds dist/viz/viewer.bundle.js from the sources and from the compiled module alike', () => {
    const fromSource = bundlePaths('file:///repo/viz/bundle.ts');
    expect(fromSource).toEqual({ bundle: '/repo/dist/viz/viewer.bundle.js', sources: '/repo/viz', script: '/repo/viz/build-viewer.mjs' });
    const fromDist = bundlePaths('file:///repo/dist/viz/bundle.js');
    expect(fromDist).toEqual(fromSource);
  });
});

describe('grid-extension markers (issue 11, defect 2)', () => {
  const history = (grids: number[]): HistoryData => ({
    columns: ['step', 'grid', 'loss'],
    rows: grids.map((g, s) => [s, g, 1 / (s + 1)]),
  });

  it('an MLP history (grid column empty, NaN) draws no "G=NaN" line', () => {
    const h = history([NaN, NaN, NaN, NaN]);
    expect(gridMarkers(h, [0, 1, 2, 3])).toEqual([]);
    expect(historyCharts(h)).not.toContain('G=NaN');
    expect(historyCharts(h)).not.toContain('class="marker"');
    // The same history read back from JSON has null there.
    expect(gridMarkers({ ...h, rows: h.rows.map((r) => [r[0]!, null, r[2]!]) }, [0, 1, 2, 3])).toEqual([]);
  });

  it('a KAN history gets one marker per grid change, half-way between the two records', () => {
    expect(gridMarkers(history([5, 5, 10, 10, 20]), [0, 1, 2, 3, 4])).toEqual([{ x: 1.5, label: 'G=10' }, { x: 3.5, label: 'G=20' }]);
    expect(historyCharts(history([5, 5, 10, 10, 20])).match(/class="marker"/g)).toHaveLength(2);
  });
});

describe('header cards and metrics in words (issue 11, defect 9)', () => {
  it('one unknown: "rel. L2 error", "max |error|", "parameters", never a bare key such as relL2', () => {
    const html = renderReport(poissonReport(10));
    const cards = [...html.matchAll(/<div class="badge"[^>]*><small>([^<]+)<\/small>/g)].map((m) => m[1]);
    expect(cards).toEqual(['rel. L2 error', 'max |error|', 'parameters', 'seconds', 'backend']);
    // Not upper-cased by the style sheet either: unknown names are case-sensitive (u is not U).
    expect(/\.badge small\{[^}]*uppercase/.test(html)).toBe(false);
    const metrics = /<table class="kv metrics">([\s\S]*?)<\/table>/.exec(html)![1]!;
    expect([...metrics.matchAll(/<tr><td>([^<]+)<\/td>/g)].map((m) => m[1])).toEqual(['rel. L2 error', 'max |error|', 'parameters', 'seconds', 'backend', 'steps']);
  });

  it('metricLabel names per-unknown and pooled errors', () => {
    expect(metricLabel('relL2')).toBe('rel. L2 error');
    expect(metricLabel('relL2', true)).toBe('rel. L2 error (all unknowns)');
    expect(metricLabel('maxAbsErr:v')).toBe('max |error| of v');
    expect(metricLabel('evaluations')).toBe('loss evaluations');
    expect(metricLabel('something new')).toBe('something new');
  });
});
