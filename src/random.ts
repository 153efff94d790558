/**
 * Seeded pseudo-random numbers (mulberry32 for uniforms, Box–Muller for normals), so that model
 * initialisation and point sampling are reproducible from one integer seed on every platform.
 */

/** A deterministic generator of uniform numbers in [0, 1). */
export interface Rng {
  /** Next uniform in [0, 1). */
  next(): number;
  /** Next standard normal. */
  normal(): number;
  /** Uniform integer in [0, n). */
  int(n: number): number;
  /** A new generator whose stream is derived from this one (for independent sub-tasks). */
  fork(): Rng;
}

/** Creates a generator from an integer seed (any finite number; its low 32 bits are used). */
export function createRng(seed: number): Rng {
  let state = (Math.trunc(seed) ^ 0x9e3779b9) >>> 0;
  let spare: number | undefined;
  const next = (): number => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const rng: Rng = {
    next,
    normal() {
      if (spare !== undefined) {
        const value = spare;
        spare = undefined;
        return value;
      }
      let u = next();
      while (u <= Number.MIN_VALUE) u = next();
      const v = next();
      const radius = Math.sqrt(-2 * Math.log(u));
      spare = radius * Math.sin(2 * Math.PI * v);
      return radius * Math.cos(2 * Math.PI * v);
    },
    int(n: number) {
      return Math.floor(next() * n);
    },
    fork() {
      return createRng(Math.floor(next() * 4294967296));
    },
  };
  return rng;
}
