/**
 * The contract between a problem definition and the trainer. A problem is plain data plus pure
 * functions: it samples its own points and turns model outputs into pointwise errors. It never
 * sees a model; the trainer never parses an expression.
 */
import type * as tf from '../tf.js';
import type { Rng } from '../random.js';
import type { ExprContext } from './expr/parse.js';
import type { Domain } from './domain.js';
import type { InferSpec } from './infer.js';

/**
 * Named 1-D tensors of one length n: coordinates (`x`, `y`, `t`), per-point extras such as
 * outward normals (`n_x`, `n_y`), and model outputs with their derivatives (`u`, `u_x`, `u_xx`,
 * `v_t`). Built by the trainer (or by `check` from an exact solution) for one term's points.
 */
export type Scope = Record<string, tf.Tensor1D>;

/** How points are drawn: uniform random, quasi-random (Sobol or Halton) or a regular mesh. */
export type { SamplingMethod } from '../options/training.js';
import type { SamplingMethod } from '../options/training.js';

/** Points at which one loss term is evaluated. */
export interface TermPoints {
  /** Row-major [count, dim] coordinates, columns in the order of `Problem.variables`. */
  coords: Float32Array;
  count: number;
  /** Extra per-point columns put into the scope by name (length `count` each), e.g. `n_x`, `n_y`. */
  extra?: Record<string, Float32Array>;
}

/** What a loss term enforces. */
export type TermKind = 'pde' | 'dirichlet' | 'neumann' | 'robin' | 'periodic' | 'initial' | 'data';

/** One mean-squared term of the loss: weight · mean(residual²) over its points. */
export interface LossTerm {
  /** Stable, readable name used in histories and errors: `pde`, `pde[1]`, `conditions[0].dirichlet`. */
  name: string;
  kind: TermKind;
  /** Default weight of the term in the loss (the problem's choice; the trainer may override). */
  weight: number;
  /** Whether the term's points come from the boundary/initial slice (sized by `--boundary-points`) or the interior. */
  region: 'interior' | 'boundary' | 'initial' | 'data';
  /** Model outputs and derivatives the residual reads, e.g. `['u', 'u_xx', 'u_yy']`. */
  derivatives: string[];
  /** Draws `count` points (a data term returns its fixed points whatever `count` is). */
  sample(count: number, rng: Rng, method: SamplingMethod): TermPoints;
  /**
   * Pointwise error, zero where the term holds. Reads the scope built for this term's points;
   * returns a 1-D tensor (any length: a periodic term may pair its points). Called inside `tf.tidy`.
   */
  residual(scope: Scope): tf.Tensor1D;
  /**
   * Optional addition: the pointwise size of the residual's own terms, Σ |addend| (for
   * `u_tt - c^2*u_xx`: |u_tt| + |c² u_xx|), so that `check` can judge float32 rounding of large
   * terms relative to the equation's scale. Called inside `tf.tidy`.
   */
  scale?(scope: Scope): tf.Tensor1D;
}

/** A test set: points with the exact or reference values of every unknown. */
export interface TestSet {
  coords: Float32Array;
  count: number;
  /** Row-major [count, unknowns.length]. */
  values: Float32Array;
  /** Where the values came from: `exact` or a reference file name. */
  source: string;
}

/** A validated PDE problem, ready for training. */
/** A problem's suggested training recipe: the training options' schema owns its fields and rules. */
export type { SolverHint } from '../options/training.js';
import type { SolverHint } from '../options/training.js';

/** A resolved problem: variables, unknowns, domain, loss terms, test set and optional exact solution. */
export interface Problem {
  name: string;
  description: string;
  /** Input variables in model order: the spatial ones, then `t` for time-dependent problems. */
  variables: string[];
  spatial: string[];
  time?: [number, number];
  /** Output names, `['u']` unless a system. */
  unknowns: string[];
  /** Bounding box of the space-time domain, per variable (used for grid ranges and plots). */
  bounds: { min: number[]; max: number[] };
  /** PDE residual terms first, then one term per condition, in the order of the definition. */
  terms: LossTerm[];
  /** Default point counts (the CLI's `--points` / `--boundary-points` override them). */
  defaults: {
    interiorPoints: number;
    boundaryPoints: number;
    /** Sampling method the problem suggests (optional addition). */
    method?: SamplingMethod;
    /** Training schedule the problem suggests (`"solver"` in a JSON file); the user's flags win. */
    solver?: SolverHint;
  };
  /** Exact solution: row-major coords [count, dim] → values [count, unknowns]. Absent without one. */
  exact?: (coords: Float32Array, count: number) => Float32Array;
  /** Points and true values for rel. L2 and max error; absent when neither exact nor reference is known. */
  testSet?: () => TestSet;
  /**
   * Optional addition: values of an unknown or a derivative of the exact solution (`u`, `u_x`, `u_xx`)
   * at row-major float64 coords [count, dim]; used by `checkProblem`. Absent without an exact solution.
   */
  exactDerivative?: (name: string, coords: Float64Array, count: number) => Float64Array;
  /** Optional addition: how `exactDerivative` differentiates (mathjs symbolic, or float64 central differences). */
  exactMethod?: 'symbolic' | 'finite-difference';
  /** Optional addition: the reference data's file name when the problem has reference data. */
  referenceSource?: string;
  /**
   * Optional addition: what the problem was defined from (the spec, its expression context and the
   * domain), for model transforms built from the conditions' expressions (hard constraints).
   */
  source?: { spec: Readonly<Record<string, unknown>>; ctx: ExprContext; domain: Domain };
  /** Optional addition: the unknown scalar parameters to learn with the network (`infer`), and warnings about them. */
  inferred?: InferSpec;
  /** Tests whether points are inside the closed domain (for plots that mask holes). Row-major in, 0/1 out. */
  contains?: (coords: Float32Array, count: number) => Uint8Array;
}
