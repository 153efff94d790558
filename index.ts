/**
 * The package entry, `import … from 'kanpinn'`: the library's public API (src/index.ts) with the
 * built-in problems registered, so `resolveProblem('poisson2d-paper')` and `listProblems()` see the
 * TypeScript built-ins as well as the JSON ones without a side-effect import. It lives outside
 * src/ because the library never imports problems/ (the built-ins are written against it).
 */
import './problems/index.js';

export * from './src/index.js';

/** The report's data object (what `kanpinn/viz`'s `renderReport` draws) from a problem, a trained model and its run. */
export { buildReport } from './solvers/reportData.js';
export type { SolveSummary } from './solvers/summary.js';
