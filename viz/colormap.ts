/**
 * Colour maps as piecewise-linear tables: viridis (matplotlib's perceptually uniform map) for
 * values, a blue–white–red diverging map for signed errors. Pure functions, shared by the SVG
 * writer and the browser viewer.
 */

/** An RGB colour with channels in [0, 255]. */
export type Rgb = [number, number, number];

/** Which table to use: sequential values, or signed values centred on zero. */
export type ColormapName = 'viridis' | 'diverging';

const VIRIDIS: Rgb[] = [
  [68, 1, 84], [72, 36, 117], [65, 68, 135], [53, 95, 141], [42, 120, 142], [33, 145, 140],
  [34, 168, 132], [68, 191, 112], [122, 209, 81], [189, 223, 38], [253, 231, 37],
];
const DIVERGING: Rgb[] = [
  [33, 102, 172], [67, 147, 195], [146, 197, 222], [209, 229, 240], [247, 247, 247],
  [253, 219, 199], [244, 165, 130], [214, 96, 77], [178, 24, 43],
];

const TABLES: Record<ColormapName, Rgb[]> = { viridis: VIRIDIS, diverging: DIVERGING };

/** Colour of t ∈ [0, 1] (clamped; NaN → the lowest colour) by linear interpolation in the table. */
export function colormap(name: ColormapName, t: number): Rgb {
  const table = TABLES[name];
  const s = Number.isFinite(t) ? Math.min(1, Math.max(0, t)) : 0;
  const pos = s * (table.length - 1);
  const k = Math.min(table.length - 2, Math.floor(pos));
  const f = pos - k;
  const a = table[k]!;
  const b = table[k + 1]!;
  return [a[0] + (b[0] - a[0]) * f, a[1] + (b[1] - a[1]) * f, a[2] + (b[2] - a[2]) * f];
}

/** CSS `rgb(...)` of a colour, channels rounded. */
export function cssColor(c: Rgb): string {
  return `rgb(${Math.round(c[0])},${Math.round(c[1])},${Math.round(c[2])})`;
}

/** CSS linear-gradient stops of a map from bottom (0) to top (1), for colour bars. */
export function gradientCss(name: ColormapName, direction = 'to top'): string {
  const stops: string[] = [];
  for (let k = 0; k <= 10; k++) stops.push(`${cssColor(colormap(name, k / 10))} ${k * 10}%`);
  return `linear-gradient(${direction}, ${stops.join(', ')})`;
}
