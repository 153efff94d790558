/**
 * What `solve` and `compare` check before training (see outputs.ts): the output folder, and the
 * memory every model of the run needs at the requested point counts.
 */
import type { Problem } from '../src/index.js';
import { defaultCompareModels, type CompareModel } from './compare.js';
import { checkTrainingMemory, COMPARE_OUTPUT_FILES, CONFIG_FILE, prepareOutputDir, SOLVE_OUTPUT_FILES } from './outputs.js';
import { resolveSolveOptions, widthFor, type SolveOptions } from './solve.js';

/** Checks of `solve`: the memory of the model `partial` describes, then `--out` when given. */
export function preflightSolve(problem: Problem, partial: Partial<SolveOptions>, out: string | undefined): void {
  const options = resolveSolveOptions(problem, partial);
  checkTrainingMemory(problem, [widthFor(problem, options)], options);
  if (out !== undefined) prepareOutputDir(out, '--out', [...SOLVE_OUTPUT_FILES, CONFIG_FILE]);
}

/** Checks of `compare`: the memory of every model in the line-up (`null`: the default one), then `--out`. */
export function preflightCompare(problem: Problem, partial: Partial<SolveOptions>, models: CompareModel[] | null, out: string | undefined): void {
  const options = resolveSolveOptions(problem, partial);
  checkTrainingMemory(problem, (models ?? defaultCompareModels(problem)).map((m) => m.width), options);
  if (out !== undefined) prepareOutputDir(out, '--out', [...COMPARE_OUTPUT_FILES, CONFIG_FILE]);
}
