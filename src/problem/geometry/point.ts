/**
 * The 0-dimensional space of a time-only problem (an ODE, `"variables": []`): one point, no
 * boundary. Crossed with the time interval it gives the points t ∈ [t0, t1].
 */
import type { Geometry, PointSet } from './types.js';

/** The single point R^0: every sample is the empty coordinate list. */
export function createPoint(): Geometry {
  const none = (count: number): PointSet => ({ dim: 0, count, coords: new Float64Array(0) });
  return {
    kind: 'point',
    dim: 0,
    bounds: { min: [], max: [] },
    volume: 1,
    boundaryMeasure: 0,
    sdf: () => -1,
    interior: () => none,
    boundary: () => () => none(0),
  };
}
