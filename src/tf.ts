/**
 * kanpinn's tfjs: `@tensorflow/tfjs-core` with its cpu backend, plus the gradient and chained-op
 * registrations that the whole `@tensorflow/tfjs` bundle would add (tfjs-core's Node build leaves
 * them out; `tools/vendor-tfjs.mjs` bundles them into `./vendor/tfjsRegister.js`). Every module
 * imports tfjs from here, never from a tfjs package, so the registrations always run first.
 * Other backends are loaded on demand by `src/backend.ts` (wasm ships with kanpinn; webgl, webgpu
 * and tfjs-node are optional).
 */
import '@tensorflow/tfjs-core';
import './vendor/tfjsRegister.js';
import '@tensorflow/tfjs-backend-cpu';

export * from '@tensorflow/tfjs-core';
