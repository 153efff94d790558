/**
 * Checks the plain-data inputs once, at the renderer boundary, so that a wrong length becomes a
 * one-line message naming the field instead of a garbled picture.
 */
import { check } from './errors.js';
import type { FieldData, HistoryData, NetworkView } from './types.js';

const isFiniteNumber = (v: unknown): v is number => typeof v === 'number' && Number.isFinite(v);

/** Validates a network view: widths, names, and each edge's indices, samples and importance. */
export function validateNetwork(view: NetworkView, where = 'network'): void {
  check(Array.isArray(view.width) && view.width.length >= 2, `${where}.width: expected at least 2 layer widths, found ${JSON.stringify(view.width)}`);
  view.width.forEach((w, l) => check(Number.isInteger(w) && w >= 1, `${where}.width[${l}]: expected a positive integer, found ${String(w)}`));
  const inputs = view.width[0] ?? 0;
  const outputs = view.width[view.width.length - 1] ?? 0;
  check(view.inputNames.length === inputs, `${where}.inputNames: expected ${inputs} names (width[0]), found ${view.inputNames.length}`);
  check(view.outputNames.length === outputs, `${where}.outputNames: expected ${outputs} names (last width), found ${view.outputNames.length}`);
  const seen = new Set<string>();
  view.edges.forEach((e, n) => {
    const at = `${where}.edges[${n}]`;
    const layers = view.width.length - 1;
    check(Number.isInteger(e.layer) && e.layer >= 0 && e.layer < layers, `${at}.layer: expected an integer in [0, ${layers - 1}], found ${String(e.layer)}`);
    const nIn = view.width[e.layer] ?? 0;
    const nOut = view.width[e.layer + 1] ?? 0;
    check(Number.isInteger(e.i) && e.i >= 0 && e.i < nIn, `${at}.i: expected an integer in [0, ${nIn - 1}], found ${String(e.i)}`);
    check(Number.isInteger(e.j) && e.j >= 0 && e.j < nOut, `${at}.j: expected an integer in [0, ${nOut - 1}], found ${String(e.j)}`);
    const key = `${e.layer}:${e.i}:${e.j}`;
    check(!seen.has(key), `${at}: duplicate edge (layer ${e.layer}, i ${e.i}, j ${e.j})`);
    seen.add(key);
    check(e.xs.length === e.ys.length, `${at}.ys: expected ${e.xs.length} values (as many as xs), found ${e.ys.length}`);
    check(e.state === 'pruned' || e.xs.length >= 2, `${at}.xs: expected at least 2 samples, found ${e.xs.length}`);
    check(isFiniteNumber(e.importance) && e.importance >= 0, `${at}.importance: expected a finite number >= 0, found ${String(e.importance)}`);
    check(e.state === 'numeric' || e.state === 'symbolic' || e.state === 'pruned', `${at}.state: expected 'numeric', 'symbolic' or 'pruned', found ${JSON.stringify(e.state)}`);
  });
}

/** Number of grid points of one frame: ∏ |axis|. */
export function frameSize(field: FieldData): number {
  return field.axes.reduce((n, a) => n * a.values.length, 1);
}

/** Validates a field: 1–3 axes of ≥ 2 values, and array lengths frames · ∏|axis|. */
export function validateField(field: FieldData, where = 'field'): void {
  check(field.axes.length >= 1 && field.axes.length <= 3, `${where}.axes: expected 1, 2 or 3 spatial axes, found ${field.axes.length}`);
  field.axes.forEach((a, k) => check(a.values.length >= 2, `${where}.axes[${k}].values: expected at least 2 grid values, found ${a.values.length}`));
  const frames = field.times?.length ?? 1;
  check(frames >= 1, `${where}.times: expected at least 1 frame, found 0`);
  const size = frameSize(field) * frames;
  check(field.predicted.length === size, `${where}.predicted: expected ${size} values (frames x grid), found ${field.predicted.length}`);
  if (field.exact !== undefined) {
    check(field.exact.length === size, `${where}.exact: expected ${size} values (frames x grid), found ${field.exact.length}`);
  }
  if (field.mask !== undefined) {
    const grid = frameSize(field);
    check(field.mask.length === grid || field.mask.length === size, `${where}.mask: expected ${grid} values (one per grid point), found ${field.mask.length}`);
  }
}

/** Validates a history table: every row has one value per column. */
export function validateHistory(history: HistoryData, where = 'history'): void {
  history.rows.forEach((row, r) =>
    check(row.length === history.columns.length, `${where}.rows[${r}]: expected ${history.columns.length} values (one per column), found ${row.length}`),
  );
}
