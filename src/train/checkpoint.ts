/**
 * Checkpoints of a training run and resuming from them. A checkpoint is three files written as one
 * set (`writeFileSet`: a kill leaves the previous set or the whole new one): `model.json` (the
 * current model, a plain model file), `best-model.json` (the parameters of the lowest loss seen)
 * and `checkpoint.json` (the current model again, the loop's state with the Adam moments and step
 * counters, the history so far, the term weights and the run's flags). The L-BFGS memory is not
 * saved: a resumed L-BFGS stage starts with an empty memory, so only Adam resumes bit-for-bit.
 */
import { KanpinnInputError } from '../errors.js';
import type { Model } from '../createModel.js';
import { modelFromJson, modelToJson, MODEL_FORMAT, type ModelJson } from '../io/modelFile.js';
import { nodeFs, nodePath, type OutputFile } from '../io/files.js';
import type { LoopState } from './loop.js';
import { readParams, writeParams } from './params.js';

/** The `format` field of checkpoint.json. */
export const CHECKPOINT_FORMAT = 'kanpinn-checkpoint';
/** The checkpoint.json version this build writes and reads. */
export const CHECKPOINT_VERSION = 1;
/** The files of a checkpoint, in the order `checkpointFiles` returns them. */
export const CHECKPOINT_FILES = ['model.json', 'best-model.json', 'checkpoint.json'] as const;

/** What the trainer hands its `checkpoint` hook and takes back as `resume`. */
export interface TrainCheckpoint {
  /** Where the optimisation loop is (see `LoopState`). */
  loop: LoopState;
  /** The history rows so far (same columns as the run's history). */
  history: { columns: string[]; rows: number[][] };
  /** The term weights in force (annealing changes them), in the problem's term order. */
  weights: number[];
  /** Training seconds so far. */
  seconds: number;
}

/** checkpoint.json. */
export interface CheckpointJson {
  format: typeof CHECKPOINT_FORMAT;
  version: number;
  /** The problem's name (or file) and the run's flags (kebab-case, as `--config` reads them). */
  problem: string;
  config: Record<string, unknown>;
  model: ModelJson;
  state: TrainCheckpoint;
}

/** A saved run to continue: the model, and the trainer's state when the source was a checkpoint. */
export interface ResumeSource {
  model: Model;
  /** Null when resuming from a plain model file: fresh optimizer, history from step 1. */
  state: TrainCheckpoint | null;
  problem: string | null;
  config: Record<string, unknown>;
  /** The file read, and the folder a resumed run writes into by default. */
  file: string;
  dir: string;
}

/** JSON for numbers that may be ±Infinity or NaN (JSON has none): history cells become null and back. */
const rowsToJson = (rows: number[][]): (number | null)[][] => rows.map((r) => r.map((v) => (Number.isFinite(v) ? v : null)));

/**
 * The checkpoint's files for `writeFileSet`: the current model, the best one (parameters
 * `state.loop.best.x`; the current ones when no finite loss was seen) and checkpoint.json.
 */
export function checkpointFiles(model: Model, state: TrainCheckpoint, run: { problem: string; config: Record<string, unknown> }): OutputFile[] {
  const meta = { problem: run.problem, checkpoint: { step: state.loop.totalStep } };
  const current = modelToJson(model, meta);
  const saved = readParams(model);
  let best = current;
  if (state.loop.best.loss !== null && state.loop.best.x.length === saved.length) {
    writeParams(model, Float64Array.from(state.loop.best.x));
    best = modelToJson(model, { ...meta, checkpoint: { step: state.loop.totalStep, bestStep: state.loop.best.step, loss: state.loop.best.loss } });
    writeParams(model, saved);
  }
  const json: CheckpointJson = {
    format: CHECKPOINT_FORMAT,
    version: CHECKPOINT_VERSION,
    problem: run.problem,
    config: run.config,
    model: current,
    state: { ...state, history: { columns: state.history.columns, rows: rowsToJson(state.history.rows) as number[][] } },
  };
  const contents = [current, best, json].map((o) => `${JSON.stringify(o)}\n`);
  return CHECKPOINT_FILES.map((name, i) => ({ name, contents: contents[i]! }));
}

const bad = (file: string, what: string): never => {
  throw new KanpinnInputError(`--resume: ${file}: ${what}`);
};

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

const isNumbers = (v: unknown): v is number[] => Array.isArray(v) && v.every((n) => typeof n === 'number');
const isCount = (v: unknown): v is number => Number.isInteger(v) && (v as number) >= 0;

