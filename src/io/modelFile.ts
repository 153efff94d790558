/**
 * The versioned model file: `{ "format": "kanpinn-model", "version": 1, "config": {…}, "params": {…} }`
 * with everything needed to rebuild a model exactly (widths, grids, knots, k, masks, values, and the
 * optional symbolic edges of a layer: function names from the default library and (a, b, c, d)).
 * Float32 parameters are written as the shortest decimal that reads back to the same float32, so a
 * round trip is bit for bit (except that JSON writes −0 as 0). Loading checks every field and refuses a file it cannot trust.
 */
import { KanpinnInputError } from '../errors.js';
import { nodeFs, writeFileAtomic } from './files.js';
import { BASE_FUNCTIONS } from '../jet/baseFunctions.js';
import type { KanLayer, SymbolicLayerState } from '../kan/kanLayer.js';
import { defaultSymbolicLibrary, type SymbolicFunction } from '../symbolic/library.js';
import { createKan, type KanOptions } from '../kan/model.js';
import { newVariable } from '../model/variables.js';
import type { Model } from '../createModel.js';
import type { ParameterDeclaration } from '../model/types.js';
import { createInferredParameters } from '../model/inferred.js';
import { createMlp, MLP_ACTIVATIONS, type MlpLayer, type MlpOptions } from '../mlp/mlp.js';
import { checkEmbeddingConfig, featureWidth } from '../model/embedding.js';
import { checkHardConfig } from '../model/hardConstraints.js';
import { checkScalingConfig } from '../model/scaling.js';
import { defaultInputNames, defaultOutputNames } from '../model/variables.js';

/** The `format` field of a model file. */
export const MODEL_FORMAT = 'kanpinn-model';
/** The model-file version this build writes and reads. */
export const MODEL_VERSION = 1;

/** Per-layer parameters of a KAN in the file. */
export interface KanLayerJson {
  nIn: number;
  nOut: number;
  k: number;
  grid: number;
  base: string;
  knots: number[][];
  coef: number[];
  scaleBase: number[];
  scaleSp: number[];
  mask: number[];
  /** Symbolic edges (optional; absent when the layer has none): φ = c·f(a·x + b) + d where mask is 1. */
  symbolic?: SymbolicLayerJson;
}

/** A layer's symbolic edges in the file: per edge (e = i·nOut + j) a 0/1 flag, a library name or null, and (a, b, c, d). */
export interface SymbolicLayerJson {
  mask: number[];
  functions: (string | null)[];
  affine: number[];
}

/** One inferred parameter in a model file: `theta` rebuilds it exactly; `value` is there for readers. */
export interface InferredJson {
  name: string;
  value: number;
  theta: number;
  initial: number;
  min?: number;
  max?: number;
  truth?: number;
}

/** One MLP layer in a model file: weight row-major [nIn, nOut], bias [nOut]. */
export interface MlpLayerJson {
  nIn: number;
  nOut: number;
  weight: number[];
  bias: number[];
}

/** A model file: the options that rebuild the model and its parameters, layer by layer. */
export interface ModelJson {
  format: typeof MODEL_FORMAT;
  version: number;
  config: KanOptions | MlpOptions;
  params: { layers: KanLayerJson[] | MlpLayerJson[] };
  /** An inverse problem's parameters (optional): the declaration, the unconstrained variable θ and the value p(θ) it stands for. */
  inferred?: InferredJson[];
  /** Free-form provenance (problem, metrics, date); not needed to rebuild the model. */
  meta?: Record<string, unknown>;
}

/**
 * The shortest decimal that reads back to the same float32. JSON alone would print the float64
 * expansion of the float32 value (0.1f as 0.10000000149011612); 9 significant digits always suffice.
 */
function shortestFloat32(v: number): number {
  if (!Number.isFinite(v) || v === 0) return v;
  for (let digits = 1; digits < 9; digits++) {
    const d = Number(v.toPrecision(digits));
    if (Math.fround(d) === v) return d;
  }
  return v;
}

