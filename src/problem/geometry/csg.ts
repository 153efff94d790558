/**
 * Constructive solid geometry: union, intersection and difference of geometries of one dimension.
 * The boundary of a CSG set is sampled from its parts' boundaries (in proportion to their measure)
 * and filtered to the pieces that bound the result, so the spread stays proportional to length.
 */
import type { Rng } from '../../random.js';
import { createRng } from '../../random.js';
import type { SamplingMethod } from '../types.js';
import { haltonStream } from '../sequences.js';
import type { Geometry, PointSet, PointStream } from './types.js';
import { toleranceOf } from './types.js';
import { boxRejectionInterior, filterPoints, rejectionStream } from './stream.js';

/** Which CSG operation. */
export type CsgKind = 'union' | 'intersection' | 'difference';

/** Seed of the fixed quadrature that estimates CSG volumes and boundary measures. */
const ESTIMATE_SEED = 12345;
const ESTIMATE_POINTS = 8192;

/** Builds `union(parts)`, `intersection(parts)` or `difference(parts[0], parts[1..])`. */
export function createCsg(kind: CsgKind, parts: Geometry[]): Geometry {
  const dim = (parts[0] as Geometry).dim;
  const bounds = csgBounds(kind, parts);
  const sdf = (p: ArrayLike<number>): number => {
    switch (kind) {
      case 'union':
        return Math.min(...parts.map((g) => g.sdf(p)));
      case 'intersection':
        return Math.max(...parts.map((g) => g.sdf(p)));
      case 'difference':
        return Math.max((parts[0] as Geometry).sdf(p), ...parts.slice(1).map((g) => -g.sdf(p)));
      default: {
        const never: never = kind;
        throw new Error(`unknown CSG kind ${String(never)}`);
      }
    }
  };
  const partial: Geometry = { kind, dim, bounds, volume: 0, boundaryMeasure: 0, sdf, interior: () => () => empty(dim), boundary: () => () => empty(dim) };
  const tol = toleranceOf({ ...partial, bounds });
  // Does the boundary point p of part i bound the result? Returns the normal sign (0: no).
  const keeps = (i: number, p: ArrayLike<number>): number => {
    switch (kind) {
      case 'union':
        return parts.every((g, j) => j === i || g.sdf(p) >= -tol) ? 1 : 0;
      case 'intersection':
        return parts.every((g, j) => j === i || g.sdf(p) <= tol) ? 1 : 0;
      case 'difference':
        if (i === 0) return parts.every((g, j) => j === 0 || g.sdf(p) >= -tol) ? 1 : 0;
        return (parts[0] as Geometry).sdf(p) <= tol && parts.every((g, j) => j === 0 || j === i || g.sdf(p) >= -tol) ? -1 : 0;
      default: {
        const never: never = kind;
        throw new Error(`unknown CSG kind ${String(never)}`);
      }
    }
  };
  const measures = parts.map((g) => g.boundaryMeasure);
  const totalMeasure = measures.reduce((a, b) => a + b, 0);
  const acceptance = parts.map((g, i) => estimateAcceptance(g, i, keeps));
  const boundaryMeasure = parts.reduce((sum, _g, i) => sum + (measures[i] as number) * (acceptance[i] as number), 0);
  const volume = estimateVolume(sdf, bounds, dim);
  const overallAcceptance = totalMeasure > 0 ? boundaryMeasure / totalMeasure : 0;

  const geometry: Geometry = {
    kind,
    dim,
    bounds,
    volume,
    boundaryMeasure,
    sdf,
    interior(rng: Rng, method: SamplingMethod): PointStream {
      return boxRejectionInterior(geometry, rng, method);
    },
    boundary(rng: Rng, method: SamplingMethod): PointStream {
      const streams = parts.map((g) => g.boundary(rng.fork(), method));
      // One candidate stream over all part boundaries, each part's share ∝ its measure, filtered.
      const source: PointStream = (count) => {
        const sets: PointSet[] = [];
        streams.forEach((stream, i) => {
          const share = Math.ceil((count * (measures[i] as number)) / (totalMeasure || 1));
          if (share <= 0) return;
          const point = new Float64Array(dim);
          const raw = stream(share);
          const kept = filterPoints(raw, (coords, offset) => {
            for (let d = 0; d < dim; d++) point[d] = coords[offset + d] as number;
            return keeps(i, point) !== 0;
          });
          if (kind === 'difference' && i > 0 && kept.normals) for (let k = 0; k < kept.normals.length; k++) kept.normals[k] = -(kept.normals[k] as number);
          sets.push(kept);
        });
        return interleave(dim, sets);
      };
      return rejectionStream(dim, source, () => true, method, () => Math.max(overallAcceptance, 1e-3), `domain (${kind}) boundary`);
    },
  };
  return geometry;
}

