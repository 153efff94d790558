/**
 * Unit-cube point streams for sampling: uniform random (the seeded `Rng`), Sobol (Joe–Kuo
 * direction numbers, random digital shift) and Halton (first primes, random Cranley–Patterson
 * shift). Every stream is stateful, so rejection samplers can keep drawing from the same sequence.
 */
import type { Rng } from '../random.js';
import { KanpinnInputError } from '../errors.js';

/** How unit points are drawn (a mesh is built by the geometry itself, not by a stream). */
export type StreamMethod = 'random' | 'sobol' | 'halton';

/** A stateful stream of points in [0, 1)^dim. */
export interface UnitStream {
  readonly dim: number;
  /** Writes the next point into `out[offset .. offset + dim)`. */
  next(out: Float64Array, offset?: number): void;
}

/** Joe–Kuo (new-joe-kuo-6.21201) primitive polynomials: [degree s, coefficient a, initial m…] for dims 2..12. */
const JOE_KUO: readonly (readonly number[])[] = [
  [1, 0, 1],
  [2, 1, 1, 3],
  [3, 1, 1, 3, 1],
  [3, 2, 1, 1, 1],
  [4, 1, 1, 1, 3, 3],
  [4, 4, 1, 3, 5, 13],
  [5, 2, 1, 1, 5, 5, 17],
  [5, 4, 1, 1, 5, 5, 5],
  [5, 7, 1, 1, 7, 11, 19],
  [5, 11, 1, 1, 5, 1, 1],
  [5, 13, 1, 1, 1, 3, 11],
];

const PRIMES = [2, 3, 5, 7, 11, 13, 17, 19, 23, 29, 31, 37];

/** The most dimensions a quasi-random stream supports. */
export const MAX_QUASI_DIM = 12;

const BITS = 32;

/** Direction numbers v[d][k] (k = 0..31) scaled to 32 bits, for `dim` dimensions. */
function sobolDirections(dim: number): Uint32Array[] {
  const dirs: Uint32Array[] = [];
  const first = new Uint32Array(BITS);
  for (let k = 0; k < BITS; k++) first[k] = 2 ** (BITS - 1 - k);
  dirs.push(first);
  for (let d = 1; d < dim; d++) {
    const row = JOE_KUO[d - 1] as readonly number[];
    const s = row[0] as number;
    const a = row[1] as number;
    const v = new Uint32Array(BITS);
    for (let k = 0; k < s && k < BITS; k++) v[k] = ((row[2 + k] as number) * 2 ** (BITS - 1 - k)) >>> 0;
    for (let k = s; k < BITS; k++) {
      let value = (v[k - s] as number) ^ ((v[k - s] as number) >>> s);
      for (let j = 1; j < s; j++) if ((a >>> (s - 1 - j)) & 1) value ^= v[k - j] as number;
      v[k] = value >>> 0;
    }
    dirs.push(v);
  }
  return dirs;
}

/** Sobol points in Gray-code order; `shift` (one 32-bit word per dim) is XORed in (0 gives the plain sequence, starting at the origin). */
export function sobolStream(dim: number, shift?: Uint32Array): UnitStream {
  const dirs = sobolDirections(dim);
  const state = new Uint32Array(dim);
  if (shift) state.set(shift.subarray(0, dim));
  let index = 0;
  return {
    dim,
    next(out, offset = 0) {
      for (let d = 0; d < dim; d++) out[offset + d] = (state[d] as number) / 4294967296;
      // Gray code: flip the direction number of the lowest zero bit of the index.
      let c = 0;
      while ((index >>> c) & 1) c++;
      index++;
      for (let d = 0; d < dim; d++) state[d] = ((state[d] as number) ^ ((dirs[d] as Uint32Array)[c] as number)) >>> 0;
    },
  };
}

/** Radical inverse of `i` in base `b`. */
function radicalInverse(i: number, b: number): number {
  let result = 0;
  let f = 1 / b;
  let n = i;
  while (n > 0) {
    result += (n % b) * f;
    n = Math.floor(n / b);
    f /= b;
  }
  return result;
}

/** Halton points from index 1 (bases 2, 3, 5, …); `shift` adds a per-dimension offset mod 1. */
export function haltonStream(dim: number, shift?: Float64Array): UnitStream {
  let index = 1;
  return {
    dim,
    next(out, offset = 0) {
      for (let d = 0; d < dim; d++) {
        const value = radicalInverse(index, PRIMES[d] as number) + (shift ? (shift[d] as number) : 0);
        out[offset + d] = value - Math.floor(value);
      }
      index++;
    },
  };
}

/** A seeded stream of `dim`-dimensional unit points; quasi-random streams get a random shift from `rng`. */
export function createUnitStream(method: StreamMethod, dim: number, rng: Rng): UnitStream {
  if (method !== 'random' && dim > MAX_QUASI_DIM) {
    throw new KanpinnInputError(`sampling: ${method} supports at most ${MAX_QUASI_DIM} dimensions, got ${dim}`);
  }
  switch (method) {
    case 'random':
      return {
        dim,
        next(out, offset = 0) {
          for (let d = 0; d < dim; d++) out[offset + d] = rng.next();
        },
      };
    case 'sobol': {
      const shift = new Uint32Array(Math.max(dim, 1));
      for (let d = 0; d < dim; d++) shift[d] = Math.floor(rng.next() * 4294967296) >>> 0;
      return sobolStream(dim, shift);
    }
    case 'halton': {
      const shift = new Float64Array(Math.max(dim, 1));
      for (let d = 0; d < dim; d++) shift[d] = rng.next();
      return haltonStream(dim, shift);
    }
    default: {
      const never: never = method;
      throw new KanpinnInputError(`sampling: unknown method ${String(never)}`);
    }
  }
}

/** `count` evenly spaced values from a to b inclusive (a single value is the midpoint). */
export function linspace(a: number, b: number, count: number): Float64Array {
  const out = new Float64Array(count);
  if (count === 1) out[0] = (a + b) / 2;
  else for (let i = 0; i < count; i++) out[i] = i === count - 1 ? b : a + ((b - a) * i) / (count - 1);
  return out;
}
