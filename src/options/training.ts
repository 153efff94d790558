/**
 * The one schema of the training options: their names, allowed values, defaults, flag spelling and
 * help text, and the validation that the CLI flags (`solvers/trainingFlags.ts`), a problem's
 * `"solver"` hint (`src/problem/define.ts`), `train()` and the supervised `fit()` all run.
 *
 * It lives in src/options/, below both the trainer and the problem module, and imports only the
 * error classes and the schedule parser, so the problem module validates its hint without the trainer.
 *
 * Adding an option: add the field to `TrainingOptions` (or `ModelChoice`), its default to
 * `TRAINING_DEFAULTS` (or `MODEL_DEFAULTS`) and its entry (kind, flag, help text) to `OPTION_SPECS`;
 * the compiler refuses a field without both. The flag, its parsing, its `--help` line and, when
 * `hint` is set, the problem-file field follow from the entry.
 */
import { KanpinnInputError, describe } from '../errors.js';
import { parseSchedule, SCHEDULE_FORMS, type Schedule } from './schedule.js';
import { EMBED_FORMS, HARD_FORMS, parseEmbedText, parseHardText } from './architecture.js';

/** The optimizers, in the order messages list them. */
export const OPTIMIZERS = ['lbfgs', 'adam', 'adam+lbfgs'] as const;
/** One of `OPTIMIZERS`. */
export type OptimizerName = (typeof OPTIMIZERS)[number];

/** Point sampling methods (see `sample` in `src/problem/sampling.ts`). */
export const SAMPLING_METHODS = ['random', 'sobol', 'halton', 'mesh'] as const;
/** One of `SAMPLING_METHODS`. */
export type SamplingMethod = (typeof SAMPLING_METHODS)[number];

export const MODEL_KINDS = ['kan', 'mlp'] as const;
/** The compute paths of `--kan-kernel` (src/computePath.ts's KAN_KERNELS; spelled here so the schema loads without tfjs). */
export const KAN_KERNEL_CHOICES = ['auto', 'ops', 'js'] as const;
/** One of `KAN_KERNEL_CHOICES`. */
export type KanKernelChoice = (typeof KAN_KERNEL_CHOICES)[number];
/** Jet plans of the loss terms (`--jet`, src/train/forwardLaplacian.ts): `auto` uses the forward Laplacian where a residual allows it, `plain` never. */
export const JET_CHOICES = ['auto', 'plain'] as const;
/** One of `JET_CHOICES`. */
export type JetChoice = (typeof JET_CHOICES)[number];
/** Training recipes of a solve: `auto` decides from the problem (`src/train/recipe.ts`), `tuned` applies the problem's `"solver"` hint. */
export const RECIPES = ['auto', 'tuned'] as const;
/** One of `RECIPES`. */
export type RecipeName = (typeof RECIPES)[number];
/** What L-BFGS does with its memory at a grid update (`TrainingOptions.gridUpdateLbfgs`). */
export const GRID_UPDATE_LBFGS = ['reset', 'keep'] as const;
/** One of `GRID_UPDATE_LBFGS`. */
export type GridUpdateLbfgs = (typeof GRID_UPDATE_LBFGS)[number];
/** Whether a stage's grid updates include its step 0 (`TrainingOptions.gridUpdateStart`). */
export const GRID_UPDATE_START = ['skip', 'update'] as const;
/** One of `GRID_UPDATE_START`. */
export type GridUpdateStart = (typeof GRID_UPDATE_START)[number];
/** Which stage's model a KAN run of several stages returns (`--stage-select`). */
export const STAGE_SELECT = ['validation', 'last'] as const;
/** One of `STAGE_SELECT`. */
export type StageSelect = (typeof STAGE_SELECT)[number];
/** How `resampleEvery` redraws the points: `uniform` with the sampling method, `rad` by residual density (src/train/rad.ts). */
export const RESAMPLE_METHODS = ['uniform', 'rad'] as const;
/** How loss balancing measures each term (`--balance-rule`, src/train/balancing.ts): its gradient norm ‖∇L_i‖ (Wang et al. 2023), its NTK trace per point (Wang, Yu & Perdikaris 2022), or the geometric mean of the two rules' weights. */
export const BALANCE_RULES = ['geomean', 'gradnorm', 'trace'] as const;
/** One of `BALANCE_RULES`. */
export type BalanceRule = (typeof BALANCE_RULES)[number];
/** One of `RESAMPLE_METHODS`. */
export type ResampleMethod = (typeof RESAMPLE_METHODS)[number];
export const ACTIVATIONS = ['tanh', 'sin', 'silu'] as const;
/** Input/output scaling of a solve (`--scale`, src/architecture/scalingPlan.ts): `auto` applies the rule, `on` always, `off` never. */
export const SCALE_CHOICES = ['auto', 'on', 'off'] as const;
/** One of `SCALE_CHOICES`. */
export type ScaleChoice = (typeof SCALE_CHOICES)[number];

