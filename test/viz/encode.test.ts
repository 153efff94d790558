import { describe, expect, it } from 'vitest';
import { base64ToBytes, bytesToBase64, decodeFloat32, encodeFloat32, roundSignificant } from '../../viz/encode.js';
import { createRng } from '../../src/random.js';

describe('viz encoding', () => {
  it('writes the same base64 as node for every length modulo 3', () => {
    const rng = createRng(11);
    for (const n of [0, 1, 2, 3, 4, 5, 100, 9001]) {
      const bytes = Uint8Array.from({ length: n }, () => rng.int(256));
      const text = bytesToBase64(bytes);
      expect(text).toBe(Buffer.from(bytes).toString('base64'));
      expect(Array.from(base64ToBytes(text))).toEqual(Array.from(bytes));
    }
  });

  it('round-trips float32 values exactly and sends non-finite values as NaN', () => {
    const values = [0, -1.5, Math.PI, 1e-30, 3.4e38, Infinity, NaN];
    const decoded = decodeFloat32(encodeFloat32(values));
    expect(Array.from(decoded.subarray(0, 5))).toEqual(Array.from(Float32Array.from(values.slice(0, 5))));
    expect(Number.isNaN(decoded[5])).toBe(true);
    expect(Number.isNaN(decoded[6])).toBe(true);
  });

  it('stores a 100 x 100 field in 16/3 characters per value (base64 of 4 bytes)', () => {
    const field = Float32Array.from({ length: 10_000 }, (_, k) => Math.sin(k));
    expect(encodeFloat32(field).f32.length).toBe(4 * Math.ceil((10_000 * 4) / 3));
  });

  it('rounds to significant digits and maps non-finite values to null', () => {
    expect(roundSignificant(3.14159265, 4)).toBe(3.142);
    expect(roundSignificant(-0.000123456, 3)).toBe(-0.000123);
    expect(roundSignificant(123456, 2)).toBe(120000);
    expect(roundSignificant(0)).toBe(0);
    expect(roundSignificant(NaN)).toBeNull();
    expect(roundSignificant(null)).toBeNull();
  });
});
