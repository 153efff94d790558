/**
 * The KAN drawn with three.js in an orthographic camera over the shared layout: nodes in layers,
 * each edge its learned function in a small box joined to its two nodes, opacity by importance,
 * red for symbolic edges with the formula beside, pruned edges hidden. Clicking an edge opens an
 * enlarged plot of φ in a dialog.
 */
import {
  BufferAttribute, BufferGeometry, CircleGeometry, Color, Line, LineBasicMaterial, LineSegments, Mesh,
  MeshBasicMaterial, OrthographicCamera, PlaneGeometry, Scene, WebGLRenderer,
} from 'three';
import { lineChartSvg } from '../chartSvg.js';
import { escapeXml } from '../format.js';
import { EDGE_COLORS, edgeOpacity, edgePolyline, layoutNetwork, maxImportance } from '../networkLayout.js';
import type { EdgeLayout, NetworkLayout } from '../networkLayout.js';
import type { EdgeView, NetworkView } from '../types.js';

/** Handles for scripts and tests: where an edge's box is on screen, and the dialog. */
export interface NetworkHandle {
  canvas: HTMLCanvasElement;
  /** Client (viewport) coordinates of the centre of edge (l, i, j)'s box; undefined if not drawn. */
  edgeClientPoint(l: number, i: number, j: number): { x: number; y: number } | undefined;
  openEdge(l: number, i: number, j: number): void;
}

const lineGeometry = (points: number[]): BufferGeometry => {
  const g = new BufferGeometry();
  g.setAttribute('position', new BufferAttribute(new Float32Array(points), 3));
  return g;
};

/** Builds the network view inside `root`. */
export function mountNetwork(root: HTMLElement, view: NetworkView): NetworkHandle {
  const layout = layoutNetwork(view);
  const wrap = document.createElement('div');
  wrap.className = 'network-wrap';
  root.appendChild(wrap);
  const cssWidth = Math.max(320, Math.min(layout.width, root.clientWidth || layout.width));
  const scale = cssWidth / layout.width;
  const cssHeight = layout.height * scale;
  const renderer = new WebGLRenderer({ antialias: true, preserveDrawingBuffer: true });
  renderer.setPixelRatio(Math.min(2, window.devicePixelRatio || 1));
  renderer.setSize(cssWidth, cssHeight);
  renderer.setClearColor(new Color('#ffffff'));
  const canvas = renderer.domElement;
  canvas.className = 'network';
  wrap.appendChild(canvas);
  // Layout pixels, y down → world y = −layout y.
  const camera = new OrthographicCamera(0, layout.width, 0, -layout.height, -10, 10);
  const scene = new Scene();
  const edgeByKey = new Map(view.edges.map((e) => [`${e.layer}:${e.i}:${e.j}`, e]));
  const top = maxImportance(view.edges);
  const drawn: { slot: EdgeLayout; edge: EdgeView }[] = [];
  for (const slot of layout.edges) {
    const edge = edgeByKey.get(`${slot.layer}:${slot.i}:${slot.j}`);
    if (!edge || edge.state === 'pruned') continue;
    drawn.push({ slot, edge });
    addEdge(scene, slot, edge, edgeOpacity(edge.importance, top));
  }
  const radius = 7;
  for (const node of layout.nodes) {
    const dot = new Mesh(new CircleGeometry(radius, 24), new MeshBasicMaterial({ color: 0x1d2330 }));
    dot.position.set(node.x, -node.y, 0);
    dot.renderOrder = 3;
    scene.add(dot);
  }
  addLabels(wrap, layout, drawn, scale);
  renderer.render(scene, camera);
  // The picture is drawn once; after a context loss and restore three.js rebuilds its GL state
  // (clear colour back to black) but draws nothing, so set the colour again and draw.
  canvas.addEventListener('webglcontextrestored', () => {
    renderer.setClearColor(new Color('#ffffff'));
    renderer.render(scene, camera);
  });

  const dialog = createDialog();
  const hit = (clientX: number, clientY: number): { slot: EdgeLayout; edge: EdgeView } | undefined => {
    const rect = canvas.getBoundingClientRect();
    const x = (clientX - rect.left) / scale, y = (clientY - rect.top) / scale;
    return drawn.find(({ slot: { box } }) => Math.abs(x - box.x) <= box.w / 2 + 2 && Math.abs(y - box.y) <= box.h / 2 + 2);
  };
  canvas.addEventListener('mousemove', (event) => { canvas.style.cursor = hit(event.clientX, event.clientY) ? 'pointer' : 'default'; });
  canvas.addEventListener('click', (event) => {
    const found = hit(event.clientX, event.clientY);
    if (found) dialog.open(found.edge, view);
  });
  return {
    canvas,
    edgeClientPoint(l, i, j) {
      const found = drawn.find(({ slot }) => slot.layer === l && slot.i === i && slot.j === j);
      if (!found) return undefined;
      const rect = canvas.getBoundingClientRect();
      return { x: rect.left + found.slot.box.x * scale, y: rect.top + found.slot.box.y * scale };
    },
    openEdge(l, i, j) {
      const edge = edgeByKey.get(`${l}:${i}:${j}`);
      if (edge) dialog.open(edge, view);
    },
  };
}