/** The largest seed: the generator uses the seed's low 32 bits, so larger ones would repeat smaller ones. */
export const MAX_SEED = 2 ** 32 - 1;

/** What a user chooses for one training run (plain data: it is saved with the run and read from problem files). */
export interface TrainingOptions {
  /**
   * How a solve fills the options the user left open (read by the solver's `resolveSolveOptions`;
   * `train()` takes concrete options and ignores it): `auto` decides from the problem
   * (`autoRecipe`), `tuned` applies the problem's `"solver"` hint. Explicit choices always win.
   */
  recipe: RecipeName;
  optimizer: OptimizerName;
  /** Optimizer steps per stage (L-BFGS steps of up to 20 iterations, or Adam steps). */
  steps: number;
  /** Adam steps per stage before L-BFGS when `optimizer` is `adam+lbfgs`. */
  adamSteps: number;
  /** Learning rate; null: `defaultLearningRate(optimizer)`. With adam+lbfgs it is Adam's, and L-BFGS keeps 1. */
  lr: number | null;
  /** Adam's learning-rate schedule. */
  schedule: Schedule;
  /** L-BFGS memory (curvature pairs kept); pykan uses 10. */
  lbfgsHistory: number;
  /** KAN grid-extension schedule, one stage per entry; null: one stage at the model's grid. An MLP trains one stage of the same total budget. */
  grids: number[] | null;
  /** KAN grid update from the interior (training) points every this many steps while step < `gridUpdateUntil` in each stage (0: never). */
  gridUpdateEvery: number;
  gridUpdateUntil: number;
  /**
   * What L-BFGS does with its memory at a grid update: `reset` starts it afresh (a steepest-descent
   * step of length min(1, 1/‖g‖₁), as at a run's start); `keep` carries the curvature pairs on, as
   * pykan does (its optimizer is not told of the update). `keep` measured better on poisson2d-paper
   * at pykan's settings and no worse on poisson2d, heat1d and poisson2d-paper (README, Benchmarks);
   * the pair that spans the update can mislead the line search so that it finds no lower point, and
   * then every later step repeats it, as in pykan (`LbfgsOptions.restartOnFailure` avoids that).
   */
  gridUpdateLbfgs: GridUpdateLbfgs;
  /**
   * Step 0 of a stage: `skip` (the grid was just placed: over the domain when the model was made, on
   * the points by the stage's extension) or `update` from the points as at every `gridUpdateEvery`
   * steps, as pykan does (its hidden layers' grids then follow their inputs from the first step).
   */
  gridUpdateStart: GridUpdateStart;
  /**
   * With several KAN stages, the model returned: `validation` judges each stage's end on a fixed
   * validation residual set, rolls back a stage that raised it and returns the best; `last` returns
   * the last stage's model (where a steep front puts most of the residual into the few validation
   * points inside it, so that the measure prefers a smeared front: `steepFront`).
   */
  stageSelect: StageSelect;
  /** Interior collocation points; null: the problem's. */
  points: number | null;
  /** Points per boundary or initial condition; null: the problem's. */
  boundaryPoints: number | null;
  /** Point sampling; null: the problem's method, else Sobol (better coverage than random at the same count). */
  sampling: SamplingMethod | null;
  /** Seed of the initialisation and the sampling. */
  seed: number;
  /** Redraw all points every N steps (0: never). */
  resampleEvery: number;
  /** How the PDE points are redrawn: `uniform` (the sampling method), or `rad`, with density ∝ |residual|/mean + 1 (Wu et al. 2023). */
  resample: ResampleMethod;
  /** Residual-based refinement: every N steps add the `refineAdd` candidate points of largest PDE residual (0: never). */
  refineEvery: number;
  refineAdd: number;
  /** Weight per term name (overrides the problem's). */
  weights: Record<string, number>;
  /** Learning-rate annealing of the condition weights every N steps (Wang et al. 2021; 0: off). */
  annealEvery: number;
  /** Moving-average factor α of the annealing. */
  annealAlpha: number;
  /** Gradient-norm weighting of all the loss terms every N steps (Wang et al. 2023; 0: off); see `src/train/balancing.ts`. */
  balanceEvery: number;
  /** Moving-average factor α of the loss balancing: λ ← α·λ + (1 − α)·λ̂. */
  balanceAlpha: number;
  /** What the loss balancing measures per term: `gradnorm` (‖∇L_i‖) or `trace` (mean ‖∇r_i(x)‖²). */
  balanceRule: BalanceRule;
  /** Causal weighting of the PDE residual in time with tolerance ε (Wang et al. 2022; 0: off), over `causalBins` bins. */
  causal: number;
  causalBins: number;
  /**
   * ε schedule of the causal weighting (Wang et al. 2022): between steps, once the last time bin's
   * weight exceeds `causalThreshold`, ε is raised tenfold, up to this (0: ε stays `causal`).
   */
  causalMax: number;
  causalThreshold: number;
  /** Metrics on the test set every N steps (0: only at the end). */
  evalEvery: number;
  /** Stop the run once a step's loss is at most this; null: no target. */
  targetLoss: number | null;
  /** Stop the run once a measured rel. L2 (every `evalEvery` steps) is at most this; null: no target. */
  targetRelL2: number | null;
  /** End a stage after this many steps without improvement of the loss (0: never); the run ends with its last stage. */
  patience: number;
  /** An improvement is a loss below (1 − minDelta) × the best loss of the stage so far. */
  minDelta: number;
  /** CPU threads of the KAN layer and MLP activation kernels (`setThreads`); null: leave the setting (default KANPINN_THREADS, else the machine's cores). */
  threads: number | null;
  /** Compute path of the KAN layers and MLP activation jets (`setKanKernel`): auto, ops or js; null: leave the setting (default auto). */
  kanKernel: KanKernelChoice | null;
  /** Jet plans of the loss terms (`setJetChoice`): auto (the forward Laplacian where a residual reads its second derivatives only through one constant-coefficient sum) or plain; null: leave the setting (default auto). */
  jet: JetChoice | null;
  /** Call the trainer's `checkpoint` hook every N steps (0: never); `solve` then writes model.json, best-model.json and checkpoint.json into `--out`. */
  checkpointEvery: number;
  /**
   * Points of each term per chunk of a loss+gradient evaluation (src/train/chunking.ts): the chunks'
   * losses and gradients are summed, so memory stays bounded at large point counts. 0: automatic,
   * chunks only when one evaluation is estimated to need more than `chunkBudget`.
   */
  chunkPoints: number;
  /** With `chunkPoints` 0: the estimated memory (MiB) of one evaluation above which it is chunked. */
  chunkBudget: number;
}

