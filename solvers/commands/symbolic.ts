/** `kanpinn symbolic <model.json>`: the formula of a saved, fully symbolic KAN. */
import type { Argv, CommandModule } from 'yargs';
import { KanpinnInputError, loadModel, symbolicFormula } from '../../src/index.js';
import { printJson, printLine } from '../cliUtil.js';

interface SymbolicArgs {
  model: string;
  digits: number;
  json: boolean;
}

export const symbolicCommand: CommandModule<object, SymbolicArgs> = {
  command: 'symbolic <model>',
  describe: 'print the formula of a saved KAN whose edges are all symbolic',
  builder: (y: Argv) =>
    y
      .positional('model', { type: 'string', describe: 'model.json written by solve, fit or saveModel' })
      .option('digits', { type: 'number', default: 5, describe: 'significant digits' })
      .option('json', { type: 'boolean', default: false, describe: 'print one JSON object' }) as never,
  handler: async (args) => {
    const model = await loadModel(args.model);
    try {
      if (model.kind !== 'kan') throw new KanpinnInputError(`symbolic: ${args.model} holds an MLP; formulas need a KAN`);
      const formulas = symbolicFormula(model, { significantDigits: args.digits });
      const rows = formulas.map((f, j) => ({ output: model.outputs[j]!, formula: f.text, latex: f.latex }));
      if (args.json) printJson({ inputs: [...model.inputs], formulas: rows });
      else for (const r of rows) printLine(`${r.output} = ${r.formula}`);
    } finally {
      model.dispose();
    }
  },
};
