/**
 * The reused arrays of a network op (engine/scratch.ts): an array given back is handed out again
 * for the same type and length only, never twice at once, and very large arrays are not kept.
 */
import { describe, expect, it } from 'vitest';
import { getThreads, setThreads } from '../../src/engine/pool.js';
import { ArrayPool } from '../../src/engine/scratch.js';

describe('ArrayPool', () => {
  it('hands a given-back array out again for the same type and length only', () => {
    const pool = new ArrayPool();
    const a = pool.f32(100);
    const b = pool.f64(100);
    pool.give(a, b, null, undefined);
    expect(pool.size).toBe(2);
    expect(pool.f32(99)).not.toBe(a);
    expect(pool.f64(100)).toBe(b);
    expect(pool.f32(100)).toBe(a);
    expect(pool.size).toBe(0);
    // empty again: new arrays
    expect(pool.f32(100)).not.toBe(a);
  });

  it('keeps an array given back twice only once, and no large arrays', () => {
    const pool = new ArrayPool();
    const a = pool.f32(10);
    pool.give(a, a);
    expect(pool.size).toBe(1);
    expect(pool.f32(10)).toBe(a);
    expect(pool.f32(10)).not.toBe(a);
    // up to 2^23 elements (a 100k-point chunk's jets), kept: allocated per evaluation they cost collections
    pool.give(new Float32Array((1 << 23) + 1));
    pool.give(new Float32Array(1 << 23));
    expect(pool.size).toBe(1);
    pool.f32(1 << 23);
    expect(pool.size).toBe(0);
  });

  it('makes float arrays in shared memory with kernel threads (used in place by the threads), and keeps large shared ones', () => {
    const previous = getThreads();
    try {
      setThreads(1);
      const pool = new ArrayPool();
      const plain = pool.f32(64);
      expect(plain.buffer).not.toBeInstanceOf(SharedArrayBuffer);
      pool.give(plain);
      setThreads(2);
      const shared = pool.f32(64);
      expect(shared.buffer).toBeInstanceOf(SharedArrayBuffer); // the plain free one was not handed out
      expect(pool.f64(8).buffer).toBeInstanceOf(SharedArrayBuffer);
      expect(pool.i32(8).buffer).toBeInstanceOf(SharedArrayBuffer); // a threaded KAN forward pass records its spans in one
      // large shared arrays are kept: made per evaluation, the workers would hold them all
      const big = pool.f32((1 << 18) + 1);
      expect(big.buffer).toBeInstanceOf(SharedArrayBuffer);
      pool.give(big);
      expect(pool.f32((1 << 18) + 1)).toBe(big);
    } finally {
      setThreads(previous);
    }
  });
});
