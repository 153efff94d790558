/**
 * The one parser of output and derivative names, shared by the model (`evaluate`, jet plans) and
 * the problem language: an output (`u`) or `u_` followed by variable names (`u_x`, `u_xy`,
 * `u_tt`, `u_xxyy`), variables matched longest first. Any derivative up to total order
 * MAX_DERIVATIVE_ORDER is supported, mixed or not: the jet plan (Faà di Bruno over set
 * partitions) carries any multiset of axes.
 */
import { KanpinnInputError } from '../errors.js';

/** A parsed output name. */
export interface DerivativeName {
  /** The name as written. */
  name: string;
  /** The output (unknown) it differentiates, and its index among the outputs. */
  unknown: string;
  output: number;
  /** Variable indices of the differentiations, sorted (empty for the output itself). */
  axes: number[];
  /** The name with its axes in variable order, e.g. `u_yx` → `u_xy`. */
  canonical: string;
}

/** Highest total derivative order (mixed or along one axis). */
export const MAX_DERIVATIVE_ORDER = 4;

/**
 * Parses `name` against `variables` and `outputs`. Returns undefined when `name` is neither an
 * output nor starts with an output followed by `_`; throws a `KanpinnInputError` (no field prefix:
 * callers add theirs) for a malformed derivative such as `u_q`, or one above MAX_DERIVATIVE_ORDER.
 */
export function parseDerivativeName(name: string, variables: readonly string[], outputs: readonly string[]): DerivativeName | undefined {
  const direct = outputs.indexOf(name);
  if (direct >= 0) return { name, unknown: name, output: direct, axes: [], canonical: name };
  const unknown = [...outputs].sort((a, b) => b.length - a.length).find((u) => name.startsWith(`${u}_`));
  if (unknown === undefined) return undefined;
  const rest = name.slice(unknown.length + 1);
  const byLength = [...variables].map((v, i) => [v, i] as const).sort((a, b) => b[0].length - a[0].length);
  const axes: number[] = [];
  let position = 0;
  while (position < rest.length) {
    const match = byLength.find(([v]) => rest.startsWith(v, position));
    if (!match) throw new KanpinnInputError(`unknown derivative '${name}': '${rest.slice(position)}' is not a variable (variables are ${variables.join(', ')})`);
    axes.push(match[1]);
    position += match[0].length;
  }
  if (axes.length === 0) throw new KanpinnInputError(`unknown derivative '${name}': expected variable names after '_' (variables are ${variables.join(', ')})`);
  if (axes.length > MAX_DERIVATIVE_ORDER) {
    throw new KanpinnInputError(`unsupported derivative '${name}': order ${axes.length}, at most ${MAX_DERIVATIVE_ORDER} is supported`);
  }
  axes.sort((a, b) => a - b);
  return { name, unknown, output: outputs.indexOf(unknown), axes, canonical: `${unknown}_${axes.map((a) => variables[a]).join('')}` };
}