/** The model a solve builds (the CLI's model flags). */
export interface ModelChoice {
  model: 'kan' | 'mlp';
  /** Hidden widths, or full widths [inputs, …, outputs]; null: [10] for a KAN, [16, 16] for an MLP. */
  width: number[] | null;
  /** A KAN's single grid size (one stage); null: the first of `grids`. */
  grid: number | null;
  /** A KAN's spline degree; null: automatic, max(3, the problem's highest derivative order) (see `splineDegreeChoice`). */
  k: number | null;
  /** An MLP's activation. */
  activation: 'tanh' | 'sin' | 'silu';
  /** Input embedding (`--embed`, see src/options/architecture.ts): `fourier:σ[:M]`, `periodic:x`, `auto`; null: none. */
  embed: string | null;
  /** Hard constraints (`--hard`): `dirichlet`, `initial`, both, or `auto`; null: none. */
  hard: string | null;
  /** Inputs to [−1, 1] and outputs to unit scale inside the model (`--scale`): on, off, or auto (when some range or scale is far from unit). */
  scale: ScaleChoice;
}

/** Everything one solve takes: the model and its training. */
export type SolveOptions = ModelChoice & TrainingOptions;

/** The defaults of the training options, for `train()` and every command. */
export const TRAINING_DEFAULTS: Readonly<TrainingOptions> = Object.freeze({
  recipe: 'auto',
  optimizer: 'lbfgs',
  steps: 50,
  adamSteps: 1000,
  lr: null,
  schedule: { kind: 'constant' },
  lbfgsHistory: 10,
  grids: null,
  gridUpdateEvery: 5,
  gridUpdateUntil: 50,
  gridUpdateLbfgs: 'reset',
  gridUpdateStart: 'skip',
  stageSelect: 'validation',
  points: null,
  boundaryPoints: null,
  sampling: null,
  seed: 0,
  resampleEvery: 0,
  resample: 'uniform',
  refineEvery: 0,
  refineAdd: 100,
  weights: {},
  annealEvery: 0,
  annealAlpha: 0.1,
  balanceEvery: 0,
  balanceAlpha: 0.9,
  balanceRule: 'gradnorm',
  causal: 0,
  causalBins: 32,
  causalMax: 0,
  causalThreshold: 0.99,
  evalEvery: 10,
  targetLoss: null,
  targetRelL2: null,
  patience: 0,
  minDelta: 0,
  threads: null,
  kanKernel: null,
  jet: null,
  checkpointEvery: 0,
  chunkPoints: 0,
  chunkBudget: 1024,
} satisfies TrainingOptions);

