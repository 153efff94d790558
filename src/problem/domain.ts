/**
 * A problem's domain: a spatial geometry, optionally crossed with a time interval [t0, t1].
 * Points have the problem's variables as columns (spatial ones, then `t`); boundary points carry
 * the spatial outward normal; initial points lie in the spatial interior at t = t0.
 */
import type { Rng } from '../random.js';
import { createUnitStream, linspace, MAX_QUASI_DIM } from './sequences.js';
import type { SamplingMethod } from './types.js';
import type { Geometry, PointSet, PointStream } from './geometry/types.js';
import { concatPoints, normalStride, toleranceOf } from './geometry/types.js';

/** Space × time (or space alone). */
export interface Domain {
  space: Geometry;
  spatial: string[];
  /** Spatial variables, then `t` when time-dependent. */
  variables: string[];
  time?: [number, number];
  bounds: { min: number[]; max: number[] };
  /** Absolute tolerance for boundary tests on the spatial part. */
  tolerance: number;
  /** Points of the domain's interior (× time), drawn by `method`. */
  interior(rng: Rng, method: SamplingMethod): PointStream;
  /** Spatial boundary (× time); normals have `spatial.length` components. */
  boundary(rng: Rng, method: SamplingMethod): PointStream;
  /** Spatial interior at t0 (the spatial interior itself without time). */
  initial(rng: Rng, method: SamplingMethod): PointStream;
  /** 1 where a row-major point [count, variables] lies in the closed domain. */
  contains(coords: ArrayLike<number>, count: number): Uint8Array;
}

/** Crosses `space` with `time` when given. */
export function createDomain(space: Geometry, spatial: string[], time?: [number, number]): Domain {
  const sd = space.dim;
  const variables = time ? [...spatial, 't'] : [...spatial];
  const tolerance = toleranceOf(space);
  const bounds = {
    min: time ? [...space.bounds.min, time[0]] : [...space.bounds.min],
    max: time ? [...space.bounds.max, time[1]] : [...space.bounds.max],
  };
  // Adds a time column: mesh crosses with a time grid, other methods draw t from a 1-D stream.
  const withTime = (spaceStream: (rng: Rng) => PointStream, rng: Rng, method: SamplingMethod, timeFixed?: number, shuffle = false): PointStream => {
    if (!time) return spaceStream(rng);
    const stream = spaceStream(rng.fork());
    if (timeFixed !== undefined) return (count) => appendTime(stream(count), () => timeFixed);
    if (method === 'mesh') {
      return (count) => {
        const steps = Math.max(2, Math.round(count ** (1 / (sd + 1))));
        const slice = stream(Math.max(1, Math.round(count / steps)));
        const times = linspace(time[0], time[1], steps);
        const parts: PointSet[] = [];
        for (const t of times) parts.push(appendTime(slice, () => t));
        return concatPoints(sd + 1, parts);
      };
    }
    // t comes from a sequence dimension the spatial sampler does not use (index sd): taking the
    // first dimension of a separate Sobol/Halton stream would repeat x's pattern (correlation ≈ 1)
    // and leave the space-time interior covered along a curve only.
    const timeDim = Math.min(sd, MAX_QUASI_DIM - 1);
    const timeStream = createUnitStream(method, timeDim + 1, rng.fork());
    const u = new Float64Array(timeDim + 1);
    const shuffler = rng.fork();
    return (count) => {
      const times = Array.from({ length: count }, () => {
        timeStream.next(u);
        return time[0] + (u[timeDim] as number) * (time[1] - time[0]);
      });
      // Boundary samplers pick faces by index parity and position; a quasi-random time column in
      // index order would then pair one face with early times and the other with late ones.
      if (shuffle && method !== 'random') {
        for (let i = count - 1; i > 0; i--) {
          const j = shuffler.int(i + 1);
          [times[i], times[j]] = [times[j]!, times[i]!];
        }
      }
      let next = 0;
      return appendTime(stream(count), () => {
        if (next < times.length) return times[next++]!;
        timeStream.next(u);
        return time[0] + (u[timeDim] as number) * (time[1] - time[0]);
      });
    };
  };
  return {
    space,
    spatial,
    variables,
    ...(time ? { time } : {}),
    bounds,
    tolerance,
    interior: (rng, method) => withTime((r) => space.interior(r, method), rng, method),
    boundary: (rng, method) => withTime((r) => space.boundary(r, method), rng, method, undefined, true),
    initial: (rng, method) => withTime((r) => space.interior(r, method), rng, method, time ? time[0] : undefined),
    contains(coords, count) {
      const dim = variables.length;
      const out = new Uint8Array(count);
      const p = new Float64Array(sd);
      for (let i = 0; i < count; i++) {
        for (let d = 0; d < sd; d++) p[d] = coords[i * dim + d] as number;
        let inside = space.sdf(p) <= tolerance * 10;
        if (time) {
          const t = coords[i * dim + sd] as number;
          inside &&= t >= time[0] - tolerance && t <= time[1] + tolerance;
        }
        out[i] = inside ? 1 : 0;
      }
      return out;
    },
  };
}

/** Appends a time column to spatial points (normals stay spatial). */
function appendTime(set: PointSet, nextTime: () => number): PointSet {
  const sd = set.dim;
  const coords = new Float64Array(set.count * (sd + 1));
  for (let i = 0; i < set.count; i++) {
    for (let d = 0; d < sd; d++) coords[i * (sd + 1) + d] = set.coords[i * sd + d] as number;
    coords[i * (sd + 1) + sd] = nextTime();
  }
  return set.normals ? { dim: sd + 1, count: set.count, coords, normals: set.normals, normalDim: normalStride(set) } : { dim: sd + 1, count: set.count, coords };
}
