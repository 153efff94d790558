/** `kanpinn problems [--json]`: list the built-in problems. */
import type { CommandModule } from 'yargs';
import { listProblems } from '../../problems/index.js';
import { printJson, printLine } from '../cliUtil.js';

interface ProblemsArgs {
  json?: boolean;
}

export const problemsCommand: CommandModule<object, ProblemsArgs> = {
  command: 'problems',
  describe: 'list the built-in problems with their dimension and whether they have an exact solution or reference data',
  builder: (yargs) => yargs.option('json', { type: 'boolean', describe: 'print one JSON object' }),
  handler: (args) => {
    const problems = listProblems();
    if (args.json) {
      printJson({ problems });
      return;
    }
    const width = Math.max(4, ...problems.map((p) => p.name.length));
    printLine(`${'name'.padEnd(width)}  dim  variables  exact  reference  description`);
    for (const p of problems) {
      printLine(
        `${p.name.padEnd(width)}  ${String(p.dimension).padStart(3)}  ${p.variables.join(',').padEnd(9)}  ${(p.hasExact ? 'yes' : 'no').padEnd(5)}  ${(p.hasReference ? 'yes' : 'no').padEnd(9)}  ${p.description}`,
      );
    }
  },
};
