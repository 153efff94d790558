/**
 * Number formatting and axis ticks: short labels for tables and axes, "nice" linear ticks
 * (steps 1, 2, 5 × 10ⁿ) and decade ticks for log axes.
 */

/** A short label: up to `digits` significant digits, exponent form outside [1e-3, 1e5). */
export function formatNumber(v: number | null | undefined, digits = 4): string {
  if (v === null || v === undefined) return '–';
  if (Number.isNaN(v)) return 'NaN';
  if (!Number.isFinite(v)) return v > 0 ? '∞' : '−∞';
  if (v === 0) return '0';
  const a = Math.abs(v);
  if (a >= 1e5 || a < 1e-3) {
    const [mantissa, exponent] = v.toExponential(Math.max(0, digits - 2)).split('e');
    return `${String(Number(mantissa))}e${String(Number(exponent))}`;
  }
  if (Number.isInteger(v)) return String(v);
  return String(Number(v.toPrecision(digits)));
}

/** About `count` round tick values covering [min, max]: multiples of 1, 2 or 5 × 10ⁿ. */
export function niceTicks(min: number, max: number, count = 5): number[] {
  if (!Number.isFinite(min) || !Number.isFinite(max)) return [];
  if (min === max) return [min];
  const lo = Math.min(min, max);
  const hi = Math.max(min, max);
  const raw = (hi - lo) / Math.max(1, count);
  const power = 10 ** Math.floor(Math.log10(raw));
  const step = [1, 2, 5, 10].map((m) => m * power).find((s) => s >= raw) ?? 10 * power;
  const ticks: number[] = [];
  for (let v = Math.ceil(lo / step - 1e-9) * step; v <= hi + step * 1e-9; v += step) {
    ticks.push(Math.abs(v) < step * 1e-9 ? 0 : Number(v.toPrecision(12)));
  }
  return ticks;
}

/** Powers of ten within [min, max] (both > 0), thinned to at most `maxCount` ticks. */
export function logTicks(min: number, max: number, maxCount = 8): number[] {
  if (!(min > 0) || !(max > 0)) return [];
  const lo = Math.floor(Math.log10(Math.min(min, max)));
  const hi = Math.ceil(Math.log10(Math.max(min, max)));
  const stride = Math.max(1, Math.ceil((hi - lo + 1) / maxCount));
  const ticks: number[] = [];
  for (let e = lo; e <= hi; e += stride) ticks.push(10 ** e);
  return ticks;
}

/** Escapes text for HTML and XML content and attribute values. */
export function escapeXml(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;').replace(/'/g, '&#39;');
}
