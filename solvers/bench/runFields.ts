/** The fields of a solve that every suite's run record carries, taken from its summary in one place. */
import type { SolveSummary } from '../solve.js';

/** Names of the summary fields every suite records for a run. */
export type RunField = 'width' | 'grids' | 'params' | 'optimizer' | 'steps' | 'seconds' | 'loss' | 'relL2' | 'status';

/** The common run fields of `summary` (suites add their own beside them). */
export function runFields(summary: SolveSummary): Pick<SolveSummary, RunField> {
  const { width, grids, params, optimizer, steps, seconds, loss, relL2, status } = summary;
  return { width, grids, params, optimizer, steps, seconds, loss, relL2, status };
}

/** The rel. L2 of each unknown alone, by name (null without a test set). */
export function perUnknownRelL2(summary: Pick<SolveSummary, 'perUnknown'>): Record<string, number> | null {
  return summary.perUnknown ? Object.fromEntries(Object.entries(summary.perUnknown).map(([name, e]) => [name, e.relL2])) : null;
}
