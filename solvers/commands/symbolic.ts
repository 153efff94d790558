/**
 * `kanpinn symbolic <model>`: the formula of a saved KAN. With `--suggest` it ranks library functions
 * for one edge, with `--fix` and `--auto` it makes edges symbolic (pykan's fix_symbolic and
 * auto_symbolic; with the problem known, `--auto` lets the PDE choose the simplest functions layer by
 * layer, see interpret/onProblem.ts), refits the constants on the PDE when the problem is known, and
 * prints the tidied formula with its error against the numeric model and the exact solution.
 */
import type { Argv, CommandModule } from 'yargs';
import {
  autoSymbolic,
  autoSymbolicOnProblem,
  defaultSymbolicLibrary,
  fixSymbolic,
  KanpinnInputError,
  saveModel,
  suggestSymbolic,
  symbolicFormula,
  train,
  type KanModel,
  type Problem,
  type SymbolicFormula,
  type SymbolicTrial,
} from '../../src/index.js';
import { printError, printJson, printLine } from '../cliUtil.js';
import { domainSample, modelFilePath, parseEdge, parsePositiveInt } from '../interpretFlags.js';
import { checkModelFits, problemOf, readModelFile } from '../modelInput.js';
import { prepareOutputFile } from '../outputs.js';

interface SymbolicArgs {
  model: string;
  digits: number;
  tidy: boolean;
  json: boolean;
  auto: boolean;
  lib?: string;
  r2: number;
  suggest?: string;
  top: number;
  fix?: string[];
  train: number;
  problem?: string;
  samples: number;
  seed: number;
  out?: string;
}

/**
 * The library `--auto` tries unless `--lib` says otherwise: the functions PDE solutions are usually
 * made of. A small library keeps wrong but flexible candidates (tan, 1/x, arctanh) from winning on
 * fit noise; the ranking still prefers the simplest function that fits.
 */
export const AUTO_LIBRARY = ['x', 'x^2', 'x^3', 'exp', 'sin', 'cos', 'tanh', 'gaussian'] as const;

const fmt = (v: number | null): string => (v === null || !Number.isFinite(v) ? 'n/a' : v.toExponential(3));

function parseLibrary(text: string | undefined): string[] {
  if (text === undefined) return [...AUTO_LIBRARY];
  const names = String(text).split(',').map((s) => s.trim());
  const known = defaultSymbolicLibrary.names();
  const unknown = names.filter((n) => !known.includes(n));
  if (names.length === 0 || unknown.length > 0) {
    throw new KanpinnInputError(`--lib: expected comma-separated library functions (${known.join(', ')}), got unknown ${unknown.map((u) => `"${u}"`).join(', ') || '""'}`);
  }
  return names;
}

/** `--fix L,I,J=NAME` → the edge and the function. */
function parseFix(text: string, model: KanModel): { edge: [number, number, number]; name: string } {
  const at = String(text).lastIndexOf('=');
  if (at < 0) throw new KanpinnInputError(`--fix: expected LAYER,I,J=NAME such as 0,1,0=sin, got "${text}"`);
  const name = text.slice(at + 1).trim();
  if (!defaultSymbolicLibrary.names().includes(name)) throw new KanpinnInputError(`--fix: "${name}" is not a library function (${defaultSymbolicLibrary.names().join(', ')})`);
  return { edge: parseEdge(text.slice(0, at), model, 'fix'), name };
}

/** One line per layer trial of the PDE-checked --auto: the functions tried and the retrained loss. */
function printTrials(trials: readonly SymbolicTrial[]): void {
  for (const t of trials) {
    const level = (Number.isFinite(t.maxComplexity) ? `complexity <= ${t.maxComplexity}` : 'best-ranked') + (t.restart > 0 ? ` (restart ${t.restart})` : '');
    printLine(`layer ${t.layer} ${level}: ${[...new Set(t.names)].join(', ') || '(nothing to fix)'}, loss ${fmt(t.loss)} after retraining ${t.kept ? 'kept' : 'rejected'}`);
  }
}

