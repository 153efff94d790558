/**
 * Supervised fitting from a table (`kanpinn fit data.csv`), pykan's "hello KAN" workflow as one
 * call: train/test split, KAN fitted with sparsification, optional pruning, grid refinement over
 * the `grids` schedule, optional autoSymbolic with a refit of the affine parameters, and the formula.
 */
import type { MathNode } from 'mathjs';
import {
  KanpinnInputError,
  autoSymbolic,
  createKan,
  createRng,
  fit,
  modelView,
  prune,
  refine,
  rmse,
  modelToJson,
  splitTrainTest,
  symbolicFormula,
  type CsvData,
  type FitData,
  type FitResult,
  type KanModel,
} from '../src/internal.js';
import { writeFileSet } from '../src/internal.js';
import { FIT_OUTPUT_FILES } from './outputs.js';
import { renderNetworkHtml, renderNetworkSvg } from '../viz/index.js';

/** What `kanpinn fit` can set; `SUPERVISED_FIT_DEFAULTS` fills the rest. */
export interface SupervisedFitOptions {
  /** Hidden widths (e.g. [5]) or full widths including inputs and the output. */
  width: number[];
  /** Grid schedule: the first is the initial grid, each further one a refine + fit. */
  grids: number[];
  k: number;
  steps: number;
  lamb: number;
  prune: boolean;
  symbolic: boolean;
  candidates: string[] | null;
  r2Threshold: number;
  testFraction: number;
  seed: number;
  digits: number;
  /** What the data is called in messages (the CSV path). */
  source: string;
}

/** Fewest data rows `runSupervisedFit` accepts: with fewer, the split leaves too little to fit or to test (2 rows pruned to 0 parameters). */
export const MIN_FIT_ROWS = 10;

/** The formula is reported as worse than the numeric model when its test RMSE exceeds this many times the numeric model's. */
export const FORMULA_WORSE_FACTOR = 2;

export const SUPERVISED_FIT_DEFAULTS: SupervisedFitOptions = {
  width: [5],
  grids: [3, 10],
  k: 3,
  steps: 50,
  lamb: 0.001,
  prune: true,
  symbolic: false,
  candidates: null,
  r2Threshold: 0,
  testFraction: 0.2,
  seed: 0,
  digits: 5,
  source: 'data',
};

/** The result printed by `fit --json`. */
export interface SupervisedFitSummary {
  /** Test RMSE of the final model (the symbolic one after --symbolic). */
  rmse: number;
  trainRmse: number;
  /** Test RMSE of the numeric (spline) model before autoSymbolic; equal to `rmse` without --symbolic. */
  numericRmse: number;
  /** Test RMSE of the printed formula (its rounded numbers) on the test rows; null without a formula. */
  formulaRmse: number | null;
  /** Things the user should know (the formula worse than the numeric model). */
  warnings: string[];
  formula: string | null;
  latex: string | null;
  /** Edges left numeric by autoSymbolic (best r² below the threshold), as (layer,i,j). */
  numericEdges: string[];
  params: number;
  width: number[];
  inputs: string[];
  target: string;
  rows: { train: number; test: number };
  steps: number;
  evaluations: number;
  seconds: number;
  seed: number;
}

const NAME = /^[A-Za-z][A-Za-z0-9]*$/;
const safeName = (name: string, fallback: string): string => (NAME.test(name) && !['e', 'pi', 'i'].includes(name) ? name : fallback);

function toFitData(data: CsvData): FitData {
  const d = data.inputNames.length;
  const inputs = new Float32Array(data.target.length * d);
  data.inputs.forEach((row, r) => row.forEach((v, k) => (inputs[r * d + k] = v)));
  return { inputs, targets: Float32Array.from(data.target), count: data.target.length };
}

