/**
 * Accuracy against a test set: rel. L2 = ‖u − u*‖₂ / ‖u*‖₂, max |u − u*| and the mean squared
 * error, pooled over all unknowns and for each unknown alone (a pooled rel. L2 is dominated by
 * the largest unknown, so a poor small one hides behind it).
 */
import type { ModelBase } from '../model/types.js';
import type { TestSet } from '../problem/types.js';

/** Errors of one unknown (or of all pooled). */
export interface UnknownAccuracy {
  /** ‖u − u*‖₂ / ‖u*‖₂; the root mean square error where u* is zero everywhere. */
  relL2: number;
  maxAbsErr: number;
  /** Mean squared error. */
  mse: number;
}

/** Pooled errors over every unknown, and the same per unknown. */
export interface Accuracy extends UnknownAccuracy {
  /** One entry per unknown, keyed by name, in the model's output order. */
  unknowns: Record<string, UnknownAccuracy>;
}

/** Sums of one unknown (or pooled) turned into errors; `count` values were compared. */
function finish(diff2: number, ref2: number, maxAbs: number, count: number): UnknownAccuracy {
  const n = Math.max(1, count);
  return { relL2: ref2 > 0 ? Math.sqrt(diff2 / ref2) : Math.sqrt(diff2 / n), maxAbsErr: maxAbs, mse: diff2 / n };
}

/** Evaluates the model on the test set (outputs only, no derivatives) and compares, pooled and per unknown. */
export function accuracy(model: ModelBase, test: TestSet): Accuracy {
  const out = model.evaluate(test.coords, { derivatives: model.outputs });
  const nOut = model.outputs.length;
  let diff2 = 0;
  let ref2 = 0;
  let maxAbs = 0;
  const unknowns: Record<string, UnknownAccuracy> = {};
  for (let j = 0; j < nOut; j++) {
    const name = model.outputs[j]!;
    const predicted = out[name]!;
    let d2 = 0;
    let r2 = 0;
    let m = 0;
    for (let n = 0; n < test.count; n++) {
      const truth = test.values[n * nOut + j]!;
      const d = predicted[n]! - truth;
      d2 += d * d;
      r2 += truth * truth;
      m = Math.max(m, Math.abs(d));
    }
    unknowns[name] = finish(d2, r2, m, test.count);
    diff2 += d2;
    ref2 += r2;
    maxAbs = Math.max(maxAbs, m);
  }
  return { ...finish(diff2, ref2, maxAbs, test.count * nOut), unknowns };
}
