/**
 * kanpinn: physics-informed Kolmogorov–Arnold Networks. The public entry point: a flat, explicit
 * list of exports. `problems/`, `solvers/` and `viz/` import the library from here only.
 */
export { KanpinnInputError, BackendError, TrainingError } from './errors.js';
export { BACKEND_NAMES, setBackend, ensureBackend, backendName, parseBackendName, defaultBackendName } from './backend.js';
export type { BackendName } from './backend.js';
export { createRng } from './random.js';
export type { Rng } from './random.js';