/** Float32 values as their shortest decimals; float64 values (knots) exactly. */
const list = (a: ArrayLike<number>): number[] => (a instanceof Float32Array ? Array.from(a, shortestFloat32) : Array.from(a));

/** The model as a plain JSON value (see `ModelJson`). */
export function modelToJson(model: Model, meta?: Record<string, unknown>): ModelJson {
  const layers =
    model.kind === 'kan'
      ? model.layers.map(
          (l): KanLayerJson => ({
            nIn: l.nIn,
            nOut: l.nOut,
            k: l.k,
            grid: l.grid,
            base: l.base,
            knots: l.knots.map(list),
            coef: list(l.coef.dataSync()),
            scaleBase: list(l.scaleBase.dataSync()),
            scaleSp: list(l.scaleSp.dataSync()),
            mask: list(l.mask),
            ...(l.symbolic ? { symbolic: symbolicToJson(l.symbolic) } : {}),
          }),
        )
      : model.layers.map(
          (l): MlpLayerJson => ({ nIn: l.weight.shape[0]!, nOut: l.weight.shape[1]!, weight: list(l.weight.dataSync()), bias: list(l.bias.dataSync()) }),
        );
  const json: ModelJson = { format: MODEL_FORMAT, version: MODEL_VERSION, config: model.options, params: { layers } };
  if (model.inferred) {
    const values = model.inferred.values();
    json.inferred = model.inferred.declared.map((p, i) => ({ ...p, value: values[p.name]!, theta: shortestFloat32(model.inferred!.variables()[i]!.dataSync()[0]!) }));
  }
  if (meta) json.meta = meta;
  return json;
}

function symbolicToJson(state: SymbolicLayerState): SymbolicLayerJson {
  return { mask: list(state.mask), functions: state.functions.map((f) => (f ? f.name : null)), affine: list(state.affine.dataSync()) };
}

type Path = string;

function fail(path: Path, expected: string, found: unknown): never {
  const shown = typeof found === 'string' ? JSON.stringify(found) : Array.isArray(found) ? `an array of ${found.length}` : found === null ? 'null' : typeof found === 'object' ? 'an object' : String(found);
  throw new KanpinnInputError(`model file: ${path}: expected ${expected}, found ${shown}`);
}

function object(value: unknown, path: Path): Record<string, unknown> {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) fail(path, 'an object', value);
  return value as Record<string, unknown>;
}

function integer(value: unknown, path: Path, min = 0): number {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < min) fail(path, `an integer >= ${min}`, value);
  return value;
}

function numbers(value: unknown, path: Path, length: number): Float32Array {
  if (!Array.isArray(value) || value.length !== length) fail(path, `an array of ${length} numbers`, value);
  const out = new Float32Array(length);
  (value as unknown[]).forEach((v, i) => {
    if (typeof v !== 'number' || !Number.isFinite(v)) fail(`${path}[${i}]`, 'a finite number', v);
    out[i] = v;
  });
  return out;
}

function knotsOf(value: unknown, path: Path, length: number): Float64Array {
  const values = numbers(value, path, length);
  const out = Float64Array.from(value as number[]);
  for (let i = 1; i < out.length; i++) if (!(out[i]! > out[i - 1]!)) fail(`${path}[${i}]`, 'strictly increasing knots', out[i]);
  void values;
  return out;
}

