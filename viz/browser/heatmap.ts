/**
 * A heat map on a 2-D canvas: the slice's values through a colour map (holes left blank), axes
 * with ticks and names, a colour bar with values, and an optional marker line (current time).
 */
import { colormap } from '../colormap.js';
import type { ColormapName } from '../colormap.js';
import type { Slice2D } from '../fieldSlices.js';
import { formatNumber, niceTicks } from '../format.js';

/** What to draw besides the slice. */
export interface HeatmapStyle {
  title: string;
  range: [number, number];
  colormap: ColormapName;
  /** Draw a horizontal line at this y value (e.g. the current time of a space–time plot). */
  markerY?: number;
}

const CSS_WIDTH = 340;
const CSS_HEIGHT = 280;
const PLOT = { left: 50, top: 26, size: 210 };

/** Creates the canvas (device-pixel sized) that `drawHeatmap` paints. */
export function createHeatmapCanvas(): HTMLCanvasElement {
  const canvas = document.createElement('canvas');
  const ratio = Math.max(1, Math.min(3, window.devicePixelRatio || 1));
  canvas.width = CSS_WIDTH * ratio;
  canvas.height = CSS_HEIGHT * ratio;
  canvas.style.width = `${CSS_WIDTH}px`;
  canvas.style.height = `${CSS_HEIGHT}px`;
  canvas.className = 'heatmap';
  return canvas;
}

/** Paints `slice` into `canvas` with axes and a colour bar. */
export function drawHeatmap(canvas: HTMLCanvasElement, slice: Slice2D, style: HeatmapStyle): void {
  const ctx = canvas.getContext('2d');
  if (!ctx) throw new Error('heatmap: no 2D canvas context');
  const ratio = canvas.width / CSS_WIDTH;
  ctx.setTransform(ratio, 0, 0, ratio, 0, 0);
  ctx.clearRect(0, 0, CSS_WIDTH, CSS_HEIGHT);
  ctx.fillStyle = '#ffffff';
  ctx.fillRect(0, 0, CSS_WIDTH, CSS_HEIGHT);
  const nx = slice.xs.length, ny = slice.ys.length;
  const x0 = slice.xs[0]!, x1 = slice.xs[nx - 1]!, y0 = slice.ys[0]!, y1 = slice.ys[ny - 1]!;
  // Keep the domain's aspect ratio within [1/2, 2] inside a square frame.
  const aspect = Math.min(2, Math.max(0.5, Math.abs(y1 - y0) / Math.abs(x1 - x0 || 1)));
  const w = aspect > 1 ? PLOT.size / aspect : PLOT.size;
  const h = aspect > 1 ? PLOT.size : PLOT.size * aspect;
  const left = PLOT.left, top = PLOT.top + (PLOT.size - h);
  const image = new ImageData(nx, ny);
  const [lo, hi] = style.range;
  for (let ix = 0; ix < nx; ix++) {
    for (let iy = 0; iy < ny; iy++) {
      const p = ((ny - 1 - iy) * nx + ix) * 4;
      const k = ix * ny + iy;
      const v = slice.values[k]!;
      if (!slice.inside[k] || !Number.isFinite(v)) continue;
      const c = colormap(style.colormap, (v - lo) / (hi - lo));
      image.data[p] = c[0]; image.data[p + 1] = c[1]; image.data[p + 2] = c[2]; image.data[p + 3] = 255;
    }
  }
  const off = document.createElement('canvas');
  off.width = nx; off.height = ny;
  off.getContext('2d')?.putImageData(image, 0, 0);
  ctx.imageSmoothingEnabled = nx * ny > 64;
  ctx.drawImage(off, left, top, w, h);
  // The plot rectangle in CSS pixels, so scripts and tests can map data coordinates to pixels.
  canvas.dataset.plot = [left, top, w, h].join(',');
  ctx.strokeStyle = '#9aa1ad';
  ctx.lineWidth = 1;
  ctx.strokeRect(left + 0.5, top + 0.5, w - 1, h - 1);
  ctx.fillStyle = '#1d2330';
  ctx.font = '600 13px system-ui, sans-serif';
  ctx.textAlign = 'left';
  ctx.textBaseline = 'alphabetic';
  ctx.fillText(style.title, left, 16);
  ctx.font = '11px system-ui, sans-serif';
  ctx.fillStyle = '#444';
  const px = (x: number): number => left + ((x - x0) / (x1 - x0)) * w;
  const py = (y: number): number => top + h - ((y - y0) / (y1 - y0)) * h;
  ctx.textAlign = 'center'; ctx.textBaseline = 'top';
  for (const t of niceTicks(x0, x1, 4)) {
    const x = px(t);
    ctx.fillRect(x, top + h, 1, 4);
    ctx.fillText(formatNumber(t, 3), x, top + h + 6);
  }
  ctx.textAlign = 'right'; ctx.textBaseline = 'middle';
  for (const t of niceTicks(y0, y1, 4)) {
    const y = py(t);
    ctx.fillRect(left - 4, y, 4, 1);
    ctx.fillText(formatNumber(t, 3), left - 6, y);
  }
  ctx.font = 'italic 13px Georgia, serif';
  ctx.fillStyle = '#1d2330';
  ctx.textAlign = 'center'; ctx.textBaseline = 'top';
  ctx.fillText(slice.xName, left + w / 2, top + h + 22);
  ctx.save();
  ctx.translate(12, top + h / 2);
  ctx.rotate(-Math.PI / 2);
  ctx.textBaseline = 'middle';
  ctx.fillText(slice.yName, 0, 0);
  ctx.restore();
  if (style.markerY !== undefined) {
    ctx.strokeStyle = '#ff4040';
    ctx.lineWidth = 1.5;
    ctx.beginPath();
    ctx.moveTo(left, py(style.markerY));
    ctx.lineTo(left + w, py(style.markerY));
    ctx.stroke();
  }
  drawColorbar(ctx, left + PLOT.size + 16, PLOT.top, PLOT.size, style);
}

function drawColorbar(ctx: CanvasRenderingContext2D, x: number, top: number, height: number, style: HeatmapStyle): void {
  const [lo, hi] = style.range;
  for (let k = 0; k < height; k++) {
    const c = colormap(style.colormap, 1 - k / (height - 1));
    ctx.fillStyle = `rgb(${Math.round(c[0])},${Math.round(c[1])},${Math.round(c[2])})`;
    ctx.fillRect(x, top + k, 12, 1);
  }
  ctx.strokeStyle = '#9aa1ad';
  ctx.strokeRect(x + 0.5, top + 0.5, 11, height - 1);
  ctx.fillStyle = '#444';
  ctx.font = '11px system-ui, sans-serif';
  ctx.textAlign = 'left'; ctx.textBaseline = 'middle';
  for (const t of niceTicks(lo, hi, 5)) {
    const y = top + (1 - (t - lo) / (hi - lo)) * height;
    if (y < top - 1 || y > top + height + 1) continue;
    ctx.fillRect(x + 12, y, 3, 1);
    ctx.fillText(formatNumber(t, 3), x + 17, y);
  }
}
