/**
 * Compact transport of numbers from Node into the report page: float32 arrays as little-endian
 * base64 (4 bytes → 5.33 characters per value, about a third of decimal JSON), short samples as
 * numbers rounded to a few significant digits. Pure JS, so the browser decodes with the same code.
 */

const ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';
const LOOKUP = new Uint8Array(128);
for (let k = 0; k < ALPHABET.length; k++) LOOKUP[ALPHABET.charCodeAt(k)] = k;

/** A float32 array in transit: `f32` is base64 of its little-endian bytes. */
export interface EncodedArray {
  f32: string;
}

/** Standard base64 (RFC 4648, with padding) of `bytes`. */
export function bytesToBase64(bytes: Uint8Array): string {
  const parts: string[] = [];
  let chunk = '';
  for (let k = 0; k < bytes.length; k += 3) {
    const a = bytes[k] ?? 0;
    const b = bytes[k + 1] ?? 0;
    const c = bytes[k + 2] ?? 0;
    const n = (a << 16) | (b << 8) | c;
    chunk += ALPHABET[(n >> 18) & 63]! + ALPHABET[(n >> 12) & 63]!;
    chunk += k + 1 < bytes.length ? ALPHABET[(n >> 6) & 63]! : '=';
    chunk += k + 2 < bytes.length ? ALPHABET[n & 63]! : '=';
    if (chunk.length > 8192) {
      parts.push(chunk);
      chunk = '';
    }
  }
  parts.push(chunk);
  return parts.join('');
}

/** Inverse of `bytesToBase64`. */
export function base64ToBytes(text: string): Uint8Array {
  const clean = text.replace(/=+$/, '');
  const out = new Uint8Array(Math.floor((clean.length * 3) / 4));
  let o = 0;
  for (let k = 0; k < clean.length; k += 4) {
    const n =
      (LOOKUP[clean.charCodeAt(k)]! << 18) |
      (LOOKUP[clean.charCodeAt(k + 1)]! << 12) |
      ((LOOKUP[clean.charCodeAt(k + 2)] ?? 0) << 6) |
      (LOOKUP[clean.charCodeAt(k + 3)] ?? 0);
    if (o < out.length) out[o++] = (n >> 16) & 255;
    if (o < out.length) out[o++] = (n >> 8) & 255;
    if (o < out.length) out[o++] = n & 255;
  }
  return out;
}

/** Encodes values as float32 (non-finite values travel as NaN). */
export function encodeFloat32(values: ArrayLike<number>): EncodedArray {
  const bytes = new Uint8Array(values.length * 4);
  const view = new DataView(bytes.buffer);
  for (let k = 0; k < values.length; k++) {
    const v = values[k]!;
    view.setFloat32(k * 4, Number.isFinite(v) ? v : NaN, true);
  }
  return { f32: bytesToBase64(bytes) };
}

/** Decodes an `EncodedArray` into a Float32Array. */
export function decodeFloat32(encoded: EncodedArray): Float32Array {
  const bytes = base64ToBytes(encoded.f32);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const out = new Float32Array(bytes.length >> 2);
  for (let k = 0; k < out.length; k++) out[k] = view.getFloat32(k * 4, true);
  return out;
}

/** `v` rounded to `digits` significant digits; non-finite values become null (JSON has no NaN). */
export function roundSignificant(v: number | null | undefined, digits = 4): number | null {
  if (v === null || v === undefined || !Number.isFinite(v)) return null;
  if (v === 0) return 0;
  return Number(v.toPrecision(digits));
}
