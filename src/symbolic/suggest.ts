/**
 * Ranking the library for one edge. Each candidate is fitted (see fit.ts) and scored
 *
 *   score = log2(1 − r² + ε) + w·complexity        (lower is better)
 *
 * i.e. one unit of complexity must buy a 2^w-fold drop in unexplained variance; fits better than ε
 * count as exact. Candidates whose scores lie within `tieTolerance` of the best remaining one are
 * treated as equally good and the simplest (then the earliest in the library) goes first; this is
 * what keeps x^2 ahead of cos(small·x) on a parabola and sin ahead of its twin cos.
 *
 * The zero function ('0') is special: it wins only when the edge is really constant
 * (std(y) ≤ zeroTolerance·scale), where it gets r² = 1. Otherwise its r² is 0 and its score
 * log2(1 + ε) ≈ 0, which a candidate beats as soon as 1 − r² < 2^(−w·complexity) (sin with w = 1:
 * r² > 0.75). pykan instead scores 0.8·complexity + 0.2·log2(1 − r² + 1e−5), which zeroes an edge
 * unless 1 − r² < 2^(−4·complexity), e.g. a sine edge with r² = 0.99.
 */
import { KanpinnInputError, describe } from '../errors.js';
import { SYMBOLIC_FIT_DEFAULTS, fitPrepared, prepareEdgeSamples } from './fit.js';
import type { SymbolicFitOptions, SymbolicFit } from './fit.js';
import { defaultSymbolicLibrary } from './library.js';
import type { ScalarFunction, SymbolicLibrary } from './library.js';

/** Options of `rankSymbolicCandidates` and `suggestSymbolic`. */
export interface SuggestSymbolicOptions {
  /** Candidate names; default every function in `library`. */
  readonly candidates: readonly string[] | undefined;
  /** Where names are looked up; default the process-wide library. */
  readonly library: SymbolicLibrary;
  /** w: bits of unexplained variance one unit of complexity must buy. */
  readonly complexityWeight: number;
  /** ε: fits with 1 − r² below this count as exact. */
  readonly r2Floor: number;
  /** Scores this close (in bits) to the best remaining one are ties, broken by complexity then library order. */
  readonly tieTolerance: number;
  /** The edge counts as constant (so '0' wins) when std(y) ≤ zeroTolerance·scale. */
  readonly zeroTolerance: number;
  /** Typical size of the edge's values, e.g. the std of the node it feeds; default 1. */
  readonly scale: number;
  /** Keep at most this many candidates (Infinity: all). */
  readonly topK: number;
  /** Search settings passed to the fitter. */
  readonly fit: Partial<SymbolicFitOptions>;
}

/** Defaults: w = 1, ε = 1e−12, ties within 0.1 bit, zero below 1e−4 of scale 1, all candidates. */
export const SUGGEST_SYMBOLIC_DEFAULTS: SuggestSymbolicOptions = {
  candidates: undefined,
  library: defaultSymbolicLibrary,
  complexityWeight: 1,
  r2Floor: 1e-12,
  tieTolerance: 0.1,
  zeroTolerance: 1e-4,
  scale: 1,
  topK: Infinity,
  fit: SYMBOLIC_FIT_DEFAULTS,
};

/** A ranked candidate: a fit and its score (lower is better). */
export interface SymbolicCandidate extends SymbolicFit {
  readonly score: number;
}

function checkOptions(o: SuggestSymbolicOptions, where: string): void {
  const positive: Array<keyof SuggestSymbolicOptions> = ['r2Floor', 'scale'];
  const nonNegative: Array<keyof SuggestSymbolicOptions> = ['complexityWeight', 'tieTolerance', 'zeroTolerance'];
  for (const key of [...positive, ...nonNegative]) {
    const value = o[key];
    const ok = typeof value === 'number' && Number.isFinite(value) && (positive.includes(key) ? value > 0 : value >= 0);
    if (!ok) throw new KanpinnInputError(`${where}: options.${key}: expected a finite number ${positive.includes(key) ? '> 0' : '>= 0'}, found ${describe(value)}`);
  }
  if (!(typeof o.topK === 'number' && o.topK >= 1)) throw new KanpinnInputError(`${where}: options.topK: expected a number >= 1, found ${describe(o.topK)}`);
}

/** Orders candidates: repeatedly take, among those within `tolerance` of the best remaining score, the simplest (then earliest). */
function rank(candidates: Array<SymbolicCandidate & { order: number }>, tolerance: number): SymbolicCandidate[] {
  const remaining = [...candidates];
  const ranked: SymbolicCandidate[] = [];
  while (remaining.length > 0) {
    const best = Math.min(...remaining.map((c) => c.score));
    let pick = -1;
    remaining.forEach((c, index) => {
      if (c.score > best + tolerance) return;
      const current = remaining[pick];
      if (current === undefined || c.complexity < current.complexity || (c.complexity === current.complexity && c.order < current.order)) pick = index;
    });
    const [chosen] = remaining.splice(pick, 1);
    if (chosen === undefined) break;
    const { order: _order, ...candidate } = chosen;
    ranked.push(candidate);
  }
  return ranked;
}

/**
 * Fits every candidate to the samples (xs, ys: [n]) of one edge and ranks them, best first.
 * Each result: name, params {a, b, c, d} of y ≈ c·f(a·x + b) + d, r2, complexity, score.
 * (`suggestSymbolic` in interpret/ does this for an edge of a model.) `where` names the caller in
 * error messages.
 */
export function rankSymbolicCandidates(xs: ArrayLike<number>, ys: ArrayLike<number>, options: Partial<SuggestSymbolicOptions> = {}, where = 'rankSymbolicCandidates'): SymbolicCandidate[] {
  const o: SuggestSymbolicOptions = { ...SUGGEST_SYMBOLIC_DEFAULTS, ...options };
  checkOptions(o, where);
  const fitOptions = { ...SYMBOLIC_FIT_DEFAULTS, ...o.fit };
  const names = o.candidates ?? o.library.names();
  if (names.length === 0) throw new KanpinnInputError(`${where}: options.candidates: expected at least one name, found none`);
  const entries = names.map((name, i) => o.library.require(name, `${where}: options.candidates[${i}]`));
  const samples = prepareEdgeSamples(xs, ys, where, fitOptions.gridSamples);
  const constant = Math.sqrt(samples.syy / samples.t.length) <= o.zeroTolerance * o.scale;
  // Aliases (sqrt and x^0.5) share f: fit once.
  const byFunction = new Map<ScalarFunction, SymbolicFit>();
  const libraryOrder = o.library.names();
  const scored = entries.map((entry) => {
    const order = libraryOrder.indexOf(entry.name);
    let fit: SymbolicFit;
    if (entry.name === '0') {
      fit = { name: '0', params: { a: 1, b: 0, c: 0, d: samples.yMean }, r2: constant ? 1 : 0, complexity: entry.complexity };
    } else {
      const shared = byFunction.get(entry.f) ?? fitPrepared(samples, entry, fitOptions);
      byFunction.set(entry.f, shared);
      fit = { ...shared, name: entry.name, complexity: entry.complexity };
    }
    const score = Math.log2(1 - fit.r2 + o.r2Floor) + o.complexityWeight * fit.complexity;
    return { ...fit, score, order };
  });
  return rank(scored, o.tieTolerance).slice(0, o.topK);
}
