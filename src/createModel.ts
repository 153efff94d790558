/** `createModel`: one entry for both model kinds, so callers compare KAN and MLP on the same footing. */
import { KanpinnInputError } from './errors.js';
import { createKan, type KanModel, type KanOptions } from './kan/model.js';
import { createMlp, type MlpModel, type MlpOptions } from './mlp/mlp.js';

/** A KAN or an MLP. */
export type Model = KanModel | MlpModel;

/** Options of `createModel`: `kind` and `width` are required; the rest default per kind. */
export type ModelOptions = (Partial<KanOptions> & { kind: 'kan'; width: number[] }) | (Partial<MlpOptions> & { kind: 'mlp'; width: number[] });

/** Creates a KAN (`KAN_DEFAULTS`) or an MLP (`MLP_DEFAULTS`) from options. */
export function createModel(options: ModelOptions): Model {
  const kind = (options as { kind?: unknown }).kind;
  switch (options.kind) {
    case 'kan':
      return createKan(options);
    case 'mlp':
      return createMlp(options);
    default:
      throw new KanpinnInputError(`kind: expected "kan" or "mlp", got ${JSON.stringify(kind)}`);
  }
}
