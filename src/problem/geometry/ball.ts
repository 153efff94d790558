/**
 * The closed n-ball |p − c| ≤ r (n ≥ 3; `disk` is the 2-D one). Its boundary is the sphere
 * |p − c| = r, with outward normal (p − c)/r.
 */
import type { Rng } from '../../random.js';
import type { SamplingMethod } from '../types.js';
import type { Geometry, PointStream } from './types.js';
import { allocate, boxRejectionInterior, mappedStream, unitGrid } from './stream.js';
import type { Parametrisation } from './stream.js';

/** Volume of the unit n-ball, by V_n = V_{n−2} · 2π / n from V_0 = 1, V_1 = 2. */
export function unitBallVolume(n: number): number {
  let v = n % 2 === 0 ? 1 : 2;
  for (let k = n % 2 === 0 ? 2 : 3; k <= n; k += 2) v *= (2 * Math.PI) / k;
  return v;
}

/**
 * Ball of centre `center` (length n ≥ 3) and radius r. Interior points come by rejection from the
 * bounding cube (which keeps a quasi-random or mesh sample's regularity); boundary points by an
 * equal-area map in 3-D (z = 1 − 2u, φ = 2πv) and by normalised Gaussian vectors (inverse normal
 * CDF of n unit coordinates) above.
 */
export function createBall(center: number[], radius: number): Geometry {
  const n = center.length;
  const volume = unitBallVolume(n) * radius ** n;
  const geometry: Geometry = {
    kind: 'ball',
    dim: n,
    bounds: { min: center.map((c) => c - radius), max: center.map((c) => c + radius) },
    volume,
    // d/dr of r^n V_n: the surface measure is n V / r.
    boundaryMeasure: (n * volume) / radius,
    sdf(p) {
      let sum = 0;
      for (let d = 0; d < n; d++) sum += ((p[d] as number) - (center[d] as number)) ** 2;
      return Math.sqrt(sum) - radius;
    },
    interior(rng: Rng, method: SamplingMethod): PointStream {
      return boxRejectionInterior(geometry, rng, method);
    },
    boundary(rng: Rng, method: SamplingMethod): PointStream {
      const paramDim = n === 3 ? 2 : n;
      const direction = new Float64Array(n);
      const map: Parametrisation = (u, out, normal, offset) => {
        unitDirection(u, n, direction);
        for (let d = 0; d < n; d++) {
          out[offset + d] = (center[d] as number) + radius * (direction[d] as number);
          if (normal) normal[offset + d] = direction[d] as number;
        }
      };
      if (method !== 'mesh') return mappedStream(n, paramDim, true, rng, method, map);
      // A mesh uses the centres of a regular grid of parameter cells (no repeated pole points).
      return (count) => {
        const grid = unitGrid(count, paramDim, false);
        const half = 0.5 / Math.max(1, Math.round(count ** (1 / paramDim)));
        const set = allocate(n, grid.length, true);
        grid.forEach((u, i) => {
          for (let d = 0; d < paramDim; d++) u[d] = (u[d] as number) + half;
          map(u, set.coords, set.normals, i * n);
        });
        return set;
      };
    },
  };
  return geometry;
}

/** Writes the unit vector of parameters `u` into `out`: the equal-area map in 3-D, a normalised Gaussian vector otherwise. */
function unitDirection(u: Float64Array, n: number, out: Float64Array): void {
  if (n === 3) {
    const z = 1 - 2 * (u[0] as number);
    const rho = Math.sqrt(Math.max(0, 1 - z * z));
    const phi = 2 * Math.PI * (u[1] as number);
    out[0] = rho * Math.cos(phi);
    out[1] = rho * Math.sin(phi);
    out[2] = z;
    return;
  }
  let norm = 0;
  for (let d = 0; d < n; d++) {
    const g = inverseNormal(u[d] as number);
    out[d] = g;
    norm += g * g;
  }
  norm = Math.sqrt(norm);
  if (!(norm > 1e-12)) {
    // The origin of the Gaussian cube (all u = 1/2, a mesh cell centre): any direction is fair.
    out.fill(0);
    out[0] = 1;
    return;
  }
  for (let d = 0; d < n; d++) out[d] = (out[d] as number) / norm;
}

/** Φ⁻¹(p) by Acklam's rational approximation (relative error < 1.2e-9); p is clamped into (0, 1). */
export function inverseNormal(p: number): number {
  const q0 = Math.min(Math.max(p, 1e-15), 1 - 1e-15);
  const a = [-3.969683028665376e1, 2.209460984245205e2, -2.759285104469687e2, 1.38357751867269e2, -3.066479806614716e1, 2.506628277459239];
  const b = [-5.447609879822406e1, 1.615858368580409e2, -1.556989798598866e2, 6.680131188771972e1, -1.328068155288572e1];
  const c = [-7.784894002430293e-3, -3.223964580411365e-1, -2.400758277161838, -2.549732539343734, 4.374664141464968, 2.938163982698783];
  const d = [7.784695709041462e-3, 3.224671290700398e-1, 2.445134137142996, 3.754408661907416];
  const tail = (q: number): number => {
    const t = Math.sqrt(-2 * Math.log(q));
    return (((((c[0]! * t + c[1]!) * t + c[2]!) * t + c[3]!) * t + c[4]!) * t + c[5]!) / ((((d[0]! * t + d[1]!) * t + d[2]!) * t + d[3]!) * t + 1);
  };
  if (q0 < 0.02425) return tail(q0);
  if (q0 > 1 - 0.02425) return -tail(1 - q0);
  const q = q0 - 0.5;
  const r = q * q;
  return ((((((a[0]! * r + a[1]!) * r + a[2]!) * r + a[3]!) * r + a[4]!) * r + a[5]!) * q) / (((((b[0]! * r + b[1]!) * r + b[2]!) * r + b[3]!) * r + b[4]!) * r + 1);
}
