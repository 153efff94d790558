/**
 * `checkProblem`: evaluates every term's residual on the exact solution (derivatives taken
 * symbolically, or by float64 central differences for TypeScript exact functions) at sampled
 * points with a fixed seed, and reports max |residual| per term against the acceptance bounds.
 */
import * as tf from '../tf.js';
import { createRng } from '../random.js';
import type { LossTerm, Problem, Scope, TermPoints } from './types.js';

/** Options of `checkProblem`. */
export interface CheckOptions {
  seed: number;
  /** Points per term (default: the problem's defaults by region, at least 64). */
  points?: number;
  /** Bound on max |PDE residual| / max(1, source scale, the equation's own scale). */
  residualBound: number;
  /** Bound on max |condition error| (boundary, periodic, initial). */
  conditionBound: number;
}

/** Defaults of `checkProblem`. */
export const CHECK_DEFAULTS: CheckOptions = { seed: 1234, residualBound: 1e-3, conditionBound: 1e-5 };

/** One term's check. */
export interface TermCheck {
  name: string;
  kind: LossTerm['kind'];
  points: number;
  derivatives: string[];
  /** max |residual| on the exact solution (null without one). */
  maxAbs: number | null;
  /** PDE terms: max |residual with every unknown and derivative set to 0|, the source term's scale. */
  sourceScale?: number;
  /** PDE terms on the exact solution: max Σ |addend| of the residual, the equation's own scale. */
  termScale?: number;
  /** Residual values that are NaN or ±Infinity (with the unknowns set to 0, and on the exact solution when there is one). */
  nonFinite: number;
}

/** What `checkProblem` found. */
export interface CheckReport {
  problem: string;
  ok: boolean;
  hasExact: boolean;
  hasReference: boolean;
  method: 'symbolic' | 'finite-difference' | null;
  /** Max |residual| over the PDE terms (null without an exact solution). */
  maxResidual: number | null;
  /** maxResidual / max(1, sourceScale, the largest PDE term's scale Σ |addend|). */
  relResidual: number | null;
  sourceScale: number | null;
  /** Max |error| over boundary, periodic and initial terms (data terms are reported, not bounded). */
  maxConditionError: number | null;
  bounds: { relResidual: number; conditionError: number };
  terms: TermCheck[];
  /** One line per term whose residual is not finite somewhere (e.g. `"pde": "u_xx + 1/0"`); any line makes `ok` false. */
  nonFinite: string[];
  testSet: { count: number; source: string } | null;
  variables: string[];
  unknowns: string[];
}

/** Residual values: read once so that max |r| and the non-finite count come from the same evaluation. */
function residualValues(term: LossTerm, scope: () => Scope): Float32Array {
  return tf.tidy(() => term.residual(scope()).dataSync() as Float32Array);
}

/** Index of the first non-finite value (−1 when all are finite) and how many there are. */
function nonFiniteOf(values: Float32Array): { count: number; first: number } {
  let count = 0;
  let first = -1;
  values.forEach((v, i) => {
    if (!Number.isFinite(v)) {
      count++;
      if (first < 0) first = i;
    }
  });
  return { count, first };
}

function maxAbsOf(values: Float32Array): number {
  let max = 0;
  for (const v of values) max = Math.max(max, Number.isNaN(v) ? Infinity : Math.abs(v));
  return max;
}

function buildScope(problem: Problem, points: TermPoints, derivatives: string[], values: (name: string) => Float64Array | undefined): Scope {
  const scope: Scope = {};
  const dim = problem.variables.length;
  problem.variables.forEach((v, d) => {
    const column = new Float32Array(points.count);
    for (let i = 0; i < points.count; i++) column[i] = points.coords[i * dim + d] as number;
    scope[v] = tf.tensor1d(column);
  });
  for (const [key, column] of Object.entries(points.extra ?? {})) scope[key] = tf.tensor1d(column);
  // Parameters to infer at their true values (the exact solution's), else their initial ones.
  for (const p of problem.inferred?.parameters ?? []) scope[p.name] = tf.tensor1d([p.truth ?? p.initial]);
  for (const name of derivatives) {
    const v = values(name);
    scope[name] = v ? tf.tensor1d(Float32Array.from(v)) : tf.zeros([points.count]);
  }
  return scope;
}

