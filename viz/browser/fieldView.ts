/**
 * The solution section of the report: quantity buttons (predicted / exact / error) for the 3-D
 * view, a time slider with play/pause, a slice slider for 3-D fields, heat maps with colour bars
 * for every quantity, and line plots for 1-D fields. Everything redraws from one state.
 */
import type { ColormapName } from '../colormap.js';
import { lineChartSvg } from '../chartSvg.js';
import type { ChartSeries } from '../chartSvg.js';
import { frameStatRows, frameStats, line1D, slice2D, valueRange } from '../fieldSlices.js';
import type { DecodedField, Quantity } from '../fieldSlices.js';
import { escapeXml, formatNumber } from '../format.js';
import { createHeatmapCanvas, drawHeatmap } from './heatmap.js';
import { SurfaceView } from './surface.js';

/** What the user chose. */
interface FieldState { quantity: Quantity; frame: number; slice: number; playing: boolean }

/** Handles the page's tests and scripts can use. */
export interface FieldHandle {
  frames: number;
  setFrame(frame: number): void;
  /** Stops the time animation (when the view is hidden, e.g. another unknown is chosen). */
  pause(): void;
  surface?: HTMLCanvasElement;
}

const TITLES: Record<Quantity, string> = { predicted: 'predicted', exact: 'exact', error: 'error (predicted − exact)' };
const mapOf = (q: Quantity): ColormapName => (q === 'error' ? 'diverging' : 'viridis');

function el<K extends keyof HTMLElementTagNameMap>(tag: K, attrs: Record<string, string> = {}, text?: string): HTMLElementTagNameMap[K] {
  const node = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) node.setAttribute(k, v);
  if (text !== undefined) node.textContent = text;
  return node;
}