/** Model choices of `solve` when no flag sets them (width and grid then follow the problem). */
export const MODEL_DEFAULTS: Readonly<ModelChoice> = Object.freeze({ model: 'kan', width: null, grid: null, k: null, activation: 'tanh', embed: null, hard: null, scale: 'off' } satisfies ModelChoice);

/** The KAN grid schedule a solve uses when neither `grid` nor `grids` is chosen (`train()` keeps the model's grid instead). */
export const SOLVE_GRIDS: readonly number[] = Object.freeze([5, 10, 20]);

/** The defaults of one solve. */
export const SOLVE_DEFAULTS: Readonly<SolveOptions> = Object.freeze({ ...MODEL_DEFAULTS, ...TRAINING_DEFAULTS, grids: [...SOLVE_GRIDS] });

/** The learning rate when none is chosen: 1 for L-BFGS (its step scale, as torch), 1e-3 for Adam (torch's default). */
export function defaultLearningRate(optimizer: OptimizerName): number {
  return optimizer === 'lbfgs' ? 1 : 1e-3;
}

/** The learning rates the optimizers get: Adam takes `lr` (else 1e-3); L-BFGS takes it only when it is the only optimizer. */
export function learningRates(options: Pick<TrainingOptions, 'optimizer' | 'lr'>): { adam: number; lbfgs: number } {
  return { adam: options.lr ?? defaultLearningRate('adam'), lbfgs: options.optimizer === 'lbfgs' ? (options.lr ?? 1) : 1 };
}

/** The allowed values of one option. */
export type OptionKind =
  | { type: 'integer'; min: number; max?: number }
  | { type: 'number'; min: number; exclusiveMin?: boolean; max?: number }
  | { type: 'choice'; choices: readonly string[] }
  | { type: 'intList'; min: number }
  | { type: 'schedule' }
  | { type: 'weights' }
  | { type: 'embed' }
  | { type: 'hard' };

/** One option: its values, whether null is allowed, its flag and help, and its problem-file field when a problem may suggest it. */
export interface OptionSpec {
  kind: OptionKind;
  /** null is a value (meaning "the problem's" or a rule); only defaults and library callers give it. */
  nullable?: boolean;
  /** The flag without dashes. */
  flag: string;
  /** One-letter alias of the flag. */
  alias?: string;
  /** `--help` text; the default is appended. */
  help: string;
  /** How the default reads in `--help` when it is not the plain value. */
  defaultText?: string;
  /** The field name in a problem's `"solver"` hint; absent: a problem cannot suggest it. */
  hint?: string;
}

const int = (min: number, max?: number): OptionKind => (max === undefined ? { type: 'integer', min } : { type: 'integer', min, max });

