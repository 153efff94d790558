/** Simple polygons in 2-D (vertices in either orientation). */
import { KanpinnInputError } from '../../errors.js';
import type { Rng } from '../../random.js';
import type { SamplingMethod } from '../types.js';
import type { Geometry, PointStream } from './types.js';
import { boxRejectionInterior, mappedStream } from './stream.js';

/** Twice the signed area (positive for counter-clockwise vertices). */
export function signedArea2(vertices: readonly (readonly [number, number])[]): number {
  let sum = 0;
  for (let i = 0; i < vertices.length; i++) {
    const [x0, y0] = vertices[i] as readonly [number, number];
    const [x1, y1] = vertices[(i + 1) % vertices.length] as readonly [number, number];
    sum += x0 * y1 - x1 * y0;
  }
  return sum;
}

type Vertex = readonly [number, number];

/** Cross product (b − a) × (c − a): > 0 when c lies left of the line a → b. */
function orient(a: Vertex, b: Vertex, c: Vertex): number {
  return (b[0] - a[0]) * (c[1] - a[1]) - (b[1] - a[1]) * (c[0] - a[0]);
}

/** Whether c, known to be collinear with a → b, lies within the segment's bounding box. */
function onSegment(a: Vertex, b: Vertex, c: Vertex, eps: number): boolean {
  return Math.min(a[0], b[0]) - eps <= c[0] && c[0] <= Math.max(a[0], b[0]) + eps && Math.min(a[1], b[1]) - eps <= c[1] && c[1] <= Math.max(a[1], b[1]) + eps;
}

/** Whether the closed segments p1 → p2 and q1 → q2 share a point (touching and overlap count). */
function segmentsMeet(p1: Vertex, p2: Vertex, q1: Vertex, q2: Vertex, area: number, length: number): boolean {
  const sign = (v: number): number => (Math.abs(v) <= area ? 0 : Math.sign(v));
  const d1 = sign(orient(q1, q2, p1));
  const d2 = sign(orient(q1, q2, p2));
  const d3 = sign(orient(p1, p2, q1));
  const d4 = sign(orient(p1, p2, q2));
  if (d1 * d2 < 0 && d3 * d4 < 0) return true;
  return (
    (d1 === 0 && onSegment(q1, q2, p1, length)) ||
    (d2 === 0 && onSegment(q1, q2, p2, length)) ||
    (d3 === 0 && onSegment(p1, p2, q1, length)) ||
    (d4 === 0 && onSegment(p1, p2, q2, length))
  );
}

const point = (v: Vertex): string => `[${v[0]}, ${v[1]}]`;

/**
 * Refuses vertices that do not describe a simple polygon, naming `field`: repeated consecutive
 * vertices, edges that cross or touch (other than neighbours at their shared vertex), an edge that
 * folds back along its neighbour, and zero area. O(n²) in the vertex count, which is small here.
 * Tolerances scale with the bounding box, so the test does not depend on the units.
 */
export function assertSimplePolygon(vertices: readonly Vertex[], field: string): void {
  const n = vertices.length;
  const xs = vertices.map((v) => v[0]);
  const ys = vertices.map((v) => v[1]);
  const size = Math.max(Math.max(...xs) - Math.min(...xs), Math.max(...ys) - Math.min(...ys));
  const length = 1e-12 * size;
  const area = 1e-12 * size * size;
  const at = (i: number): Vertex => vertices[((i % n) + n) % n] as Vertex;
  const edge = (i: number): string => `edge ${i} (${point(at(i))} to ${point(at(i + 1))})`;
  for (let i = 0; i < n; i++) {
    const [a, b] = [at(i), at(i + 1)];
    if (Math.hypot(b[0] - a[0], b[1] - a[1]) <= length) {
      throw new KanpinnInputError(`${field}: vertices ${i} and ${(i + 1) % n} coincide at ${point(a)}; list each corner once`);
    }
  }
  for (let i = 0; i < n; i++) {
    // Neighbours share a vertex; they overlap only when the second folds back along the first.
    const [a, b, c] = [at(i), at(i + 1), at(i + 2)];
    const dot = (b[0] - a[0]) * (c[0] - b[0]) + (b[1] - a[1]) * (c[1] - b[1]);
    if (Math.abs(orient(a, b, c)) <= area && dot < 0) {
      throw new KanpinnInputError(`${field}: the polygon is self-intersecting (${edge((i + 1) % n)} folds back along ${edge(i)}); list the vertices in order along the boundary`);
    }
    for (let j = i + 2; j < n; j++) {
      if (i === 0 && j === n - 1) continue; // the closing edge neighbours edge 0
      if (segmentsMeet(at(i), at(i + 1), at(j), at(j + 1), area, length)) {
        throw new KanpinnInputError(`${field}: the polygon is self-intersecting (${edge(i)} meets ${edge(j)}); list the vertices in order along the boundary`);
      }
    }
  }
  if (Math.abs(signedArea2(vertices)) <= area) throw new KanpinnInputError(`${field}: the polygon has zero area`);
}

