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
export { Lbfgs, LBFGS_DEFAULTS, TORCH_LBFGS_DEFAULTS, strongWolfe, cubicInterpolate, lbfgsDirection, isConvergedReason, validateLbfgsOptions } from './train/lbfgs.js';
export type { Objective, LbfgsOptions, LbfgsStepInfo, LbfgsStopReason, LineSearchKind, LineSearchResult, StrongWolfeOptions } from './train/lbfgs.js';
export { Adam, ADAM_DEFAULTS, validateAdamOptions } from './train/adam.js';
export type { AdamOptions, WeightDecayMode } from './train/adam.js';
export { learningRateAt, parseSchedule, formatSchedule, SCHEDULE_FORMS } from './train/schedule.js';
export type { Schedule } from './train/schedule.js';
