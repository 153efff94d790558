/**
 * Loss-weight keys a user may write (`--weights pde=0.1,conditions[0].dirichlet=10`): a term's
 * own name, or `pde` for every PDE term of a system (`pde[0]`, `pde[1]`, …). A term's own name
 * wins over the group key.
 */
import { KanpinnInputError } from '../errors.js';
import type { LossTerm } from './types.js';

/** Group keys and the terms each one covers. */
const GROUPS: Readonly<Record<string, (term: LossTerm) => boolean>> = {
  pde: (term) => term.kind === 'pde',
};

/** The weight of each term: its own key, else its group's key, else the problem's default. Throws on an unknown key. */
export function resolveTermWeights(terms: readonly LossTerm[], weights: Readonly<Record<string, number>>): number[] {
  for (const key of Object.keys(weights)) {
    if (!terms.some((t) => t.name === key) && !(key in GROUPS && terms.some(GROUPS[key] as (t: LossTerm) => boolean))) {
      const groupHint = terms.filter((t) => t.kind === 'pde').length > 1 ? '; "pde" sets every PDE term' : '';
      throw new KanpinnInputError(`weights: unknown term "${key}" (terms are ${terms.map((t) => t.name).join(', ')}${groupHint})`);
    }
  }
  return terms.map((term) => {
    const own = weights[term.name];
    if (own !== undefined) return own;
    const group = Object.keys(GROUPS).find((key) => weights[key] !== undefined && (GROUPS[key] as (t: LossTerm) => boolean)(term));
    return group !== undefined ? (weights[group] as number) : term.weight;
  });
}
