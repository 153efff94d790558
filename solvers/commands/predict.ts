/** `kanpinn predict <model>`: evaluate a saved model on points from a CSV, a grid of the domain or the test set. */
import { readFile } from 'node:fs/promises';
import { extname } from 'node:path';
import type { Argv, CommandModule } from 'yargs';
import { KanpinnInputError } from '../../src/index.js';
import { openAtomicWriter } from '../../src/internal.js';
import { printError, printLine } from '../cliUtil.js';
import { prepareOutputFile } from '../outputs.js';
import { checkModelFits, problemOf, readModelFile } from '../modelInput.js';
import { gridPoints, parseDerivatives, pointsFromCsv, predictChunks, predictPlan, testPoints, type PredictPoints, type PredictSummary } from '../predict.js';

interface PredictArgs {
  model: string;
  points?: string;
  grid?: string;
  time?: string;
  test: boolean;
  derivatives?: string;
  problem?: string;
  out?: string;
  json: boolean;
  chunk: number;
  quiet: boolean;
}

const fmt = (v: number | null): string => (v === null || !Number.isFinite(v) ? 'n/a' : v.toExponential(3));

/** The destination: a file (written to a temp file, renamed when complete) or stdout. */
interface Sink {
  write(text: string): Promise<void>;
  close(): Promise<void>;
  abort(): Promise<void>;
}

async function fileSink(path: string): Promise<Sink> {
  const writer = openAtomicWriter(path);
  return {
    write: async (text) => writer.write(text),
    close: async () => writer.close(),
    abort: async () => writer.abort(),
  };
}

function stdoutSink(): Sink {
  return {
    write: (text) => new Promise<void>((resolve) => (process.stdout.write(text) ? resolve() : process.stdout.once('drain', () => resolve()))),
    close: async () => undefined,
    abort: async () => undefined,
  };
}

const cell = (v: number): string => (Number.isFinite(v) ? String(v) : '');

