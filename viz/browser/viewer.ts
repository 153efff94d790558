/**
 * The report's browser entry (bundled by viz/build-viewer.mjs into one IIFE with three.js): reads
 * the inline JSON and mounts the solution and network views. A failure is logged with
 * console.error and shown on the page, never swallowed.
 */
import { decodeField } from '../fieldSlices.js';
import type { PagePayload } from '../payload.js';
import { mountField } from './fieldView.js';
import type { FieldHandle } from './fieldView.js';
import { mountNetwork } from './networkView.js';
import type { NetworkHandle } from './networkView.js';

/** What the page exposes on `window.kanpinnReport` once mounted. */
export interface ReportHandle { field?: FieldHandle; network?: NetworkHandle }

declare global {
  interface Window { kanpinnReport?: ReportHandle }
}

function start(): void {
  const source = document.getElementById('kanpinn-data');
  if (!source?.textContent) throw new Error('kanpinn viewer: the page has no data block (#kanpinn-data)');
  const payload = JSON.parse(source.textContent) as PagePayload;
  const handle: ReportHandle = {};
  const fieldRoot = document.getElementById('field-root');
  if (payload.field && fieldRoot) handle.field = mountField(fieldRoot, decodeField(payload.field));
  const networkRoot = document.getElementById('network-root');
  if (payload.network && networkRoot) handle.network = mountNetwork(networkRoot, payload.network);
  window.kanpinnReport = handle;
  document.body.dataset.ready = 'true';
}

try {
  start();
} catch (error) {
  console.error(error);
  const box = document.createElement('p');
  box.className = 'error-box';
  box.textContent = `The report could not be drawn: ${error instanceof Error ? error.message : String(error)}`;
  document.querySelector('main')?.prepend(box);
  document.body.dataset.ready = 'error';
}
