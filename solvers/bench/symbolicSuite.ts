/**
 * The interpretability benchmark (`kanpinn bench --suite symbolic`): pykan's full "hello KAN"
 * workflow (f(x, y) = exp(sin(πx) + y²), 1000 samples, KAN [2,5,1] G=3 → fit with λ = 0.001 →
 * prune → fit → refine 10 → fit → autoSymbolic → fit, 50 L-BFGS steps per fit), timed stage by
 * stage; symbolic fitting timed as pykan reports it (suggest over the whole library for one edge,
 * auto over 5 functions); and pykan's Example 6, a KAN [2,2,1] PINN on poisson2d made symbolic.
 */
import { resolveProblem } from '../../problems/index.js';
import {
  autoSymbolic,
  createKan,
  createRng,
  fit,
  fixSymbolic,
  prune,
  refine,
  suggestSymbolic,
  symbolicFormula,
  train,
  type FitData,
  type KanModel,
} from '../../src/index.js';
import { solveProblem } from '../solve.js';

/** pykan's own times on this kind of machine (seconds), from the issue. */
const PYKAN_SECONDS = { suggestFullLibraryOneEdge: 16, autoSymbolicFiveFunctions: 9 };
const HELLO_LIBRARY = ['x', 'x^2', 'x^3', 'x^4', 'exp', 'log', 'sqrt', 'tanh', 'sin', 'abs'];

/** pykan's hello-KAN data: `count` seeded samples of exp(sin(πx) + y²) on [−1, 1]². */
export function helloData(count: number, seed: number): FitData {
  const rng = createRng(seed);
  const inputs = new Float32Array(2 * count);
  const targets = new Float32Array(count);
  for (let n = 0; n < count; n++) {
    const [x, y] = [rng.next() * 2 - 1, rng.next() * 2 - 1];
    inputs.set([x, y], 2 * n);
    targets[n] = Math.exp(Math.sin(Math.PI * x) + y * y);
  }
  return { inputs, targets, count };
}

async function timed<T>(stages: Record<string, number>, name: string, run: () => Promise<T> | T): Promise<T> {
  const start = performance.now();
  const value = await run();
  stages[name] = Math.round(performance.now() - start) / 1000;
  return value;
}

/** The hello-KAN workflow with stage times, the formula and its max error on fresh points. */
async function helloKan(): Promise<Record<string, unknown>> {
  const stages: Record<string, number> = {};
  const train = helloData(1000, 1);
  const test = helloData(1000, 2);
  const start = performance.now();
  let model: KanModel = createKan({ width: [2, 5, 1], grid: 3, k: 3, seed: 1 });
  const swap = (next: KanModel): void => {
    model.dispose();
    model = next;
  };
  await timed(stages, 'fit (λ = 0.001)', () => fit(model, train, { steps: 50, regularization: { lamb: 0.001 }, test }));
  await timed(stages, 'prune', () => swap(prune(model, train.inputs)));
  const width = [...model.width];
  await timed(stages, 'fit after prune', () => fit(model, train, { steps: 50, test }));
  await timed(stages, 'refine 10', () => swap(refine(model, 10, train.inputs).model));
  const refined = await timed(stages, 'fit after refine', () => fit(model, train, { steps: 50, test }));
  const auto = await timed(stages, 'autoSymbolic', () => autoSymbolic(model, train.inputs, { candidates: HELLO_LIBRARY }));
  const last = await timed(stages, 'fit symbolic', () => fit(model, train, { steps: 50, test, gridUpdateEvery: 0 }));
  const [formula] = symbolicFormula(model, { significantDigits: 5 });
  const rng = createRng(7);
  let maxAbsErr = 0;
  for (let n = 0; n < 10000; n++) {
    const [x, y] = [rng.next() * 2 - 1, rng.next() * 2 - 1];
    maxAbsErr = Math.max(maxAbsErr, Math.abs(formula!.evaluate({ x, y }) - Math.exp(Math.sin(Math.PI * x) + y * y)));
  }
  const total = Math.round(performance.now() - start) / 1000;
  model.dispose();
  return {
    seconds: total,
    stages,
    prunedWidth: width,
    testRmseBeforeSymbolic: refined.testRmse,
    testRmseSymbolic: last.testRmse,
    edges: auto.fixed.map((e) => ({ edge: `(${e.layer},${e.i},${e.j})`, name: e.name, r2: e.r2 })),
    formula: formula!.text,
    latex: formula!.latex,
    maxAbsErr,
  };
}

