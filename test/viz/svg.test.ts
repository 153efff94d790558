import { describe, expect, it } from 'vitest';
import { renderNetworkSvg, VizDataError } from '../../viz/index.js';
import type { NetworkView } from '../../viz/index.js';
import { syntheticNetwork } from './fixtures.js';
import { checkXml } from './xml.js';

const edgeTags = (svg: string): string[] => svg.match(/<g class="edge"[^>]*>/g) ?? [];

describe('renderNetworkSvg', () => {
  it('draws exactly one edge group per edge that is not pruned, with its indices', () => {
    const view = syntheticNetwork([2, 10, 1]);
    const svg = renderNetworkSvg(view);
    const kept = view.edges.filter((e) => e.state !== 'pruned');
    expect(kept.length).toBe(29);
    const tags = edgeTags(svg);
    expect(tags).toHaveLength(kept.length);
    const keys = tags.map((t) => /data-l="(\d+)" data-i="(\d+)" data-j="(\d+)"/.exec(t)!.slice(1).join(':')).sort();
    expect(keys).toEqual(kept.map((e) => `${e.layer}:${e.i}:${e.j}`).sort());
    expect(svg).toContain('<g class="pruned-edge" data-l="0" data-i="1" data-j="2"');
    expect(renderNetworkSvg(view, { showPruned: false })).not.toContain('pruned-edge');
  });

  it('is well-formed XML with one circle per node and the input and output names', () => {
    const view = syntheticNetwork([2, 5, 1]);
    view.inputNames = ['x<1', 'y&z'];
    const svg = renderNetworkSvg(view, { title: 'KAN "demo"' });
    const names = checkXml(svg);
    expect(names[0]).toBe('svg');
    expect(names.filter((n) => n === 'circle')).toHaveLength(2 + 5 + 1);
    expect(svg).toContain('>x&lt;1</text>');
    expect(svg).toContain('>y&amp;z</text>');
    expect(svg).toContain('>u</text>');
    expect(svg).toContain('KAN &quot;demo&quot;');
  });

  it('labels symbolic edges with their formula in red and plots every sample of a numeric edge', () => {
    const view = syntheticNetwork([2, 3, 1], 4, 50);
    const svg = renderNetworkSvg(view);
    const symbolic = /<g class="edge" data-l="0" data-i="0" data-j="1" data-state="symbolic"[^>]*stroke="#d62728"[\s\S]*?<\/g><\/?/.exec(svg);
    expect(symbolic).not.toBeNull();
    expect(svg).toContain('<text class="formula"');
    expect(svg).toContain('sin(3.14*x + 0.1)');
    const numeric = /<g class="edge" data-l="1" data-i="0" data-j="0"[\s\S]*?<polyline points="([^"]*)"/.exec(svg)!;
    expect(numeric[1]!.split(' ')).toHaveLength(50);
  });

  it('sets opacity from importance relative to the most important edge', () => {
    const base = syntheticNetwork([1, 2, 1], 2);
    const view: NetworkView = { ...base, inputNames: ['x'], edges: base.edges.map((e, k) => ({ ...e, state: 'numeric', importance: k === 0 ? 4 : 1 })) };
    delete view.edges[1]!.formula;
    const svg = renderNetworkSvg(view, { opacityFloor: 0 });
    const opacities = edgeTags(svg).map((t) => Number(/opacity="([\d.]+)"/.exec(t)![1]));
    expect(opacities).toEqual([1, 0.25, 0.25, 0.25]);
  });

  it('refuses an edge outside the layer widths, naming the field', () => {
    const view = syntheticNetwork([2, 3, 1]);
    view.edges[4] = { ...view.edges[4]!, j: 3 };
    expect(() => renderNetworkSvg(view)).toThrow(VizDataError);
    expect(() => renderNetworkSvg(view)).toThrow('network.edges[4].j: expected an integer in [0, 2], found 3');
    const short = syntheticNetwork([2, 3, 1]);
    short.edges[0] = { ...short.edges[0]!, ys: [1, 2] };
    expect(() => renderNetworkSvg(short)).toThrow('network.edges[0].ys: expected 60 values (as many as xs), found 2');
    expect(() => renderNetworkSvg({ ...short, outputNames: [] })).toThrow('network.outputNames: expected 1 names (last width), found 0');
  });
});
