/**
 * Reading a field on the page: decode the payload once, then cut 2-D slices (for heat maps and
 * the surface) and 1-D lines out of the row-major [time][axis0][axis1][axis2] arrays. Pure
 * functions over typed arrays, shared by the viewer and the tests.
 */
import { base64ToBytes, decodeFloat32 } from './encode.js';
import { formatNumber } from './format.js';
import type { FieldPayload } from './payload.js';

/** Which array to show: the prediction, the exact solution, or the error prediction − exact. */
export type Quantity = 'predicted' | 'exact' | 'error';

/** A decoded field; `times` has one entry (0) for a stationary field. */
export interface DecodedField {
  axes: { name: string; values: number[] }[];
  times: number[];
  timeDependent: boolean;
  unknown: string;
  frameSize: number;
  predicted: Float32Array;
  exact?: Float32Array;
  error?: Float32Array;
  /** One byte per value, 1 inside; length frameSize (same every frame) or frames · frameSize. */
  mask?: Uint8Array;
}

/** A 2-D view for a heat map or surface: value at (ix, iy) is `values[ix * ny + iy]`. */
export interface Slice2D {
  xName: string; yName: string;
  xs: number[]; ys: number[];
  values: Float32Array;
  inside: Uint8Array;
}

/** Decodes the payload and derives the error array when the exact solution is present. */
export function decodeField(p: FieldPayload): DecodedField {
  const predicted = decodeFloat32(p.predicted);
  const frameSize = p.axes.reduce((n, a) => n * a.values.length, 1);
  const out: DecodedField = {
    axes: p.axes, times: p.times ?? [0], timeDependent: p.times !== undefined, unknown: p.unknown, frameSize, predicted,
  };
  if (p.exact) {
    const exact = decodeFloat32(p.exact);
    const error = new Float32Array(predicted.length);
    for (let k = 0; k < error.length; k++) error[k] = predicted[k]! - exact[k]!;
    out.exact = exact;
    out.error = error;
  }
  if (p.mask) out.mask = base64ToBytes(p.mask.u8).subarray(0, p.mask.length);
  return out;
}

/** The array of a quantity (undefined when the field has no exact solution). */
export function quantityData(f: DecodedField, q: Quantity): Float32Array | undefined {
  switch (q) {
    case 'predicted': return f.predicted;
    case 'exact': return f.exact;
    case 'error': return f.error;
    default: { const never: never = q; return never; }
  }
}

/** Whether flat index `k` (into frames · frameSize) lies inside the domain. */
export function isInside(f: DecodedField, k: number): boolean {
  if (!f.mask) return true;
  return f.mask.length === f.frameSize ? f.mask[k % f.frameSize] === 1 : f.mask[k] === 1;
}

/**
 * The 2-D slice shown for `frame` (and `slice`, the index along the third axis of 3-D fields):
 * 2 axes → (axis0, axis1) at the frame; 3 axes → (axis0, axis1) at axis2 = slice; 1 axis with
 * time → the space–time plane (axis0, t). A 1-axis stationary field has none.
 */
export function slice2D(f: DecodedField, q: Quantity, frame: number, slice = 0): Slice2D | undefined {
  const data = quantityData(f, q);
  if (!data) return undefined;
  const [a0, a1, a2] = f.axes;
  if (!a0) return undefined;
  if (!a1) {
    if (!f.timeDependent || f.times.length < 2) return undefined;
    const nx = a0.values.length, nt = f.times.length;
    const values = new Float32Array(nx * nt);
    const inside = new Uint8Array(nx * nt);
    for (let ix = 0; ix < nx; ix++) {
      for (let it = 0; it < nt; it++) {
        const k = it * nx + ix;
        values[ix * nt + it] = data[k]!;
        inside[ix * nt + it] = isInside(f, k) ? 1 : 0;
      }
    }
    return { xName: a0.name, yName: 't', xs: a0.values, ys: f.times, values, inside };
  }
  const nx = a0.values.length, ny = a1.values.length, nz = a2 ? a2.values.length : 1;
  const s = Math.min(Math.max(0, slice), nz - 1);
  const values = new Float32Array(nx * ny);
  const inside = new Uint8Array(nx * ny);
  const base = frame * f.frameSize;
  for (let ix = 0; ix < nx; ix++) {
    for (let iy = 0; iy < ny; iy++) {
      const k = base + (ix * ny + iy) * nz + s;
      values[ix * ny + iy] = data[k]!;
      inside[ix * ny + iy] = isInside(f, k) ? 1 : 0;
    }
  }
  return { xName: a0.name, yName: a1.name, xs: a0.values, ys: a1.values, values, inside };
}

