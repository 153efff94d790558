/**
 * The summary of one solve, on its own so that the report builder (reportData.ts) can take it
 * without importing the solver that calls the report builder.
 */
import type { OptimizerName, TrainResult } from '../src/index.js';

/** The result object of `solve --json` (DESIGN.md's contract, extended). */
export interface SolveSummary {
  problem: string;
  model: 'kan' | 'mlp';
  width: number[];
  grid: number | null;
  grids: number[] | null;
  params: number;
  backend: string;
  optimizer: OptimizerName;
  steps: number;
  evaluations: number;
  seconds: number;
  loss: number;
  terms: Record<string, number>;
  relL2: number | null;
  maxAbsErr: number | null;
  mse: number | null;
  /** The same errors for each unknown alone, keyed by name (the fields above pool them); null (or absent) without a test set. */
  perUnknown?: Record<string, { relL2: number; maxAbsErr: number; mse: number }> | null;
  testSet: string | null;
  status: TrainResult['status'];
  message: string;
  /** The early-stopping rule that ended the run (--target-loss, --target-rel-l2, --patience), else null. */
  stoppedBy?: TrainResult['stoppedBy'];
  seed: number;
  warnings: string[];
  /** The training recipe (`--recipe`) and, with `auto`, what it chose and why (the spline degree included). */
  recipe?: { name: 'auto' | 'tuned'; decisions: { option: string; value: string; why: string }[] };
  /** An inverse problem's parameters (`infer`): final value, and truth and relative error when the truth is known; absent otherwise. */
  parameters?: TrainResult['parameters'];
  /** Points per term in each chunk of a loss+gradient evaluation, when the evaluations were chunked (`--chunk-points`); absent otherwise. */
  chunkPoints?: number;
  /** The loss terms' jets: `plain`, or `forward Laplacian on pde (5 -> 4 channels)` (`--jet`, src/train/forwardLaplacian.ts). */
  jet?: string;
}

/** One line per inferred parameter: `k = 0.0999921 (truth 0.1, rel. error 7.94e-5)`. */
export function parameterLines(parameters: SolveSummary['parameters']): string[] {
  return Object.entries(parameters ?? {}).map(([name, p]) => `${name} = ${Number(p.value.toPrecision(6))}${p.truth !== undefined ? ` (truth ${p.truth}, rel. error ${p.relError!.toExponential(2)})` : ''}`);
}