/** Polygon with the given vertices; sdf = ± distance to the nearest edge (sign by even–odd rule). */
export function createPolygon(vertices: readonly (readonly [number, number])[]): Geometry {
  const n = vertices.length;
  const ccw = signedArea2(vertices) > 0;
  const xs = vertices.map((v) => v[0]);
  const ys = vertices.map((v) => v[1]);
  const lengths = vertices.map((v, i) => {
    const w = vertices[(i + 1) % n] as readonly [number, number];
    return Math.hypot(w[0] - v[0], w[1] - v[1]);
  });
  const perimeter = lengths.reduce((a, b) => a + b, 0);
  const cumulative: number[] = [];
  let acc = 0;
  for (const length of lengths) cumulative.push((acc += length / perimeter));
  const geometry: Geometry = {
    kind: 'polygon',
    dim: 2,
    bounds: { min: [Math.min(...xs), Math.min(...ys)], max: [Math.max(...xs), Math.max(...ys)] },
    volume: Math.abs(signedArea2(vertices)) / 2,
    boundaryMeasure: perimeter,
    sdf(p) {
      const px = p[0] as number;
      const py = p[1] as number;
      let best = Infinity;
      let inside = false;
      for (let i = 0, j = n - 1; i < n; j = i++) {
        const [xi, yi] = vertices[i] as readonly [number, number];
        const [xj, yj] = vertices[j] as readonly [number, number];
        const ex = xi - xj;
        const ey = yi - yj;
        const t = Math.min(1, Math.max(0, ((px - xj) * ex + (py - yj) * ey) / (ex * ex + ey * ey)));
        best = Math.min(best, Math.hypot(px - xj - t * ex, py - yj - t * ey));
        if (yi > py !== yj > py && px < ((xj - xi) * (py - yi)) / (yj - yi) + xi) inside = !inside;
      }
      return inside ? -best : best;
    },
    interior(rng: Rng, method: SamplingMethod): PointStream {
      return boxRejectionInterior(geometry, rng, method);
    },
    boundary(rng: Rng, method: SamplingMethod): PointStream {
      return mappedStream(
        2,
        1,
        true,
        rng,
        method,
        (u, out, normal, offset) => {
          const s = u[0] as number;
          let edge = 0;
          while (edge < n - 1 && s >= (cumulative[edge] as number)) edge++;
          const start = edge === 0 ? 0 : (cumulative[edge - 1] as number);
          const t = Math.min(1, Math.max(0, (s - start) / ((cumulative[edge] as number) - start)));
          const [x0, y0] = vertices[edge] as readonly [number, number];
          const [x1, y1] = vertices[(edge + 1) % n] as readonly [number, number];
          out[offset] = x0 + t * (x1 - x0);
          out[offset + 1] = y0 + t * (y1 - y0);
          if (normal) {
            const length = lengths[edge] as number;
            // Outward normal: the edge direction turned clockwise for a counter-clockwise polygon.
            const sign = ccw ? 1 : -1;
            normal[offset] = (sign * (y1 - y0)) / length;
            normal[offset + 1] = (sign * -(x1 - x0)) / length;
          }
        },
        false,
      );
    },
  };
  return geometry;
}
