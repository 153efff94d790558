import { describe, expect, it } from 'vitest';
import { decodeField, frameStatRows, frameStats, line1D, slice2D, valueRange } from '../../viz/fieldSlices.js';
import { fieldPayload } from '../../viz/payload.js';
import type { FieldData } from '../../viz/index.js';
import { boxReport, HOLES, heatReport, holesReport, linspace } from './fixtures.js';

const F32 = 1e-6;

describe('field slices', () => {
  it('cuts the space-time plane of a 1-D field: value(ix, it) = data[it][ix]', () => {
    const field = heatReport(8, 5).field!;
    const decoded = decodeField(fieldPayload(field));
    const s = slice2D(decoded, 'predicted', 0)!;
    expect(s.xName).toBe('x');
    expect(s.yName).toBe('t');
    for (let ix = 0; ix < 8; ix++) for (let it = 0; it < 5; it++) {
      expect(s.values[ix * 5 + it]).toBeCloseTo(field.predicted[it * 8 + ix]!, 6);
    }
  });

  it('gives the error as predicted minus exact, with a range symmetric about zero', () => {
    const field = heatReport(8, 5).field!;
    const decoded = decodeField(fieldPayload(field));
    const line = line1D(decoded, 'error', 4)!;
    for (let ix = 0; ix < 8; ix++) expect(line[ix]).toBeCloseTo(field.predicted[32 + ix]! - field.exact![32 + ix]!, 6);
    const [lo, hi] = valueRange(decoded, 'error');
    expect(lo).toBe(-hi);
    const maxAbs = Math.max(...Array.from(field.predicted, (p, k) => Math.abs(p - field.exact![k]!)));
    expect(hi).toBeCloseTo(maxAbs, 6);
  });

  it('slices a 3-D field along its last axis: value(ix, iy) = data[ix][iy][k]', () => {
    const report = boxReport(6);
    const decoded = decodeField(fieldPayload(report.field!));
    const xs = linspace(0, 1, 6);
    const s = slice2D(decoded, 'predicted', 0, 4)!;
    for (let ix = 0; ix < 6; ix++) for (let iy = 0; iy < 6; iy++) {
      expect(s.values[ix * 6 + iy]).toBeCloseTo(xs[ix]! + 2 * xs[iy]! + 3 * xs[4]!, 5);
    }
    expect(slice2D(decoded, 'exact', 0)).toBeUndefined();
  });

  it('marks points in the holes as outside and leaves them out of the range', () => {
    const field = holesReport(40).field!;
    const decoded = decodeField(fieldPayload(field));
    const s = slice2D(decoded, 'predicted', 0)!;
    const xs = linspace(0, 1, 40);
    let outside = 0;
    for (let ix = 0; ix < 40; ix++) for (let iy = 0; iy < 40; iy++) {
      const hole = HOLES.some((h) => (xs[ix]! - h.cx) ** 2 + (xs[iy]! - h.cy) ** 2 <= h.r ** 2);
      expect(s.inside[ix * 40 + iy]).toBe(hole ? 0 : 1);
      if (hole) outside++;
    }
    expect(outside).toBeGreaterThan(50);
    const inside = Array.from(field.predicted).filter((_, k) => field.mask![k] === 1);
    const [lo, hi] = valueRange(decoded, 'predicted');
    expect(lo).toBeCloseTo(Math.min(...inside), 5);
    expect(hi).toBeCloseTo(Math.max(...inside), 5);
  });

  it('takes frame f of a 2-D time-dependent field at offset f * nx * ny', () => {
    const xs = linspace(0, 1, 3), ys = linspace(0, 1, 4), ts = [0, 0.5, 1];
    const predicted: number[] = [];
    for (const t of ts) for (const x of xs) for (const y of ys) predicted.push(100 * t + 10 * x + y);
    const decoded = decodeField(fieldPayload({ axes: [{ name: 'x', values: xs }, { name: 'y', values: ys }], times: ts, unknown: 'u', predicted }));
    const s = slice2D(decoded, 'predicted', 2)!;
    for (let ix = 0; ix < 3; ix++) for (let iy = 0; iy < 4; iy++) expect(s.values[ix * 4 + iy]).toBeCloseTo(100 + 10 * xs[ix]! + ys[iy]!, 4);
    expect(frameStats(decoded, 1).min).toBeCloseTo(50, 5);
  });

  it('has no 2-D slice for a stationary 1-D field, only the line', () => {
    const xs = linspace(0, 1, 5);
    const field: FieldData = { axes: [{ name: 'x', values: xs }], unknown: 'u', predicted: xs.map((x) => x * x) };
    const decoded = decodeField(fieldPayload(field));
    expect(slice2D(decoded, 'predicted', 0)).toBeUndefined();
    const line = line1D(decoded, 'predicted', 0)!;
    line.forEach((v, k) => expect(Math.abs(v - xs[k]! ** 2)).toBeLessThan(F32));
  });
});

describe('frame statistics', () => {
  it('match a plain-JS rel. L2 and max error over the points inside the domain', () => {
    const field = holesReport(30).field!;
    const st = frameStats(decodeField(fieldPayload(field)), 0);
    let num = 0, den = 0, maxErr = 0, n = 0;
    const p32 = Float32Array.from(field.predicted), e32 = Float32Array.from(field.exact!);
    for (let k = 0; k < p32.length; k++) {
      if (!field.mask![k]) continue;
      n++;
      num += (p32[k]! - e32[k]!) ** 2;
      den += e32[k]! ** 2;
      maxErr = Math.max(maxErr, Math.abs(p32[k]! - e32[k]!));
    }
    expect(st.points).toBe(n);
    expect(st.relL2).toBeCloseTo(Math.sqrt(num / den), 12);
    expect(st.maxAbsError).toBeCloseTo(maxErr, 12);
  });

  it('leave the error entries out without an exact solution', () => {
    const st = frameStats(decodeField(fieldPayload(boxReport(4).field!)), 0);
    expect(st.relL2).toBeUndefined();
    expect(st.min).toBe(0);
    expect(st.max).toBe(6);
  });

  it('where the exact solution is zero on a frame, give the absolute errors and no rel. L2 (issue 11, defect 9)', () => {
    // u* = sin(πx) sin(πt): zero at t = 0 (exactly, and as float32 rounding noise at t = 1).
    const xs = [0, 0.25, 0.5, 0.75, 1], ts = [0, 0.5, 1];
    const exact: number[] = [], predicted: number[] = [];
    for (const t of ts) for (const x of xs) { const e = Math.sin(Math.PI * x) * Math.sin(Math.PI * t); exact.push(e); predicted.push(e + 0.01); }
    const field = decodeField(fieldPayload({ axes: [{ name: 'x', values: xs }], times: ts, unknown: 'u', predicted, exact }));
    for (const frame of [0, 2]) {
      const st = frameStats(field, frame);
      expect(st.relL2).toBeUndefined();
      expect(st.maxAbsError).toBeCloseTo(0.01, 6);
      expect(st.rmsError).toBeCloseTo(0.01, 6);
      const rows = frameStatRows(st, 'u');
      expect(rows.map(([k]) => k)).toEqual(['grid points inside', 'min u', 'max u', 'max |error|', 'rms error (exact u is 0 here)']);
      expect(rows.some(([, v]) => v === 'NaN')).toBe(false);
    }
    const middle = frameStats(field, 1);
    expect(middle.relL2).toBeGreaterThan(0);
    expect(frameStatRows(middle, 'u').map(([k]) => k)).toContain('rel. L2 error');
  });
});
