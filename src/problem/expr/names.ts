/**
 * Model output names: an unknown (`u`) or a derivative `u_` + variable names (`u_x`, `u_xy`,
 * `u_tt`, `u_xxxx`). The engine computes any order-1 and order-2 derivative (mixed included)
 * and orders 3–4 along one axis.
 */
import { KanpinnInputError } from '../../errors.js';

/** A parsed output name: the unknown and the variable index of each differentiation. */
export interface DerivativeName {
  unknown: string;
  /** Variable indices, sorted in variable order (empty for the unknown itself). */
  axes: number[];
  /** The name with axes in variable order, e.g. `u_yx` → `u_xy`. */
  canonical: string;
}

/** Highest derivative order along a single axis. */
export const MAX_SINGLE_AXIS_ORDER = 4;

/**
 * Parses `name` as an output of the model, or returns undefined when it does not start with an
 * unknown followed by `_`. Throws a `KanpinnInputError` for a bad derivative such as `u_q`.
 */
export function parseDerivativeName(name: string, variables: readonly string[], unknowns: readonly string[]): DerivativeName | undefined {
  if (unknowns.includes(name)) return { unknown: name, axes: [], canonical: name };
  const unknown = [...unknowns].sort((a, b) => b.length - a.length).find((u) => name.startsWith(`${u}_`));
  if (unknown === undefined) return undefined;
  const rest = name.slice(unknown.length + 1);
  const names = [...variables].map((v, i) => [v, i] as const).sort((a, b) => b[0].length - a[0].length);
  const axes: number[] = [];
  let position = 0;
  while (position < rest.length) {
    const match = names.find(([v]) => rest.startsWith(v, position));
    if (!match) {
      throw new KanpinnInputError(
        `unknown derivative '${name}': '${rest.slice(position)}' is not a variable (variables are ${variables.join(', ')})`,
      );
    }
    axes.push(match[1]);
    position += match[0].length;
  }
  if (axes.length === 0) throw new KanpinnInputError(`unknown derivative '${name}': expected variable names after '_' (variables are ${variables.join(', ')})`);
  const singleAxis = axes.every((a) => a === axes[0]);
  if (axes.length > 2 && !(singleAxis && axes.length <= MAX_SINGLE_AXIS_ORDER)) {
    throw new KanpinnInputError(
      `unsupported derivative '${name}': orders 3-${MAX_SINGLE_AXIS_ORDER} must be along one axis (mixed derivatives up to order 2)`,
    );
  }
  axes.sort((a, b) => a - b);
  return { unknown, axes, canonical: `${unknown}_${axes.map((a) => variables[a]).join('')}` };
}
