/**
 * Interpolation on a full tensor grid (every combination of the axis values present once):
 * nearest and multilinear in n-D, with the interpolant's partial derivatives. Cells are found by
 * index arithmetic on uniform axes and by bisection on others; no search over the data.
 */

/** A point's value, or with `orders` its partial derivative (`orders[d]` times along input d). */
export interface FieldInterpolant {
  evaluate(point: ArrayLike<number>, orders?: readonly number[]): number;
}

/** Sorted distinct values of one axis, and its spacing when uniform. */
export interface GridAxis {
  values: Float64Array;
  /** Constant spacing, or undefined when the axis is not uniform. */
  step?: number;
}

/** A tensor grid: axes and values row-major with the last axis fastest. */
export interface GridData {
  axes: GridAxis[];
  values: Float64Array;
}

/** Relative tolerance (of an axis' range) under which two coordinates count as the same grid value. */
export const GRID_TOLERANCE = 1e-6;

/** The sorted distinct values of `column`, merging values closer than GRID_TOLERANCE × range. */
export function distinctValues(column: Float64Array): Float64Array {
  const sorted = Float64Array.from(column).sort();
  const range = (sorted[sorted.length - 1] as number) - (sorted[0] as number);
  const tolerance = GRID_TOLERANCE * range;
  const out: number[] = [];
  for (const v of sorted) if (out.length === 0 || v - (out[out.length - 1] as number) > tolerance) out.push(v);
  return Float64Array.from(out);
}

/** The axis with its step when its spacing is uniform within GRID_TOLERANCE of the range. */
export function gridAxis(values: Float64Array): GridAxis {
  const n = values.length;
  const range = (values[n - 1] as number) - (values[0] as number);
  const step = range / (n - 1);
  for (let i = 1; i < n; i++) {
    if (Math.abs((values[i] as number) - (values[i - 1] as number) - step) > GRID_TOLERANCE * range) return { values };
  }
  return { values, step };
}

/** Index of the axis value nearest x (the axis is sorted). */
function nearestIndex(axis: GridAxis, x: number): number {
  const a = axis.values;
  const n = a.length;
  if (axis.step !== undefined) return Math.min(n - 1, Math.max(0, Math.round((x - (a[0] as number)) / axis.step)));
  const i = cellIndex(axis, x);
  return x - (a[i] as number) <= (a[i + 1] as number) - x ? i : i + 1;
}

/** Index i of the cell [a_i, a_{i+1}] holding x, in 0 … n−2 (clamped outside). */
function cellIndex(axis: GridAxis, x: number): number {
  const a = axis.values;
  const last = a.length - 2;
  if (axis.step !== undefined) return Math.min(last, Math.max(0, Math.floor((x - (a[0] as number)) / axis.step)));
  let lo = 0;
  let hi = last;
  while (lo < hi) {
    const mid = (lo + hi + 1) >> 1;
    if ((a[mid] as number) <= x) lo = mid;
    else hi = mid - 1;
  }
  return lo;
}

/** Row-major strides of a grid with these axis lengths (last axis fastest). */
function strides(axes: readonly GridAxis[]): number[] {
  const out = new Array<number>(axes.length).fill(1);
  for (let d = axes.length - 2; d >= 0; d--) out[d] = (out[d + 1] as number) * (axes[d + 1] as GridAxis).values.length;
  return out;
}

/** Nearest grid value (coordinates outside the grid clamp to its faces); every derivative is 0. */
export function gridNearest(grid: GridData): FieldInterpolant {
  const stride = strides(grid.axes);
  return {
    evaluate(point, orders) {
      if (orders?.some((o) => o > 0)) return 0;
      let index = 0;
      grid.axes.forEach((axis, d) => (index += nearestIndex(axis, point[d] as number) * (stride[d] as number)));
      return grid.values[index] as number;
    },
  };
}

/**
 * Multilinear interpolation Σ_corners Π_d w_d · v, w_d = 1 − s or s in the cell; a derivative
 * along d replaces w_d by ∓1/h_d (the cell slope), and is 0 of order ≥ 2 along one axis or along
 * an axis where the point lies outside the grid (the field is clamped there, so constant).
 */
export function gridLinear(grid: GridData): FieldInterpolant {
  const dims = grid.axes.length;
  const stride = strides(grid.axes);
  const base = new Int32Array(dims);
  const lower = new Float64Array(dims);
  const upper = new Float64Array(dims);
  const corners = 1 << dims;
  return {
    evaluate(point, orders) {
      for (let d = 0; d < dims; d++) {
        const axis = grid.axes[d] as GridAxis;
        const a = axis.values;
        const x = point[d] as number;
        const order = orders?.[d] ?? 0;
        const i = cellIndex(axis, x);
        const x0 = a[i] as number;
        const h = (a[i + 1] as number) - x0;
        const outside = x < (a[0] as number) || x > (a[a.length - 1] as number);
        if (order >= 2 || (order === 1 && outside)) return 0;
        const s = Math.min(1, Math.max(0, (x - x0) / h));
        base[d] = i * (stride[d] as number);
        lower[d] = order === 1 ? -1 / h : 1 - s;
        upper[d] = order === 1 ? 1 / h : s;
      }
      let sum = 0;
      for (let corner = 0; corner < corners; corner++) {
        let weight = 1;
        let index = 0;
        for (let d = 0; d < dims; d++) {
          const high = (corner >> (dims - 1 - d)) & 1;
          weight *= high ? (upper[d] as number) : (lower[d] as number);
          index += (base[d] as number) + (high ? (stride[d] as number) : 0);
        }
        if (weight !== 0) sum += weight * (grid.values[index] as number);
      }
      return sum;
    },
  };
}

/**
 * The tensor grid of `points` (row-major [count, dims]) and `values`, or undefined when the points
 * are not every combination of their distinct axis values exactly once.
 */
export function detectGrid(points: Float64Array, values: Float64Array, count: number, dims: number): GridData | undefined {
  const axes: GridAxis[] = [];
  let size = 1;
  for (let d = 0; d < dims; d++) {
    const column = new Float64Array(count);
    for (let i = 0; i < count; i++) column[i] = points[i * dims + d] as number;
    const distinct = distinctValues(column);
    if (distinct.length < 2) return undefined;
    axes.push(gridAxis(distinct));
    size *= distinct.length;
  }
  if (size !== count) return undefined;
  const stride = strides(axes);
  const grid = new Float64Array(size);
  const filled = new Uint8Array(size);
  for (let i = 0; i < count; i++) {
    let index = 0;
    for (let d = 0; d < dims; d++) {
      const axis = axes[d] as GridAxis;
      const x = points[i * dims + d] as number;
      const k = nearestIndex(axis, x);
      const range = (axis.values[axis.values.length - 1] as number) - (axis.values[0] as number);
      if (Math.abs((axis.values[k] as number) - x) > GRID_TOLERANCE * range) return undefined;
      index += k * (stride[d] as number);
    }
    if (filled[index]) return undefined;
    filled[index] = 1;
    grid[index] = values[i] as number;
  }
  return { axes, values: grid };
}