/** The schema, keyed by option name. */
export const OPTION_SPECS: { readonly [K in keyof SolveOptions]: OptionSpec } = {
  model: { kind: { type: 'choice', choices: MODEL_KINDS }, flag: 'model', help: 'kan or mlp' },
  width: { kind: { type: 'intList', min: 1 }, nullable: true, flag: 'width', help: 'widths, e.g. 2,10,1 (or hidden widths only, e.g. 10)', defaultText: "the problem's KAN width, else [inputs,10,outputs] for a KAN, [inputs,16,16,outputs] for an MLP", hint: 'kanWidth' },
  grid: { kind: int(1), nullable: true, flag: 'grid', help: 'KAN grid size for a single stage (instead of --grids)' },
  k: { kind: int(1, 10), nullable: true, flag: 'k', alias: 'k', help: 'KAN spline degree', defaultText: "max(3, the problem's highest derivative order)" },
  activation: { kind: { type: 'choice', choices: ACTIVATIONS }, flag: 'activation', help: 'MLP activation: tanh, sin or silu' },
  embed: { kind: { type: 'embed' }, nullable: true, flag: 'embed', help: 'input embedding: fourier:SIGMA[:M] (random Fourier features, SIGMA in cycles over the domain), harmonic:x=C (cos and sin of exactly C cycles along x, beside x), periodic:x (exactly periodic in x), auto (from the problem\'s data)', defaultText: 'none' },
  hard: { kind: { type: 'hard' }, nullable: true, flag: 'hard', help: 'impose conditions exactly by an output transform: dirichlet, initial, both (dirichlet,initial) or auto (where safe)', defaultText: 'none' },
  scale: { kind: { type: 'choice', choices: SCALE_CHOICES }, flag: 'scale', help: 'map every input (time included) from the domain\'s box to [-1, 1] and divide the output by the scale of the Dirichlet, initial and data values, inside the model (results and model.json stay in original units): on, off, or auto (on unless every input range is [-1, 1] and every output scale within [1/2, 2])', defaultText: 'off; --recipe auto: auto' },
  grids: { kind: { type: 'intList', min: 1 }, nullable: true, flag: 'grids', help: 'KAN grid-extension schedule, one stage per grid', defaultText: "the problem's, else 5,10,20", hint: 'grids' },
  recipe: { kind: { type: 'choice', choices: RECIPES }, flag: 'recipe', help: "auto: choose points, loss balancing, k and causal weighting from the problem (each choice and why in the report); tuned: the problem's \"solver\" hint. Flags always win" },
  optimizer: { kind: { type: 'choice', choices: OPTIMIZERS }, flag: 'optimizer', help: 'lbfgs, adam or adam+lbfgs', hint: 'optimizer' },
  steps: { kind: int(0), flag: 'steps', help: 'optimizer steps per stage; an L-BFGS step is up to 20 iterations', defaultText: "50; --recipe auto with L-BFGS: 10-50 from the problem's cost per evaluation (about 120 s per model on a quiet 2-core machine)", hint: 'steps' },
  adamSteps: { kind: int(0), flag: 'adam-steps', help: 'Adam steps per stage before L-BFGS with adam+lbfgs', hint: 'adamSteps' },
  lr: { kind: { type: 'number', min: 0, exclusiveMin: true }, nullable: true, flag: 'lr', help: 'learning rate', defaultText: "the problem's, else 1 for L-BFGS, 1e-3 for Adam", hint: 'lr' },
  schedule: { kind: { type: 'schedule' }, flag: 'lr-schedule', help: `Adam schedule: ${SCHEDULE_FORMS}`, hint: 'lrSchedule' },
  lbfgsHistory: { kind: int(1), flag: 'lbfgs-history', help: 'L-BFGS memory: curvature pairs kept (pykan: 10)', hint: 'lbfgsHistory' },
  gridUpdateEvery: { kind: int(0), flag: 'grid-update-every', help: 'KAN grid update from the interior points every N steps (0: never)', hint: 'gridUpdateEvery' },
  gridUpdateUntil: { kind: int(0), flag: 'grid-update-until', help: '... while step < N in each stage (pykan: 50)', hint: 'gridUpdateUntil' },
  gridUpdateLbfgs: { kind: { type: 'choice', choices: GRID_UPDATE_LBFGS }, flag: 'grid-update-lbfgs', help: 'L-BFGS memory at a grid update: reset, or keep (as pykan)' },
  gridUpdateStart: { kind: { type: 'choice', choices: GRID_UPDATE_START }, flag: 'grid-update-start', help: 'grid update at step 0 of each stage: skip, or update (as pykan)' },
  stageSelect: { kind: { type: 'choice', choices: STAGE_SELECT }, flag: 'stage-select', help: 'KAN with several grids: validation (return the stage lowest on a validation residual set; a stage that raised it is rolled back) or last (the last stage\'s model)', defaultText: 'validation; --recipe auto: last where a steep front is expected' },
  points: { kind: int(1), nullable: true, flag: 'points', help: 'interior collocation points', defaultText: "the problem's" },
  boundaryPoints: { kind: int(1), nullable: true, flag: 'boundary-points', help: 'points per boundary or initial condition', defaultText: "the problem's" },
  sampling: { kind: { type: 'choice', choices: SAMPLING_METHODS }, nullable: true, flag: 'sampling', help: 'random, sobol, halton or mesh', defaultText: "the problem's, else sobol" },
  seed: { kind: int(0, MAX_SEED), flag: 'seed', help: 'seed of the initialisation and the sampling' },
  resampleEvery: { kind: int(0), flag: 'resample-every', help: 'redraw the points every N steps (0: never)', hint: 'resampleEvery' },
  resample: { kind: { type: 'choice', choices: RESAMPLE_METHODS }, flag: 'resample', help: 'how --resample-every redraws the PDE points: uniform (the sampling method) or rad (density proportional to |residual|/mean + 1 over 10x candidates, Wu et al. 2023)' },
  refineEvery: { kind: int(0), flag: 'refine-every', help: 'residual-based refinement every N steps (0: never)' },
  refineAdd: { kind: int(1), flag: 'refine-add', help: 'points of largest residual added per refinement' },
  weights: { kind: { type: 'weights' }, flag: 'weights', help: 'term weights, e.g. pde=0.01,conditions[0].dirichlet=1', defaultText: "the problem's" },
  annealEvery: { kind: int(0), flag: 'anneal-every', help: 'rebalance the condition weights by learning-rate annealing every N steps (0: off)' },
  annealAlpha: { kind: { type: 'number', min: 0, exclusiveMin: true, max: 1 }, flag: 'anneal-alpha', help: 'moving-average factor of the annealing, in (0, 1]' },
  balanceEvery: { kind: int(0), flag: 'balance-every', help: "balance every loss term's weight every N steps (Wang et al. 2023; --balance-rule; 0: off)", defaultText: '0; --recipe auto: 10 with several terms and no --weights' },
  balanceAlpha: { kind: { type: 'number', min: 0, max: 1 }, flag: 'balance-alpha', help: 'moving-average factor of the loss balancing, in [0, 1] (weight of the old value)' },
  balanceRule: { kind: { type: 'choice', choices: BALANCE_RULES }, flag: 'balance-rule', help: "what the loss balancing measures per term: gradnorm (its gradient norm, Wang et al. 2023: a condition that already holds is weighed up, one that fails down), trace (its NTK trace per point, Wang et al. 2022: does not read the residual, but starves a PDE term) or geomean (the geometric mean of the two rules' weights)", defaultText: 'gradnorm; --recipe auto: geomean for steady problems, gradnorm for time-dependent ones' },
  causal: { kind: { type: 'number', min: 0 }, flag: 'causal', help: 'time-dependent problems: causal weighting of the PDE residual with tolerance EPS (Wang et al. 2022; 0: off)', defaultText: '0; --recipe auto: 0.01 on time-dependent problems, with --causal-max 100', hint: 'causal' },
  causalBins: { kind: int(2), flag: 'causal-bins', help: 'time bins of the causal weighting', hint: 'causalBins' },
  causalMax: { kind: { type: 'number', min: 0 }, flag: 'causal-max', help: "ε schedule of --causal: raise ε tenfold, up to this, whenever the last time bin's weight exceeds --causal-threshold (Wang et al. 2022; 0: ε fixed)", defaultText: '0; --recipe auto: 100 on time-dependent problems' },
  causalThreshold: { kind: { type: 'number', min: 0, exclusiveMin: true, max: 1 }, flag: 'causal-threshold', help: "with --causal-max: the last time bin's weight above which ε is raised, in (0, 1]" },
  evalEvery: { kind: int(0), flag: 'eval-every', help: 'measure rel. L2 every N steps (0: only at the end)' },
  targetLoss: { kind: { type: 'number', min: 0 }, nullable: true, flag: 'target-loss', help: 'stop once the loss is at most X', defaultText: 'none' },
  targetRelL2: { kind: { type: 'number', min: 0 }, nullable: true, flag: 'target-rel-l2', help: 'stop once a measured rel. L2 (see --eval-every) is at most X', defaultText: 'none' },
  patience: { kind: int(0), flag: 'patience', help: 'end a stage after N steps without improvement of the loss (0: never)' },
  minDelta: { kind: { type: 'number', min: 0, max: 1 }, flag: 'min-delta', help: 'with --patience: an improvement is a loss below (1 - D) x the best so far' },
  kanKernel: { kind: { type: 'choice', choices: KAN_KERNEL_CHOICES }, nullable: true, flag: 'kan-kernel', help: 'compute path of the KAN layers and MLP activations: auto (tfjs ops on webgl, webgpu and tensorflow, JS kernels elsewhere), ops or js', defaultText: 'auto' },
  jet: { kind: { type: 'choice', choices: JET_CHOICES }, nullable: true, flag: 'jet', help: 'jet channels of the loss terms: auto (one forward-Laplacian channel for the pure second derivatives where a residual reads them only as one constant-coefficient sum, e.g. u_xx + u_yy: 5 -> 4 channels in 2-D) or plain (one channel per derivative)', defaultText: 'auto' },
  threads: { kind: int(1), nullable: true, flag: 'threads', help: 'CPU threads of the KAN and MLP kernels (1: the calling thread only)', defaultText: "KANPINN_THREADS, else the machine's cores" },
  checkpointEvery: { kind: int(0), flag: 'checkpoint-every', help: 'every N steps write the current model, the best one and the optimizer state into --out (see --resume; 0: never)' },
  chunkPoints: { kind: int(0), flag: 'chunk-points', help: 'evaluate the loss and gradient in chunks of N points per term, summed (same result, bounded memory; 0: automatic, from --chunk-budget)', defaultText: '0 (automatic)' },
  chunkBudget: { kind: { type: 'number', min: 0, exclusiveMin: true }, flag: 'chunk-budget', help: 'with --chunk-points 0: chunk an evaluation whose estimated memory exceeds MIB (the wasm heap holds at most 4096)' },
};

