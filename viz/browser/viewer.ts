/**
 * The report's browser entry (bundled by viz/build-viewer.mjs into one IIFE with three.js): reads
 * the inline JSON and mounts the solution and network views. A failure is logged with
 * console.error and shown on the page, never swallowed.
 */
import { decodeField } from '../fieldSlices.js';
import type { FieldPayload, PagePayload } from '../payload.js';
import { mountField } from './fieldView.js';
import type { FieldHandle } from './fieldView.js';
import { mountNetwork } from './networkView.js';
import type { NetworkHandle } from './networkView.js';

/** What the page exposes on `window.kanpinnReport` once mounted. */
export interface ReportHandle {
  /** The solution view of the unknown shown now. */
  field?: FieldHandle;
  /** The unknown shown now, and the switch to another (problems with several unknowns). */
  unknown?: string;
  selectUnknown?(name: string): void;
  network?: NetworkHandle;
}

declare global {
  interface Window { kanpinnReport?: ReportHandle }
}

/**
 * One solution view per unknown, each in its own box, mounted the first time it is chosen (a
 * WebGL context each, so only what is looked at); the buttons of #unknown-selector switch.
 */
function mountFields(root: HTMLElement, fields: FieldPayload[], handle: ReportHandle): void {
  const boxes = new Map<string, { box: HTMLElement; view?: FieldHandle }>();
  for (const f of fields) {
    const box = document.createElement('div');
    box.className = 'unknown-field';
    box.dataset.unknown = f.unknown;
    box.hidden = true;
    root.appendChild(box);
    boxes.set(f.unknown, { box });
  }
  const buttons = Array.from(document.querySelectorAll<HTMLButtonElement>('#unknown-selector button[data-unknown]'));
  const heading = document.getElementById('solution-unknown');
  const select = (name: string): void => {
    const chosen = boxes.get(name);
    const payload = fields.find((f) => f.unknown === name);
    if (!chosen || !payload) throw new Error(`kanpinn viewer: no field for unknown '${name}' (have ${fields.map((f) => f.unknown).join(', ')})`);
    for (const entry of boxes.values()) {
      entry.box.hidden = entry !== chosen;
      if (entry !== chosen) entry.view?.pause();
    }
    // The first unknown keeps the plain element ids (#time-slider…); the others get a suffix.
    chosen.view ??= mountField(chosen.box, decodeField(payload), payload === fields[0] ? '' : `-${fields.indexOf(payload)}`);
    handle.field = chosen.view;
    handle.unknown = name;
    if (heading) heading.textContent = name;
    for (const b of buttons) b.classList.toggle('active', b.dataset.unknown === name);
  };
  for (const b of buttons) b.addEventListener('click', () => select(b.dataset.unknown ?? ''));
  handle.selectUnknown = select;
  select(fields[0]!.unknown);
}

function start(): void {
  const source = document.getElementById('kanpinn-data');
  if (!source?.textContent) throw new Error('kanpinn viewer: the page has no data block (#kanpinn-data)');
  const payload = JSON.parse(source.textContent) as PagePayload;
  const handle: ReportHandle = {};
  const fieldRoot = document.getElementById('field-root');
  if (payload.fields?.length && fieldRoot) mountFields(fieldRoot, payload.fields, handle);
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
