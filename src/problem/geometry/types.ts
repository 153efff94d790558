/**
 * Spatial geometries: closed sets in R^d described by a signed distance bound (negative inside),
 * a boundary measure, and point streams for the interior and the boundary (with outward normals).
 * Coordinates are float64 here; terms convert to float32 when they hand points to the trainer.
 */
import type { Rng } from '../../random.js';
import type { SamplingMethod } from '../types.js';

/**
 * Points with optional unit outward normals, float64, row-major: coords [count, dim], normals
 * [count, normalDim]. Normals are spatial: once a time column is appended, `dim` is the
 * space-time width and `normalDim` stays the spatial one.
 */
export interface PointSet {
  dim: number;
  count: number;
  coords: Float64Array;
  normals?: Float64Array;
  /** Components per normal; `dim` when absent (spatial points). Read it through `normalStride`. */
  normalDim?: number;
}

/** Components per normal of `set` (the spatial dimension, which is below `dim` for space-time points). */
export function normalStride(set: PointSet): number {
  return set.normalDim ?? set.dim;
}

/** A stateful sampler: each call returns `count` new points (a mesh returns its mesh, about `count` points). */
export type PointStream = (count: number) => PointSet;

/** A closed region of R^dim. */
export interface Geometry {
  /** `interval`, `rectangle`, `box`, `disk`, `polygon`, `union`, `intersection`, `difference`. */
  readonly kind: string;
  readonly dim: number;
  /** Axis-aligned bounding box. */
  readonly bounds: { min: number[]; max: number[] };
  /** Volume (area, length); estimated by quadrature for CSG. */
  readonly volume: number;
  /** Boundary measure (perimeter, surface area; 2 endpoints count 1 each in 1-D); estimated for CSG. */
  readonly boundaryMeasure: number;
  /** Signed distance bound at p (length dim): < 0 inside, 0 on the boundary, > 0 outside. Exact for primitives. */
  sdf(p: ArrayLike<number>): number;
  /** A stream of interior points (uniform in volume). */
  interior(rng: Rng, method: SamplingMethod): PointStream;
  /** A stream of boundary points spread in proportion to boundary measure, with outward normals. */
  boundary(rng: Rng, method: SamplingMethod): PointStream;
}

/** Relative tolerance for on-boundary and inside tests, times the bounding-box diameter. */
export const GEOMETRY_TOLERANCE = 1e-7;

/** Diameter of a bounding box. */
export function diameter(bounds: { min: number[]; max: number[] }): number {
  let sum = 0;
  for (let i = 0; i < bounds.min.length; i++) sum += ((bounds.max[i] as number) - (bounds.min[i] as number)) ** 2;
  return Math.sqrt(sum);
}

/** Absolute tolerance for a geometry: GEOMETRY_TOLERANCE × its diameter (at least 1e-12). */
export function toleranceOf(geometry: Geometry): number {
  return Math.max(GEOMETRY_TOLERANCE * diameter(geometry.bounds), 1e-12);
}

/** Concatenates point sets of one dimension (normals kept only when every part has them). */
export function concatPoints(dim: number, parts: PointSet[]): PointSet {
  let count = 0;
  for (const part of parts) count += part.count;
  const coords = new Float64Array(count * dim);
  const withNormals = parts.length > 0 && parts.every((part) => part.normals !== undefined);
  const nd = parts.length > 0 ? normalStride(parts[0] as PointSet) : dim;
  const normals = withNormals ? new Float64Array(count * nd) : undefined;
  let offset = 0;
  for (const part of parts) {
    coords.set(part.coords.subarray(0, part.count * dim), offset * dim);
    if (normals && part.normals) normals.set(part.normals.subarray(0, part.count * nd), offset * nd);
    offset += part.count;
  }
  if (!normals) return { dim, count, coords };
  return nd === dim ? { dim, count, coords, normals } : { dim, count, coords, normals, normalDim: nd };
}