export const predictCommand: CommandModule<object, PredictArgs> = {
  command: 'predict <model>',
  describe: 'evaluate a saved model on points from a CSV, a grid of the domain or the problem\'s test set',
  builder: (y: Argv) =>
    y
      .positional('model', { type: 'string', describe: 'model.json written by solve, fit or saveModel' })
      .option('points', { type: 'string', describe: 'CSV whose header names the model\'s inputs (other columns are ignored)' })
      .option('grid', { type: 'string', describe: 'regular grid of the domain, one count per axis, e.g. 200x200 (spatial axes only with --time)' })
      .option('time', { type: 'string', describe: 'with --grid: times of the slices, e.g. 0,0.5,1' })
      .option('test', { type: 'boolean', default: false, describe: "the problem's test set (exact or reference values)" })
      .option('derivatives', { type: 'string', describe: 'outputs and derivatives to write, e.g. u,u_x,u_xx (default: the outputs)' })
      .option('problem', { type: 'string', describe: 'built-in name or problem file: adds the PDE residual and the error against the exact solution (default domain: the problem the model file records)' })
      .option('out', { type: 'string', describe: 'write a .csv or .json file (default: CSV on stdout)' })
      .option('json', { type: 'boolean', default: false, describe: 'print JSON instead of CSV on stdout' })
      .option('chunk', { type: 'number', default: 4096, describe: 'points evaluated at a time (bounds memory)' })
      .option('quiet', { type: 'boolean', default: false, describe: 'no progress on stderr' })
      .example('$0 predict runs/p/model.json --grid 200x200 --out u.csv', 'u on a 200 × 200 grid of the domain')
      .example('$0 predict runs/h/model.json --grid 101 --time 0,0.5,1 --derivatives u,u_x --problem heat1d', 'three time slices with the residual and the error') as never,
  handler: async (args) => {
    const sources = [args.points !== undefined, args.grid !== undefined, args.test].filter(Boolean).length;
    if (sources !== 1) throw new KanpinnInputError(`predict: give exactly one of --points FILE.csv, --grid NxM or --test, got ${sources}`);
    if (args.time !== undefined && args.grid === undefined) throw new KanpinnInputError('--time: only with --grid (the times of the grid\'s slices)');
    if (!Number.isInteger(args.chunk) || args.chunk < 1) throw new KanpinnInputError(`--chunk: expected an integer >= 1, got ${args.chunk}`);
    const format = args.out === undefined ? (args.json ? 'json' : 'csv') : extname(args.out).toLowerCase().slice(1);
    if (format !== 'csv' && format !== 'json') throw new KanpinnInputError(`--out: expected a file name ending in .csv or .json, got "${args.out}"`);
    if (args.out !== undefined) prepareOutputFile(args.out, '--out');
    const loaded = await readModelFile(args.model);
    const { model } = loaded;
    try {
      const explicit = args.problem !== undefined ? problemOf(loaded, args.problem) : null;
      if (explicit) checkModelFits(model, explicit, '--problem');
      // The recorded problem gives the domain and the test set; only an explicit --problem adds residuals.
      const recorded = explicit ?? problemOf(loaded, undefined);
      let points: PredictPoints;
      if (args.points !== undefined) {
        let text: string;
        try {
          text = await readFile(args.points, 'utf8');
        } catch (error) {
          throw new KanpinnInputError(`--points: cannot read ${args.points}: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`);
        }
        points = pointsFromCsv(text, model.inputs, args.points);
      } else if (args.grid !== undefined) points = gridPoints(model, recorded, args.grid, args.time);
      else points = testPoints(recorded);
      const derivatives = parseDerivatives(args.derivatives, model);
      const sink = args.out !== undefined ? await fileSink(args.out) : stdoutSink();
      const options = { derivatives, problem: explicit ?? (args.test ? recorded : null), chunk: args.chunk };
      const columns = predictPlan(model, points, options).columns;
      // An inverse problem's parameters as the model learned them (model.json keeps them).
      const inferred = model.inferred ? `\n  "parameters": ${JSON.stringify(model.inferred.values())},` : '';
      let first = true;
      let summary: PredictSummary;
      try {
        await sink.write(
          format === 'csv'
            ? `${columns.join(',')}\n`
            : `{\n  "model": ${JSON.stringify(args.model)},\n  "points": ${JSON.stringify(points.source)},\n  "columns": ${JSON.stringify(columns)},${inferred}\n  "rows": [`,
        );
        const write = async (rows: number[][]): Promise<void> => {
          if (format === 'csv') {
            await sink.write(`${rows.map((r) => r.map(cell).join(',')).join('\n')}\n`);
            return;
          }
          // JSON has no NaN: a value that is not finite is written as null.
          const text = rows.map((r, k) => `${first && k === 0 ? '\n    ' : ',\n    '}[${r.map((v) => (Number.isFinite(v) ? String(v) : 'null')).join(',')}]`).join('');
          first = false;
          await sink.write(text);
        };
        const progress = (done: number, total: number): void => {
          if (!args.quiet && total > args.chunk) printError(`predict: ${done}/${total} points`);
        };
        ({ summary } = await predictChunks(model, points, options, write, progress));
        if (format === 'json') await sink.write(`\n  ],\n  "summary": ${JSON.stringify(summary)}\n}\n`);
        await sink.close();
      } catch (error) {
        await sink.abort();
        throw error;
      }
      const line = summaryLine(points, summary);
      if (args.out !== undefined) printLine(`wrote ${args.out}: ${line}`);
      else if (!args.quiet) printError(`predict: ${line}`);
    } finally {
      model.dispose();
    }
  },
};

function summaryLine(points: PredictPoints, s: PredictSummary): string {
  const parts = [`${s.points} points (${points.source})`];
  if (s.relL2 !== null) parts.push(`rel. L2 ${fmt(s.relL2)}, max |error| ${fmt(s.maxAbsErr)}`);
  for (const [name, rms] of Object.entries(s.residualRms)) parts.push(`residual ${name} rms ${fmt(rms)}`);
  return parts.join('; ');
}
