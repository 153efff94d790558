/**
 * JS kernels reading and writing tensors where the backend keeps them, without copies: on `wasm`
 * a tensor is a range of the module's heap (`typedArrayFromHeap`), so a kernel reads its inputs
 * and fills a freshly allocated output in place; `dataSync()` plus `tf.tensor()` would copy each
 * way (two 20 MB copies per MLP layer at 10k points). On `cpu` `dataSync()` returns the backend's
 * own array and `tf.tensor()` keeps the one it is given, so the plain route copies nothing there.
 */
import * as tf from '../tf.js';

/** The part of tfjs-backend-wasm's backend used here (it has no public type for it). */
interface HeapBackend {
  makeOutput(shape: number[], dtype: 'float32'): tf.TensorInfo;
  typedArrayFromHeap(info: tf.TensorInfo): Float32Array;
}

function heapBackend(): HeapBackend | null {
  if (tf.getBackend() !== 'wasm') return null;
  const backend = tf.backend() as unknown as Partial<HeapBackend>;
  return typeof backend.makeOutput === 'function' && typeof backend.typedArrayFromHeap === 'function' ? (backend as HeapBackend) : null;
}

/** Whether the active backend keeps tensors in host memory that JS kernels can use in place (`wasm`, `cpu`). */
export function hostMemoryBackend(): boolean {
  const name = tf.getBackend();
  return name === 'cpu' || (name === 'wasm' && heapBackend() !== null);
}

/**
 * A new float32 tensor of `shape` filled by `fill(inputs, out)`, where `inputs` are the values of
 * `tensors` (float32). `out` is uninitialised on `wasm`: `fill` writes every element or zeroes it
 * first. The arrays are valid only during `fill`, which must not run tfjs ops: a heap growth would
 * detach them.
 */
export function computeTensor(shape: number[], tensors: readonly tf.Tensor[], fill: (inputs: Float32Array[], out: Float32Array) => void): tf.Tensor {
  return computeTensors([shape], tensors, (inputs, [out]) => fill(inputs, out!))[0]!;
}

/** `computeTensor` with several outputs, one per shape. */
export function computeTensors(shapes: readonly number[][], tensors: readonly tf.Tensor[], fill: (inputs: Float32Array[], outs: Float32Array[]) => void): tf.Tensor[] {
  const backend = heapBackend();
  if (backend === null) {
    const outs = shapes.map((shape) => new Float32Array(shape.reduce((a, b) => a * b, 1)));
    fill(
      tensors.map((t) => t.dataSync() as Float32Array),
      outs,
    );
    return outs.map((out, i) => tf.tensor(out, shapes[i]));
  }
  // allocate first: views taken before a heap growth would be detached
  const infos = shapes.map((shape) => backend.makeOutput(shape, 'float32'));
  const inputs = tensors.map((t) => backend.typedArrayFromHeap(t));
  fill(
    inputs,
    infos.map((info) => backend.typedArrayFromHeap(info)),
  );
  return infos.map((info) => tf.engine().makeTensorFromTensorInfo(info));
}
