/**
 * The PINN solver: binds a problem, a model and the trainer, and writes the outputs
 * (model.json, metrics.json, history.csv, report.html). Shared by `solve` and `compare`.
 */
import {
  createModel,
  hintOptions,
  KanpinnInputError,
  SOLVE_DEFAULTS,
  modelToJson,
  train,
  type Model,
  type ModelOptions,
  type Problem,
  type ProgressEvent,
  type SolveOptions,
  type TrainResult,
  type TrainCheckpoint,
} from '../src/internal.js';
import { autoRecipe, splineDegreeChoice, writeFileSet, type OutputFile, type RecipeChoice, type RecipeDecision } from '../src/internal.js';
import { architectureFor } from '../src/internal.js';
import { SOLVE_OUTPUT_FILES } from './outputs.js';
import { buildReport } from './reportData.js';
import type { SolveSummary } from './summary.js';
import { renderReport } from '../viz/index.js';

/** The report's lines for the embedding and hard constraints: the model's own (a resumed model keeps its), with why. */
function architectureRecipe(problem: Problem, options: SolveOptions, model: Model): Pick<SolveRecipe, 'embed' | 'hard' | 'scale'> {
  const out: Pick<SolveRecipe, 'embed' | 'hard' | 'scale'> = {};
  const chosen = options.embed !== null || options.hard !== null || options.scale !== 'off' ? architectureFor(problem, options) : undefined;
  const { embedding, hard, scaling } = model.options;
  if (embedding || options.embed !== null) out.embed = { value: embedding?.spec ?? 'none', why: chosen?.embedding.why ?? 'the resumed model\'s' };
  if (hard || options.hard !== null) out.hard = { value: hard?.spec ?? 'none', why: chosen?.hard.why ?? 'the resumed model\'s' };
  if (scaling || options.scale !== 'off') {
    // A resumed model keeps its own scaling, whatever --scale would build now.
    const built = chosen !== undefined && (chosen.scaling.config !== null) === (scaling !== undefined);
    out.scale = { value: scaling ? 'on' : 'off', why: built ? chosen.scaling.why : `the resumed model's${scaling ? ` (output scale ${scaling.source})` : ''}` };
  }
  return out;
}

/** What a user chooses for one solve, and its defaults: the training options' schema owns both. */
export { SOLVE_DEFAULTS, type SolveOptions } from '../src/internal.js';

export type { SolveSummary } from './summary.js';

/** Full layer widths for the problem: [inputs, hidden…, unknowns]. */
export function widthFor(problem: Problem, options: SolveOptions): number[] {
  const inputs = problem.variables.length;
  const outputs = problem.unknowns.length;
  const given = options.width;
  if (given && given.length >= 2 && (given[0] !== inputs || given[given.length - 1] !== outputs)) {
    throw new KanpinnInputError(
      `--width: [${given.join(',')}] does not fit problem ${problem.name}: it needs ${inputs} inputs (${problem.variables.join(', ')}) and ${outputs} output${outputs > 1 ? 's' : ''} (${problem.unknowns.join(', ')})`,
    );
  }
  if (given && given.length >= 2) return given;
  const hidden = given ?? (options.model === 'kan' ? [10] : [16, 16]);
  return [inputs, ...hidden, outputs];
}

/** Model options for the problem: input/output names from the problem, KAN grid range from its bounds, embedding and hard constraints from `--embed`/`--hard`. */
export function modelOptionsFor(problem: Problem, options: SolveOptions): ModelOptions {
  const width = widthFor(problem, options);
  const { embedding, hard, scaling } = architectureFor(problem, options);
  const names = {
    inputs: problem.variables,
    outputs: problem.unknowns,
    seed: options.seed,
    ...(embedding.config ? { embedding: embedding.config } : {}),
    ...(hard.config ? { hard: hard.config } : {}),
    ...(scaling.config ? { scaling: scaling.config } : {}),
  };
  if (options.model === 'mlp') return { kind: 'mlp', width, activation: options.activation, ...names };
  const grid = options.grid ?? options.grids?.[0] ?? 5;
  const gridRange = problem.bounds.min.map((lo, a) => [lo, problem.bounds.max[a]!] as [number, number]);
  return { kind: 'kan', width, grid, k: options.k ?? splineDegreeChoice(problem, null).value, gridRange, ...names };
}

/** What the command line adds to a solve: progress, interruption, checkpoints and a run to resume. */
export interface SolveHooks {
  onProgress?: (event: ProgressEvent) => void;
  signal?: AbortSignal;
  /** Saves a checkpoint (every `checkpointEvery` steps) of the model being trained. */
  checkpoint?: (model: Model, state: TrainCheckpoint) => void | Promise<void>;
  /** Continue this model (and, when given, this trainer state) instead of training a fresh one. */
  resume?: { model: Model; state: TrainCheckpoint | null };
}

/**
 * What the recipe sets under the user's choices: `tuned`, the problem's `"solver"` hint; `auto`
 * (the default), `autoRecipe`'s decisions (the hint is not read). The user's `partial` always wins.
 */
export function recipeOptions(problem: Problem, partial: Partial<SolveOptions>): { options: Partial<SolveOptions>; decisions: RecipeDecision[] } {
  const model = partial.model ?? SOLVE_DEFAULTS.model;
  if ((partial.recipe ?? SOLVE_DEFAULTS.recipe) === 'tuned') return { options: hintOptions(problem.defaults.solver, model), decisions: [] };
  return autoRecipe(problem, partial);
}

/**
 * The options of one solve: the user's (`partial`) over the recipe's (`recipeOptions`) over `SOLVE_DEFAULTS`.
 * A `grid` alone means one stage at that grid; no `k` means the automatic spline degree (`splineDegreeChoice`).
 */
