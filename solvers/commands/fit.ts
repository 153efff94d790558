/** `kanpinn fit <data.csv>`: supervised KAN fit from a table, pruning, refinement, symbolic formula. */
import { readFile } from 'node:fs/promises';
import type { Argv, CommandModule } from 'yargs';
import { defaultBackendName, defaultSymbolicLibrary, KanpinnInputError, parseBackendName, parseCsv, parseOptionText, setBackend, type CsvData } from '../../src/internal.js';
import { parseIntList, printError, printJson, printLine } from '../cliUtil.js';
import { refuseRepeatedFlags, runSupervisedFit, SUPERVISED_FIT_DEFAULTS, writeFitOutputs } from '../fit.js';
import { FIT_OUTPUT_FILES, prepareOutputDir } from '../outputs.js';
import { catchInterrupts } from '../signals.js';

interface FitArgs {
  data: string;
  target?: string;
  width: string;
  grids: string;
  /** Numbers are read as text, so that a bad one is quoted back naming its flag. */
  k: string | number;
  steps: string | number;
  lamb: string | number;
  prune: boolean;
  symbolic: boolean;
  candidates?: string;
  r2Threshold: string | number;
  testFraction: string | number;
  seed: string | number;
  digits: string | number;
  json: boolean;
  out?: string;
  quiet: boolean;
  backend?: string;
}

/** A number flag read from its text (yargs would turn "abc" into NaN); the message quotes what was written. */
function numberFlag(raw: unknown, flag: string, ok: (v: number) => boolean, expected: string): number {
  const text = String(raw).trim();
  const value = text === '' ? Number.NaN : Number(text);
  if (!Number.isFinite(value) || !ok(value)) throw new KanpinnInputError(`--${flag}: expected ${expected}, got ${Number.isFinite(value) ? text : JSON.stringify(String(raw))}`);
  return value;
}

/** Parses the CSV; an unknown target column is reported against the flag the user wrote. */
function readTable(text: string, file: string, target: string | undefined): CsvData {
  try {
    return parseCsv(text, { target });
  } catch (error) {
    if (!(error instanceof KanpinnInputError)) throw error;
    const detail = error.message.replace(/^parseCsv: /, '');
    if (target !== undefined && detail.startsWith(`target "${target}" is not a column`)) {
      throw new KanpinnInputError(`--target: "${target}" is not a column of ${file}${detail.slice(`target "${target}" is not a column`.length)}`);
    }
    throw error;
  }
}

