/**
 * The ε schedule of causal training (Wang, Sankaran & Perdikaris 2022, "Respecting causality is all
 * you need", Algorithm 1): training starts with a small ε, under which every time bin counts; once
 * the last bin's weight w_last = exp(−ε Σ_{k<last} L_k) exceeds a threshold δ (0.99 in the paper),
 * the earlier times are resolved at this ε and it is raised (tenfold: the paper steps through
 * 1e-2, 1e-1, 1, 10, 100), so that later times wait for a stricter resolution of the earlier ones.
 * The rule reads only the weights, never the problem: it does not depend on the problem's scales
 * beyond what the loss itself says.
 */

/** Factor by which ε is raised at each step of the schedule (the paper's decades). */
export const CAUSAL_GROWTH = 10;

/** The settings of the schedule: the last bin's weight above which ε is raised, and the largest ε. */
export interface CausalScheduleOptions {
  threshold: number;
  max: number;
}

/**
 * The ε for the next step, given the current one and the last time bin's weight at the last
 * evaluation: raised by `CAUSAL_GROWTH` (capped at `max`) when the weight exceeds `threshold`, else
 * unchanged. A non-finite weight (no evaluation yet) keeps ε.
 */
export function nextCausalEpsilon(epsilon: number, lastWeight: number, options: CausalScheduleOptions): number {
  if (!(options.max > epsilon) || !Number.isFinite(lastWeight) || !(lastWeight > options.threshold)) return epsilon;
  return Math.min(options.max, epsilon * CAUSAL_GROWTH);
}
