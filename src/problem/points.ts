/** Converts sampled float64 point sets into the trainer's `TermPoints` (float32 columns). */
import type { PointSet } from './geometry/types.js';
import type { TermPoints } from './types.js';

/** Extra float32 columns computed from float64 coords (values, hoisted source terms). */
export type ExtraColumns = (coords: Float64Array, count: number) => Record<string, Float32Array>;

/** `TermPoints` of `set`: float32 coords, normals as `n_<var>` for the spatial variables, and extras. */
export function toTermPoints(set: PointSet, spatial: readonly string[], extras?: ExtraColumns): TermPoints {
  const extra: Record<string, Float32Array> = {};
  if (set.normals) {
    const sd = spatial.length;
    spatial.forEach((name, d) => {
      const column = new Float32Array(set.count);
      for (let i = 0; i < set.count; i++) column[i] = set.normals?.[i * sd + d] as number;
      extra[`n_${name}`] = column;
    });
  }
  const coords = Float32Array.from(set.coords.subarray(0, set.count * set.dim));
  // Values are computed at the float32 coordinates the model will see, so they agree exactly.
  if (extras) Object.assign(extra, extras(Float64Array.from(coords), set.count));
  const points: TermPoints = { coords, count: set.count };
  if (Object.keys(extra).length > 0) points.extra = extra;
  return points;
}