/** Symbolic fitting timed as pykan reports it: the full library on one edge, five functions over the network. */
async function symbolicTimes(): Promise<Record<string, unknown>> {
  const train = helloData(1000, 1);
  const model = createKan({ width: [2, 5, 1], grid: 5, k: 3, seed: 1 });
  await fit(model, train, { steps: 20 });
  const one = performance.now();
  const ranked = suggestSymbolic(model, 0, 0, 0, train.inputs);
  const suggestSeconds = (performance.now() - one) / 1000;
  const all = performance.now();
  autoSymbolic(model, train.inputs, { candidates: ['x', 'x^2', 'exp', 'sin', 'tanh'] });
  const autoSeconds = (performance.now() - all) / 1000;
  model.dispose();
  return {
    suggestFullLibraryOneEdge: { seconds: suggestSeconds, candidates: ranked.length, pykanSeconds: PYKAN_SECONDS.suggestFullLibraryOneEdge, speedup: PYKAN_SECONDS.suggestFullLibraryOneEdge / suggestSeconds },
    autoSymbolicFiveFunctions: { seconds: autoSeconds, edges: 15, pykanSeconds: PYKAN_SECONDS.autoSymbolicFiveFunctions, speedup: PYKAN_SECONDS.autoSymbolicFiveFunctions / autoSeconds },
  };
}

/**
 * pykan's Example 6: KAN [2,2,1] PINN on poisson2d; as in pykan, the first layer is fixed to x and
 * retrained, the rest made symbolic and retrained; max error of the formula vs sin(πx)·sin(πy).
 */
async function poissonSymbolic(): Promise<Record<string, unknown>> {
  const problem = resolveProblem('poisson2d');
  const start = performance.now();
  const { model, summary } = await solveProblem(problem, { recipe: 'tuned', width: [2, 2, 1], grids: [5, 10], steps: 50 });
  const kan = model as KanModel;
  const rng = createRng(3);
  const points = Float32Array.from({ length: 2000 }, () => rng.next() * 2 - 1);
  for (const [i, j] of [[0, 0], [0, 1], [1, 0], [1, 1]] as const) fixSymbolic(kan, 0, i, j, 'x', { points });
  await train(problem, kan, { steps: 30, grids: null, gridUpdateEvery: 0, sampling: 'sobol' });
  const auto = autoSymbolic(kan, points, { candidates: ['x', 'sin', 'cos'] });
  const refit = await train(problem, kan, { steps: 30, grids: null, gridUpdateEvery: 0, sampling: 'sobol' });
  let formula: string | null = null;
  let maxAbsErr: number | null = null;
  if (auto.skipped.length === 0) {
    const [f] = symbolicFormula(kan, { significantDigits: 5 });
    formula = f!.text;
    maxAbsErr = 0;
    for (let n = 0; n < 10000; n++) {
      const [x, y] = [rng.next() * 2 - 1, rng.next() * 2 - 1];
      maxAbsErr = Math.max(maxAbsErr, Math.abs(f!.evaluate({ x, y }) - Math.sin(Math.PI * x) * Math.sin(Math.PI * y)));
    }
  }
  model.dispose();
  return {
    seconds: Math.round(performance.now() - start) / 1000,
    relL2Numeric: summary.relL2,
    relL2Symbolic: refit.accuracy?.relL2 ?? null,
    edges: auto.fixed.map((e) => `(${e.layer},${e.i},${e.j}) ${e.name} r2=${(e.r2 ?? NaN).toFixed(5)}`),
    formula,
    maxAbsErr,
  };
}

/** Runs the three parts and returns one JSON-ready object. */
export async function runSymbolicSuite(): Promise<object> {
  return { suite: 'symbolic', helloKan: await helloKan(), symbolicFitting: await symbolicTimes(), poisson2d: await poissonSymbolic() };
}
