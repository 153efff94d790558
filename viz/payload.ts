/**
 * The JSON a page carries: the field as base64 float32 arrays, the network with its samples
 * rounded to 4 significant digits. Built in Node by `toPayload`, read in the browser as is.
 */
import { bytesToBase64, encodeFloat32, roundSignificant } from './encode.js';
import type { EncodedArray } from './encode.js';
import type { FieldData, NetworkView } from './types.js';

/** A field in transit; `mask` is base64 of one byte per value (1 inside, 0 in a hole). */
export interface FieldPayload {
  axes: { name: string; values: number[] }[];
  times?: number[];
  unknown: string;
  predicted: EncodedArray;
  exact?: EncodedArray;
  mask?: { u8: string; length: number };
}

/** What the viewer script reads from `<script id="kanpinn-data" type="application/json">`. */
export interface PagePayload {
  kind: 'report' | 'network';
  title: string;
  /** One field per unknown (the first is shown first); absent when no field was sampled. */
  fields?: FieldPayload[];
  network?: NetworkView;
}

const round = (v: number, digits: number): number => roundSignificant(v, digits) ?? NaN;

/** Packs a field for the page (grid coordinates keep 6 significant digits). */
export function fieldPayload(field: FieldData): FieldPayload {
  const out: FieldPayload = {
    axes: field.axes.map((a) => ({ name: a.name, values: a.values.map((v) => round(v, 6)) })),
    unknown: field.unknown,
    predicted: encodeFloat32(field.predicted),
  };
  if (field.times !== undefined) out.times = field.times.map((v) => round(v, 6));
  if (field.exact !== undefined) out.exact = encodeFloat32(field.exact);
  if (field.mask !== undefined) {
    const bytes = new Uint8Array(field.mask.length);
    for (let k = 0; k < bytes.length; k++) bytes[k] = field.mask[k] ? 1 : 0;
    out.mask = { u8: bytesToBase64(bytes), length: bytes.length };
  }
  return out;
}

/** Packs a network view: samples and importances to 4 significant digits, pruned edges without samples. */
export function networkPayload(view: NetworkView): NetworkView {
  return {
    width: [...view.width],
    inputNames: [...view.inputNames],
    outputNames: [...view.outputNames],
    edges: view.edges.map((e) => ({
      layer: e.layer,
      i: e.i,
      j: e.j,
      xs: e.state === 'pruned' ? [] : e.xs.map((v) => round(v, 4)),
      ys: e.state === 'pruned' ? [] : e.ys.map((v) => round(v, 4)),
      importance: round(e.importance, 4),
      state: e.state,
      ...(e.formula !== undefined ? { formula: e.formula } : {}),
    })),
  };
}

/** JSON for an inline `<script>`: `<` escaped so no `</script>` can end it early. */
export function payloadJson(payload: PagePayload): string {
  return JSON.stringify(payload).replace(/</g, '\\u003c');
}