function kanLayerFrom(value: unknown, path: Path, nIn: number, nOut: number): KanLayer {
  const o = object(value, path);
  if (o.nIn !== nIn || o.nOut !== nOut) fail(`${path}.nIn/nOut`, `${nIn}/${nOut} from config.width`, `${String(o.nIn)}/${String(o.nOut)}`);
  const k = integer(o.k, `${path}.k`, 1);
  const grid = integer(o.grid, `${path}.grid`, 1);
  if (!BASE_FUNCTIONS.includes(o.base as never)) fail(`${path}.base`, `one of ${BASE_FUNCTIONS.join(', ')}`, o.base);
  if (!Array.isArray(o.knots) || o.knots.length !== nIn) fail(`${path}.knots`, `${nIn} knot vectors`, o.knots);
  const knots = (o.knots as unknown[]).map((t, i) => knotsOf(t, `${path}.knots[${i}]`, grid + 2 * k + 1));
  const nBasis = grid + k;
  const mask = numbers(o.mask, `${path}.mask`, nIn * nOut);
  mask.forEach((m, i) => {
    if (m !== 0 && m !== 1) fail(`${path}.mask[${i}]`, '0 or 1', m);
  });
  const symbolic = o.symbolic === undefined ? undefined : symbolicFrom(o.symbolic, `${path}.symbolic`, nIn, nOut);
  return {
    ...(symbolic ? { symbolic } : {}),
    nIn,
    nOut,
    k,
    grid,
    base: o.base as KanLayer['base'],
    knots,
    coef: newVariable(numbers(o.coef, `${path}.coef`, nIn * nOut * nBasis), [nIn, nOut, nBasis]),
    scaleBase: newVariable(numbers(o.scaleBase, `${path}.scaleBase`, nIn * nOut), [nIn, nOut]),
    scaleSp: newVariable(numbers(o.scaleSp, `${path}.scaleSp`, nIn * nOut), [nIn, nOut]),
    mask,
  };
}

function symbolicFrom(value: unknown, path: Path, nIn: number, nOut: number): SymbolicLayerState {
  const o = object(value, path);
  const edges = nIn * nOut;
  const mask = numbers(o.mask, `${path}.mask`, edges);
  mask.forEach((m, i) => {
    if (m !== 0 && m !== 1) fail(`${path}.mask[${i}]`, '0 or 1', m);
  });
  if (!Array.isArray(o.functions) || o.functions.length !== edges) fail(`${path}.functions`, `an array of ${edges} names or nulls`, o.functions);
  const functions = (o.functions as unknown[]).map((name, e): SymbolicFunction | null => {
    if (name === null) {
      if (mask[e] !== 0) fail(`${path}.functions[${e}]`, 'a symbolic function name (mask is 1)', name);
      return null;
    }
    if (typeof name !== 'string') fail(`${path}.functions[${e}]`, 'a symbolic function name or null', name);
    const fn = defaultSymbolicLibrary.get(name);
    if (!fn) fail(`${path}.functions[${e}]`, `a symbolic function in the library (${defaultSymbolicLibrary.names().join(', ')})`, name);
    return fn;
  });
  const affine = numbers(o.affine, `${path}.affine`, edges * 4);
  return { mask, functions, affine: newVariable(affine, [nIn, nOut, 4]) };
}

function mlpLayerFrom(value: unknown, path: Path, nIn: number, nOut: number): MlpLayer {
  const o = object(value, path);
  if (o.nIn !== nIn || o.nOut !== nOut) fail(`${path}.nIn/nOut`, `${nIn}/${nOut} from config.width`, `${String(o.nIn)}/${String(o.nOut)}`);
  return {
    weight: newVariable(numbers(o.weight, `${path}.weight`, nIn * nOut), [nIn, nOut]),
    bias: newVariable(numbers(o.bias, `${path}.bias`, nOut), [nOut]),
  };
}

