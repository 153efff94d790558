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
    const slice = Array.from(order.subarray(lo, hi)).sort((a, b) => (points[a * dims + axis] as number) - (points[b * dims + axis] as number));
    order.set(slice, lo);
    axisAt[(lo + hi) >> 1] = axis;
    const mid = (lo + hi) >> 1;
    build(lo, mid, depth + 1);
    build(mid + 1, hi, depth + 1);
  };
  build(0, count, 0);

  return {
    nearest(point) {
      let best = -1;
      let bestDistance = Infinity;
      const distance = (i: number): number => {
        let sum = 0;
        for (let d = 0; d < dims; d++) {
          const diff = (points[i * dims + d] as number) - (point[d] as number);
          sum += diff * diff;
        }
        return sum;
      };
      const visit = (lo: number, hi: number): void => {
        if (hi <= lo) return;
        if (hi - lo <= LEAF_SIZE) {
          for (let k = lo; k < hi; k++) {
            const i = order[k] as number;
            const dist = distance(i);
            if (dist < bestDistance) {
              bestDistance = dist;
              best = i;
            }
          }
          return;
        }
        const mid = (lo + hi) >> 1;
        const axis = axisAt[mid] as number;
        const pivot = order[mid] as number;
        const dist = distance(pivot);
        if (dist < bestDistance) {
          bestDistance = dist;
          best = pivot;
        }
        const gap = (point[axis] as number) - (points[pivot * dims + axis] as number);
        const [near, far] = gap < 0 ? [[lo, mid], [mid + 1, hi]] : [[mid + 1, hi], [lo, mid]];
        visit(near[0] as number, near[1] as number);
        if (gap * gap < bestDistance) visit(far[0] as number, far[1] as number);
      };
      visit(0, count);
      return best;
    },
  };
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
