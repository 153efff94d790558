/**
 * The static network diagram as SVG (pykan's `plot`): nodes in layers, every edge a small plot of
 * its learned function φ_ij over its input range, opacity from its importance, colour by state,
 * formulas under symbolic edges, input and output names. One `<g class="edge">` per edge that is
 * not pruned; pruned edges are faint dashed lines (`<g class="pruned-edge">`) unless hidden.
 */
import { escapeXml } from './format.js';
import { EDGE_COLORS, DEFAULT_LAYOUT_OPTIONS, edgeOpacity, edgePolyline, layoutNetwork, maxImportance } from './networkLayout.js';
import type { LayoutOptions } from './networkLayout.js';
import type { NetworkView } from './types.js';
import { validateNetwork } from './validate.js';

/** Options of `renderNetworkSvg`. */
export interface NetworkSvgOptions {
  /** Draw pruned edges as faint dashed lines (true) or leave them out (false). */
  showPruned: boolean;
  /** Write the formula of each symbolic edge beside its box. */
  showFormulas: boolean;
  /** Lowest opacity of an edge (importance 0). */
  opacityFloor: number;
  /** A title line above the diagram ('' for none). */
  title: string;
  layout: Partial<LayoutOptions>;
}

/** Defaults of `NetworkSvgOptions`. */
export const DEFAULT_NETWORK_SVG_OPTIONS: NetworkSvgOptions = { showPruned: true, showFormulas: true, opacityFloor: 0.06, title: '', layout: {} };

const f1 = (v: number): string => v.toFixed(1);

/** Shortens a formula for a label: at most `max` characters, with an ellipsis. */
export function shortFormula(formula: string, max = 28): string {
  return formula.length > max ? `${formula.slice(0, max - 1)}…` : formula;
}

/** Renders `view` as a standalone SVG document (a string that parses as XML). */
export function renderNetworkSvg(view: NetworkView, options: Partial<NetworkSvgOptions> = {}): string {
  validateNetwork(view);
  const o = { ...DEFAULT_NETWORK_SVG_OPTIONS, ...options };
  const layout = layoutNetwork(view, o.layout);
  const radius = o.layout.nodeRadius ?? DEFAULT_LAYOUT_OPTIONS.nodeRadius;
  const titleHeight = o.title ? 28 : 0;
  const height = layout.height + titleHeight;
  const edgeByKey = new Map(view.edges.map((e) => [`${e.layer}:${e.i}:${e.j}`, e]));
  const top = maxImportance(view.edges);
  const parts: string[] = [
    `<?xml version="1.0" encoding="UTF-8"?>`,
    `<svg xmlns="http://www.w3.org/2000/svg" class="kan-network" width="${f1(layout.width)}" height="${f1(height)}" viewBox="0 0 ${f1(layout.width)} ${f1(height)}" font-family="system-ui, sans-serif" font-size="12">`,
    `<rect width="100%" height="100%" fill="#ffffff"/>`,
  ];
  if (o.title) parts.push(`<text x="${f1(layout.width / 2)}" y="20" text-anchor="middle" font-size="15" font-weight="600">${escapeXml(o.title)}</text>`);
  parts.push(`<g transform="translate(0 ${titleHeight})">`);
  for (const slot of layout.edges) {
    const edge = edgeByKey.get(`${slot.layer}:${slot.i}:${slot.j}`);
    if (!edge) continue;
    const { box } = slot;
    const data = `data-l="${slot.layer}" data-i="${slot.i}" data-j="${slot.j}"`;
    const lines =
      `<line x1="${f1(slot.from.x)}" y1="${f1(slot.from.y)}" x2="${f1(box.x)}" y2="${f1(box.y + box.h / 2)}"/>` +
      `<line x1="${f1(box.x)}" y1="${f1(box.y - box.h / 2)}" x2="${f1(slot.to.x)}" y2="${f1(slot.to.y)}"/>`;
    if (edge.state === 'pruned') {
      if (o.showPruned) parts.push(`<g class="pruned-edge" ${data} stroke="${EDGE_COLORS.pruned}" stroke-width="0.8" stroke-dasharray="3 3" opacity="0.6">${lines}</g>`);
      continue;
    }
    const color = EDGE_COLORS[edge.state];
    const opacity = edgeOpacity(edge.importance, top, o.opacityFloor).toFixed(3);
    const points = edgePolyline(edge, box).map((p) => `${f1(p.x)},${f1(p.y)}`).join(' ');
    const label = edge.state === 'symbolic' && edge.formula !== undefined && o.showFormulas
      ? `<text class="formula" x="${f1(box.x)}" y="${f1(box.y + box.h / 2 + 11)}" text-anchor="middle" font-size="9" fill="${color}" stroke="none">${escapeXml(shortFormula(edge.formula))}</text>`
      : '';
    const tip = `φ[${slot.layer}](${slot.i}→${slot.j})${edge.formula !== undefined ? ` = ${edge.formula}` : ''}, importance ${edge.importance.toPrecision(3)}`;
    parts.push(
      `<g class="edge" ${data} data-state="${edge.state}" opacity="${opacity}" stroke="${color}" fill="none">` +
        `<title>${escapeXml(tip)}</title>` +
        `<g stroke-width="0.9">${lines}</g>` +
        `<rect x="${f1(box.x - box.w / 2)}" y="${f1(box.y - box.h / 2)}" width="${f1(box.w)}" height="${f1(box.h)}" fill="#ffffff" stroke-width="0.8"/>` +
        `<polyline points="${points}" stroke-width="1.4"/>` +
        label +
        `</g>`,
    );
  }
  for (const node of layout.nodes) {
    parts.push(`<circle class="node" data-l="${node.layer}" data-k="${node.index}" cx="${f1(node.x)}" cy="${f1(node.y)}" r="${radius}" fill="#222222"/>`);
    if (node.label !== undefined) {
      const below = node.layer === 0;
      parts.push(`<text class="node-label" x="${f1(node.x)}" y="${f1(node.y + (below ? radius + 15 : -radius - 7))}" text-anchor="middle" font-size="14" font-style="italic">${escapeXml(node.label)}</text>`);
    }
  }
  parts.push('</g></svg>');
  return parts.join('\n');
}