/** The options a problem's `"solver"` hint may set, in the order messages list its fields. */
export const HINT_OPTIONS = ['grids', 'width', 'steps', 'lbfgsHistory', 'gridUpdateEvery', 'gridUpdateUntil', 'adamSteps', 'resampleEvery', 'causalBins', 'optimizer', 'lr', 'schedule', 'causal'] as const satisfies readonly (keyof SolveOptions)[];

/** The field names of a `"solver"` hint, in the order of `HINT_OPTIONS`. */
export const HINT_FIELDS: readonly string[] = HINT_OPTIONS.map((name) => OPTION_SPECS[name].hint!);

/**
 * A problem's suggested training recipe (`"solver"` in a problem file), validated by `parseSolverHint`:
 * a partial of the options under their hint names. `kanWidth` is the KAN's layer widths (an MLP keeps
 * its own); `lrSchedule` is spelled as `--lr-schedule`. The user's choices win over it.
 */
export interface SolverHint {
  grids?: number[];
  kanWidth?: number[];
  steps?: number;
  lbfgsHistory?: number;
  gridUpdateEvery?: number;
  gridUpdateUntil?: number;
  adamSteps?: number;
  resampleEvery?: number;
  causalBins?: number;
  optimizer?: OptimizerName;
  lr?: number;
  lrSchedule?: string;
  causal?: number;
}

