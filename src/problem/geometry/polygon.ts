/** Simple polygons in 2-D (vertices in either orientation). */
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
