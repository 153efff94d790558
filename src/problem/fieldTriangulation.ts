/**
 * Linear interpolation of scattered 2-D points on their Delaunay triangulation (delaunator): the
 * plane through the three corners of the triangle holding the point. Triangles are found through
 * a uniform bucket grid over the data's bounding box (each bucket lists the triangles whose
 * bounding boxes meet it), so a query tests a few triangles instead of searching. Points outside
 * the convex hull take the value of the nearest data point (derivatives 0 there).
 */
import Delaunator from 'delaunator';
import type { FieldInterpolant } from './fieldGrid.js';
import type { KdTree } from './fieldScattered.js';

/** Barycentric slack: a point this far outside a triangle (in barycentric units) still counts as inside it. */
const INSIDE_SLACK = 1e-9;

/** Per triangle: corner c (x, y), its value, the plane's gradient, and the barycentric map of corners a and b. */
const STRIDE = 9;

/** The triangulation's linear interpolant, or undefined when the points are collinear (no triangle). */
export function scatteredLinear(points: Float64Array, values: Float64Array, count: number, tree: KdTree): FieldInterpolant | undefined {
  const { triangles } = new Delaunator(points);
  const triangleCount = triangles.length / 3;
  if (triangleCount === 0) return undefined;
  let minX = Infinity;
  let minY = Infinity;
  let maxX = -Infinity;
  let maxY = -Infinity;
  for (let i = 0; i < count; i++) {
    minX = Math.min(minX, points[2 * i] as number);
    maxX = Math.max(maxX, points[2 * i] as number);
    minY = Math.min(minY, points[2 * i + 1] as number);
    maxY = Math.max(maxY, points[2 * i + 1] as number);
  }
  const width = maxX - minX;
  const height = maxY - minY;
  const planes = new Float64Array(triangleCount * STRIDE);
  const usable = new Uint8Array(triangleCount);
  for (let t = 0; t < triangleCount; t++) {
    const [a, b, c] = [triangles[3 * t] as number, triangles[3 * t + 1] as number, triangles[3 * t + 2] as number];
    const [ax, ay, bx, by, cx, cy] = [points[2 * a], points[2 * a + 1], points[2 * b], points[2 * b + 1], points[2 * c], points[2 * c + 1]] as number[] as [number, number, number, number, number, number];
    const det = (by - cy) * (ax - cx) + (cx - bx) * (ay - cy);
    // Slivers of (nearly) collinear hull points carry no area to interpolate over.
    if (Math.abs(det) <= 1e-12 * width * height) continue;
    usable[t] = 1;
    // λ_a = p1·(px − cx) + p2·(py − cy), λ_b = p3·(px − cx) + p4·(py − cy), λ_c = 1 − λ_a − λ_b.
    const p1 = (by - cy) / det;
    const p2 = (cx - bx) / det;
    const p3 = (cy - ay) / det;
    const p4 = (ax - cx) / det;
    const va = values[a] as number;
    const vb = values[b] as number;
    const vc = values[c] as number;
    planes.set([cx, cy, vc, p1 * (va - vc) + p3 * (vb - vc), p2 * (va - vc) + p4 * (vb - vc), p1, p2, p3, p4], t * STRIDE);
  }
  // About one bucket per triangle, shaped like the bounding box.
  const nx = Math.max(1, Math.round(Math.sqrt((triangleCount * width) / Math.max(height, 1e-300))));
  const ny = Math.max(1, Math.ceil(triangleCount / nx));
  const bucketOf = (x: number, size: number, min: number, extent: number): number => Math.min(size - 1, Math.max(0, Math.floor(((x - min) / extent) * size)));
  // Each usable triangle's bucket range [x0, x1] × [y0, y1], from its bounding box.
  const ranges = new Int32Array(triangleCount * 4);
  for (let t = 0; t < triangleCount; t++) {
    let x0 = Infinity;
    let x1 = -Infinity;
    let y0 = Infinity;
    let y1 = -Infinity;
    for (let k = 0; k < 3; k++) {
      const v = triangles[3 * t + k] as number;
      const x = points[2 * v] as number;
      const y = points[2 * v + 1] as number;
      if (x < x0) x0 = x;
      if (x > x1) x1 = x;
      if (y < y0) y0 = y;
      if (y > y1) y1 = y;
    }
    ranges.set([bucketOf(x0, nx, minX, width), bucketOf(x1, nx, minX, width), bucketOf(y0, ny, minY, height), bucketOf(y1, ny, minY, height)], 4 * t);
  }
  // Compressed rows: bucket b lists triangles list[start[b] … start[b + 1]).
  const start = new Int32Array(nx * ny + 1);
  const forEachBucket = (visit: (bucket: number, t: number) => void): void => {
    for (let t = 0; t < triangleCount; t++) {
      if (!usable[t]) continue;
      const o = 4 * t;
      for (let j = ranges[o + 2] as number; j <= (ranges[o + 3] as number); j++) {
        for (let i = ranges[o] as number; i <= (ranges[o + 1] as number); i++) visit(j * nx + i, t);
      }
    }
  };
  forEachBucket((bucket) => (start[bucket + 1] = (start[bucket + 1] as number) + 1));
  for (let b = 0; b < nx * ny; b++) start[b + 1] = (start[b + 1] as number) + (start[b] as number);
  const list = new Int32Array(start[nx * ny] as number);
  const fill = start.slice(0, nx * ny);
  forEachBucket((bucket, t) => (list[(fill[bucket] as number)++] = t));

  const locate = (x: number, y: number): number => {
    if (x < minX || x > maxX || y < minY || y > maxY) return -1;
    const bucket = bucketOf(y, ny, minY, height) * nx + bucketOf(x, nx, minX, width);
    for (let k = start[bucket] as number; k < (start[bucket + 1] as number); k++) {
      const t = list[k] as number;
      const o = t * STRIDE;
      const dx = x - (planes[o] as number);
      const dy = y - (planes[o + 1] as number);
      const la = (planes[o + 5] as number) * dx + (planes[o + 6] as number) * dy;
      const lb = (planes[o + 7] as number) * dx + (planes[o + 8] as number) * dy;
      if (la >= -INSIDE_SLACK && lb >= -INSIDE_SLACK && 1 - la - lb >= -INSIDE_SLACK) return t;
    }
    return -1;
  };
  return {
    evaluate(point, orders) {
      const x = point[0] as number;
      const y = point[1] as number;
      const ox = orders?.[0] ?? 0;
      const oy = orders?.[1] ?? 0;
      const t = locate(x, y);
      if (t < 0) return ox + oy > 0 ? 0 : (values[tree.nearest(point)] as number);
      const o = t * STRIDE;
      if (ox + oy === 0) return (planes[o + 2] as number) + (planes[o + 3] as number) * (x - (planes[o] as number)) + (planes[o + 4] as number) * (y - (planes[o + 1] as number));
      if (ox + oy > 1) return 0;
      return ox === 1 ? (planes[o + 3] as number) : (planes[o + 4] as number);
    },
  };
}
