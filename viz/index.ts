/**
 * kanpinn's visualisation: plain arrays in, files a person opens out. `renderReport` (one
 * self-contained HTML report), `renderNetworkHtml` (the network view alone), `renderNetworkSvg`
 * (the static diagram). No tensors here: callers convert models to `NetworkView` first.
 */
export { renderReport, historyCharts, keyValueTable } from './report.js';
export { renderNetworkHtml, DEFAULT_NETWORK_HTML_OPTIONS } from './networkHtml.js';
export type { NetworkHtmlOptions } from './networkHtml.js';
export { renderNetworkSvg, DEFAULT_NETWORK_SVG_OPTIONS } from './svg.js';
export type { NetworkSvgOptions } from './svg.js';
export { lineChartSvg, DEFAULT_CHART_OPTIONS } from './chartSvg.js';
export type { ChartOptions, ChartSeries } from './chartSvg.js';
export { layoutNetwork, edgeOpacity, DEFAULT_LAYOUT_OPTIONS } from './networkLayout.js';
export type { NetworkLayout, LayoutOptions } from './networkLayout.js';
export { VizDataError } from './errors.js';
export { loadViewerBundle } from './bundle.js';
export type { ReportData, FieldData, NetworkView, EdgeView, EdgeState, HistoryData, ProblemInfo } from './types.js';
