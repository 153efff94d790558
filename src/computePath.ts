/**
 * Which compute path runs the KAN layers and the MLP activation jets: the fused JS kernels over
 * plain arrays (fast on CPU backends, but every call reads the tensors back with dataSync) or the
 * tfjs-ops formulation (src/kan/kanOps.ts, src/mlp/activationOps.ts), which keeps every tensor on
 * the backend's device. `auto` (the default) takes the ops path on the GPU backends (webgl, webgpu,
 * tensorflow) and the JS kernels elsewhere; `ops` and `js` force one (tests compare them on cpu).
 */
import * as tf from './tf.js';
import { KanpinnInputError } from './errors.js';
import { KAN_KERNEL_CHOICES } from './options/training.js';

/** The compute-path choices, in the order messages list them (the `--kan-kernel` choices). */
export const KAN_KERNELS = KAN_KERNEL_CHOICES;
/** One of `KAN_KERNELS`. */
export type KanKernel = (typeof KAN_KERNELS)[number];

/** Backends on which `auto` takes the ops path (a JS kernel there would copy every activation to the host). */
export const DEVICE_BACKENDS: readonly string[] = ['webgl', 'webgpu', 'tensorflow'];

let choice: KanKernel = 'auto';

/**
 * Sets the compute path of the KAN layers and MLP activation jets (`auto`, `ops` or `js`); returns
 * the previous setting. Throws naming the valid choices on anything else.
 */
export function setKanKernel(kernel: KanKernel): KanKernel {
  if (!(KAN_KERNELS as readonly string[]).includes(kernel)) {
    throw new KanpinnInputError(`kanKernel: expected one of ${KAN_KERNELS.join(', ')}, got ${JSON.stringify(kernel)}`);
  }
  const previous = choice;
  choice = kernel;
  return previous;
}

/** The current setting (`auto` unless changed). */
export function kanKernel(): KanKernel {
  return choice;
}

/** Whether the layers run as tfjs ops now: forced `ops`, or `auto` on a device backend. */
export function usesOpsKernels(): boolean {
  if (choice === 'auto') return DEVICE_BACKENDS.includes(tf.getBackend() ?? '');
  return choice === 'ops';
}
