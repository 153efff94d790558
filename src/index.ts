/**
 * kanpinn's library API: a flat, explicit list of what a user composes (problems, models,
 * training, interpretability, files, report data). `import … from 'kanpinn'` gives these with the
 * built-in problems registered (../index.ts). Internals (optimizer pieces, kernels, jet plumbing,
 * the CLI's option tables) are not here: solvers/ reaches them through ./internal.ts, tests import
 * them from their modules.
 */
// errors and backends
export { KanpinnInputError, BackendError, TrainingError } from './errors.js';
export { BACKEND_NAMES, setBackend, backendName } from './backend.js';
export { KAN_KERNELS, setKanKernel, kanKernel, type KanKernel } from './computePath.js';
export type { BackendName } from './backend.js';
export { createRng } from './random.js';
export type { Rng } from './random.js';
// models
export { createModel } from './createModel.js';
export { setThreads, getThreads, machineThreads, THREAD_MIN_WORK } from './engine/pool.js';
export { wasmThreadsReady, wasmThreadsState } from './engine/wasmThreads.js';
export type { WasmThreadsState } from './engine/wasmThreads.js';
export type { Model, ModelOptions } from './createModel.js';
export type { ModelBase, PointsInput, EvaluateOptions, InferredParameters, ParameterDeclaration } from './model/types.js';
export { createKan, KAN_DEFAULTS } from './kan/model.js';
export type { KanModel, KanOptions } from './kan/model.js';
export { createMlp, MLP_DEFAULTS, MLP_ACTIVATIONS } from './mlp/mlp.js';
export type { MlpModel, MlpOptions, MlpActivation } from './mlp/mlp.js';
export { BASE_FUNCTIONS } from './jet/baseFunctions.js';
export type { BaseFunction } from './jet/baseFunctions.js';
export { updateGrid, GRID_UPDATE_DEFAULTS } from './kan/gridUpdate.js';
export type { GridFitReport, GridUpdateOptions } from './kan/gridUpdate.js';
// problems
export { defineProblem } from './problem/define.js';
export type { DefineOptions } from './problem/define.js';
export { loadProblem, resolveProblem, listProblems, registerProblem, builtinNames } from './problem/registry.js';
export type { BuiltinProblem, ProblemInfo } from './problem/registry.js';
export { checkProblem, CHECK_DEFAULTS } from './problem/check.js';
export type { CheckOptions, CheckReport, TermCheck } from './problem/check.js';
export type { Problem, LossTerm, TermPoints, Scope, SolverHint, SamplingMethod, TestSet } from './problem/types.js';
export type { ProblemSpec, ConditionSpec, Expression, TensorFunction, ExactFunction, ReferenceData } from './problem/spec.js';
export type { DomainSpec } from './problem/geometry/build.js';
export type { FieldSpec } from './problem/fields.js';
export type { FieldInterpolation } from './problem/expr/fieldNode.js';
// training
export { train, TRAIN_DEFAULTS } from './train/trainer.js';
export type { TrainOptions, TrainResult, TrainStatus, ProgressEvent, OptimizerName } from './train/trainer.js';
export type { TrainCheckpoint } from './train/checkpoint.js';
export { attachInferred, parameterResults } from './train/inferParams.js';
export type { ParameterResult } from './train/inferParams.js';
export type { InferredParameter, InferSpec } from './problem/infer.js';
export { SOLVE_DEFAULTS, OPTIMIZERS } from './options/training.js';
export type { TrainingOptions, SolveOptions } from './options/training.js';
export { fit, FIT_DEFAULTS } from './train/fit.js';
export type { FitData, FitOptions, FitProgress, FitResult } from './train/fit.js';
export { accuracy } from './train/metrics.js';
export type { Accuracy } from './train/metrics.js';
export { sparsityRegularizer, REGULARIZATION_DEFAULTS } from './train/regularization.js';
export type { RegularizationOptions } from './train/regularization.js';
// interpretability
export { collectActivations } from './interpret/activations.js';
export type { Activations } from './interpret/activations.js';
export { attribute } from './interpret/attribution.js';
export type { Attribution } from './interpret/attribution.js';
export { prune, PRUNE_DEFAULTS } from './interpret/prune.js';
export type { PruneOptions } from './interpret/prune.js';
export { refine } from './interpret/refine.js';
export { pruneOnProblem, autoSymbolicOnProblem, zeroModelLoss, PRUNE_ON_PROBLEM_DEFAULTS, AUTO_SYMBOLIC_ON_PROBLEM_DEFAULTS } from './interpret/onProblem.js';
export type { PruneOnProblemOptions, PruneOnProblemResult, PruneStep, AutoSymbolicOnProblemOptions, AutoSymbolicOnProblemResult, SymbolicTrial } from './interpret/onProblem.js';
export { suggestSymbolic, fixSymbolic, unfixSymbolic, autoSymbolic, symbolicFormula, FIX_SYMBOLIC_DEFAULTS, AUTO_SYMBOLIC_DEFAULTS } from './interpret/symbolic.js';
export type { FixSymbolicOptions, FixedEdge, AutoSymbolicOptions, AutoSymbolicReport, ModelFormulaOptions } from './interpret/symbolic.js';
export { rankSymbolicCandidates, SUGGEST_SYMBOLIC_DEFAULTS } from './symbolic/suggest.js';
export type { SuggestSymbolicOptions, SymbolicCandidate } from './symbolic/suggest.js';
export type { SymbolicFormula } from './symbolic/formula.js';
export { createSymbolicLibrary, defaultSymbolicLibrary, addSymbolicFunction } from './symbolic/library.js';
export type { SymbolicFunction, SymbolicFunctionSpec, SymbolicLibrary } from './symbolic/library.js';
// data for plots and reports (plain arrays; kanpinn/viz renders them)
export { edgeFunctions, edgeValues } from './interpret/edges.js';
export type { EdgeFunction } from './interpret/edges.js';
export { modelView, MODEL_VIEW_DEFAULTS } from './interpret/view.js';
export type { ModelView, ModelEdgeView, ModelViewOptions } from './interpret/view.js';
// files
export { saveModel, loadModel, modelToJson, modelFromJson } from './io/modelFile.js';
export type { ModelJson } from './io/modelFile.js';
export { parseCsv, splitTrainTest } from './io/csv.js';
export type { CsvData, ParseCsvOptions } from './io/csv.js';
