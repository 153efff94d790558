/**
 * The HTML shell shared by the report and the network page: styles, the data as inline JSON and
 * the viewer bundle inline, so one file opens offline from file:// (no module loading, no CDN).
 */
import { loadViewerBundle } from './bundle.js';
import { escapeXml } from './format.js';
import { payloadJson } from './payload.js';
import type { PagePayload } from './payload.js';

const STYLE = `
*{box-sizing:border-box}
body{margin:0;font:14px/1.45 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;color:#1d2330;background:#f4f5f7}
header{background:#1d2330;color:#fff;padding:18px 28px}
header h1{margin:0 0 4px;font-size:22px;font-weight:600}
header p{margin:2px 0;color:#c9cfdb}
header .facts span{display:inline-block;margin:6px 18px 0 0}
header .facts b{color:#fff;font-weight:600}
main{max-width:1320px;margin:0 auto;padding:18px 24px 40px}
section{background:#fff;border:1px solid #dfe2e8;border-radius:8px;padding:16px 20px;margin:0 0 18px}
section h2{margin:0 0 12px;font-size:17px;font-weight:600}
.note{color:#667;font-style:italic}
.badges{display:flex;flex-wrap:wrap;gap:10px;margin-top:10px}
.badge{background:#2c3446;border-radius:6px;padding:6px 12px}
.badge small{display:block;color:#aab3c5;font-size:12px}
.badge b{font-size:16px}
table.kv{border-collapse:collapse;min-width:320px}
table.kv td{padding:4px 14px 4px 0;border-bottom:1px solid #eef0f3;vertical-align:top}
table.kv td:first-child{color:#556;white-space:nowrap}
table.kv td:last-child{font-family:ui-monospace,Menlo,Consolas,monospace}
.tables{display:flex;flex-wrap:wrap;gap:40px}
.charts{display:flex;flex-wrap:wrap;gap:16px}
.controls{display:flex;flex-wrap:wrap;align-items:center;gap:14px;margin:0 0 12px}
.controls label{color:#445}
.controls input[type=range]{width:280px;vertical-align:middle}
.controls button{font:inherit;padding:3px 12px;border:1px solid #b9c0cc;border-radius:5px;background:#fff;cursor:pointer}
.controls button.active{background:#1d2330;color:#fff;border-color:#1d2330}
.field-grid{display:flex;flex-wrap:wrap;gap:16px;align-items:flex-start}
.field-column{display:flex;flex-direction:column;gap:16px}
.panel{border:1px solid #eef0f3;border-radius:6px;padding:6px}
.panel h3{margin:0 0 4px;font-size:13px;font-weight:600;color:#334}
.surface-wrap{position:relative}
.surface-wrap canvas{display:block;border-radius:4px;background:#fafbfc}
.hint{font-size:12px;color:#778}
.stats-panel{min-width:240px}
.stats-panel table.kv{min-width:0}
.line-panel{display:flex;flex-wrap:wrap;gap:8px}
.line-panel.stacked{flex-direction:column}
.network-wrap{position:relative;width:fit-content;max-width:100%;margin:0 auto}
.network-wrap canvas{display:block}
.net-label{position:absolute;transform:translate(-50%,-50%);white-space:nowrap;pointer-events:none}
.net-label.io{font:italic 15px Georgia,serif;color:#1d2330}
.net-label.formula{font:10px ui-monospace,Menlo,monospace;color:#c0262d;background:rgba(255,255,255,.85);padding:0 2px}
.modal{position:fixed;inset:0;background:rgba(20,24,32,.55);display:flex;align-items:center;justify-content:center;z-index:10}
.modal[hidden]{display:none}
.modal .card{background:#fff;border-radius:8px;padding:16px 20px;box-shadow:0 10px 40px rgba(0,0,0,.3);max-width:92vw}
.modal .card header{background:none;color:#1d2330;padding:0 0 8px;display:flex;justify-content:space-between;gap:20px}
.modal .card header b{font-size:16px}
.modal .card button{font:inherit;border:1px solid #b9c0cc;border-radius:5px;background:#fff;cursor:pointer;padding:2px 10px}
.error-box{color:#b00020;font-weight:600}
`;

/** One HTML page: `header` and `body` are trusted HTML; `payload` becomes inline JSON. */
export function pageHtml(title: string, header: string, body: string, payload: PagePayload): string {
  const script = loadViewerBundle().replace(/<\/script/gi, '<\\/script');
  return [
    '<!DOCTYPE html>',
    '<html lang="en">',
    '<head>',
    '<meta charset="utf-8">',
    '<meta name="viewport" content="width=device-width, initial-scale=1">',
    `<title>${escapeXml(title)}</title>`,
    `<style>${STYLE}</style>`,
    '</head>',
    '<body>',
    header,
    `<main>${body}</main>`,
    `<script id="kanpinn-data" type="application/json">${payloadJson(payload)}</script>`,
    `<script>${script}</script>`,
    '</body>',
    '</html>',
  ].join('\n');
}