/** Relative L2 distance of `values` from `truth`. */
function relL2(values: ArrayLike<number>, truth: ArrayLike<number>): number {
  let num = 0;
  let den = 0;
  for (let n = 0; n < truth.length; n++) {
    num += (values[n]! - truth[n]!) ** 2;
    den += truth[n]! ** 2;
  }
  return Math.sqrt(num / (den || 1));
}

/** The printed formula of output 0 evaluated at row-major points (the rounded-to-print constants are what the user reads; `evaluate` uses the unrounded ones). */
function formulaValues(formula: SymbolicFormula, inputs: readonly string[], points: Float32Array): Float64Array {
  const dim = inputs.length;
  const count = points.length / dim;
  const out = new Float64Array(count);
  const scope: Record<string, number> = {};
  for (let n = 0; n < count; n++) {
    inputs.forEach((name, a) => (scope[name] = points[n * dim + a]!));
    out[n] = formula.evaluate(scope);
  }
  return out;
}

export const symbolicCommand: CommandModule<object, SymbolicArgs> = {
  command: 'symbolic <model>',
  describe: 'read a saved KAN as a formula: suggest, fix or auto-fix symbolic edges, then print the formula and its error',
  builder: (y: Argv) =>
    y
      .positional('model', { type: 'string', describe: 'model.json written by solve, fit, prune or saveModel' })
      .option('digits', { type: 'number', default: 5, describe: 'significant digits' })
      .option('tidy', { type: 'boolean', default: true, describe: 'print numbers that read as a simple multiple of π to the digits shown as that multiple (pi, pi / 2), and two sines or cosines of equal printed weight as a product where shorter; --no-tidy: plain digits and sums' })
      .option('json', { type: 'boolean', default: false, describe: 'print one JSON object' })
      .option('auto', { type: 'boolean', default: false, describe: "make every numeric edge its best library function (pykan's auto_symbolic)" })
      .option('lib', { type: 'string', describe: `library for --auto and --suggest, e.g. sin,exp,x^2 (default ${AUTO_LIBRARY.join(',')})` })
      .option('r2', { type: 'number', default: 0, describe: 'with --auto: edges whose best fit has R² below this stay numeric' })
      .option('suggest', { type: 'string', describe: 'rank library functions for edge LAYER,I,J by R² and simplicity' })
      .option('top', { type: 'number', default: 5, describe: 'with --suggest: candidates shown' })
      .option('fix', { type: 'string', array: true, describe: 'make edge LAYER,I,J the function NAME, e.g. 0,1,0=sin (repeatable)' })
      .option('train', { type: 'number', default: 50, describe: 'when the problem is known: L-BFGS steps of each layer trial of --auto (the simplest functions the PDE accepts) and of the final refit of the constants after --fix/--auto (0: none, --auto ranks by R² alone)' })
      .option('problem', { type: 'string', describe: 'built-in name or problem file (default: the problem the model file records)' })
      .option('samples', { type: 'number', default: 2000, describe: 'points drawn in the domain for fitting edges and comparing' })
      .option('seed', { type: 'number', default: 0, describe: 'seed of those points and of the random restarts of --auto' })
      .option('out', { type: 'string', describe: 'write the model with its symbolic edges (folder or .json file)' })
      .example('$0 symbolic runs/pp/model.json --auto', 'formula of a pruned PDE model, with its error')
      .example('$0 symbolic runs/pp/model.json --suggest 0,1,0', 'best functions for one edge') as never,
  handler: async (args) => {
    const changing = args.auto || (args.fix?.length ?? 0) > 0;
    if (args.suggest !== undefined && changing) throw new KanpinnInputError('--suggest: use it alone (it only ranks candidates); --fix or --auto change the model');
    if (typeof args.r2 !== 'number' || !(args.r2 >= 0 && args.r2 <= 1)) throw new KanpinnInputError(`--r2: expected a number in [0, 1], got ${String(args.r2)}`);
    parsePositiveInt(args.top, 'top');
    parsePositiveInt(args.train, 'train', 0);
    parsePositiveInt(args.samples, 'samples');
    parsePositiveInt(args.seed, 'seed', 0);
    parsePositiveInt(args.digits, 'digits');
    if (args.out !== undefined && !changing) throw new KanpinnInputError('--out: only with --fix or --auto (nothing else changes the model)');
    if (args.out !== undefined) prepareOutputFile(modelFilePath(args.out), '--out');
    const library = parseLibrary(args.lib);
    const loaded = await readModelFile(args.model);
    const model = loaded.model;
    try {
      if (model.kind !== 'kan') throw new KanpinnInputError(`symbolic: ${args.model} holds an MLP; formulas need a KAN`);
      const needsProblem = changing || args.suggest !== undefined || args.problem !== undefined;
      const problem = needsProblem ? problemOf(loaded, args.problem) : null;
      if (problem) checkModelFits(model, problem, args.problem !== undefined ? '--problem' : 'model file');
      if (args.suggest !== undefined) {
        const [l, i, j] = parseEdge(args.suggest, model, 'suggest');
        const points = domainSample(model, problem, args.samples, args.seed);
        const ranked = suggestSymbolic(model, l, i, j, points, { candidates: library, topK: args.top });
        const rows = ranked.map((c) => ({ name: c.name, r2: c.r2, complexity: c.complexity, params: c.params }));
        if (args.json) printJson({ edge: [l, i, j], candidates: rows });
        else {
          // A scaled model's first layer sees x̂ = (x − centre)/half-width: its fits are in x̂ (the formula converts them).
          const scaled = l === 0 ? model.options.scaling : undefined;
          printLine(scaled ? `edge ${l},${i},${j}: c·f(a·x̂ + b) + d with x̂ = (${model.inputs[i]} - ${scaled.center[i]}) / ${scaled.halfWidth[i]} (the model's input scaling)` : `edge ${l},${i},${j}: c·f(a·x + b) + d`);
          for (const c of rows) printLine(`  ${c.name.padEnd(9)} R² ${c.r2.toFixed(6)}  complexity ${c.complexity}  a=${c.params.a.toPrecision(4)} b=${c.params.b.toPrecision(4)} c=${c.params.c.toPrecision(4)} d=${c.params.d.toPrecision(4)}`);
        }
        return;
      }
      if (!changing) {
        const formulas = symbolicFormula(model, { significantDigits: args.digits, snapPi: args.tidy, trigProducts: args.tidy });
        const rows = formulas.map((f, j) => ({ output: model.outputs[j]!, formula: f.text, latex: f.latex }));
        if (args.json) printJson({ inputs: [...model.inputs], formulas: rows });
        else for (const r of rows) printLine(`${r.output} = ${r.formula}`);
        return;
      }
      await makeSymbolic(args, model, problem, library);
    } finally {
      model.dispose();
    }
  },
};

