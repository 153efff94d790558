/** `kanpinn plot <model.json> --out FILE.svg|FILE.html`: the network diagram of a saved KAN. */
import type { Argv, CommandModule } from 'yargs';
import { createRng, KanpinnInputError, loadModel, modelView, type KanModel } from '../../src/index.js';
import { writeFileAtomic } from '../../src/internal.js';
import { renderNetworkHtml, renderNetworkSvg } from '../../viz/index.js';
import { printLine } from '../cliUtil.js';
import { checkViewMemory, prepareOutputFile } from '../outputs.js';

interface PlotArgs {
  model: string;
  out: string;
  points: number;
  seed: number;
}

/** Uniform random points over the first layer's grid range (where the model was trained). */
export function gridRangePoints(model: KanModel, count: number, seed: number): Float32Array {
  const rng = createRng(seed);
  const first = model.layers[0]!;
  const d = model.inputs.length;
  const out = new Float32Array(count * d);
  for (let n = 0; n < count; n++) {
    for (let i = 0; i < d; i++) {
      const t = first.knots[i]!;
      const [lo, hi] = [t[first.k]!, t[t.length - 1 - first.k]!];
      out[n * d + i] = lo + (hi - lo) * rng.next();
    }
  }
  return out;
}

export const plotCommand: CommandModule<object, PlotArgs> = {
  command: 'plot <model>',
  describe: 'draw a saved KAN: every edge function, importance as opacity, symbolic edges with formulas',
  builder: (y: Argv) =>
    y
      .positional('model', { type: 'string', describe: 'model.json written by solve, fit or saveModel' })
      .option('out', { type: 'string', demandOption: true, describe: 'FILE.svg (static) or FILE.html (interactive)' })
      .option('points', { type: 'number', default: 1000, describe: 'sample points over the grid range for ranges and importance' })
      .option('seed', { type: 'number', default: 0 }) as never,
  handler: async (args) => {
    const kind = args.out.endsWith('.svg') ? 'svg' : args.out.endsWith('.html') ? 'html' : null;
    if (kind === null) throw new KanpinnInputError(`--out: expected a file name ending in .svg or .html, got "${args.out}"`);
    if (!Number.isInteger(args.points) || args.points < 2) throw new KanpinnInputError(`--points: expected an integer >= 2, got ${args.points}`);
    prepareOutputFile(args.out, '--out');
    const model = await loadModel(args.model);
    try {
      if (model.kind !== 'kan') throw new KanpinnInputError(`plot: ${args.model} holds an MLP; the diagram needs a KAN`);
      checkViewMemory(model.width, args.points, '--points');
      const view = modelView(model, gridRangePoints(model, args.points, args.seed));
      const title = `KAN [${model.width.join(', ')}]`;
      await writeFileAtomic(args.out, kind === 'svg' ? renderNetworkSvg(view, { title }) : renderNetworkHtml(view, { title }));
      printLine(`wrote ${args.out}`);
    } finally {
      model.dispose();
    }
  },
};
