/**
 * Choices the training recipe makes from the problem when the user leaves them open, each with one
 * line of why (shown in the report's settings table). The first of issue 14's automatic recipe.
 */
import type { Problem } from '../problem/types.js';
import { derivativeOrder } from '../problem/warnings.js';

/** The spline degree a KAN gets when none is chosen: at least cubic (pykan's k = 3). */
export const MIN_AUTO_SPLINE_DEGREE = 3;

/** One choice of the recipe: its value and why it was made. */
export interface RecipeChoice {
  value: number;
  why: string;
}

/**
 * A KAN's spline degree: `given` when the user chose one, else max(3, the highest derivative order
 * the problem reads). A degree-k spline is a polynomial of degree k between knots, so derivatives of
 * order above k vanish there and jump at the knots, invisible to a pointwise residual (the failure
 * of cubic KANs on a 4th-order beam, issue 14); k ≥ the order keeps every derivative the PDE reads.
 */
export function splineDegreeChoice(problem: Problem, given: number | null | undefined): RecipeChoice {
  if (given !== null && given !== undefined) return { value: given, why: 'chosen (--k)' };
  const order = derivativeOrder(problem);
  const value = Math.max(MIN_AUTO_SPLINE_DEGREE, order);
  return {
    value,
    why: order > MIN_AUTO_SPLINE_DEGREE
      ? `automatic: the problem reads derivatives of order ${order}, and a spline of lower degree has none of that order between knots`
      : `automatic: max(${MIN_AUTO_SPLINE_DEGREE}, derivative order ${order})`,
  };
}
