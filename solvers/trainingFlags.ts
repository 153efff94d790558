/** The training flags shared by `solve` and `compare`, and their translation into `SolveOptions`. */
import type { Argv } from 'yargs';
import { KanpinnInputError, parseSchedule } from '../src/index.js';
import { parseIntList } from './cliUtil.js';
import { SOLVE_DEFAULTS, type SolveOptions } from './solve.js';

export interface TrainingArgs {
  model?: string;
  width?: string;
  grid?: number;
  k?: number;
  grids?: string;
  activation?: string;
  optimizer?: string;
  steps?: number;
  adamSteps?: number;
  lbfgsHistory?: number;
  gridUpdateEvery?: number;
  gridUpdateUntil?: number;
  lr?: number;
  lrSchedule?: string;
  points?: number;
  boundaryPoints?: number;
  sampling?: string;
  seed?: number;
  resampleEvery?: number;
  refineEvery?: number;
  refineAdd?: number;
  weights?: string;
  annealEvery?: number;
  causal?: number;
  causalBins?: number;
  evalEvery?: number;
}

export function trainingFlags<T>(y: Argv<T>): Argv<T> {
  return y
    .option('model', { type: 'string', describe: 'kan or mlp', default: 'kan' })
    .option('width', { type: 'string', describe: 'layer widths, e.g. 2,10,1 (or hidden widths only, e.g. 10)' })
    .option('grid', { type: 'number', describe: 'KAN grid intervals for a single stage (instead of --grids)' })
    .option('k', { type: 'number', describe: 'KAN spline degree', default: SOLVE_DEFAULTS.k })
    .option('grids', { type: 'string', describe: 'KAN grid-extension schedule, one stage each (default: the problem\'s, else 5,10,20)' })
    .option('activation', { type: 'string', describe: 'MLP activation: tanh, sin, silu', default: 'tanh' })
    .option('optimizer', { type: 'string', describe: "lbfgs, adam or adam+lbfgs (default: the problem's, else lbfgs)" })
    .option('steps', { type: 'number', describe: `optimizer steps per stage; an L-BFGS step is up to 20 iterations (default: the problem's, else ${SOLVE_DEFAULTS.steps})` })
    .option('adam-steps', { type: 'number', describe: `Adam steps per stage before L-BFGS with adam+lbfgs (default: the problem's, else ${SOLVE_DEFAULTS.adamSteps})` })
    .option('lbfgs-history', { type: 'number', describe: `L-BFGS memory: curvature pairs kept (default: the problem's, else ${SOLVE_DEFAULTS.lbfgsHistory}, as pykan)` })
    .option('grid-update-every', { type: 'number', describe: `KAN grid update from the interior points every N steps (0: never; default: the problem's, else ${SOLVE_DEFAULTS.gridUpdateEvery})` })
    .option('grid-update-until', { type: 'number', describe: `... while step < N in each stage (default: the problem's, else ${SOLVE_DEFAULTS.gridUpdateUntil}, as pykan)` })
    .option('lr', { type: 'number', describe: 'learning rate (default 1 for L-BFGS, 1e-3 for Adam)' })
    .option('lr-schedule', { type: 'string', describe: "Adam schedule: constant, exp:GAMMA[:EVERY], cosine[:MIN_FACTOR], step:GAMMA:EVERY (default: the problem's, else constant)" })
    .option('points', { type: 'number', describe: 'interior collocation points (default: the problem\'s)' })
    .option('boundary-points', { type: 'number', describe: 'points per boundary/initial condition (default: the problem\'s)' })
    .option('sampling', { type: 'string', describe: 'random, sobol, halton or mesh (default: the problem\'s, else sobol)' })
    .option('seed', { type: 'number', describe: 'seed for initialisation and sampling', default: 0 })
    .option('resample-every', { type: 'number', describe: "redraw the points every N steps (0: never; default: the problem's, else 0)" })
    .option('refine-every', { type: 'number', describe: 'residual-based refinement every N steps (0: never)', default: 0 })
    .option('refine-add', { type: 'number', describe: 'points of largest residual added per refinement', default: 100 })
    .option('weights', { type: 'string', describe: 'term weights, e.g. pde=0.01,conditions[0].dirichlet=1' })
    .option('anneal-every', { type: 'number', describe: 'rebalance the condition weights by learning-rate annealing every N steps (0: off)', default: 0 })
    .option('causal', { type: 'number', describe: 'time-dependent problems: causal weighting of the PDE residual with tolerance EPS (Wang et al. 2022; 0: off)' })
    .option('causal-bins', { type: 'number', describe: `time bins of the causal weighting (default ${SOLVE_DEFAULTS.causalBins})` })
    .option('eval-every', { type: 'number', describe: 'measure rel. L2 every N steps', default: SOLVE_DEFAULTS.evalEvery });
}