export const fitCommand: CommandModule<object, FitArgs> = {
  command: 'fit <data>',
  describe: 'fit a KAN to a CSV table (header row; the last column is the target) and read off a formula',
  builder: (y: Argv) =>
    y
      .positional('data', { type: 'string', describe: 'CSV file with a header row' })
      .option('target', { type: 'string', describe: 'name of the target column (default: the last column)' })
      .option('width', { type: 'string', default: SUPERVISED_FIT_DEFAULTS.width.join(','), describe: 'hidden widths, e.g. 5 or 5,3 (or full widths such as 2,5,1)' })
      .option('grids', { type: 'string', default: SUPERVISED_FIT_DEFAULTS.grids.join(','), describe: 'grid schedule: initial grid, then one refinement per entry' })
      .option('k', { type: 'string', default: SUPERVISED_FIT_DEFAULTS.k, describe: 'spline degree' })
      .option('steps', { type: 'string', default: SUPERVISED_FIT_DEFAULTS.steps, describe: 'L-BFGS steps per stage' })
      .option('lamb', { type: 'string', default: SUPERVISED_FIT_DEFAULTS.lamb, describe: 'sparsification weight of the first stage (0: off)' })
      .option('prune', { type: 'boolean', default: SUPERVISED_FIT_DEFAULTS.prune, describe: 'prune unimportant nodes and edges after the first stage' })
      .option('symbolic', { type: 'boolean', default: SUPERVISED_FIT_DEFAULTS.symbolic, describe: 'snap every edge to a library function and print the formula' })
      .option('candidates', { type: 'string', describe: 'comma-separated library functions for --symbolic (default: all)' })
      .option('r2-threshold', { type: 'string', default: SUPERVISED_FIT_DEFAULTS.r2Threshold, describe: 'edges whose best fit has a lower r² stay numeric' })
      .option('test-fraction', { type: 'string', default: SUPERVISED_FIT_DEFAULTS.testFraction, describe: 'share of rows held out for the test RMSE' })
      .option('seed', { type: 'string', default: 0, describe: 'seed of the split, the initialisation and the fit' })
      .option('digits', { type: 'string', default: SUPERVISED_FIT_DEFAULTS.digits, describe: 'significant digits in the formula' })
      .option('json', { type: 'boolean', default: false, describe: 'print one JSON object with the result' })
      .option('out', { type: 'string', describe: 'write model.json, kan.svg, network.html, fit.json and history.csv into this folder' })
      .option('quiet', { type: 'boolean', default: false, describe: 'no stage messages on stderr' })
      .example('$0 fit data.csv --symbolic', 'KAN [d,5,1], sparsify, prune, refine 3→10, formula') as never,
  handler: async (args) => {
    refuseRepeatedFlags(args);
    const steps = parseOptionText('steps', String(args.steps));
    const k = parseOptionText('k', String(args.k));
    const seed = parseOptionText('seed', String(args.seed));
    const lamb = numberFlag(args.lamb, 'lamb', (v) => v >= 0, 'a number >= 0');
    const r2Threshold = numberFlag(args.r2Threshold, 'r2-threshold', (v) => v >= 0 && v <= 1, 'a number in [0, 1]');
    const testFraction = numberFlag(args.testFraction, 'test-fraction', (v) => v > 0 && v < 1, 'a number in (0, 1)');
    const digits = numberFlag(args.digits, 'digits', (v) => Number.isInteger(v) && v >= 2 && v <= 17, 'an integer from 2 to 17');
    if (args.out !== undefined) prepareOutputDir(args.out, '--out', FIT_OUTPUT_FILES);
    let text: string;
    try {
      text = await readFile(args.data, 'utf8');
    } catch (error) {
      throw new KanpinnInputError(`fit: cannot read ${args.data}: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`);
    }
    const data = readTable(text, args.data, args.target);
    const candidates = args.candidates ? args.candidates.split(',').map((s) => s.trim()) : null;
    for (const name of candidates ?? []) defaultSymbolicLibrary.require(name, '--candidates');
    await setBackend(args.backend ? parseBackendName(args.backend, '--backend') : defaultBackendName());
    // Ctrl-C and SIGTERM end the current stage, then the outputs are written (handlers stay until then).
    const interrupts = catchInterrupts();
    const { model, summary, history } = await runSupervisedFit(
      data,
      {
        width: parseIntList(args.width, 'width'),
        grids: parseIntList(args.grids, 'grids'),
        k: k ?? undefined,
        steps,
        lamb,
        prune: args.prune,
        symbolic: args.symbolic,
        candidates,
        r2Threshold,
        testFraction,
        seed,
        digits,
        source: args.data,
      },
      (stage) => {
        if (!args.quiet && !args.json) printError(`fit: ${stage}`);
      },
      interrupts.signal,
    );
    let files: string[] = [];
    if (args.out) {
      const d = data.inputNames.length;
      const points = new Float32Array(data.target.length * d);
      data.inputs.forEach((row, r) => row.forEach((v, k) => (points[r * d + k] = v)));
      files = await writeFitOutputs(args.out, model, summary, history, points);
    }
    if (args.json) printJson({ ...summary, ...(args.out ? { files } : {}) });
    else {
      printLine(`KAN [${summary.width.join(',')}] on ${summary.rows.train} rows, ${summary.params} parameters, ${summary.steps} steps, ${summary.seconds.toFixed(1)} s`);
      printLine(`  test RMSE ${summary.rmse.toExponential(3)}  train RMSE ${summary.trainRmse.toExponential(3)}`);
      if (summary.formulaRmse !== null) printLine(`  test RMSE of the numeric model ${summary.numericRmse.toExponential(3)}, of the printed formula ${summary.formulaRmse.toExponential(3)}`);
      if (summary.formula !== null) printLine(`  ${summary.target} = ${summary.formula}`);
      for (const warning of summary.warnings) printLine(`  warning: ${warning}`);
      if (summary.numericEdges.length) printLine(`  no formula: edges still numeric (best r² below --r2-threshold): ${summary.numericEdges.join(', ')}`);
      if (files.length) printLine(`  wrote ${files.join(', ')}`);
    }
    if (interrupts.received()) {
      printError(`kanpinn: interrupted (${interrupts.received()})${args.out ? '; outputs written' : ''}`);
      process.exitCode = interrupts.exitCode()!;
    }
    interrupts.dispose();
    model.dispose();
  },
};