async function makeSymbolic(args: SymbolicArgs, given: KanModel, problem: Problem | null, library: string[]): Promise<void> {
  let model = given;
  let owned: KanModel | null = null; // a model made here (the PDE search returns a new one), disposed at the end
  try {
    const points = domainSample(model, problem, args.samples, args.seed);
    // The numeric model's values before any edge changes: what the formula is compared with.
    const numeric = model.evaluate(points);
    const fixed: { layer: number; i: number; j: number; name: string; r2: number | null }[] = [];
    for (const text of args.fix ?? []) {
      const { edge, name } = parseFix(text, model);
      const f = fixSymbolic(model, ...edge, name, { points });
      fixed.push({ layer: f.layer, i: f.i, j: f.j, name: f.name, r2: f.r2 });
    }
    let skipped: { layer: number; i: number; j: number; best: string; r2: number }[] = [];
    let trials: SymbolicTrial[] = [];
    if (args.auto && problem && args.train > 0 && args.r2 === 0) {
      // The PDE judges each layer: the simplest functions it accepts after retraining, else the best-ranked (see interpret/onProblem.ts).
      const result = await autoSymbolicOnProblem(problem, model, points, { candidates: library, steps: args.train, seed: args.seed });
      owned = result.model;
      model = result.model;
      fixed.push(...result.fixed.map((f) => ({ layer: f.layer, i: f.i, j: f.j, name: f.name, r2: f.r2 })));
      trials = result.trials;
    } else if (args.auto) {
      const report = autoSymbolic(model, points, { candidates: library, r2Threshold: args.r2 });
      fixed.push(...report.fixed.map((f) => ({ layer: f.layer, i: f.i, j: f.j, name: f.name, r2: f.r2 })));
      skipped = report.skipped;
    }
    let trained: { steps: number; loss: number } | null = null;
    if (problem && args.train > 0) {
      // pykan trains again after auto_symbolic: the affine constants (and the splines of edges still numeric) are refitted on the PDE.
      const result = await train(problem, model, { steps: args.train, grids: null, gridUpdateEvery: 0, sampling: 'sobol', evalEvery: 0 });
      trained = { steps: result.steps, loss: result.loss };
    } else if (!problem && args.train > 0 && !args.json) {
      printError('symbolic: no problem known (the model file names none this install knows); constants are the edge fits, not refitted on a PDE');
    }
    const out = args.out !== undefined ? modelFilePath(args.out) : null;
    if (out) await saveModel(model, out, { problem: problem?.name ?? null, symbolicFrom: args.model, date: new Date().toISOString() });
    const live = model.layers.some((layer) => layer.mask.some((m, e) => m !== 0 && !layer.symbolic?.mask[e]));
    if (live) {
      const result = { fixed, skipped, trials, formula: null, trained, file: out };
      if (args.json) printJson(result);
      else {
        for (const f of fixed) printLine(`fixed ${f.layer},${f.i},${f.j} = ${f.name}${f.r2 === null ? '' : ` (R² ${f.r2.toFixed(6)})`}`);
        for (const s of skipped) printLine(`numeric ${s.layer},${s.i},${s.j}: best ${s.best} has R² ${s.r2.toFixed(6)} < --r2`);
        printLine('some edges are still numeric: no formula yet (lower --r2, or --fix them)');
        if (out) printLine(`wrote ${out}`);
      }
      return;
    }
    const formulas = symbolicFormula(model, { significantDigits: args.digits, snapPi: args.tidy, trigProducts: args.tidy });
    const rows = formulas.map((f, j) => {
      const values = formulaValues(f, model.inputs, points);
      const own = numeric[model.outputs[j]!]!;
      return { output: model.outputs[j]!, formula: f.text, latex: f.latex, relL2VsNumeric: relL2(values, own) };
    });
    let exact: { relL2: number; source: string } | null = null;
    const test = problem?.testSet?.();
    if (test) {
      const nOut = model.outputs.length;
      const values = formulas.map((f) => formulaValues(f, model.inputs, test.coords));
      const joined = new Float64Array(test.count * nOut);
      for (let n = 0; n < test.count; n++) for (let j = 0; j < nOut; j++) joined[n * nOut + j] = values[j]![n]!;
      exact = { relL2: relL2(joined, test.values), source: `${test.source} (${test.count} points)` };
    }
    if (args.json) printJson({ inputs: [...model.inputs], fixed, skipped, trials, trained, formulas: rows, exact, file: out });
    else {
      printTrials(trials);
      for (const r of rows) printLine(`${r.output} = ${r.formula}`);
      printLine(`  rel. L2 vs the numeric model ${rows.map((r) => fmt(r.relL2VsNumeric)).join(', ')} on ${args.samples} points${trained ? ` (constants refitted: ${trained.steps} L-BFGS steps on ${problem!.name})` : ''}`);
      if (exact) printLine(`  rel. L2 vs ${exact.source} ${fmt(exact.relL2)}`);
      if (out) printLine(`  wrote ${out}`);
    }
  } finally {
    (owned as KanModel | null)?.dispose();
  }
}
