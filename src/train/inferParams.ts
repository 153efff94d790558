/**
 * Inverse problems in training: the problem's parameters to infer are attached to the model (as
 * bounded maps of unconstrained variables, `src/model/inferred.ts`) and reported after training.
 */
import { KanpinnInputError } from '../errors.js';
import type { ModelBase } from '../model/types.js';
import { createInferredParameters } from '../model/inferred.js';
import { parameterError } from '../problem/infer.js';
import type { Problem } from '../problem/types.js';

/** A parameter's final value and, with a truth, its relative error |p − truth| / |truth|. */
export interface ParameterResult {
  value: number;
  truth?: number;
  relError?: number;
}

/**
 * Makes sure `model` carries the problem's parameters: creates them at their initial values when
 * it has none (a fresh model), and checks that a model that has some (loaded, resumed) has the same names.
 */
export function attachInferred(model: ModelBase, problem: Problem): void {
  const declared = problem.inferred?.parameters ?? [];
  const have = model.inferred?.declared.map((p) => p.name) ?? [];
  const want = declared.map((p) => p.name);
  if (have.length === 0 && want.length > 0) {
    model.inferred = createInferredParameters(declared);
    return;
  }
  if (have.join(',') !== want.join(',')) {
    throw new KanpinnInputError(`model: it holds the inferred parameters [${have.join(', ')}] but problem ${problem.name} infers [${want.join(', ')}]`);
  }
}

/** The model's parameters: value, and truth and relative error when the truth is known. Empty without parameters. */
export function parameterResults(model: ModelBase): Record<string, ParameterResult> {
  if (!model.inferred) return {};
  const values = model.inferred.values();
  return Object.fromEntries(
    model.inferred.declared.map((p) => {
      const value = values[p.name]!;
      return [p.name, p.truth === undefined ? { value } : { value, truth: p.truth, relError: parameterError(value, p.truth) }];
    }),
  );
}
