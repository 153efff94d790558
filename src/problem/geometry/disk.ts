/** The closed disk |p − c| ≤ r in 2-D. */
import type { Rng } from '../../random.js';
import type { SamplingMethod } from '../types.js';
import type { Geometry, PointStream } from './types.js';
import { mappedStream } from './stream.js';

/** Disk of centre (cx, cy) and radius r; interior via the area-preserving map (√u, 2πv). */
export function createDisk(center: [number, number], radius: number): Geometry {
  const [cx, cy] = center;
  return {
    kind: 'disk',
    dim: 2,
    bounds: { min: [cx - radius, cy - radius], max: [cx + radius, cy + radius] },
    volume: Math.PI * radius * radius,
    boundaryMeasure: 2 * Math.PI * radius,
    sdf(p) {
      return Math.hypot((p[0] as number) - cx, (p[1] as number) - cy) - radius;
    },
    interior(rng: Rng, method: SamplingMethod): PointStream {
      if (method === 'mesh') {
        // A square grid clipped to the disk is the regular mesh; polar grids crowd the centre.
        return (count) => {
          const per = Math.max(2, Math.round(Math.sqrt((count * 4) / Math.PI)));
          const coords: number[] = [];
          for (let i = 0; i < per; i++) {
            for (let j = 0; j < per; j++) {
              const x = cx - radius + (2 * radius * i) / (per - 1);
              const y = cy - radius + (2 * radius * j) / (per - 1);
              if (Math.hypot(x - cx, y - cy) <= radius * (1 + 1e-12)) coords.push(x, y);
            }
          }
          return { dim: 2, count: coords.length / 2, coords: Float64Array.from(coords) };
        };
      }
      return mappedStream(2, 2, false, rng, method, (u, out, _n, offset) => {
        const rho = radius * Math.sqrt(u[0] as number);
        const theta = 2 * Math.PI * (u[1] as number);
        out[offset] = cx + rho * Math.cos(theta);
        out[offset + 1] = cy + rho * Math.sin(theta);
      });
    },
    boundary(rng: Rng, method: SamplingMethod): PointStream {
      return mappedStream(
        2,
        1,
        true,
        rng,
        method,
        (u, out, normal, offset) => {
          const theta = 2 * Math.PI * (u[0] as number);
          const c = Math.cos(theta);
          const s = Math.sin(theta);
          out[offset] = cx + radius * c;
          out[offset + 1] = cy + radius * s;
          if (normal) {
            normal[offset] = c;
            normal[offset + 1] = s;
          }
        },
        false,
      );
    },
  };
}
