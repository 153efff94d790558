/**
 * Helpers shared by the geometries: unit-cube streams mapped through a parametrisation,
 * rejection from the bounding box, and regular meshes.
 */
import type { Rng } from '../../random.js';
import { createUnitStream, linspace } from '../sequences.js';
import type { SamplingMethod } from '../types.js';
import { KanpinnInputError } from '../../errors.js';
import type { Geometry, PointSet, PointStream } from './types.js';
import { concatPoints, normalStride } from './types.js';

/** Maps unit points u ∈ [0,1)^paramDim to a point (and its normal) written at `out`/`normal` offset. */
export type Parametrisation = (u: Float64Array, point: Float64Array, normal: Float64Array | undefined, offset: number) => void;

/** Grid of about `count` points in [0,1]^dim, `count^(1/dim)` per axis (inclusive of the ends). */
export function unitGrid(count: number, dim: number, inclusive = true): Float64Array[] {
  const per = Math.max(1, Math.round(count ** (1 / dim)));
  const axis = inclusive ? linspace(0, 1, per) : Float64Array.from({ length: per }, (_, i) => i / per);
  const total = per ** dim;
  const points: Float64Array[] = [];
  for (let i = 0; i < total; i++) {
    const u = new Float64Array(dim);
    let rest = i;
    for (let d = dim - 1; d >= 0; d--) {
      u[d] = axis[rest % per] as number;
      rest = Math.floor(rest / per);
    }
    points.push(u);
  }
  return points;
}

/** A stream that maps unit points through `map`; a mesh maps a regular grid of the parameter cube. */
export function mappedStream(
  dim: number,
  paramDim: number,
  withNormals: boolean,
  rng: Rng,
  method: SamplingMethod,
  map: Parametrisation,
  meshInclusive = true,
): PointStream {
  if (method === 'mesh') {
    return (count) => {
      const grid = paramDim === 0 ? [new Float64Array(0)] : unitGrid(count, paramDim, meshInclusive);
      const set = allocate(dim, grid.length, withNormals);
      grid.forEach((u, i) => map(u, set.coords, set.normals, i * dim));
      return set;
    };
  }
  const stream = createUnitStream(method, paramDim, rng);
  const u = new Float64Array(Math.max(paramDim, 1));
  return (count) => {
    const set = allocate(dim, count, withNormals);
    for (let i = 0; i < count; i++) {
      stream.next(u);
      map(u, set.coords, set.normals, i * dim);
    }
    return set;
  };
}

/** An empty point set of `count` points; normals have `normalDim` components (default `dim`). */
export function allocate(dim: number, count: number, withNormals: boolean, normalDim = dim): PointSet {
  const coords = new Float64Array(count * dim);
  if (!withNormals) return { dim, count, coords };
  const normals = new Float64Array(count * normalDim);
  return normalDim === dim ? { dim, count, coords, normals } : { dim, count, coords, normals, normalDim };
}

/** Most candidate rounds a rejection sampler draws before it gives up. */
const MAX_ROUNDS = 200;

/**
 * Keeps the points of `source` that pass `accept` until `count` are found (a mesh source is
 * drawn once, at a density scaled by `meshScale`, and filtered).
 */
export function rejectionStream(
  dim: number,
  source: PointStream,
  accept: (coords: Float64Array, offset: number) => boolean,
  method: SamplingMethod,
  acceptance: () => number,
  what: string,
): PointStream {
  return (count) => {
    if (method === 'mesh') {
      const candidates = source(Math.ceil(count / Math.max(acceptance(), 1e-3)));
      return filterPoints(candidates, accept);
    }
    const parts: PointSet[] = [];
    let found = 0;
    for (let round = 0; round < MAX_ROUNDS && found < count; round++) {
      const need = count - found;
      const batch = Math.ceil((need / Math.max(acceptance(), 1e-3)) * 1.1) + 8;
      const kept = filterPoints(source(batch), accept);
      parts.push(kept);
      found += kept.count;
    }
    if (found < count) throw new KanpinnInputError(`${what}: could not sample ${count} points (found ${found}); the region may be empty`);
    const all = concatPoints(dim, parts);
    return truncate(all, count);
  };
}

/** The points of `set` that pass `accept`. */
export function filterPoints(set: PointSet, accept: (coords: Float64Array, offset: number) => boolean): PointSet {
  const { dim } = set;
  const nd = normalStride(set);
  const keep: number[] = [];
  for (let i = 0; i < set.count; i++) if (accept(set.coords, i * dim)) keep.push(i);
  const out = allocate(dim, keep.length, set.normals !== undefined, nd);
  keep.forEach((source, i) => {
    out.coords.set(set.coords.subarray(source * dim, source * dim + dim), i * dim);
    if (out.normals && set.normals) out.normals.set(set.normals.subarray(source * nd, source * nd + nd), i * nd);
  });
  return out;
}

/** The first `count` points of `set`. */
export function truncate(set: PointSet, count: number): PointSet {
  if (set.count <= count) return set;
  const { dim } = set;
  const out: PointSet = { dim, count, coords: set.coords.slice(0, count * dim) };
  if (set.normals) {
    const nd = normalStride(set);
    out.normals = set.normals.slice(0, count * nd);
    if (nd !== dim) out.normalDim = nd;
  }
  return out;
}

/** Interior stream by rejection from the bounding box (sdf ≤ 0), for any geometry. */
export function boxRejectionInterior(geometry: Geometry, rng: Rng, method: SamplingMethod): PointStream {
  const { min, max } = geometry.bounds;
  const dim = geometry.dim;
  let boxVolume = 1;
  for (let d = 0; d < dim; d++) boxVolume *= (max[d] as number) - (min[d] as number);
  const source = mappedStream(dim, dim, false, rng, method, (u, out, _n, offset) => {
    for (let d = 0; d < dim; d++) out[offset + d] = (min[d] as number) + (u[d] as number) * ((max[d] as number) - (min[d] as number));
  });
  const point = new Float64Array(dim);
  return rejectionStream(
    dim,
    source,
    (coords, offset) => {
      for (let d = 0; d < dim; d++) point[d] = coords[offset + d] as number;
      return geometry.sdf(point) <= 0;
    },
    method,
    () => geometry.volume / boxVolume,
    `domain (${geometry.kind}) interior`,
  );
}
