/**
 * Where each part of a KAN diagram goes, as in pykan's `plot`: layers of nodes from the inputs
 * (bottom) to the outputs (top); between two layers a row of small boxes, one per edge (i, j),
 * ordered i-major, each holding the plot of φ_ij; a line runs from node i up to its box and from
 * the box up to node j. Coordinates are SVG-like pixels, y pointing down.
 */
import type { EdgeView, NetworkView } from './types.js';

/** A point in layout coordinates. */
export interface Point { x: number; y: number }

/** A node's position; `label` for input and output nodes. */
export interface NodeLayout extends Point { layer: number; index: number; label?: string }

/** An edge's box (centre x, y; size w × h) and the ends of its connecting lines. */
export interface EdgeLayout {
  layer: number; i: number; j: number;
  box: { x: number; y: number; w: number; h: number };
  from: Point; to: Point;
}

/** The whole diagram: size, nodes and edge slots (one per (layer, i, j), pruned or not). */
export interface NetworkLayout { width: number; height: number; nodes: NodeLayout[]; edges: EdgeLayout[] }

/** Spacing of the diagram in pixels. */
export interface LayoutOptions { slot: number; minWidth: number; maxBox: number; layerGap: number; margin: number; nodeRadius: number }

/** Defaults of `LayoutOptions`. */
export const DEFAULT_LAYOUT_OPTIONS: LayoutOptions = { slot: 46, minWidth: 480, maxBox: 56, layerGap: 190, margin: 40, nodeRadius: 7 };

/** Lays out nodes and edge boxes for `view.width`; all (i, j) pairs get a slot. */
export function layoutNetwork(view: Pick<NetworkView, 'width' | 'inputNames' | 'outputNames'>, options: Partial<LayoutOptions> = {}): NetworkLayout {
  const o = { ...DEFAULT_LAYOUT_OPTIONS, ...options };
  const widths = view.width;
  const layers = widths.length;
  let most = 1;
  for (let l = 0; l < layers; l++) {
    most = Math.max(most, widths[l] ?? 1);
    if (l + 1 < layers) most = Math.max(most, (widths[l] ?? 1) * (widths[l + 1] ?? 1));
  }
  const inner = Math.max(o.minWidth, most * o.slot);
  const width = inner + 2 * o.margin;
  const height = (layers - 1) * o.layerGap + 2 * o.margin + 24;
  const nodeY = (l: number): number => height - o.margin - 12 - l * o.layerGap;
  const nodes: NodeLayout[] = [];
  for (let l = 0; l < layers; l++) {
    const n = widths[l] ?? 1;
    for (let k = 0; k < n; k++) {
      const label = l === 0 ? view.inputNames[k] : l === layers - 1 ? view.outputNames[k] : undefined;
      nodes.push({ layer: l, index: k, x: o.margin + (inner * (k + 0.5)) / n, y: nodeY(l), ...(label !== undefined ? { label } : {}) });
    }
  }
  const nodeAt = (l: number, k: number): NodeLayout => nodes.find((n) => n.layer === l && n.index === k)!;
  const edges: EdgeLayout[] = [];
  for (let l = 0; l + 1 < layers; l++) {
    const nIn = widths[l] ?? 1;
    const nOut = widths[l + 1] ?? 1;
    const count = nIn * nOut;
    const w = Math.min(o.maxBox, (inner / count) * 0.82);
    const h = Math.min(o.maxBox, o.layerGap * 0.34);
    const y = (nodeY(l) + nodeY(l + 1)) / 2;
    for (let i = 0; i < nIn; i++) {
      for (let j = 0; j < nOut; j++) {
        const x = o.margin + (inner * (i * nOut + j + 0.5)) / count;
        const a = nodeAt(l, i);
        const b = nodeAt(l + 1, j);
        edges.push({ layer: l, i, j, box: { x, y, w, h }, from: { x: a.x, y: a.y }, to: { x: b.x, y: b.y } });
      }
    }
  }
  return { width, height, nodes, edges };
}

/** Opacity of an edge: floor + (1 − floor) · importance / max importance (1 when all are 0). */
export function edgeOpacity(importance: number, maxImportance: number, floor = 0.06): number {
  if (!(maxImportance > 0)) return 1;
  const r = Math.min(1, Math.max(0, importance / maxImportance));
  return floor + (1 - floor) * r;
}

/** The largest importance over the edges that are not pruned (0 when there are none). */
export function maxImportance(edges: readonly EdgeView[]): number {
  return edges.reduce((m, e) => (e.state === 'pruned' ? m : Math.max(m, e.importance)), 0);
}

/** φ's samples mapped into a box (centre, size; y down): x and y each scaled to fill 80 % of it. */
export function edgePolyline(edge: Pick<EdgeView, 'xs' | 'ys'>, box: EdgeLayout['box']): Point[] {
  const finite = (v: number): boolean => Number.isFinite(v);
  const xs = edge.xs.filter(finite);
  const ys = edge.ys.filter(finite);
  if (!xs.length || !ys.length) return [];
  const x0 = Math.min(...xs), x1 = Math.max(...xs);
  const y0 = Math.min(...ys), y1 = Math.max(...ys);
  const sx = x1 > x0 ? (box.w * 0.8) / (x1 - x0) : 0;
  const sy = y1 > y0 ? (box.h * 0.8) / (y1 - y0) : 0;
  const points: Point[] = [];
  for (let k = 0; k < edge.xs.length; k++) {
    const x = edge.xs[k]!, y = edge.ys[k]!;
    if (!finite(x) || !finite(y)) continue;
    points.push({ x: box.x + (sx ? (x - x0) * sx - box.w * 0.4 : 0), y: box.y - (sy ? (y - y0) * sy - box.h * 0.4 : 0) });
  }
  return points;
}

/** Edge colours by state: numeric black, symbolic red, pruned light grey. */
export const EDGE_COLORS = { numeric: '#222222', symbolic: '#d62728', pruned: '#bbbbbb' } as const;
