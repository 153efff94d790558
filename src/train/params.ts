/** A model's trainable variables as one flat float64 vector, in `trainableVariables` order. */
import * as tf from '../tf.js';
import type { ModelBase } from '../model/types.js';

/** The variables the optimizer moves: the model's own, then an inverse problem's parameters (`model.inferred`). */
export function trainableVariables(model: ModelBase): tf.Variable[] {
  return model.inferred ? [...model.variables(), ...model.inferred.variables()] : model.variables();
}

/** Copies all variables into a new flat vector. */
export function readParams(model: ModelBase): Float64Array {
  const vars = trainableVariables(model);
  const out = new Float64Array(vars.reduce((n, v) => n + v.size, 0));
  let offset = 0;
  for (const v of vars) {
    out.set(v.dataSync(), offset);
    offset += v.size;
  }
  return out;
}

/** Assigns the variables from a flat vector (rounded to float32). */
export function writeParams(model: ModelBase, x: Float64Array): void {
  let offset = 0;
  tf.tidy(() => {
    for (const v of trainableVariables(model)) {
      v.assign(tf.tensor(Float32Array.from(x.subarray(offset, offset + v.size)), v.shape));
      offset += v.size;
    }
  });
}

/** Flattens gradients keyed by variable name into one vector in `trainableVariables` order. */
export function flattenGrads(model: ModelBase, grads: Record<string, tf.Tensor>): Float64Array {
  const vars = trainableVariables(model);
  const out = new Float64Array(vars.reduce((n, v) => n + v.size, 0));
  let offset = 0;
  for (const v of vars) {
    const g = grads[v.name];
    if (g) out.set(g.dataSync(), offset);
    offset += v.size;
  }
  return out;
}