/** The 1-D profile of a 1-axis field at `frame`: NaN outside the domain. */
export function line1D(f: DecodedField, q: Quantity, frame: number): number[] | undefined {
  const data = quantityData(f, q);
  const a0 = f.axes[0];
  if (!data || !a0 || f.axes.length !== 1) return undefined;
  const n = a0.values.length;
  const out: number[] = [];
  for (let ix = 0; ix < n; ix++) {
    const k = frame * n + ix;
    out.push(isInside(f, k) ? data[k]! : NaN);
  }
  return out;
}

/** [min, max] of a quantity over every frame, inside the domain; symmetric about 0 for the error. */
export function valueRange(f: DecodedField, q: Quantity): [number, number] {
  const data = quantityData(f, q);
  let lo = Infinity, hi = -Infinity;
  if (data) {
    for (let k = 0; k < data.length; k++) {
      const v = data[k]!;
      if (!Number.isFinite(v) || !isInside(f, k)) continue;
      if (v < lo) lo = v;
      if (v > hi) hi = v;
    }
  }
  if (!Number.isFinite(lo)) return [0, 1];
  if (q === 'error') {
    const m = Math.max(Math.abs(lo), Math.abs(hi)) || 1e-12;
    return [-m, m];
  }
  if (hi === lo) return [lo - 0.5, hi + 0.5];
  return [lo, hi];
}

/**
 * Summary of one frame inside the domain: value range, and with an exact solution max |error|,
 * the root mean square error, and ‖p − e‖₂ / ‖e‖₂ unless the exact solution is zero on the frame.
 */
export interface FrameStats { min: number; max: number; maxAbsError?: number; rmsError?: number; relL2?: number; points: number }

/** Largest |exact| over every frame inside the domain (0 without an exact solution); cached per field. */
const exactScales = new WeakMap<DecodedField, number>();
function exactScale(f: DecodedField): number {
  let scale = exactScales.get(f);
  if (scale === undefined) {
    scale = 0;
    if (f.exact) for (let k = 0; k < f.exact.length; k++) if (isInside(f, k) && Number.isFinite(f.exact[k]!)) scale = Math.max(scale, Math.abs(f.exact[k]!));
    exactScales.set(f, scale);
  }
  return scale;
}

/**
 * Statistics of `frame` over the points inside the domain. Where the exact solution vanishes on
 * the frame (every |e| ≤ 1e-6 of its largest value over all frames, e.g. u = sin(πx) sin(πt) at
 * t = 0) a relative error is meaningless (0/0, or rounding noise divided by rounding noise), so
 * `relL2` is left out and the absolute errors stand alone.
 */
export function frameStats(f: DecodedField, frame: number): FrameStats {
  let min = Infinity, max = -Infinity, maxErr = 0, errSq = 0, exactSq = 0, exactMax = 0, points = 0;
  const base = frame * f.frameSize;
  for (let k = base; k < base + f.frameSize; k++) {
    const p = f.predicted[k]!;
    if (!isInside(f, k) || !Number.isFinite(p)) continue;
    points++;
    min = Math.min(min, p);
    max = Math.max(max, p);
    if (f.exact) {
      const e = f.exact[k]!;
      maxErr = Math.max(maxErr, Math.abs(p - e));
      errSq += (p - e) ** 2;
      exactSq += e * e;
      exactMax = Math.max(exactMax, Math.abs(e));
    }
  }
  const stats: FrameStats = { min, max, points };
  if (f.exact) {
    stats.maxAbsError = maxErr;
    stats.rmsError = Math.sqrt(errSq / Math.max(1, points));
    if (exactSq > 0 && exactMax > 1e-6 * exactScale(f)) stats.relL2 = Math.sqrt(errSq / exactSq);
  }
  return stats;
}

/** The rows of the statistics table for `unknown` (label, value), as the viewer shows them. */
export function frameStatRows(st: FrameStats, unknown: string): [string, string][] {
  const rows: [string, string][] = [
    ['grid points inside', String(st.points)],
    [`min ${unknown}`, formatNumber(st.min, 4)],
    [`max ${unknown}`, formatNumber(st.max, 4)],
  ];
  if (st.maxAbsError !== undefined) rows.push(['max |error|', formatNumber(st.maxAbsError, 3)]);
  if (st.relL2 !== undefined) rows.push(['rel. L2 error', formatNumber(st.relL2, 3)]);
  else if (st.rmsError !== undefined) rows.push([`rms error (exact ${unknown} is 0 here)`, formatNumber(st.rmsError, 3)]);
  return rows;
}