function empty(dim: number): PointSet {
  return { dim, count: 0, coords: new Float64Array(0) };
}

/** Interleaves the sets point by point (in proportion), so truncating keeps the spread even. */
function interleave(dim: number, sets: PointSet[]): PointSet {
  const total = sets.reduce((sum, set) => sum + set.count, 0);
  const coords = new Float64Array(total * dim);
  const normals = sets.every((set) => set.normals) ? new Float64Array(total * dim) : undefined;
  const order: [number, number, number][] = [];
  sets.forEach((set, s) => {
    for (let i = 0; i < set.count; i++) order.push([(i + 0.5) / set.count, s, i]);
  });
  order.sort((a, b) => a[0] - b[0] || a[1] - b[1]);
  order.forEach(([, s, i], k) => {
    const set = sets[s] as PointSet;
    coords.set(set.coords.subarray(i * dim, i * dim + dim), k * dim);
    if (normals && set.normals) normals.set(set.normals.subarray(i * dim, i * dim + dim), k * dim);
  });
  return normals ? { dim, count: total, coords, normals } : { dim, count: total, coords };
}

function csgBounds(kind: CsgKind, parts: Geometry[]): { min: number[]; max: number[] } {
  const first = parts[0] as Geometry;
  if (kind === 'difference') return { min: [...first.bounds.min], max: [...first.bounds.max] };
  const pick = kind === 'union' ? Math.min : Math.max;
  const pickMax = kind === 'union' ? Math.max : Math.min;
  return {
    min: first.bounds.min.map((_, d) => pick(...parts.map((g) => g.bounds.min[d] as number))),
    max: first.bounds.max.map((_, d) => pickMax(...parts.map((g) => g.bounds.max[d] as number))),
  };
}

/** Volume by quasi-Monte-Carlo over the bounding box (fixed Halton points). */
function estimateVolume(sdf: (p: ArrayLike<number>) => number, bounds: { min: number[]; max: number[] }, dim: number): number {
  let boxVolume = 1;
  for (let d = 0; d < dim; d++) boxVolume *= Math.max((bounds.max[d] as number) - (bounds.min[d] as number), 0);
  if (boxVolume === 0) return 0;
  const stream = haltonStream(dim);
  const u = new Float64Array(dim);
  const p = new Float64Array(dim);
  let inside = 0;
  for (let i = 0; i < ESTIMATE_POINTS; i++) {
    stream.next(u);
    for (let d = 0; d < dim; d++) p[d] = (bounds.min[d] as number) + (u[d] as number) * ((bounds.max[d] as number) - (bounds.min[d] as number));
    if (sdf(p) <= 0) inside++;
  }
  return (boxVolume * inside) / ESTIMATE_POINTS;
}

/** Fraction of part i's boundary that bounds the result (fixed-seed sample). */
function estimateAcceptance(part: Geometry, i: number, keeps: (i: number, p: ArrayLike<number>) => number): number {
  const set = part.boundary(createRng(ESTIMATE_SEED + i), 'halton')(2048);
  let kept = 0;
  for (let k = 0; k < set.count; k++) if (keeps(i, set.coords.subarray(k * set.dim, k * set.dim + set.dim)) !== 0) kept++;
  return set.count > 0 ? kept / set.count : 0;
}
