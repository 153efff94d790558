/** `kanpinn bench`: the benchmark suites of record (JSON with the machine description, or a table). */
import type { CommandModule } from 'yargs';
import { KanpinnInputError, setBackend, parseBackendName, defaultBackendName } from '../../src/index.js';
import { EVAL_CASES, repeatsFor, runEvalCase, type EvalResult } from '../bench/evalSuite.js';
import { machineInfo } from '../bench/machine.js';
import { printError, printJson, printLine } from '../cliUtil.js';

const SUITES = ['eval'] as const;

interface BenchArgs {
  suite: string;
  json: boolean;
  quick: boolean;
  only?: string;
  backend?: string;
}

function table(rows: EvalResult[]): string {
  const lines = ['| case | model | width | grid | points | params | ms per loss+gradient |', '|---|---|---|---|---|---|---|'];
  for (const r of rows) lines.push(`| ${r.name} | ${r.model} | [${r.width.join(',')}] | ${r.grid ?? '–'} | ${r.points} | ${r.params} | ${r.msPerEval} |`);
  return lines.join('\n');
}

export const benchCommand: CommandModule<object, BenchArgs> = {
  command: 'bench',
  describe: 'run a benchmark suite (eval: cost per loss+gradient evaluation)',
  builder: (y) =>
    y
      .option('suite', { type: 'string', default: 'eval', describe: `suite to run: ${SUITES.join(', ')}` })
      .option('json', { type: 'boolean', default: false, describe: 'print one JSON object' })
      .option('quick', { type: 'boolean', default: false, describe: 'fewer repeats (noisier)' })
      .option('only', { type: 'string', describe: 'comma-separated case names to run' }) as never,
  handler: async (args) => {
    if (!(SUITES as readonly string[]).includes(args.suite)) {
      throw new KanpinnInputError(`--suite: unknown suite "${args.suite}" (expected one of ${SUITES.join(', ')})`);
    }
    await setBackend(args.backend ? parseBackendName(args.backend, '--backend') : defaultBackendName());
    const names = args.only?.split(',').map((s) => s.trim());
    const cases = names ? EVAL_CASES.filter((c) => names.includes(c.name)) : EVAL_CASES;
    if (names && cases.length !== names.length) {
      const unknown = names.filter((n) => !EVAL_CASES.some((c) => c.name === n));
      throw new KanpinnInputError(`--only: unknown case ${unknown.join(', ')} (cases are ${EVAL_CASES.map((c) => c.name).join(', ')})`);
    }
    const results: EvalResult[] = [];
    for (const c of cases) {
      const { repeats, warmup } = repeatsFor(c, args.quick);
      if (!args.json) printError(`bench eval: ${c.name} (${repeats} repeats)`);
      results.push(runEvalCase(c, repeats, warmup));
    }
    const machine = machineInfo();
    if (args.json) printJson({ suite: 'eval', backend: machine.backend, machine, results });
    else {
      printLine(`eval suite on ${machine.cpu} (${machine.cores} cores), backend ${machine.backend}, tfjs ${machine.tfjs}, ${machine.node}`);
      printLine(table(results));
    }
  },
};
