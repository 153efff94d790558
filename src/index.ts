/**
 * kanpinn: physics-informed Kolmogorov–Arnold Networks. The public entry point: a flat, explicit
 * list of exports. `problems/`, `solvers/` and `viz/` import the library from here only.
 */
export { KanpinnInputError, BackendError, TrainingError } from './errors.js';
export { BACKEND_NAMES, setBackend, ensureBackend, backendName, parseBackendName, defaultBackendName } from './backend.js';
export type { BackendName } from './backend.js';
export { createRng } from './random.js';
export type { Rng } from './random.js';
export { Lbfgs, LBFGS_DEFAULTS, TORCH_LBFGS_DEFAULTS, strongWolfe, cubicInterpolate, lbfgsDirection, isConvergedReason, validateLbfgsOptions } from './train/lbfgs.js';
export type { Objective, LbfgsOptions, LbfgsStepInfo, LbfgsStopReason, LineSearchKind, LineSearchResult, StrongWolfeOptions } from './train/lbfgs.js';
export { Adam, ADAM_DEFAULTS, validateAdamOptions } from './train/adam.js';
export type { AdamOptions, WeightDecayMode } from './train/adam.js';
export { learningRateAt, parseSchedule, formatSchedule, SCHEDULE_FORMS } from './train/schedule.js';
export type { Schedule } from './train/schedule.js';
