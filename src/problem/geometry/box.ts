/** Axis-aligned boxes: `interval` (1-D), `rectangle` (2-D) and `box` (n-D). */
import type { Rng } from '../../random.js';
import type { SamplingMethod } from '../types.js';
import type { Geometry, PointSet, PointStream } from './types.js';
import { allocate, mappedStream } from './stream.js';

/** The box Π [min_i, max_i]; sdf is the exact Euclidean signed distance. */
export function createBox(min: number[], max: number[], kind = min.length === 1 ? 'interval' : min.length === 2 ? 'rectangle' : 'box'): Geometry {
  const dim = min.length;
  const side = min.map((a, i) => (max[i] as number) - a);
  const volume = side.reduce((p, s) => p * s, 1);
  // Face of normal axis a has measure Π_{j≠a} side_j; two faces per axis.
  const faceMeasure = side.map((_, a) => side.reduce((p, s, j) => (j === a ? p : p * s), 1));
  const boundaryMeasure = dim === 1 ? 2 : 2 * faceMeasure.reduce((p, s) => p + s, 0);
  const cumulative: number[] = [];
  let acc = 0;
  for (let f = 0; f < 2 * dim; f++) {
    acc += (faceMeasure[f >> 1] as number) / (boundaryMeasure || 1);
    cumulative.push(acc);
  }
  const geometry: Geometry = {
    kind,
    dim,
    bounds: { min: [...min], max: [...max] },
    volume,
    boundaryMeasure,
    sdf(p) {
      let outside = 0;
      let inside = -Infinity;
      for (let d = 0; d < dim; d++) {
        const q = Math.max((min[d] as number) - (p[d] as number), (p[d] as number) - (max[d] as number));
        if (q > 0) outside += q * q;
        inside = Math.max(inside, q);
      }
      return outside > 0 ? Math.sqrt(outside) : inside;
    },
    interior(rng: Rng, method: SamplingMethod): PointStream {
      return mappedStream(dim, dim, false, rng, method, (u, out, _n, offset) => {
        for (let d = 0; d < dim; d++) out[offset + d] = (min[d] as number) + (u[d] as number) * (side[d] as number);
      });
    },
    boundary(rng: Rng, method: SamplingMethod): PointStream {
      if (dim === 1) return intervalEnds(min[0] as number, max[0] as number);
      if (dim === 2) return mappedStream(2, 1, true, rng, method, (u, out, normal, offset) => perimeterPoint(u[0] as number, min, max, out, normal, offset), false);
      // u0 picks a face by measure and, rescaled within it, gives the first free coordinate.
      return mappedStream(
        dim,
        dim - 1,
        true,
        rng,
        method,
        (u, out, normal, offset) => {
          const u0 = u[0] as number;
          let face = 0;
          while (face < 2 * dim - 1 && u0 >= (cumulative[face] as number)) face++;
          const start = face === 0 ? 0 : (cumulative[face - 1] as number);
          const local = ((cumulative[face] as number) - start) > 0 ? (u0 - start) / ((cumulative[face] as number) - start) : 0;
          const axis = face >> 1;
          const high = (face & 1) === 1;
          let k = 0;
          for (let d = 0; d < dim; d++) {
            if (d === axis) {
              out[offset + d] = high ? (max[d] as number) : (min[d] as number);
              if (normal) normal[offset + d] = high ? 1 : -1;
            } else {
              const t = k === 0 ? local : (u[k] as number);
              k++;
              out[offset + d] = (min[d] as number) + Math.min(Math.max(t, 0), 1) * (side[d] as number);
              if (normal) normal[offset + d] = 0;
            }
          }
        },
        false,
      );
    },
  };
  return geometry;
}

/** Endpoints of [a, b], alternating a, b, a, … (each end carries half the boundary measure). */
function intervalEnds(a: number, b: number): PointStream {
  let phase = 0;
  return (count) => {
    const n = Math.max(count, 1);
    const set: PointSet = allocate(1, n, true);
    for (let i = 0; i < n; i++) {
      const high = (phase + i) % 2 === 1;
      set.coords[i] = high ? b : a;
      (set.normals as Float64Array)[i] = high ? 1 : -1;
    }
    phase = (phase + n) % 2;
    return set;
  };
}

/**
 * The point at fraction s of the perimeter of a rectangle, walked counter-clockwise from the
 * lower-left corner (bottom, right, top, left), so an evenly spaced s gives every corner once.
 */
function perimeterPoint(s: number, min: number[], max: number[], out: Float64Array, normal: Float64Array | undefined, offset: number): void {
  const [x0, y0] = min as [number, number];
  const [x1, y1] = max as [number, number];
  const w = x1 - x0;
  const h = y1 - y0;
  let d = s * 2 * (w + h);
  let x: number;
  let y: number;
  let nx = 0;
  let ny = 0;
  if (d < w) [x, y, ny] = [x0 + d, y0, -1];
  else if ((d -= w) < h) [x, y, nx] = [x1, y0 + d, 1];
  else if ((d -= h) < w) [x, y, ny] = [x1 - d, y1, 1];
  else [x, y, nx] = [x0, y1 - Math.min(d - w, h), -1];
  out[offset] = x;
  out[offset + 1] = y;
  if (normal) {
    normal[offset] = nx;
    normal[offset + 1] = ny;
  }
}
