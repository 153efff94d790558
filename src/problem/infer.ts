/**
 * Inverse problems: unknown scalar parameters of the PDE (DeepXDE's `dde.Variable`), declared as
 * `"infer": { "k": { "initial": 1, "min": 0, "max": 10, "truth": 0.5 } }`. Their names may appear in
 * the PDE, condition values and defines like constants; the trainer learns them jointly with the
 * network (usually from `data` conditions). This module validates the declaration; the trainable
 * values live with the model (`src/train/inferParams.ts`).
 */
import { KanpinnInputError, describe } from '../errors.js';
import { CONSTANTS, FUNCTION_NAMES } from './expr/functions.js';
import { isRecord, checkFields } from './validate.js';

/** One unknown scalar parameter as declared: start value, optional bounds and optional true value. */
export interface InferredParameter {
  name: string;
  initial: number;
  /** Lower bound (exclusive: the value approaches it but never reaches it); absent: none. */
  min?: number;
  /** Upper bound (exclusive); absent: none. */
  max?: number;
  /** The true value, when known: the result reports the relative error against it. */
  truth?: number;
}

/** A problem's parameters to infer, and what was noticed about them (unused, no data to learn from). */
export interface InferSpec {
  parameters: InferredParameter[];
  warnings: string[];
}

/** Fields of one parameter declaration. */
export const INFER_FIELDS = ['initial', 'min', 'max', 'truth'] as const;

const IDENTIFIER = /^[A-Za-z][A-Za-z0-9]*$/;

/** Names already taken by the problem, by what they are (for the clash message). */
export interface TakenNames {
  variables: readonly string[];
  unknowns: readonly string[];
  params: readonly string[];
  defines: readonly string[];
  /** Tabulated coefficient fields (`fields`). */
  fields: readonly string[];
}

function finite(value: unknown, field: string): number {
  if (typeof value !== 'number' || !Number.isFinite(value)) throw new KanpinnInputError(`${field}: expected a finite number, got ${describe(value)}`);
  return value;
}

/** Validates the `infer` field: each entry's name, initial value and bounds; one-line errors naming the field. */
export function parseInfer(value: unknown, taken: TakenNames): InferredParameter[] {
  if (value === undefined) return [];
  if (!isRecord(value)) throw new KanpinnInputError(`infer: expected an object like { "k": { "initial": 1, "min": 0 } }, got ${describe(value)}`);
  return Object.entries(value).map(([name, entry]) => {
    const field = `infer.${name}`;
    if (!IDENTIFIER.test(name)) throw new KanpinnInputError(`${field}: expected a name of letters and digits starting with a letter`);
    if (name in CONSTANTS || FUNCTION_NAMES.includes(name)) throw new KanpinnInputError(`${field}: '${name}' is a built-in constant or function`);
    const clash = taken.variables.includes(name) ? 'a variable' : taken.unknowns.includes(name) ? 'an unknown' : taken.params.includes(name) ? 'a parameter in "params"' : taken.defines.includes(name) ? 'a define' : taken.fields.includes(name) ? 'a field' : '';
    if (clash) throw new KanpinnInputError(`${field}: '${name}' is already ${clash}`);
    if (!isRecord(entry)) throw new KanpinnInputError(`${field}: expected an object like { "initial": 1, "min": 0 }, got ${describe(entry)}`);
    checkFields(entry, INFER_FIELDS, field);
    if (entry.initial === undefined) throw new KanpinnInputError(`${field}.initial: missing (expected the starting value, a finite number)`);
    const initial = finite(entry.initial, `${field}.initial`);
    const min = entry.min === undefined ? undefined : finite(entry.min, `${field}.min`);
    const max = entry.max === undefined ? undefined : finite(entry.max, `${field}.max`);
    if (min !== undefined && max !== undefined && !(min < max)) throw new KanpinnInputError(`${field}.max: expected a number above min ${min}, got ${max}`);
    // The bounds are reached only in the limit of the reparametrization, so the start must lie strictly inside.
    if ((min !== undefined && !(initial > min)) || (max !== undefined && !(initial < max))) {
      throw new KanpinnInputError(`${field}.initial: expected a number strictly inside ${interval(min, max)}, got ${initial}`);
    }
    const parameter: InferredParameter = { name, initial };
    if (min !== undefined) parameter.min = min;
    if (max !== undefined) parameter.max = max;
    if (entry.truth !== undefined) {
      const truth = finite(entry.truth, `${field}.truth`);
      if ((min !== undefined && truth < min) || (max !== undefined && truth > max)) throw new KanpinnInputError(`${field}.truth: ${truth} lies outside the bounds ${interval(min, max)}, which the parameter cannot leave`);
      parameter.truth = truth;
    }
    return parameter;
  });
}

function interval(min: number | undefined, max: number | undefined): string {
  return `(${min ?? '-inf'}, ${max ?? 'inf'})`;
}

/**
 * What a trained problem's declaration may have got wrong without being invalid: a parameter no
 * expression reads (it cannot be learned), and parameters with no `data` condition to learn from
 * (an eigenvalue problem with a normalisation can still identify one; usually observations are needed).
 */
export function inferWarnings(parameters: readonly InferredParameter[], used: ReadonlySet<string>, hasData: boolean): string[] {
  if (parameters.length === 0) return [];
  const warnings = parameters.filter((p) => !used.has(p.name)).map((p) => `infer.${p.name}: no PDE, condition or define that the problem uses reads '${p.name}'; it cannot be learned and stays at its initial value`);
  if (!hasData) warnings.push(`infer: no "data" condition: the parameters (${parameters.map((p) => p.name).join(', ')}) are learned from the PDE and the other conditions alone, which usually cannot determine them`);
  return warnings;
}

/** The relative error |value − truth| / |truth| (the absolute error when truth is 0). */
export function parameterError(value: number, truth: number): number {
  return truth === 0 ? Math.abs(value) : Math.abs(value - truth) / Math.abs(truth);
}
