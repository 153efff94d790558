/**
 * Interpolation of scattered points: the nearest data point through a k-d tree (any dimension),
 * with every derivative 0.
 */
import type { FieldInterpolant } from './fieldGrid.js';

/** Points below this many per leaf are scanned instead of split further. */
const LEAF_SIZE = 8;

/** A k-d tree over row-major points [count, dims]: nearest-neighbour queries in O(log n) on average. */
export interface KdTree {
  /** Index of the data point nearest `point` (Euclidean distance in the coordinates as written). */
  nearest(point: ArrayLike<number>): number;
}

/** Builds a k-d tree over `points` (row-major [count, dims]); the nodes are ranges of a permutation. */
export function buildKdTree(points: Float64Array, count: number, dims: number): KdTree {
  const order = Int32Array.from({ length: count }, (_, i) => i);
  // A node covers order[lo, hi): a leaf when it holds at most LEAF_SIZE points, else split at its
  // middle position, which stores the split axis (each middle belongs to one node).
  const axisAt = new Uint8Array(count);
  const build = (lo: number, hi: number, depth: number): void => {
    if (hi - lo <= LEAF_SIZE) return;
    const axis = widestAxis(points, order, lo, hi, dims, depth);
    const mid = (lo + hi) >> 1;
    selectMedian(points, order, lo, hi, mid, dims, axis);
    axisAt[mid] = axis;
    build(lo, mid, depth + 1);
    build(mid + 1, hi, depth + 1);
  };
  build(0, count, 0);

  let query: ArrayLike<number> = [];
  let best = -1;
  let bestDistance = Infinity;
  const consider = (i: number): void => {
    let sum = 0;
    for (let d = 0; d < dims; d++) {
      const diff = (points[i * dims + d] as number) - (query[d] as number);
      sum += diff * diff;
    }
    if (sum < bestDistance) {
      bestDistance = sum;
      best = i;
    }
  };
  const visit = (lo: number, hi: number): void => {
    if (hi - lo <= LEAF_SIZE) {
      for (let k = lo; k < hi; k++) consider(order[k] as number);
      return;
    }
    const mid = (lo + hi) >> 1;
    const axis = axisAt[mid] as number;
    const pivot = order[mid] as number;
    consider(pivot);
    const gap = (query[axis] as number) - (points[pivot * dims + axis] as number);
    // The near side first; the far side only when the splitting plane is closer than the best so far.
    if (gap < 0) {
      visit(lo, mid);
      if (gap * gap < bestDistance) visit(mid + 1, hi);
    } else {
      visit(mid + 1, hi);
      if (gap * gap < bestDistance) visit(lo, mid);
    }
  };
  return {
    nearest(point) {
      query = point;
      best = -1;
      bestDistance = Infinity;
      visit(0, count);
      return best;
    },
  };
}

/** Reorders order[lo, hi) so that order[mid] holds the point of median coordinate `axis`, smaller ones before it, larger after (quickselect). */
function selectMedian(points: Float64Array, order: Int32Array, lo: number, hi: number, mid: number, dims: number, axis: number): void {
  const key = (k: number): number => points[(order[k] as number) * dims + axis] as number;
  const swap = (a: number, b: number): void => {
    const t = order[a] as number;
    order[a] = order[b] as number;
    order[b] = t;
  };
  let left = lo;
  let right = hi - 1;
  while (right > left) {
    // Lomuto partition around the middle element of the range.
    swap((left + right) >> 1, right);
    const pivot = key(right);
    let store = left;
    for (let k = left; k < right; k++) {
      if (key(k) < pivot) swap(k, store++);
    }
    swap(store, right);
    if (store === mid) return;
    if (store < mid) left = store + 1;
    else right = store - 1;
  }
}

/** The axis of largest extent over order[lo, hi) (cycling by depth on ties). */
function widestAxis(points: Float64Array, order: Int32Array, lo: number, hi: number, dims: number, depth: number): number {
  let best = depth % dims;
  let bestExtent = -1;
  for (let d = 0; d < dims; d++) {
    let min = Infinity;
    let max = -Infinity;
    for (let k = lo; k < hi; k++) {
      const v = points[(order[k] as number) * dims + d] as number;
      if (v < min) min = v;
      if (v > max) max = v;
    }
    if (max - min > bestExtent) {
      bestExtent = max - min;
      best = d;
    }
  }
  return best;
}

/** The value of the nearest data point; every derivative is 0 (the field is piecewise constant). */
export function scatteredNearest(tree: KdTree, values: Float64Array): FieldInterpolant {
  return {
    evaluate(point, orders) {
      if (orders?.some((o) => o > 0)) return 0;
      return values[tree.nearest(point)] as number;
    },
  };
}