/** Checks `problem` (see CheckReport); without an exact solution only the structure is reported. */
export function checkProblem(problem: Problem, options: Partial<CheckOptions> = {}): CheckReport {
  const { seed, points, residualBound, conditionBound } = { ...CHECK_DEFAULTS, ...options };
  const exact = problem.exactDerivative;
  const nonFinite: string[] = [];
  const terms: TermCheck[] = problem.terms.map((term, index) => {
    const count = points ?? Math.max(64, term.region === 'interior' ? problem.defaults.interiorPoints : problem.defaults.boundaryPoints);
    const sampled = term.sample(count, createRng(seed + index), 'random');
    const check: TermCheck = { name: term.name, kind: term.kind, points: sampled.count, derivatives: [...term.derivatives], maxAbs: null, nonFinite: 0 };
    const coords64 = Float64Array.from(sampled.coords);
    const note = (values: Float32Array, what: string): void => {
      const { count: bad, first } = nonFiniteOf(values);
      if (bad === 0) return;
      check.nonFinite += bad;
      // A residual may stack several parts (an initial value and rate): map back to the point.
      const row = first % Math.max(1, sampled.count);
      const dim = problem.variables.length;
      const at = problem.variables.map((v, d) => `${v} = ${Number((sampled.coords[row * dim + d] as number).toPrecision(4))}`).join(', ');
      nonFinite.push(`${term.name}: the residual ${what} is ${values[first]} at ${bad} of ${values.length} values (first at ${at})`);
    };
    const zero = residualValues(term, () => buildScope(problem, sampled, term.derivatives, () => undefined));
    note(zero, 'with the unknowns set to 0');
    if (term.kind === 'pde') check.sourceScale = maxAbsOf(zero);
    if (exact) {
      const onExact = residualValues(term, () => buildScope(problem, sampled, term.derivatives, (n) => exact(n, coords64, sampled.count)));
      if (check.nonFinite === 0) note(onExact, 'on the exact solution');
      check.maxAbs = maxAbsOf(onExact);
      const scale = term.scale?.bind(term);
      if (term.kind === 'pde' && scale) {
        check.termScale = tf.tidy(() => maxAbsOf(scale(buildScope(problem, sampled, term.derivatives, (n) => exact(n, coords64, sampled.count))).dataSync() as Float32Array));
      }
    }
    return check;
  });
  const pde = terms.filter((t) => t.kind === 'pde');
  const conditions = terms.filter((t) => t.kind !== 'pde' && t.kind !== 'data');
  const maxOf = (list: TermCheck[]): number | null => (exact ? list.reduce((m, t) => Math.max(m, t.maxAbs ?? 0), 0) : null);
  const maxResidual = maxOf(pde);
  const sourceScale = pde.reduce((m, t) => Math.max(m, t.sourceScale ?? 0), 0);
  // Relative to the equation's own scale too: float32 rounding of large terms is not a failure.
  const termScale = pde.reduce((m, t) => Math.max(m, t.termScale ?? 0), 0);
  const relResidual = maxResidual === null ? null : maxResidual / Math.max(1, sourceScale, termScale);
  const maxConditionError = maxOf(conditions);
  const withinBounds = relResidual === null || (relResidual <= residualBound && (maxConditionError ?? 0) <= conditionBound);
  const ok = withinBounds && nonFinite.length === 0;
  const testSet = problem.testSet ? problem.testSet() : undefined;
  return {
    problem: problem.name,
    ok,
    hasExact: exact !== undefined,
    hasReference: problem.referenceSource !== undefined,
    method: problem.exactMethod ?? null,
    maxResidual,
    relResidual,
    sourceScale: exact ? sourceScale : null,
    maxConditionError,
    bounds: { relResidual: residualBound, conditionError: conditionBound },
    terms,
    nonFinite,
    testSet: testSet ? { count: testSet.count, source: testSet.source } : null,
    variables: [...problem.variables],
    unknowns: [...problem.unknowns],
  };
}
