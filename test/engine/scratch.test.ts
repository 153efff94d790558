/**
 * The reused arrays of a network op (engine/scratch.ts): an array given back is handed out again
 * for the same type and length only, never twice at once, and large arrays are not kept.
 */
import { describe, expect, it } from 'vitest';
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
    pool.give(new Float64Array((1 << 18) + 1));
    pool.give(new Float32Array(1 << 18));
    expect(pool.size).toBe(1);
    pool.f32(1 << 18);
    expect(pool.size).toBe(0);
  });
});