/** Rebuilds a model from a parsed model file; throws naming the first bad field. */
export function modelFromJson(value: unknown): Model {
  const root = object(value, '(root)');
  if (root.format !== MODEL_FORMAT) fail('format', `"${MODEL_FORMAT}"`, root.format);
  if (root.version !== MODEL_VERSION) fail('version', `${MODEL_VERSION} (this kanpinn reads version ${MODEL_VERSION})`, root.version);
  const config = object(root.config, 'config');
  const width = config.width;
  if (!Array.isArray(width) || width.length < 2 || width.some((w) => !Number.isInteger(w) || (w as number) < 1)) {
    fail('config.width', 'at least two positive integers', width);
  }
  const widths = [...(width as number[])];
  // An input embedding widens the first layer; checked here so that messages name the file's fields.
  if (config.embedding !== undefined) widths[0] = featureWidth(checkEmbeddingConfig(config.embedding, widths[0]!, 'model file: config.embedding'));
  if (config.hard !== undefined) {
    const names = (value: unknown, fallback: string[]): string[] => (Array.isArray(value) && value.every((v) => typeof v === 'string') ? (value as string[]) : fallback);
    const last = (width as number[])[(width as number[]).length - 1]!;
    checkHardConfig(config.hard, names(config.inputs, defaultInputNames((width as number[])[0]!)), names(config.outputs, defaultOutputNames(last)), 'model file: config.hard');
  }
  if (config.scaling !== undefined) checkScalingConfig(config.scaling, (width as number[])[0]!, (width as number[])[(width as number[]).length - 1]!, 'model file: config.scaling');
  const params = object(root.params, 'params');
  if (!Array.isArray(params.layers) || params.layers.length !== widths.length - 1) fail('params.layers', `${widths.length - 1} layers`, params.layers);
  const layerValues = params.layers as unknown[];
  const inferred = root.inferred === undefined ? undefined : inferredFrom(root.inferred);
  let model: Model;
  switch (config.kind) {
    case 'kan': {
      const layers = layerValues.map((l, i) => kanLayerFrom(l, `params.layers[${i}]`, widths[i]!, widths[i + 1]!));
      model = createKan(config as unknown as KanOptions, layers);
      break;
    }
    case 'mlp': {
      if (!MLP_ACTIVATIONS.includes(config.activation as never)) fail('config.activation', `one of ${MLP_ACTIVATIONS.join(', ')}`, config.activation);
      const layers = layerValues.map((l, i) => mlpLayerFrom(l, `params.layers[${i}]`, widths[i]!, widths[i + 1]!));
      model = createMlp(config as unknown as MlpOptions, layers);
      break;
    }
    default:
      return fail('config.kind', '"kan" or "mlp"', config.kind);
  }
  if (inferred) model.inferred = createInferredParameters(inferred.declared, inferred.theta);
  return model;
}

/** The `inferred` list: names, declarations (bounds that hold the initial value) and finite θ. */
function inferredFrom(value: unknown): { declared: ParameterDeclaration[]; theta: number[] } {
  if (!Array.isArray(value)) fail('inferred', 'an array of parameters', value);
  const declared: ParameterDeclaration[] = [];
  const theta: number[] = [];
  (value as unknown[]).forEach((entry, i) => {
    const path = `inferred[${i}]`;
    const o = object(entry, path);
    if (typeof o.name !== 'string' || !/^[A-Za-z][A-Za-z0-9]*$/.test(o.name) || declared.some((p) => p.name === o.name)) fail(`${path}.name`, 'a new name of letters and digits', o.name);
    const finite = (v: unknown, field: string): number => (typeof v === 'number' && Number.isFinite(v) ? v : fail(`${path}.${field}`, 'a finite number', v));
    const p: ParameterDeclaration = { name: o.name as string, initial: finite(o.initial, 'initial') };
    if (o.min !== undefined) p.min = finite(o.min, 'min');
    if (o.max !== undefined) p.max = finite(o.max, 'max');
    if (o.truth !== undefined) p.truth = finite(o.truth, 'truth');
    if (p.min !== undefined && p.max !== undefined && !(p.min < p.max)) fail(`${path}.max`, `a number above min ${p.min}`, p.max);
    declared.push(p);
    theta.push(finite(o.theta, 'theta'));
  });
  return { declared, theta };
}

/** Writes the model file atomically (temp file + rename). Node only. */
export async function saveModel(model: Model, path: string, meta?: Record<string, unknown>): Promise<void> {
  await writeFileAtomic(path, `${JSON.stringify(modelToJson(model, meta))}\n`);
}

/** Reads and validates a model file. Node only. */
export async function loadModel(path: string): Promise<Model> {
  let text: string;
  try {
    text = nodeFs().readFileSync(path, 'utf8');
  } catch (error) {
    throw new KanpinnInputError(`model file: cannot read ${path}: ${(error as { code?: string }).code ?? (error as Error).message}`);
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (error) {
    throw new KanpinnInputError(`model file: ${path} is not valid JSON (${(error as Error).message})`);
  }
  return modelFromJson(parsed);
}
