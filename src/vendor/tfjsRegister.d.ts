// Types for the generated src/vendor/tfjsRegister.js (tools/vendor-tfjs.mjs): it registers
// tfjs-core's gradients and chained tensor methods and exports nothing. The import below brings
// the chained methods' type augmentations (`tensor.reshape(…)`, `tensor.square()`, …).
import '@tensorflow/tfjs-core/dist/public/chained_ops/register_all_chained_ops.js';

export {};