/**
 * What an option's allowed values read as in a message ("an integer >= 0", "one of lbfgs, adam,
 * adam+lbfgs"); a list reads as flag text for a flag (`where` starts with --), else as a JSON array.
 */
export function expectedText(kind: OptionKind, where = '--'): string {
  switch (kind.type) {
    case 'integer':
      return kind.max === undefined ? `an integer >= ${kind.min}` : `an integer from ${kind.min} to ${kind.max}`;
    case 'number':
      if (kind.max !== undefined) return `a number in ${kind.exclusiveMin ? '(' : '['}${kind.min}, ${kind.max}]`;
      return kind.exclusiveMin && kind.min === 0 ? 'a positive number' : `a number ${kind.exclusiveMin ? '>' : '>='} ${kind.min}`;
    case 'choice':
      return `one of ${kind.choices.join(', ')}`;
    case 'intList':
      return where.startsWith('--') ? `a comma-separated list of integers >= ${kind.min}` : `a non-empty array of integers >= ${kind.min}`;
    case 'schedule':
      return SCHEDULE_FORMS;
    case 'weights':
      return 'NAME=VALUE pairs with VALUE >= 0 such as pde=0.01';
    case 'embed':
      return EMBED_FORMS;
    case 'hard':
      return HARD_FORMS;
  }
}

/**
 * Checks one option's value and returns it (a schedule given as text comes back parsed). Throws a
 * one-line `KanpinnInputError` that starts with `where` (`--steps`, `solver.steps`, `steps`) and
 * shows `shown` (the text the user wrote) or the value.
 */
export function checkOption<K extends keyof SolveOptions>(name: K, value: unknown, where: string, shown?: string): SolveOptions[K] {
  const spec = OPTION_SPECS[name];
  const kind = spec.kind;
  const refuse = (): never => {
    throw new KanpinnInputError(`${where}: expected ${expectedText(kind, where)}, got ${shown ?? describe(value)}`);
  };
  if (value === null) return spec.nullable ? (null as SolveOptions[K]) : refuse();
  switch (kind.type) {
    case 'integer':
      if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < kind.min || (kind.max !== undefined && value > kind.max)) refuse();
      break;
    case 'number':
      if (typeof value !== 'number' || !Number.isFinite(value) || value < kind.min || (kind.exclusiveMin && value === kind.min) || (kind.max !== undefined && value > kind.max)) refuse();
      break;
    case 'choice':
      if (typeof value !== 'string' || !kind.choices.includes(value)) refuse();
      break;
    case 'intList':
      if (!Array.isArray(value) || value.length === 0 || value.some((v) => typeof v !== 'number' || !Number.isSafeInteger(v) || v < kind.min)) refuse();
      return [...(value as number[])] as SolveOptions[K];
    case 'schedule':
      if (typeof value === 'string') return parseSchedule(value, where) as SolveOptions[K];
      if (typeof value !== 'object' || value === null || !('kind' in value)) refuse();
      return value as SolveOptions[K];
    case 'weights':
      if (typeof value !== 'object' || value === null || Array.isArray(value)) refuse();
      for (const [term, w] of Object.entries(value as Record<string, unknown>)) {
        if (typeof w !== 'number' || !Number.isFinite(w) || w < 0) throw new KanpinnInputError(`${where}.${term}: expected a number >= 0, got ${describe(w)}`);
      }
      return { ...(value as Record<string, number>) } as SolveOptions[K];
    case 'embed':
    case 'hard': {
      if (typeof value !== 'string') refuse();
      // `none` is spelled null in options; the text is kept as written (trimmed) once it parses.
      const parsed = kind.type === 'embed' ? parseEmbedText(value as string, where) : parseHardText(value as string, where);
      return (parsed === null ? null : (value as string).trim()) as SolveOptions[K];
    }
  }
  return value as SolveOptions[K];
}