/** Builds the solution section inside `root`; `ids` is appended to its element ids (one view per unknown on a page). */
export function mountField(root: HTMLElement, field: DecodedField, ids = ''): FieldHandle {
  const quantities: Quantity[] = field.exact ? ['predicted', 'exact', 'error'] : ['predicted'];
  const frames = field.times.length;
  const dims = field.axes.length;
  const spaceTime = dims === 1 && field.timeDependent && frames > 1;
  const nz = dims === 3 ? field.axes[2]!.values.length : 1;
  const state: FieldState = { quantity: 'predicted', frame: 0, slice: Math.floor(nz / 2), playing: false };
  const ranges = new Map(quantities.map((q) => [q, valueRange(field, q)] as const));
  const u = field.unknown;
  const pr = ranges.get('predicted')!, er = ranges.get('exact') ?? pr;
  const lo = Math.min(pr[0], er[0]), hi = Math.max(pr[1], er[1]);
  const lineRange: [number, number] = [lo - 0.05 * (hi - lo), hi + 0.05 * (hi - lo)];

  const controls = el('div', { class: 'controls' });
  root.appendChild(controls);
  const grid = el('div', { class: 'field-grid' });
  root.appendChild(grid);

  const hasSurface = dims >= 2 || spaceTime;
  const quantityButtons = new Map<Quantity, HTMLButtonElement>();
  if (hasSurface && quantities.length > 1) {
    controls.appendChild(el('label', {}, '3-D view:'));
    for (const q of quantities) {
      const b = el('button', { type: 'button', 'data-quantity': q }, q);
      b.addEventListener('click', () => { state.quantity = q; redraw(); });
      quantityButtons.set(q, b);
      controls.appendChild(b);
    }
  }
  let timeSlider: HTMLInputElement | undefined;
  let timeLabel: HTMLSpanElement | undefined;
  let playButton: HTMLButtonElement | undefined;
  let timer: number | undefined;
  if (field.timeDependent && frames > 1) {
    timeSlider = el('input', { type: 'range', id: `time-slider${ids}`, min: '0', max: String(frames - 1), step: '1', value: '0', 'aria-label': 'time' });
    timeLabel = el('span', { id: `time-label${ids}` });
    playButton = el('button', { type: 'button', id: `play-button${ids}` }, 'Play');
    const slider = timeSlider;
    slider.addEventListener('input', () => { state.frame = Number(slider.value); redraw(); });
    playButton.addEventListener('click', () => {
      state.playing = !state.playing;
      if (state.playing) timer = window.setInterval(() => setFrame((state.frame + 1) % frames), 150);
      else window.clearInterval(timer);
      redraw();
    });
    controls.append(el('label', { for: `time-slider${ids}` }, 'time'), slider, playButton, timeLabel);
  }
  let sliceSlider: HTMLInputElement | undefined;
  let sliceLabel: HTMLSpanElement | undefined;
  if (dims === 3) {
    sliceSlider = el('input', { type: 'range', id: `slice-slider${ids}`, min: '0', max: String(nz - 1), step: '1', value: String(state.slice), 'aria-label': 'slice' });
    sliceLabel = el('span', { id: `slice-label${ids}` });
    const slider = sliceSlider;
    slider.addEventListener('input', () => { state.slice = Number(slider.value); redraw(); });
    controls.append(el('label', { for: `slice-slider${ids}` }, `slice ${field.axes[2]!.name}`), slider, sliceLabel);
  }

  const heatmaps = new Map<Quantity, HTMLCanvasElement>();
  if (hasSurface) {
    for (const q of quantities) {
      const panel = el('div', { class: 'panel' });
      const canvas = createHeatmapCanvas();
      canvas.dataset.quantity = q;
      panel.appendChild(canvas);
      grid.appendChild(panel);
      heatmaps.set(q, canvas);
    }
  }
  // Beside the stacked profiles of a space-time field the statistics go under the 3-D view, so the row stays level.
  const column = hasSurface && dims === 1 ? el('div', { class: 'field-column' }) : grid;
  if (column !== grid) grid.appendChild(column);
  let surface: SurfaceView | undefined;
  let surfaceTitle: HTMLHeadingElement | undefined;
  if (hasSurface) {
    const panel = el('div', { class: 'panel surface-panel' });
    const title = el('h3', { id: `surface-title${ids}` });
    surfaceTitle = title;
    const wrap = el('div', { class: 'surface-wrap' });
    panel.append(title, wrap, el('div', { class: 'hint' }, 'drag to rotate, scroll to zoom, right-drag to pan'));
    column.appendChild(panel);
    surface = new SurfaceView(wrap, 560, 420);
  }
  const stats = el('div', { class: 'panel stats-panel' });
  const lines = dims === 1 ? el('div', { class: `panel line-panel${hasSurface ? ' stacked' : ''}` }) : undefined;
  if (lines) grid.appendChild(lines);
  column.appendChild(stats);

  function redraw(): void {
    const t = field.times[state.frame] ?? 0;
    if (timeSlider && timeLabel && playButton) {
      timeSlider.value = String(state.frame);
      timeLabel.textContent = `t = ${formatNumber(t, 4)}  (frame ${state.frame + 1} of ${frames})`;
      playButton.textContent = state.playing ? 'Pause' : 'Play';
    }
    if (sliceLabel && dims === 3) sliceLabel.textContent = `${field.axes[2]!.name} = ${formatNumber(field.axes[2]!.values[state.slice] ?? 0, 4)}`;
    for (const [q, b] of quantityButtons) b.classList.toggle('active', q === state.quantity);
    const markerY = spaceTime ? t : undefined;
    for (const [q, canvas] of heatmaps) {
      const s = slice2D(field, q, state.frame, state.slice);
      if (s) drawHeatmap(canvas, s, { title: `${TITLES[q]} ${q === 'error' ? '' : u}`.trim(), range: ranges.get(q)!, colormap: mapOf(q), ...(markerY !== undefined ? { markerY } : {}) });
    }
    if (surface) {
      const s = slice2D(field, state.quantity, state.frame, state.slice);
      if (surfaceTitle) surfaceTitle.textContent = `${TITLES[state.quantity]}${state.quantity === 'error' ? '' : ` ${u}`} — 3-D view`;
      if (s) {
        const mode = dims === 3 ? { kind: 'flat' as const, level: state.slice / Math.max(1, nz - 1) } : { kind: 'height' as const };
        surface.show(s, ranges.get(state.quantity)!, mapOf(state.quantity), mode, dims === 3 ? field.axes[2]!.name : u, markerY);
      }
    }
    const rows = frameStatRows(frameStats(field, state.frame), u);
    const where = field.timeDependent ? ` at t = ${formatNumber(t, 4)}` : dims === 3 ? ' (whole volume)' : '';
    stats.innerHTML = `<h3>On the grid${where}</h3><table class="kv">${rows.map(([k, v]) => `<tr><td>${escapeXml(k)}</td><td>${escapeXml(v)}</td></tr>`).join('')}</table>`;
    if (lines) {
      const xs = field.axes[0]!.values;
      const at = field.timeDependent ? ` at t = ${formatNumber(t, 4)}` : '';
      const series: ChartSeries[] = [{ name: `predicted ${u}`, xs, ys: line1D(field, 'predicted', state.frame)!, color: '#1f77b4' }];
      const exact = line1D(field, 'exact', state.frame);
      if (exact) series.push({ name: `exact ${u}`, xs, ys: exact, color: '#222222', dash: '5 3' });
      let html = lineChartSvg(series, { title: `${u}(${field.axes[0]!.name})${at}`, xLabel: field.axes[0]!.name, yLabel: u, logY: false, yRange: lineRange, width: 460, height: 280, attributes: 'class="chart" data-role="profile"' });
      const error = line1D(field, 'error', state.frame);
      if (error) html += lineChartSvg([{ name: 'error', xs, ys: error, color: '#d62728' }], { title: `error (predicted − exact)${at}`, xLabel: field.axes[0]!.name, yLabel: `error`, logY: false, yRange: ranges.get('error')!, width: 460, height: 280, attributes: 'class="chart" data-role="error"' });
      lines.innerHTML = html;
    }
  }

  function setFrame(frame: number): void {
    state.frame = Math.min(frames - 1, Math.max(0, Math.round(frame)));
    redraw();
  }

  function pause(): void {
    if (!state.playing) return;
    state.playing = false;
    window.clearInterval(timer);
    redraw();
  }

  redraw();
  return { frames, setFrame, pause, ...(surface ? { surface: surface.canvas } : {}) };
}
