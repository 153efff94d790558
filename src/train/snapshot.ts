/**
 * A model's trained state at the end of a stage, to return to when a later stage does worse: the
 * parameters and, for a KAN, each layer's grid size and knots (a grid extension changes both, and
 * the size of the coefficient variables).
 */
import type { Model } from '../createModel.js';
import type { Knots } from '../kan/spline.js';
import { newVariable } from '../model/variables.js';
import { readParams, writeParams } from './params.js';

/** What `restoreModel` needs to put a model back as it was. */
export interface ModelSnapshot {
  params: Float64Array;
  /** Per KAN layer: grid size and knots per input; null for an MLP. */
  layers: { grid: number; knots: Knots[] }[] | null;
}

/** Copies the model's state (parameters, KAN grids and knots). */
export function snapshotModel(model: Model): ModelSnapshot {
  const layers = model.kind === 'kan' ? model.layers.map((l) => ({ grid: l.grid, knots: l.knots.map((k) => k.slice()) })) : null;
  return { params: readParams(model), layers };
}

/** Puts the model back to `snap` (the same model it was taken from, possibly extended since). */
export function restoreModel(model: Model, snap: ModelSnapshot): void {
  if (model.kind === 'kan' && snap.layers) {
    model.layers.forEach((layer, i) => {
      const saved = snap.layers![i]!;
      layer.knots = saved.knots.map((k) => k.slice());
      layer.grid = saved.grid;
      // A grid extension replaced the coefficient variable by a larger one: make one of the saved size (filled below).
      const size = saved.grid + layer.k;
      if (layer.coef.shape[2] !== size) {
        layer.coef.dispose();
        layer.coef = newVariable(new Float32Array(layer.nIn * layer.nOut * size), [layer.nIn, layer.nOut, size]);
      }
    });
    model.options.grid = model.layers[0]!.grid;
  }
  writeParams(model, snap.params);
}
