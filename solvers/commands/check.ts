/** `kanpinn check <problem> [--json]`: validate a problem and measure its exact solution's residuals. */
import type { CommandModule } from 'yargs';
import { KanpinnInputError, checkProblem, parseOptionText } from '../../src/internal.js';
import type { CheckReport } from '../../src/index.js';
import { resolveProblem } from '../../problems/index.js';
import { printJson, printLine } from '../cliUtil.js';

interface CheckArgs {
  problem: string;
  json?: boolean;
  seed?: string | string[];
}

function format(value: number | null | undefined): string {
  return value === null || value === undefined ? '-' : value === 0 ? '0' : value.toExponential(2);
}

function printReport(report: CheckReport): void {
  printLine(`problem ${report.problem}: ${report.ok ? 'ok' : 'FAILED'}`);
  printLine(`  variables ${report.variables.join(', ')}; unknowns ${report.unknowns.join(', ')}; ${report.terms.length} terms`);
  printLine(`  test set: ${report.testSet ? `${report.testSet.count} points (${report.testSet.source})` : 'none (no exact solution or reference data)'}`);
  for (const line of report.nonFinite) printLine(`  not finite: ${line}`);
  if (!report.hasExact) {
    printLine(`  no exact solution: ${report.ok ? 'the definition is valid' : 'the definition parses but its residuals are not finite'}; residuals not measured`);
    return;
  }
  printLine(`  exact solution: ${report.method === 'symbolic' ? 'symbolic derivatives (mathjs)' : 'central finite differences (float64)'}`);
  const width = Math.max(...report.terms.map((t) => t.name.length));
  for (const term of report.terms) {
    const extra = term.sourceScale !== undefined ? `  (source scale ${format(term.sourceScale)})` : '';
    printLine(`  ${term.name.padEnd(width)}  ${String(term.points).padStart(6)} pts  max |r| ${format(term.maxAbs)}${extra}`);
  }
  printLine(
    `  max residual ${format(report.maxResidual)} (relative ${format(report.relResidual)}, bound ${format(report.bounds.relResidual)}); ` +
      `max condition error ${format(report.maxConditionError)} (bound ${format(report.bounds.conditionError)})`,
  );
}

export const checkCommand: CommandModule<object, CheckArgs> = {
  command: 'check <problem>',
  describe: 'validate a problem (built-in name or .json file); with an exact solution, report its max residual and condition error',
  builder: (yargs) =>
    yargs
      .positional('problem', { type: 'string', demandOption: true, describe: 'built-in name or path to a JSON problem file' })
      .option('json', { type: 'boolean', describe: 'print one JSON object' })
      .option('seed', { type: 'string', describe: 'seed of the sampled check points (default: 1234)' }),
  handler: (args) => {
    if (Array.isArray(args.seed)) throw new KanpinnInputError(`--seed: given ${args.seed.length} times; give it once`);
    // The same rules as solve's --seed (an integer in [0, 2^32 - 1]), not yargs' number parsing, which lets 'abc' through as NaN.
    const seed = args.seed === undefined ? 1234 : parseOptionText('seed', args.seed);
    const problem = resolveProblem(args.problem);
    const report = checkProblem(problem, { seed });
    // An inverse problem: its parameters (declarations and warnings), whose truth (else initial value) the residuals used.
    const inferred = problem.inferred;
    if (args.json) printJson(inferred ? { ...report, inferred } : report);
    else {
      printReport(report);
      if (inferred) {
        const what = inferred.parameters.map((p) => `${p.name} = ${p.truth ?? p.initial} (${p.truth !== undefined ? 'truth' : 'initial value, no truth given'})`);
        printLine(`  parameters to infer, at: ${what.join(', ')}`);
        for (const warning of inferred.warnings) printLine(`  warning: ${warning}`);
      }
    }
    if (!report.ok) process.exitCode = 1;
  },
};