export function resolveSolveOptions(problem: Problem, partial: Partial<SolveOptions>): SolveOptions {
  const options: SolveOptions = { ...SOLVE_DEFAULTS, ...recipeOptions(problem, partial).options, ...partial };
  if (options.grid !== null && partial.grids === undefined) options.grids = [options.grid];
  if (options.k === null) options.k = splineDegreeChoice(problem, null).value;
  return options;
}

/** What the recipe chose for a solve from the problem, with why (the report's settings table shows it). */
export interface SolveRecipe {
  /** A KAN's spline degree. */
  k?: RecipeChoice;
  /** With `--recipe auto`: the options it set and why, one line each (absent with `tuned`, or when it set none). */
  decisions?: RecipeDecision[];
  /** The input embedding, hard constraints and scaling (`--embed`, `--hard`, `--scale`), as text with why. */
  embed?: { value: string; why: string };
  hard?: { value: string; why: string };
  scale?: { value: string; why: string };
}

/** Trains a fresh model on the problem; returns the model, the trainer's result and the summary. */
export async function solveProblem(
  problem: Problem,
  partial: Partial<SolveOptions>,
  hooks: SolveHooks = {},
): Promise<{ model: Model; result: TrainResult; summary: SolveSummary; options: SolveOptions; recipe: SolveRecipe }> {
  if ((partial.checkpointEvery ?? 0) > 0 && !hooks.checkpoint) throw new KanpinnInputError('--checkpoint-every: only solve writes checkpoints (into its --out folder)');
  const resumed = hooks.resume?.model;
  // A resumed model keeps its kind; without a saved state its grid is the one stage (a schedule would start over at its first grid).
  const keepGrid = resumed?.kind === 'kan' && !hooks.resume?.state && partial.grids === undefined && partial.grid === undefined ? { grids: [resumed.layers[0]!.grid] } : {};
  const options = resolveSolveOptions(problem, resumed ? { ...partial, model: resumed.kind, ...keepGrid } : partial);
  const model = hooks.resume?.model ?? createModel(modelOptionsFor(problem, options));
  const decisions = recipeOptions(problem, resumed ? { ...partial, model: resumed.kind, ...keepGrid } : partial).decisions;
  const recipe: SolveRecipe = {
    ...(model.kind !== 'kan' ? {} : resumed ? { k: { value: model.options.k, why: 'the resumed model\'s' } } : { k: splineDegreeChoice(problem, partial.k) }),
    ...(decisions.length ? { decisions } : {}),
  };
  Object.assign(recipe, architectureRecipe(problem, options, model));
  const { model: _kind, width: _width, grid: _grid, k: _k, activation: _activation, embed: _embed, hard: _hard, scale: _scale, recipe: _recipe, ...training } = options;
  const { checkpoint, resume, ...callbacks } = hooks;
  const result = await train(problem, model, {
    ...training,
    ...callbacks,
    ...(checkpoint ? { checkpoint: (state: TrainCheckpoint) => checkpoint(model, state) } : {}),
    ...(resume?.state ? { resume: resume.state } : {}),
  });
  const test = problem.testSet ? problem.testSet() : undefined;
  const summary: SolveSummary = {
    problem: problem.name,
    model: options.model,
    width: model.width as number[],
    grid: model.kind === 'kan' ? model.layers[0]!.grid : null,
    grids: model.kind === 'kan' ? options.grids : null,
    params: result.params,
    backend: result.backend,
    optimizer: options.optimizer,
    steps: result.steps,
    evaluations: result.evaluations,
    seconds: Math.round(result.seconds * 1000) / 1000,
    loss: result.loss,
    terms: result.terms,
    relL2: result.accuracy?.relL2 ?? null,
    maxAbsErr: result.accuracy?.maxAbsErr ?? null,
    mse: result.accuracy?.mse ?? null,
    perUnknown: result.accuracy?.unknowns ?? null,
    testSet: test ? `${test.source} (${test.count} points)` : null,
    status: result.status,
    message: result.message,
    stoppedBy: result.stoppedBy,
    seed: options.seed,
    warnings: result.warnings,
    recipe: { name: options.recipe, decisions: [...(recipe.k ? [{ option: 'k', value: String(recipe.k.value), why: recipe.k.why }] : []), ...(recipe.decisions ?? [])] },
    ...(result.parameters ? { parameters: result.parameters } : {}),
    ...(result.chunkPoints !== undefined ? { chunkPoints: result.chunkPoints } : {}),
    ...(result.jet !== undefined ? { jet: result.jet } : {}),
  };
  return { model, result, summary, options, recipe };
}

/** history.csv: one row per step, empty cells where a column was not measured. */
export function historyCsv(history: TrainResult['history']): string {
  const cell = (v: number): string => (Number.isFinite(v) ? String(v) : '');
  return [history.columns.join(','), ...history.rows.map((r) => r.map(cell).join(','))].join('\n') + '\n';
}

/** Writes model.json, metrics.json, history.csv, report.html and `extra` files into `dir` as one set (see writeFileSet). */
export async function writeOutputs(dir: string, problem: Problem, model: Model, result: TrainResult, summary: SolveSummary, settings: Record<string, string | number | boolean | null>, extra: readonly OutputFile[] = []): Promise<string[]> {
  const meta = { problem: problem.name, relL2: summary.relL2, date: new Date().toISOString() };
  const contents = [
    `${JSON.stringify(modelToJson(model, meta))}\n`,
    `${JSON.stringify(summary, null, 2)}\n`,
    historyCsv(result.history),
    renderReport(buildReport(problem, model, result, summary, settings)),
  ];
  return writeFileSet(dir, [...SOLVE_OUTPUT_FILES.map((name, i) => ({ name, contents: contents[i]! })), ...extra]);
}