function oneOf<T extends string>(value: string | undefined, flag: string, choices: readonly T[], fallback: T): T {
  if (value === undefined) return fallback;
  if ((choices as readonly string[]).includes(value)) return value as T;
  throw new KanpinnInputError(`--${flag}: expected one of ${choices.join(', ')}, got "${value}"`);
}

function integer(value: number | undefined, flag: string, min: number): number | undefined {
  if (value === undefined) return undefined;
  if (!Number.isInteger(value) || value < min) throw new KanpinnInputError(`--${flag}: expected an integer >= ${min}, got ${value}`);
  return value;
}

function parseWeights(text: string | undefined): Record<string, number> {
  if (!text) return {};
  const out: Record<string, number> = {};
  for (const part of text.split(',')) {
    const eq = part.lastIndexOf('=');
    const value = Number(part.slice(eq + 1));
    if (eq <= 0 || !Number.isFinite(value) || value < 0) {
      throw new KanpinnInputError(`--weights: expected NAME=VALUE pairs with VALUE >= 0 such as pde=0.01, got "${part}"`);
    }
    out[part.slice(0, eq).trim()] = value;
  }
  return out;
}

export function solveOptionsFromArgs(args: TrainingArgs): Partial<SolveOptions> {
  const model = oneOf(args.model, 'model', ['kan', 'mlp'] as const, 'kan');
  const options: Partial<SolveOptions> = {
    model,
    k: integer(args.k, 'k', 1) ?? SOLVE_DEFAULTS.k,
    activation: oneOf(args.activation, 'activation', ['tanh', 'sin', 'silu'] as const, 'tanh'),
    seed: integer(args.seed, 'seed', 0) ?? 0,
    refineEvery: integer(args.refineEvery, 'refine-every', 0) ?? 0,
    refineAdd: integer(args.refineAdd, 'refine-add', 1) ?? 100,
    weights: parseWeights(args.weights),
    annealEvery: integer(args.annealEvery, 'anneal-every', 0) ?? 0,
    evalEvery: integer(args.evalEvery, 'eval-every', 0) ?? SOLVE_DEFAULTS.evalEvery,
  };
  if (args.steps !== undefined) options.steps = integer(args.steps, 'steps', 0)!;
  if (args.optimizer !== undefined) options.optimizer = oneOf(args.optimizer, 'optimizer', ['lbfgs', 'adam', 'adam+lbfgs'] as const, 'lbfgs');
  if (args.adamSteps !== undefined) options.adamSteps = integer(args.adamSteps, 'adam-steps', 0)!;
  if (args.lrSchedule !== undefined) options.schedule = parseSchedule(args.lrSchedule, '--lr-schedule');
  if (args.resampleEvery !== undefined) options.resampleEvery = integer(args.resampleEvery, 'resample-every', 0)!;
  if (args.causal !== undefined) {
    if (!(args.causal >= 0 && Number.isFinite(args.causal))) throw new KanpinnInputError(`--causal: expected a number >= 0, got ${args.causal}`);
    options.causal = args.causal;
  }
  if (args.causalBins !== undefined) options.causalBins = integer(args.causalBins, 'causal-bins', 2)!;
  if (args.lbfgsHistory !== undefined) options.lbfgsHistory = integer(args.lbfgsHistory, 'lbfgs-history', 1)!;
  if (args.gridUpdateEvery !== undefined) options.gridUpdateEvery = integer(args.gridUpdateEvery, 'grid-update-every', 0)!;
  if (args.gridUpdateUntil !== undefined) options.gridUpdateUntil = integer(args.gridUpdateUntil, 'grid-update-until', 0)!;
  if (args.lr !== undefined) {
    if (!(args.lr > 0)) throw new KanpinnInputError(`--lr: expected a positive number, got ${args.lr}`);
    options.lr = args.lr;
  }
  if (args.sampling !== undefined) options.sampling = oneOf(args.sampling, 'sampling', ['random', 'sobol', 'halton', 'mesh'] as const, 'sobol');
  if (args.points !== undefined) options.points = integer(args.points, 'points', 1)!;
  if (args.boundaryPoints !== undefined) options.boundaryPoints = integer(args.boundaryPoints, 'boundary-points', 0)!;
  if (args.width !== undefined) options.width = parseIntList(args.width, 'width');
  if (args.grid !== undefined) {
    options.grid = integer(args.grid, 'grid', 1)!;
    options.grids = [options.grid];
  } else if (args.grids !== undefined) options.grids = parseIntList(args.grids, 'grids');
  return options;
}
