/** Warnings about a problem/model pairing that still runs but is likely to train badly. */
import { parseDerivativeName } from '../jet/names.js';
import type { Problem } from './types.js';

/** The highest derivative order any term of `problem` reads (`u_xxyy` → 4). */
export function derivativeOrder(problem: Problem): number {
  let order = 0;
  for (const term of problem.terms) {
    for (const name of term.derivatives) order = Math.max(order, parseDerivativeName(name, problem.variables, problem.unknowns)?.axes.length ?? 0);
  }
  return order;
}

/**
 * A spline of degree k is a polynomial of degree k between knots: its k-th derivative is a step
 * function and higher ones vanish there, with jumps at the knots that a pointwise residual cannot
 * see. A PDE of order above k then trains against a derivative the KAN does not have.
 */
export function splineDegreeWarnings(problem: Problem, k: number): string[] {
  const order = derivativeOrder(problem);
  if (order <= k) return [];
  return [
    `the PDE has derivatives of order ${order} but the KAN's splines have degree k = ${k}: derivatives of order above ${k} vanish between knots and jump at them, so the residual cannot see them; use k >= ${order} (e.g. --k ${order + 1})`,
  ];
}