function addEdge(scene: Scene, slot: EdgeLayout, edge: EdgeView, opacity: number): void {
  const { box } = slot;
  const color = new Color(EDGE_COLORS[edge.state]);
  const material = new LineBasicMaterial({ color, transparent: true, opacity, depthTest: false });
  const connectors = new LineSegments(lineGeometry([
    slot.from.x, -slot.from.y, 0, box.x, -(box.y + box.h / 2), 0,
    box.x, -(box.y - box.h / 2), 0, slot.to.x, -slot.to.y, 0,
  ]), material);
  connectors.renderOrder = 0;
  const background = new Mesh(new PlaneGeometry(box.w, box.h), new MeshBasicMaterial({ color: 0xffffff, depthTest: false }));
  background.position.set(box.x, -box.y, 0);
  background.renderOrder = 1;
  const x0 = box.x - box.w / 2, x1 = box.x + box.w / 2, y0 = -(box.y - box.h / 2), y1 = -(box.y + box.h / 2);
  const frame = new LineSegments(lineGeometry([x0, y0, 0, x1, y0, 0, x1, y0, 0, x1, y1, 0, x1, y1, 0, x0, y1, 0, x0, y1, 0, x0, y0, 0]), material);
  frame.renderOrder = 2;
  const points = edgePolyline(edge, box).flatMap((p) => [p.x, -p.y, 0]);
  const curve = new Line(lineGeometry(points), material);
  curve.renderOrder = 2;
  scene.add(connectors, background, frame, curve);
}

function addLabels(wrap: HTMLElement, layout: NetworkLayout, drawn: { slot: EdgeLayout; edge: EdgeView }[], scale: number): void {
  const put = (cls: string, text: string, x: number, y: number): void => {
    const label = document.createElement('div');
    label.className = `net-label ${cls}`;
    label.textContent = text;
    label.style.left = `${x * scale}px`;
    label.style.top = `${y * scale}px`;
    wrap.appendChild(label);
  };
  for (const node of layout.nodes) {
    if (node.label !== undefined) put('io', node.label, node.x, node.layer === 0 ? node.y + 22 : node.y - 20);
  }
  for (const { slot, edge } of drawn) {
    if (edge.state === 'symbolic' && edge.formula !== undefined) {
      put('formula', edge.formula.length > 24 ? `${edge.formula.slice(0, 23)}…` : edge.formula, slot.box.x, slot.box.y + slot.box.h / 2 + 9);
    }
  }
}

interface EdgeDialog { open(edge: EdgeView, view: NetworkView): void }

function createDialog(): EdgeDialog {
  const modal = document.createElement('div');
  modal.className = 'modal';
  modal.id = 'edge-modal';
  modal.hidden = true;
  modal.setAttribute('role', 'dialog');
  document.body.appendChild(modal);
  const close = (): void => { modal.hidden = true; };
  modal.addEventListener('click', (event) => { if (event.target === modal) close(); });
  document.addEventListener('keydown', (event) => { if (event.key === 'Escape') close(); });
  return {
    open(edge, view) {
      const layers = view.width.length - 1;
      // Hidden nodes are named h<layer>.<index> (layer 1 is the first hidden layer), as in pykan's plots.
      const from = edge.layer === 0 ? view.inputNames[edge.i] ?? `x${edge.i}` : `h${edge.layer}.${edge.i}`;
      const to = edge.layer === layers - 1 ? view.outputNames[edge.j] ?? `y${edge.j}` : `h${edge.layer + 1}.${edge.j}`;
      const inputName = edge.layer === 0 ? from : `${from} (input range on the sampled domain)`;
      const chart = lineChartSvg([{ name: 'φ', xs: edge.xs, ys: edge.ys, color: EDGE_COLORS[edge.state] }], {
        width: 560, height: 340, xLabel: inputName, yLabel: 'φ', logY: false, attributes: 'class="chart" data-role="edge"',
      });
      const formula = edge.formula !== undefined ? `<div>formula: <code>${escapeXml(edge.formula)}</code></div>` : '';
      modal.innerHTML =
        `<div class="card" data-l="${edge.layer}" data-i="${edge.i}" data-j="${edge.j}">` +
        `<header><b>φ: ${escapeXml(from)} → ${escapeXml(to)}</b><button type="button" class="close">close</button></header>` +
        `<div>layer ${edge.layer} edge (${edge.i} → ${edge.j}), ${edge.state}, importance ${edge.importance.toPrecision(3)}</div>${formula}${chart}</div>`;
      modal.querySelector('button.close')?.addEventListener('click', close);
      modal.hidden = false;
    },
  };
}
