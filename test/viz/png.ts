/** A minimal PNG reader for screenshots (8-bit RGB or RGBA, not interlaced), with node's zlib. */
import { inflateSync } from 'node:zlib';

/** Decoded pixels, row-major, `channels` bytes per pixel. */
export interface Image { width: number; height: number; channels: number; data: Uint8Array }

/** Decodes `png`; throws on formats screenshots never use. */
export function decodePng(png: Uint8Array): Image {
  const view = new DataView(png.buffer, png.byteOffset, png.byteLength);
  let offset = 8;
  let width = 0, height = 0, channels = 0;
  const idat: Uint8Array[] = [];
  while (offset < png.length) {
    const length = view.getUint32(offset);
    const type = String.fromCharCode(...png.subarray(offset + 4, offset + 8));
    const body = png.subarray(offset + 8, offset + 8 + length);
    if (type === 'IHDR') {
      const h = new DataView(body.buffer, body.byteOffset, body.byteLength);
      width = h.getUint32(0);
      height = h.getUint32(4);
      const depth = body[8], colour = body[9], interlace = body[12];
      if (depth !== 8 || interlace !== 0 || (colour !== 2 && colour !== 6)) throw new Error(`decodePng: unsupported format (depth ${depth}, colour ${colour}, interlace ${interlace})`);
      channels = colour === 6 ? 4 : 3;
    } else if (type === 'IDAT') idat.push(body);
    else if (type === 'IEND') break;
    offset += 12 + length;
  }
  const raw = inflateSync(Buffer.concat(idat));
  const stride = width * channels;
  const data = new Uint8Array(height * stride);
  for (let y = 0; y < height; y++) {
    const filter = raw[y * (stride + 1)]!;
    const src = raw.subarray(y * (stride + 1) + 1, (y + 1) * (stride + 1));
    for (let x = 0; x < stride; x++) {
      const a = x >= channels ? data[y * stride + x - channels]! : 0;
      const b = y > 0 ? data[(y - 1) * stride + x]! : 0;
      const c = x >= channels && y > 0 ? data[(y - 1) * stride + x - channels]! : 0;
      let predictor = 0;
      switch (filter) {
        case 0: predictor = 0; break;
        case 1: predictor = a; break;
        case 2: predictor = b; break;
        case 3: predictor = (a + b) >> 1; break;
        case 4: {
          const p = a + b - c, pa = Math.abs(p - a), pb = Math.abs(p - b), pc = Math.abs(p - c);
          predictor = pa <= pb && pa <= pc ? a : pb <= pc ? b : c;
          break;
        }
        default: throw new Error(`decodePng: bad filter ${filter} in row ${y}`);
      }
      data[y * stride + x] = (src[x]! + predictor) & 255;
    }
  }
  return { width, height, channels, data };
}

/** Standard deviation of the luminance (0–255) over all pixels: 0 for a blank picture. */
export function luminanceStd(image: Image): number {
  const n = image.width * image.height;
  let sum = 0, sq = 0;
  for (let k = 0; k < n; k++) {
    const p = k * image.channels;
    const l = 0.299 * image.data[p]! + 0.587 * image.data[p + 1]! + 0.114 * image.data[p + 2]!;
    sum += l;
    sq += l * l;
  }
  const mean = sum / n;
  return Math.sqrt(Math.max(0, sq / n - mean * mean));
}

/** Fraction of pixels where some channel differs by more than `tolerance` (0–255). */
export function changedFraction(a: Image, b: Image, tolerance = 16): number {
  if (a.width !== b.width || a.height !== b.height || a.channels !== b.channels) throw new Error('changedFraction: pictures differ in size');
  let changed = 0;
  const n = a.width * a.height;
  for (let k = 0; k < n; k++) {
    for (let c = 0; c < a.channels; c++) {
      if (Math.abs(a.data[k * a.channels + c]! - b.data[k * a.channels + c]!) > tolerance) { changed++; break; }
    }
  }
  return changed / n;
}

/** Mean absolute difference per channel between two pictures of the same size. */
export function meanAbsDiff(a: Image, b: Image): number {
  if (a.width !== b.width || a.height !== b.height || a.channels !== b.channels) throw new Error('meanAbsDiff: pictures differ in size');
  let sum = 0;
  for (let k = 0; k < a.data.length; k++) sum += Math.abs(a.data[k]! - b.data[k]!);
  return sum / a.data.length;
}
