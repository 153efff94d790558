/** `renderNetworkHtml`: the interactive network view alone, one self-contained HTML page. */
import { escapeXml } from './format.js';
import { pageHtml } from './page.js';
import { networkPayload } from './payload.js';
import type { NetworkView } from './types.js';
import { validateNetwork } from './validate.js';

/** Options of `renderNetworkHtml`. */
export interface NetworkHtmlOptions {
  title: string;
}

/** Defaults of `NetworkHtmlOptions`. */
export const DEFAULT_NETWORK_HTML_OPTIONS: NetworkHtmlOptions = { title: 'KAN network' };

/** Renders `view` as a page with the three.js network (edge plots, formulas, click to enlarge). */
export function renderNetworkHtml(view: NetworkView, options: Partial<NetworkHtmlOptions> = {}): string {
  validateNetwork(view);
  const o = { ...DEFAULT_NETWORK_HTML_OPTIONS, ...options };
  const header = `<header><h1>${escapeXml(o.title)}</h1><p>KAN [${view.width.join(', ')}]: ${escapeXml(view.inputNames.join(', '))} → ${escapeXml(view.outputNames.join(', '))}</p></header>`;
  const body = `<section id="network"><h2>Network</h2><p class="hint">Each edge is its learned function φ over its input range; opacity shows its importance, red edges are symbolic. Click an edge to enlarge it.</p><div id="network-root"></div></section>`;
  return pageHtml(o.title, header, body, { kind: 'network', title: o.title, network: networkPayload(view) });
}
