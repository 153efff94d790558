/**
 * Grid refinement as a library call (pykan's `refine`): a new model whose every layer has `newGrid`
 * intervals, its knots placed from the distribution of each layer's inputs at the points and its
 * spline coefficients refit so that every edge function is kept (least squares, see gridUpdate.ts).
 * The trainer's grid-extension schedule does the same through `updateGrid`.
 */
import { KanpinnInputError, describe } from '../errors.js';
import type { GridFitReport, GridUpdateOptions } from '../kan/gridUpdate.js';
import { updateGrid } from '../kan/gridUpdate.js';
import type { KanModel } from '../kan/model.js';
import { flattenPoints } from '../model/evaluate.js';
import type { PointsInput } from '../model/types.js';
import { cloneKan } from './prune.js';

/** A refined copy of `model` with G = newGrid on every layer, and the per-input fit reports. */
export function refine(model: KanModel, newGrid: number, points: PointsInput, options: Partial<GridUpdateOptions> = {}): { model: KanModel; reports: GridFitReport[][] } {
  if (!Number.isInteger(newGrid) || newGrid < 1) throw new KanpinnInputError(`refine: newGrid: expected an integer >= 1, found ${describe(newGrid)}`);
  const { data, count } = flattenPoints(points, model.inputs.length, 'refine: points');
  const copy = cloneKan(model);
  try {
    const reports = updateGrid(copy, { points: { coords: data, count }, grid: newGrid, fit: options });
    return { model: copy, reports };
  } catch (error) {
    copy.dispose();
    throw error;
  }
}