/** Runs the workflow on parsed data; returns the final model and the summary. An aborted `signal` ends the current stage and skips the rest. */
export async function runSupervisedFit(data: CsvData, partial: Partial<SupervisedFitOptions> = {}, onStage?: (stage: string) => void, signal?: AbortSignal): Promise<{ model: KanModel; summary: SupervisedFitSummary; history: FitResult['history'][] }> {
  const o = { ...SUPERVISED_FIT_DEFAULTS, ...partial };
  if (data.target.length < MIN_FIT_ROWS) {
    throw new KanpinnInputError(`${o.source}: ${data.target.length} data rows; a fit needs at least ${MIN_FIT_ROWS} (some are held out for the test RMSE)`);
  }
  const start = performance.now();
  const split = splitTrainTest(data, o.testFraction, createRng(o.seed));
  const train = toFitData(split.train);
  const test = toFitData(split.test);
  const d = data.inputNames.length;
  const width = o.width.length >= 2 && o.width[0] === d && o.width[o.width.length - 1] === 1 ? o.width : [d, ...o.width, 1];
  const inputs = data.inputNames.map((n, k) => safeName(n, `x${k + 1}`));
  const gridRange = inputs.map((_, k) => {
    let [lo, hi] = [Infinity, -Infinity];
    for (let r = 0; r < train.count; r++) [lo, hi] = [Math.min(lo, train.inputs[r * d + k]!), Math.max(hi, train.inputs[r * d + k]!)];
    return (hi > lo ? [lo, hi] : [lo - 1, hi + 1]) as [number, number];
  });
  let model = createKan({ width, grid: o.grids[0]!, k: o.k, seed: o.seed, gridRange, inputs, outputs: [safeName(data.targetName, 'y')] });
  const histories: FitResult['history'][] = [];
  let evaluations = 0;
  let steps = 0;
  const run = async (lamb: number, gridUpdateEvery = 5): Promise<void> => {
    const r = await fit(model, train, { steps: o.steps, regularization: { lamb }, test, gridUpdateEvery, signal });
    histories.push(r.history);
    evaluations += r.evaluations;
    steps += r.steps;
  };
  const replace = (next: KanModel): void => {
    model.dispose();
    model = next;
  };
  onStage?.('fit');
  await run(o.lamb);
  const stopped = (): boolean => signal?.aborted === true;
  if (o.prune && !stopped()) {
    onStage?.('prune');
    replace(prune(model, train.inputs));
    await run(0);
  }
  for (const grid of o.grids.slice(1)) {
    if (stopped()) break;
    onStage?.(`refine ${grid}`);
    replace(refine(model, grid, train.inputs).model);
    await run(0);
  }
  const warnings: string[] = [];
  const numericRmse = rmse(model, test);
  let formula: string | null = null;
  let formulaRmse: number | null = null;
  let latex: string | null = null;
  let numericEdges: string[] = [];
  if (stopped()) warnings.push('interrupted: the stages after the current one were skipped');
  if (o.symbolic && !stopped()) {
    onStage?.('symbolic');
    const report = autoSymbolic(model, train.inputs, { candidates: o.candidates ?? undefined, r2Threshold: o.r2Threshold });
    numericEdges = report.skipped.map((s) => `(${s.layer},${s.i},${s.j})`);
    await run(0, 0);
    if (numericEdges.length === 0) {
      const [f] = symbolicFormula(model, { significantDigits: o.digits });
      formula = f!.text;
      latex = f!.latex;
      formulaRmse = printedFormulaRmse(f!.expression, inputs, test);
      if (!(formulaRmse <= FORMULA_WORSE_FACTOR * numericRmse)) {
        // A larger --lamb prunes harder; when it pruned to the wrong structure the default is the first thing to try.
        const remedy = o.lamb > SUPERVISED_FIT_DEFAULTS.lamb ? `--lamb ${SUPERVISED_FIT_DEFAULTS.lamb} (the default)` : 'another --seed or fewer --candidates';
        warnings.push(
          `${Number.isFinite(formulaRmse) ? `the formula's test RMSE ${formulaRmse.toExponential(2)}` : 'the formula (not finite on some test rows)'} is worse than the numeric model's ${numericRmse.toExponential(2)}; ` +
            `try ${remedy}, or keep the numeric model (no --symbolic)`,
        );
      }
    }
  }
  const summary: SupervisedFitSummary = {
    rmse: rmse(model, test),
    trainRmse: rmse(model, train),
    numericRmse,
    formulaRmse,
    warnings,
    formula,
    latex,
    numericEdges,
    params: model.paramCount(),
    width: [...model.width],
    inputs: [...data.inputNames],
    target: data.targetName,
    rows: { train: train.count, test: test.count },
    steps,
    evaluations,
    seconds: Math.round((performance.now() - start)) / 1000,
    seed: o.seed,
  };
  return { model, summary, history: histories };
}

/** Refuses a flag given more than once (yargs then hands an array to code that expects one value). */
export function refuseRepeatedFlags(args: Readonly<Record<string, unknown>>): void {
  for (const [key, value] of Object.entries(args)) {
    // yargs lists each flag under its dashed and its camelCase name; the dashed (or one-word) one is what the user typed.
    if (key === '_' || key === '$0' || /[A-Z]/.test(key) || !Array.isArray(value)) continue;
    throw new KanpinnInputError(`--${key}: given ${value.length} times; give it once`);
  }
}

/** RMSE over `data` of the formula as printed (rounded numbers); NaN where it leaves its real domain counts as infinite error. */
function printedFormulaRmse(expression: MathNode, inputs: readonly string[], data: FitData): number {
  const compiled = expression.compile();
  const d = inputs.length;
  const scope: Record<string, number> = {};
  let sum = 0;
  for (let r = 0; r < data.count; r++) {
    inputs.forEach((name, k) => (scope[name] = data.inputs[r * d + k] as number));
    const value: unknown = compiled.evaluate(scope);
    const y = typeof value === 'number' ? value : NaN;
    sum += Number.isFinite(y) ? (y - (data.targets[r] as number)) ** 2 : Infinity;
  }
  return Math.sqrt(sum / data.count);
}

/** Writes model.json, kan.svg, network.html, fit.json and history.csv into `dir` as one set (see writeFileSet). */
export async function writeFitOutputs(dir: string, model: KanModel, summary: SupervisedFitSummary, history: FitResult['history'][], points: Float32Array): Promise<string[]> {
  const view = modelView(model, points);
  const title = `KAN [${summary.width.join(', ')}] fit of ${summary.target}`;
  const meta = { target: summary.target, rmse: summary.rmse, formula: summary.formula, date: new Date().toISOString() };
  const cell = (v: number): string => (Number.isFinite(v) ? String(v) : '');
  let offset = 0;
  const lines = ['stage,step,evaluations,seconds,trainRmse,testRmse,reg'];
  history.forEach((h, stage) => {
    for (const row of h.rows) lines.push([stage, row[0]! + offset, ...row.slice(1)].map(cell).join(','));
    offset += h.rows.length;
  });
  const contents = [
    `${JSON.stringify(modelToJson(model, meta))}\n`,
    renderNetworkSvg(view, { title }),
    renderNetworkHtml(view, { title }),
    `${JSON.stringify(summary, null, 2)}\n`,
    `${lines.join('\n')}\n`,
  ];
  return writeFileSet(dir, FIT_OUTPUT_FILES.map((name, i) => ({ name, contents: contents[i]! })));
}
