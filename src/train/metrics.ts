/** Accuracy against a test set: rel. L2 = ‖u − u*‖₂ / ‖u*‖₂ and max |u − u*| over all unknowns. */
import type { ModelBase } from '../model/types.js';
import type { TestSet } from '../problem/types.js';

export interface Accuracy {
  relL2: number;
  maxAbsErr: number;
  /** Mean squared error. */
  mse: number;
}

/** Evaluates the model on the test set (outputs only, no derivatives) and compares. */
export function accuracy(model: ModelBase, test: TestSet): Accuracy {
  const out = model.evaluate(test.coords, { derivatives: model.outputs });
  const nOut = model.outputs.length;
  let diff2 = 0;
  let ref2 = 0;
  let maxAbs = 0;
  for (let j = 0; j < nOut; j++) {
    const predicted = out[model.outputs[j]!]!;
    for (let n = 0; n < test.count; n++) {
      const truth = test.values[n * nOut + j]!;
      const d = predicted[n]! - truth;
      diff2 += d * d;
      ref2 += truth * truth;
      maxAbs = Math.max(maxAbs, Math.abs(d));
    }
  }
  const count = Math.max(1, test.count * nOut);
  return { relL2: ref2 > 0 ? Math.sqrt(diff2 / ref2) : Math.sqrt(diff2 / count), maxAbsErr: maxAbs, mse: diff2 / count };
}
