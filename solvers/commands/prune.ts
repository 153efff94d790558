/** `kanpinn prune <model>`: pykan's prune on a saved KAN (unimportant hidden nodes removed, weak edges masked). */
import type { Argv, CommandModule } from 'yargs';
import { accuracy, KanpinnInputError, prune, PRUNE_DEFAULTS, PRUNE_ON_PROBLEM_DEFAULTS, pruneOnProblem, saveModel, type KanModel, type PruneStep } from '../../src/index.js';
import { printJson, printLine } from '../cliUtil.js';
import { checkModelFits, problemOf, readModelFile } from '../modelInput.js';
import { domainSample, modelFilePath, parsePositiveInt, parseThreshold } from '../interpretFlags.js';
import { prepareOutputFile } from '../outputs.js';

interface PruneArgs {
  model: string;
  threshold: number;
  edgeThreshold?: number;
  samples: number;
  seed: number;
  train: number;
  tolerance: number;
  problem?: string;
  out: string;
  json: boolean;
}

const fmt = (v: number | null | undefined): string => (v === null || v === undefined || !Number.isFinite(v) ? 'n/a' : v.toExponential(3));

export const pruneCommand: CommandModule<object, PruneArgs> = {
  command: 'prune <model>',
  describe: "remove the unimportant nodes and edges of a saved KAN (pykan's prune) and write the smaller model",
  builder: (y: Argv) =>
    y
      .positional('model', { type: 'string', describe: 'model.json of a KAN written by solve, fit or saveModel' })
      .option('threshold', { type: 'number', default: PRUNE_DEFAULTS.nodeThreshold, describe: "hidden nodes whose attribution score is at most this are removed (pykan's node_th)" })
      .option('edge-threshold', { type: 'number', describe: "then edges whose score is at most this are masked (pykan's edge_th; default 3 × --threshold)" })
      .option('train', { type: 'number', default: PRUNE_ON_PROBLEM_DEFAULTS.steps, describe: 'when the problem is known: L-BFGS steps of retraining after each removal; nodes are then removed one at a time while the PDE allows (0: only the thresholds)' })
      .option('tolerance', { type: 'number', default: PRUNE_ON_PROBLEM_DEFAULTS.tolerance, describe: 'with --train: a removal is kept while the retrained loss is at most this times the loss of u = 0' })
      .option('samples', { type: 'number', default: 2000, describe: 'points drawn in the domain to score nodes and edges' })
      .option('seed', { type: 'number', default: 0, describe: 'seed of those points' })
      .option('problem', { type: 'string', describe: 'built-in name or problem file (default: the problem the model file records): its domain and test set' })
      .option('out', { type: 'string', demandOption: true, describe: 'folder (writes model.json there) or a .json file name' })
      .option('json', { type: 'boolean', default: false, describe: 'print one JSON object' })
      .example('$0 prune runs/p/model.json --out runs/pp', 'prune with pykan\'s thresholds, write runs/pp/model.json') as never,
  handler: async (args) => {
    const nodeThreshold = parseThreshold(args.threshold, 'threshold');
    const edgeThreshold = args.edgeThreshold === undefined ? 3 * nodeThreshold : parseThreshold(args.edgeThreshold, 'edge-threshold');
    const samples = parsePositiveInt(args.samples, 'samples');
    const trainSteps = parsePositiveInt(args.train, 'train', 0);
    const tolerance = parseThreshold(args.tolerance, 'tolerance');
    const out = modelFilePath(args.out);
    prepareOutputFile(out, '--out');
    const loaded = await readModelFile(args.model);
    const { model } = loaded;
    try {
      if (model.kind !== 'kan') throw new KanpinnInputError(`prune: ${args.model} holds an MLP; pruning needs a KAN`);
      const problem = problemOf(loaded, args.problem);
      if (problem) checkModelFits(model, problem, args.problem !== undefined ? '--problem' : 'model file');
      const points = domainSample(model, problem, samples, args.seed);
      let pruned: KanModel;
      let steps: PruneStep[] = [];
      let limit: number | null = null;
      if (problem && trainSteps > 0) {
        const result = await pruneOnProblem(problem, model, points, { nodeThreshold, edgeThreshold, steps: trainSteps, tolerance });
        pruned = result.model;
        steps = result.steps;
        limit = result.limit;
      } else pruned = prune(model, points, { nodeThreshold, edgeThreshold });
      try {
        const test = problem?.testSet?.();
        const before = test ? accuracy(model, test).relL2 : null;
        const after = test ? accuracy(pruned, test).relL2 : null;
        const live = pruned.layers.map((l) => l.mask.reduce((s, m) => s + m, 0));
        await saveModel(pruned, out, { ...loaded.meta, prunedFrom: args.model, pruneThresholds: { node: nodeThreshold, edge: edgeThreshold }, ...(limit !== null ? { pruneRetrain: { steps: trainSteps, tolerance } } : {}), relL2: after, date: new Date().toISOString() });
        const result = { width: [...pruned.width], widthBefore: [...model.width], liveEdges: live, params: pruned.paramCount(), relL2Before: before, relL2After: after, steps, lossLimit: limit, file: out };
        if (args.json) printJson(result);
        else {
          for (const st of steps) printLine(`${st.action}: [${st.width.join(',')}], loss ${fmt(st.loss)} after ${trainSteps} steps ${st.kept ? 'kept' : `> ${fmt(limit)}, undone`}`);
          printLine(`pruned [${model.width.join(',')}] → [${pruned.width.join(',')}], live edges per layer ${live.join(', ')}, ${result.params} parameters`);
          if (test) printLine(`  rel. L2 ${fmt(before)} → ${fmt(after)} on ${test.source} (${test.count} points)`);
          printLine(`  wrote ${out}`);
        }
      } finally {
        pruned.dispose();
      }
    } finally {
      model.dispose();
    }
  },
};
