/**
 * The second entry, for solvers/ (the CLI, the solver, benchmarks and sweeps) only: the public API
 * (./index.ts) plus the pieces the command line is built from but a library user does not compose
 * (flag tables, backend-name parsing, jet plumbing for predictions, atomic file writes, the problem
 * schema). solvers/ reaches src/ through these two modules alone (test/architecture/imports.test.ts).
 */
export * from './index.js';
export { parseBackendName, defaultBackendName } from './backend.js';
export { jetTensors, jetTensorsFromInput, inputJetTensor, planFor } from './model/evaluate.js';
export { termPlan, setJetChoice, jetChoice } from './train/forwardLaplacian.js';
export { createJetPlan } from './jet/plan.js';
export type { JetPlan } from './jet/plan.js';
export { runThreaded, input, output, threadStats } from './engine/pool.js';
export { rmse } from './train/fit.js';
export { buildTermData, disposeTermData, termScope } from './train/termData.js';
export { OPTION_SPECS, checkOptions, parseOptionText, hintOptions } from './options/training.js';
export { writeFileAtomic, writeFileSet, prepareOutputFolder, openAtomicWriter } from './io/files.js';
export type { OutputFile } from './io/files.js';
export { checkpointFiles, readResumeSource, readResumeConfig } from './train/checkpoint.js';
export type { ResumeSource } from './train/checkpoint.js';
export { problemSchema } from './problem/schema.js';
export { splineDegreeChoice, autoRecipe } from './train/recipe.js';
export type { RecipeChoice, RecipeDecision } from './train/recipe.js';
export { architectureFor } from './architecture/choose.js';
export { suggestEmbedding, estimateCycles, periodicVariables } from './architecture/suggestEmbedding.js';
export type { EmbeddingSuggestion } from './architecture/suggestEmbedding.js';
export type { EmbeddingConfig } from './model/embedding.js';
export { hardConstraintsSafe, planHardConstraints } from './architecture/hardPlan.js';
export type { HardPlan } from './architecture/hardPlan.js';
export type { HardConfig } from './model/hardConstraints.js';