/** Checks the parts of a saved state that the loop indexes with; names the first bad field. */
function checkState(state: unknown, params: number, file: string): TrainCheckpoint {
  if (!isRecord(state) || !isRecord(state.loop) || !isRecord(state.history) || !isNumbers(state.weights)) return bad(file, 'state: expected { loop, history, weights, seconds }');
  const loop = state.loop;
  for (const field of ['stage', 'step', 'totalStep', 'evaluations'] as const) if (!isCount(loop[field])) bad(file, `state.loop.${field}: expected an integer >= 0, got ${JSON.stringify(loop[field])}`);
  if (!isNumbers(loop.x) || loop.x.length !== params) bad(file, `state.loop.x: expected ${params} numbers (the model's parameters)`);
  if (!isRecord(loop.best) || !isNumbers(loop.best.x) || loop.best.x.length !== params) bad(file, `state.loop.best.x: expected ${params} numbers`);
  if (loop.adam !== null && !(isRecord(loop.adam) && isNumbers(loop.adam.m) && isNumbers(loop.adam.v) && isCount(loop.adam.count) && (loop.adam.count === 0 || (loop.adam.m.length === params && loop.adam.v.length === params)))) {
    bad(file, `state.loop.adam: expected null or { m, v: ${params} numbers each, count }`);
  }
  if (!isRecord(loop.plateau)) bad(file, 'state.loop.plateau: expected { best, since }');
  const judged = loop.judged;
  if (judged !== undefined && !(isRecord(judged) && Array.isArray(judged.stages) && Array.isArray(judged.rollbacks) && isCount(judged.returnedStage) && (judged.best === null || (isRecord(judged.best) && isNumbers(judged.best.params) && judged.best.params.length > 0)))) {
    bad(file, 'state.loop.judged: expected { stages, rollbacks, returnedStage, best }');
  }
  const history = state.history;
  if (!Array.isArray(history.columns) || !Array.isArray(history.rows) || !history.rows.every(Array.isArray)) bad(file, 'state.history: expected { columns, rows }');
  const rows = (history.rows as unknown[][]).map((r) => r.map((v) => (v === null ? Number.NaN : Number(v))));
  return { ...(state as unknown as TrainCheckpoint), history: { columns: history.columns as string[], rows }, seconds: typeof state.seconds === 'number' ? state.seconds : 0 };
}

/**
 * The file `--resume PATH` names, parsed: PATH/checkpoint.json, else PATH/model.json, or PATH
 * itself; one-line errors naming `--resume` and the file otherwise.
 */
function readResumeFile(path: string): { file: string; isDir: boolean; parsed: Record<string, unknown> } {
  const fs = nodeFs();
  const p = nodePath();
  const stats = fs.statSync(path, { throwIfNoEntry: false });
  if (!stats) return bad(path, 'no such file or folder; expected a folder written by solve --checkpoint-every or a model .json file');
  const isDir = stats.isDirectory();
  let file = path;
  if (isDir) {
    file = p.join(path, 'checkpoint.json');
    if (!fs.existsSync(file)) file = p.join(path, 'model.json');
    if (!fs.existsSync(file)) bad(path, 'holds neither checkpoint.json nor model.json');
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(fs.readFileSync(file, 'utf8'));
  } catch (error) {
    bad(file, `not readable JSON (${(error as { code?: string }).code ?? (error as Error).message})`);
  }
  if (!isRecord(parsed)) return bad(file, 'expected a JSON object (a checkpoint or model file)');
  return { file, isDir, parsed };
}

/**
 * Reads what `solve --resume DIR|FILE` continues from: DIR/checkpoint.json when present, else
 * DIR/model.json, or the named file (a checkpoint.json or a plain model file). Errors are one
 * line naming `--resume` and the file. Node only.
 */
export function readResumeSource(path: string): ResumeSource {
  const { file, isDir, parsed } = readResumeFile(path);
  const dir = isDir ? path : nodePath().dirname(file);
  const load = (value: unknown, field: string): Model => {
    try {
      return modelFromJson(value);
    } catch (error) {
      return bad(file, `${field}${(error as Error).message}`);
    }
  };
  if (parsed.format === CHECKPOINT_FORMAT) {
    if (parsed.version !== CHECKPOINT_VERSION) bad(file, `version: expected ${CHECKPOINT_VERSION}, got ${JSON.stringify(parsed.version)}`);
    const model = load(parsed.model, 'model: ');
    let state: TrainCheckpoint;
    try {
      state = checkState(parsed.state, readParams(model).length, file);
    } catch (error) {
      model.dispose();
      throw error;
    }
    return { model, state, problem: typeof parsed.problem === 'string' ? parsed.problem : null, config: isRecord(parsed.config) ? parsed.config : {}, file, dir };
  }
  if (parsed.format !== MODEL_FORMAT) bad(file, `format: expected "${CHECKPOINT_FORMAT}" or "${MODEL_FORMAT}", got ${JSON.stringify(parsed.format)}`);
  const model = load(parsed, '');
  const problem = isRecord(parsed.meta) && typeof parsed.meta.problem === 'string' ? parsed.meta.problem : null;
  return { model, state: null, problem, config: {}, file, dir };
}

/**
 * The flags (and problem) a resumed run takes from its checkpoint, read without building the model
 * (the CLI applies them as a config before parsing; flags on the command line win): a checkpoint's
 * flags, or a model file's problem. Throws, naming `--resume`, when `path` holds neither.
 */
export function readResumeConfig(path: string): Record<string, unknown> {
  const { file, parsed } = readResumeFile(path);
  if (parsed.format === CHECKPOINT_FORMAT) return { ...(isRecord(parsed.config) ? parsed.config : {}), ...(typeof parsed.problem === 'string' ? { problem: parsed.problem } : {}) };
  if (parsed.format !== MODEL_FORMAT) bad(file, `format: expected "${CHECKPOINT_FORMAT}" or "${MODEL_FORMAT}", got ${JSON.stringify(parsed.format)}`);
  return isRecord(parsed.meta) && typeof parsed.meta.problem === 'string' ? { problem: parsed.meta.problem } : {};
}
