/**
 * The problem specification accepted by `defineProblem` (TypeScript) and `loadProblem` (JSON):
 * the same shape, except that in TypeScript a residual or a condition value may be a function
 * over tensors and `exact` a float64 function of one point.
 */
import type * as tf from '../tf.js';
import type { DomainSpec } from './geometry/build.js';
import type { SamplingMethod, Scope } from './types.js';
import type { FieldSpec } from './fields.js';

/** A mathjs expression string (or a number). */
export type Expression = string | number;

/** A residual or value written in TypeScript: named 1-D tensors in, one value per point out. */
export type TensorFunction = (scope: Scope) => tf.Tensor;

/** An exact solution in TypeScript: one point by variable name (float64) → the unknowns' values. */
export type ExactFunction = (point: Readonly<Record<string, number>>) => number | number[];

/** Reference values given inline: rows of variables then unknowns. */
export interface ReferenceData {
  /** Row-major [count, variables + unknowns]. */
  rows: number[][];
  /** Where the rows came from (a file name), for reports. */
  source?: string;
}

interface ConditionBase {
  /** Which unknown the condition constrains (default: the first). */
  unknown?: string;
  /** Weight of the term in the loss (default 1). */
  weight?: number;
}

/** Dirichlet u = value on the selected boundary. */
export interface DirichletSpec extends ConditionBase {
  type: 'dirichlet';
  on?: string;
  value: Expression | TensorFunction;
}

/** Neumann ∂u/∂n = value (outward normal). */
export interface NeumannSpec extends ConditionBase {
  type: 'neumann';
  on?: string;
  value: Expression | TensorFunction;
}

/** Robin α·u + β·∂u/∂n = value. */
export interface RobinSpec extends ConditionBase {
  type: 'robin';
  on?: string;
  alpha: Expression;
  beta: Expression;
  value: Expression | TensorFunction;
}

/** Periodic in `axis`: u (and u_axis when `derivative`) equal on the two opposite faces of a box. */
export interface PeriodicSpec extends ConditionBase {
  type: 'periodic';
  axis: string;
  derivative?: boolean;
}

/** Initial condition at t = t0: u = value and/or u_t = rate (second order in time). */
export interface InitialSpec extends ConditionBase {
  type: 'initial';
  value?: Expression | TensorFunction;
  rate?: Expression | TensorFunction;
}

/** Observed values of the unknown at fixed points. */
export interface DataSpec extends ConditionBase {
  type: 'data';
  /** Points [count][variables]; or `file` (rows `x y … u`, JSON only, relative to the problem file). */
  points?: number[][];
  values?: number[];
  file?: string;
}

/** One boundary, initial or data condition. */
export type ConditionSpec = DirichletSpec | NeumannSpec | RobinSpec | PeriodicSpec | InitialSpec | DataSpec;

/** The condition types, in the order of `ConditionSpec`. */
export const CONDITION_TYPES = ['dirichlet', 'neumann', 'robin', 'periodic', 'initial', 'data'] as const;

/** A problem as the user writes it. */
export interface ProblemSpec {
  name: string;
  description?: string;
  /** Spatial variables, e.g. ['x', 'y'] (`t` is added when `time` is given). */
  variables: string[];
  time?: [number, number];
  params?: Record<string, number>;
  /** Unknown scalar parameters learned with the network (inverse problems), by name: start value, optional bounds and truth. */
  infer?: Record<string, { initial: number; min?: number; max?: number; truth?: number }>;
  define?: Record<string, string>;
  /** Coefficients given as data (a file or rows `x y … [t] value`), interpolated; usable in every expression by name. */
  fields?: Record<string, FieldSpec>;
  domain: DomainSpec;
  unknowns?: string[];
  pde: Expression | TensorFunction | (Expression | TensorFunction)[];
  conditions?: ConditionSpec[];
  exact?: string | string[] | ExactFunction;
  /** A data file (rows, or a COMSOL export with one column per time), `{ file, format }`, or inline rows. */
  reference?: string | ReferenceData | { file: string; format?: 'rows' | 'comsol-grid-time' };
  /** Default loss weights: `pde` one number or one per PDE. */
  weights?: { pde?: number | number[] };
  /** Default point counts and sampling method. */
  points?: { interior?: number; boundary?: number; method?: SamplingMethod };
  /** Test set mesh (points per axis) when the exact solution is used. */
  test?: { mesh?: number[] };
}

/** Fields of a problem spec, for the "did you mean" of misspelt names. */
export const SPEC_FIELDS = [
  'name',
  'description',
  'variables',
  'time',
  'params',
  'infer',
  'define',
  'fields',
  'domain',
  'unknowns',
  'pde',
  'conditions',
  'exact',
  'reference',
  'weights',
  'points',
  'solver',
  'test',
  '$schema',
] as const;

/** Fields allowed on each condition type. */
export const CONDITION_FIELDS: Record<(typeof CONDITION_TYPES)[number], readonly string[]> = {
  dirichlet: ['type', 'on', 'value', 'unknown', 'weight'],
  neumann: ['type', 'on', 'value', 'unknown', 'weight'],
  robin: ['type', 'on', 'alpha', 'beta', 'value', 'unknown', 'weight'],
  periodic: ['type', 'axis', 'derivative', 'unknown', 'weight'],
  initial: ['type', 'value', 'rate', 'unknown', 'weight'],
  data: ['type', 'points', 'values', 'file', 'unknown', 'weight'],
};
