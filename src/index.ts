/**
 * kanpinn: physics-informed Kolmogorov–Arnold Networks. The public entry point: a flat, explicit
 * list of exports. `problems/`, `solvers/` and `viz/` import the library from here only.
 */
export { KanpinnInputError, BackendError, TrainingError } from './errors.js';
export { BACKEND_NAMES, setBackend, ensureBackend, backendName, parseBackendName, defaultBackendName } from './backend.js';
export type { BackendName } from './backend.js';
export { createRng } from './random.js';
export type { Rng } from './random.js';
export { createModel } from './model/create.js';
export type { Model, ModelOptions } from './model/create.js';
export type { ModelBase, PointsInput, EvaluateOptions } from './model/types.js';
export { createKan, KAN_DEFAULTS, updateGrid, layerActivations, defaultInputNames, defaultOutputNames } from './kan/model.js';
export type { KanModel, KanOptions } from './kan/model.js';
export type { KanLayer } from './kan/kanLayer.js';
export { BASE_FUNCTIONS } from './kan/baseFunctions.js';
export type { BaseFunction } from './kan/baseFunctions.js';
export type { GridFitReport, GridUpdateOptions } from './kan/gridUpdate.js';
export { GRID_UPDATE_DEFAULTS } from './kan/gridUpdate.js';
export { createMlp, MLP_DEFAULTS, MLP_ACTIVATIONS } from './model/mlp.js';
export type { MlpModel, MlpOptions, MlpActivation } from './model/mlp.js';
export { jetTensors, planFor, flattenPoints, inputJetTensor } from './model/evaluate.js';
export { parseDerivative, createJetPlan } from './jet.js';
export type { JetPlan, DerivativeName } from './jet.js';
export { saveModel, loadModel, modelToJson, modelFromJson, MODEL_FORMAT, MODEL_VERSION } from './io/modelFile.js';
export type { ModelJson } from './io/modelFile.js';
export { Lbfgs, LBFGS_DEFAULTS, TORCH_LBFGS_DEFAULTS, strongWolfe, cubicInterpolate, lbfgsDirection, isConvergedReason, validateLbfgsOptions } from './train/lbfgs.js';
export type { Objective, LbfgsOptions, LbfgsStepInfo, LbfgsStopReason, LineSearchKind, LineSearchResult, StrongWolfeOptions } from './train/lbfgs.js';
export { Adam, ADAM_DEFAULTS, validateAdamOptions } from './train/adam.js';
export type { AdamOptions, WeightDecayMode } from './train/adam.js';
export { learningRateAt, parseSchedule, formatSchedule, SCHEDULE_FORMS } from './train/schedule.js';
export type { Schedule } from './train/schedule.js';
export type { Problem, LossTerm, Scope, TermPoints, TestSet, SamplingMethod, TermKind } from './problem/types.js';
export { defineProblem, DEFAULT_POINTS } from './problem/define.js';
export type { DefineOptions } from './problem/define.js';
export type { ProblemSpec, ConditionSpec, Expression, TensorFunction, ExactFunction, ReferenceData } from './problem/spec.js';
export type { DomainSpec } from './problem/geometry/build.js';
export { loadProblem, resolveProblem, listProblems, registerProblem, builtinNames } from './problem/registry.js';
export type { BuiltinProblem, ProblemInfo } from './problem/registry.js';
export { checkProblem, CHECK_DEFAULTS } from './problem/check.js';
export type { CheckOptions, CheckReport, TermCheck } from './problem/check.js';
export { parseDerivativeName } from './problem/expr/names.js';
export type { DerivativeName as ParsedDerivativeName } from './problem/expr/names.js';
export { buildGeometry } from './problem/geometry/build.js';
export type { Geometry, PointSet } from './problem/geometry/types.js';
export { createDomain } from './problem/domain.js';
export type { Domain } from './problem/domain.js';
export { parseRows as parseReferenceRows } from './problem/reference.js';
