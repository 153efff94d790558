/**
 * The statistic that judges grid stages on the validation residual set (best-stage return and the
 * rollback of a worsening extension, `loop.ts`).
 *
 * A plain mean of squared residuals lets a single point veto a stage: near a re-entrant corner (NS
 * 2d-CG's back-step) the true solution's gradient is singular, a finer grid follows it further,
 * and the one validation point nearest the corner can outweigh a stage that is better at every
 * other point. Each term's mean therefore drops its largest `VALIDATION_TRIM` share of squared
 * residuals first: an upper-trimmed mean, the loss of least trimmed squares (Rousseeuw, "Least
 * median of squares regression", JASA 79, 1984; trimmed means: Huber & Ronchetti, "Robust
 * Statistics", 2nd ed., 2009, §3.3), which a handful of points cannot move however large they
 * are. The plain mean is measured beside it, and the loop rolls a stage back only when it lowers
 * neither (`loop.ts`): the trimmed mean alone would in turn veto a stage whose gain lies in its
 * worst points (inverse-heat1d's stage 3: rel. L2 8.6e-5 → 6.4e-5, plain mean 8.6e-6 → 7.1e-6,
 * trimmed mean 5.004e-6 → 5.020e-6). So the change only ever keeps a stage the plain mean rolled
 * back, when the trimmed mean says it is better; a stage worse at more than 1 % of the points is
 * still rolled back.
 */
import * as tf from '../tf.js';
import type { ModelBase } from '../model/types.js';
import type { ChunkedTerms } from './chunking.js';
import { termScope, type TermData } from './termData.js';

/** Share of each term's validation points, the largest squared residuals, left out of its mean. */
export const VALIDATION_TRIM = 0.01;

/**
 * The mean of `squares` without its largest ⌊trim·n⌋ values (none left out under 1/trim values),
 * summed in float64. Non-finite when any value is (NaN or ∞: a diverged model must not look good
 * by trimming), 0 for no values.
 */
export function trimmedMean(squares: ArrayLike<number>, trim: number = VALIDATION_TRIM): number {
  const n = squares.length;
  if (n === 0) return 0;
  const sorted = Float64Array.from(squares).sort(); // ascending, NaN last
  if (!Number.isFinite(sorted[n - 1]!)) return sorted[n - 1]!;
  const kept = n - Math.floor(trim * n);
  let sum = 0;
  for (let i = 0; i < kept; i++) sum += sorted[i]!;
  return sum / kept;
}

/** A stage's validation measure: the trimmed statistic that judges it, and the plain weighted mean beside it. */
export interface ValidationMeasure {
  /** Σ_t w_t · trimmed mean of term t's squared residuals. */
  loss: number;
  /** Σ_t w_t · mean of term t's squared residuals (the training loss's form). */
  mean: number;
}

/**
 * The validation measure of `data` (one entry per term) weighted by `weights`: the residuals are
 * evaluated forward only, in the pieces of `chunked` when given (a term's pieces are joined before
 * its points are trimmed). Not inside tf.tidy (it reads values back).
 */
export function validationMeasure(model: ModelBase, data: readonly TermData[], weights: readonly number[], chunked: ChunkedTerms | null, trim: number = VALIDATION_TRIM): ValidationMeasure {
  const pieces = chunked ? chunked.chunks.flat().map((p) => ({ term: p.term, data: p.data })) : data.map((d, term) => ({ term, data: d }));
  const squares: number[][] = data.map(() => []);
  for (const p of pieces) {
    if (p.data.points.count === 0) continue;
    const r = tf.tidy(() => tf.square(p.data.term.residual(termScope(model, p.data))).dataSync() as Float32Array);
    const into = squares[p.term]!;
    for (let i = 0; i < r.length; i++) into.push(r[i]!);
  }
  let loss = 0;
  let mean = 0;
  squares.forEach((s, t) => {
    if (s.length === 0) return;
    loss += weights[t]! * trimmedMean(s, trim);
    mean += weights[t]! * trimmedMean(s, 0);
  });
  return { loss, mean };
}