/**
 * Checks every option present in `partial` (library callers: `train`, `fit`); `prefix` starts each
 * message (`fit: `). Unknown keys are left alone (runtime extras such as callbacks).
 */
export function checkOptions<T extends Partial<SolveOptions>>(partial: T, prefix = ''): T {
  const out = { ...partial };
  for (const key of Object.keys(partial) as (keyof SolveOptions)[]) {
    if (!(key in OPTION_SPECS) || partial[key] === undefined) continue;
    (out as Record<string, unknown>)[key] = checkOption(key, partial[key], `${prefix}${key}`);
  }
  return out;
}

/**
 * Parses an option from the text a user wrote after its flag (`--steps 20`): numbers, lists, names,
 * a schedule, or term weights. Throws naming the flag.
 */
export function parseOptionText<K extends keyof SolveOptions>(name: K, text: string): SolveOptions[K] {
  const spec = OPTION_SPECS[name];
  const where = `--${spec.flag}`;
  const trimmed = text.trim();
  const shown = trimmed !== '' && Number.isFinite(Number(trimmed)) ? trimmed : JSON.stringify(text);
  switch (spec.kind.type) {
    case 'integer':
    case 'number':
      return checkOption(name, trimmed === '' ? Number.NaN : Number(trimmed), where, shown);
    case 'choice':
      return checkOption(name, trimmed, where, JSON.stringify(text));
    case 'intList': {
      const parts = trimmed.split(',').map((p) => (p.trim() === '' ? Number.NaN : Number(p)));
      return checkOption(name, parts, where, JSON.stringify(text));
    }
    case 'schedule':
    case 'embed':
    case 'hard':
      return checkOption(name, text, where);
    case 'weights': {
      const out: Record<string, number> = {};
      for (const part of text.split(',')) {
        const eq = part.lastIndexOf('=');
        const value = eq > 0 && part.slice(eq + 1).trim() !== '' ? Number(part.slice(eq + 1)) : Number.NaN;
        if (eq <= 0 || !Number.isFinite(value) || value < 0) throw new KanpinnInputError(`${where}: expected ${expectedText(spec.kind)}, got ${JSON.stringify(part)}`);
        out[part.slice(0, eq).trim()] = value;
      }
      return out as SolveOptions[K];
    }
  }
}

/** Validates a problem's `"solver"` hint (a JSON value) with the options' own rules; messages name `solver.FIELD`. */
export function parseSolverHint(value: unknown): SolverHint | undefined {
  if (value === undefined) return undefined;
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new KanpinnInputError(`solver: expected { "grids": [5, 10], "steps": 75 }, got ${describe(value)}`);
  }
  const record = value as Record<string, unknown>;
  const fields = HINT_FIELDS;
  for (const key of Object.keys(record)) {
    if (!fields.includes(key)) throw new KanpinnInputError(`solver.${key}: unknown field; expected one of ${fields.join(', ')}`);
  }
  const out: Record<string, unknown> = {};
  for (const name of HINT_OPTIONS) {
    const field = OPTION_SPECS[name].hint!;
    const v = record[field];
    if (v === undefined) continue;
    // A problem file spells values as JSON: null is no choice, and a schedule is its text.
    if (v === null || (name === 'schedule' && typeof v !== 'string')) {
      throw new KanpinnInputError(`solver.${field}: expected ${expectedText(OPTION_SPECS[name].kind, 'solver')}, got ${describe(v)}`);
    }
    checkOption(name, v, `solver.${field}`);
    out[field] = Array.isArray(v) ? [...v] : v;
  }
  return out as SolverHint;
}

/** The hint as options for a model of kind `model` (the KAN width applies to a KAN only; the schedule is parsed). */
export function hintOptions(hint: SolverHint | undefined, model: ModelChoice['model']): Partial<SolveOptions> {
  if (!hint) return {};
  const out: Partial<SolveOptions> = {};
  for (const name of HINT_OPTIONS) {
    const value = (hint as Record<string, unknown>)[OPTION_SPECS[name].hint!];
    if (value === undefined) continue;
    if (name === 'width' && model !== 'kan') continue;
    (out as Record<string, unknown>)[name] = checkOption(name, value, `solver.${OPTION_SPECS[name].hint!}`);
  }
  return out;
}
