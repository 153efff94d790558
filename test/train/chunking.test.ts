/**
 * Chunked loss + gradient (src/train/chunking.ts): the chunks' sum equals the unchunked loss and
 * gradient (KAN and MLP, with a periodic term kept whole, causal weighting, the regulariser), the
 * trainer with a forced tiny chunk size follows the unchunked run (annealing and causal ε schedule
 * on) and reports the chunk size, and the choice of the size: automatic within the budget, and a
 * one-line error naming the option when a chunk cannot fit the heap.
 */
import * as tf from '../../src/tf.js';
import { afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { setBackend } from '../../src/backend.js';
import { createModel, type Model } from '../../src/createModel.js';
import { KanpinnInputError } from '../../src/errors.js';
import { parseOptionText } from '../../src/options/training.js';
import { defineProblem } from '../../src/problem/define.js';
import type { Problem } from '../../src/problem/types.js';
import { createRng } from '../../src/random.js';
import { buildChunks, chooseChunkPoints, chunkedResidual, disposeChunks, evaluateChunks, evaluationBytes } from '../../src/train/chunking.js';
import { flattenGrads, trainableVariables } from '../../src/train/params.js';
import { buildTermData, causalBins, disposeTermData, termLosses, termScope, type TermData } from '../../src/train/termData.js';
import { train } from '../../src/train/trainer.js';
import { resolveProblem } from '../../src/index.js';
import { solveProblem } from '../../solvers/solve.js';
import { runSettings } from '../../solvers/commands/solve.js';
import { main } from '../../solvers/cli.js';
import { capture } from '../cli/capture.js';

beforeAll(async () => {
  await setBackend('wasm');
});
afterEach(() => {
  vi.restoreAllMocks();
});

// Poisson with a periodic pair in x (paired points: not chunkable) and a Dirichlet face in y.
const poisson = defineProblem({
  name: 'poisson-periodic',
  variables: ['x', 'y'],
  domain: { type: 'rectangle', min: [0, 0], max: [1, 1] },
  pde: 'u_xx + u_yy + 2*pi^2*sin(pi*x)*sin(pi*y)',
  conditions: [
    { type: 'dirichlet', on: 'y == 0', value: 0 },
    { type: 'dirichlet', on: 'y == 1', value: 0 },
    { type: 'periodic', axis: 'x' },
  ],
});

const heat = defineProblem({
  name: 'heat',
  variables: ['x'],
  time: [0, 2],
  domain: { type: 'interval', min: 0, max: 1 },
  pde: 'u_t - 0.1*u_xx',
  conditions: [{ type: 'dirichlet', on: 'boundary', value: 0 }, { type: 'initial', value: 'sin(pi*x)' }],
});

function termSet(problem: Problem, model: Model, counts: number[], causal?: { epsilon: number; bins: number }): TermData[] {
  const rng = createRng(5);
  const dim = problem.variables.length;
  return problem.terms.map((term, t) => {
    const points = term.sample(counts[t]!, rng, 'random');
    const d = buildTermData(problem, model, term, points);
    if (causal && term.kind === 'pde') d.causal = causalBins(points, dim, dim - 1, problem.time!, causal.epsilon, causal.bins);
    return d;
  });
}

/** The unchunked loss, terms and gradient, as the trainer's objective computes them. */
function unchunked(model: Model, data: TermData[], weights: number[]): { loss: number; terms: number[]; grad: Float64Array } {
  let out = { loss: NaN, terms: [] as number[], grad: new Float64Array(0) };
  tf.tidy(() => {
    let terms: number[] = [];
    const { value, grads } = tf.variableGrads(() => {
      const l = termLosses(model, data, weights);
      terms = Array.from(l.terms.dataSync());
      return l.total;
    }, trainableVariables(model));
    out = { loss: value.dataSync()[0]!, terms, grad: Float64Array.from(flattenGrads(model, grads)) };
  });
  return out;
}

function relDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let num = 0;
  let den = 0;
  for (let i = 0; i < a.length; i++) {
    num += (a[i]! - b[i]!) ** 2;
    den += b[i]! ** 2;
  }
  return Math.sqrt(num / den);
}

describe('chunked evaluation', () => {
  const cases: { name: string; problem: Problem; model: () => Model; counts: number[]; causal?: { epsilon: number; bins: number } }[] = [
    { name: 'KAN, Poisson with a periodic pair', problem: poisson, model: () => createModel({ kind: 'kan', width: [2, 4, 1], grid: 5, seed: 1, inputs: ['x', 'y'], outputs: ['u'] }), counts: [203, 41, 37, 30] },
    { name: 'MLP, Poisson with a periodic pair', problem: poisson, model: () => createModel({ kind: 'mlp', width: [2, 12, 12, 1], seed: 2, inputs: ['x', 'y'], outputs: ['u'] }), counts: [203, 41, 37, 30] },
    { name: 'MLP, causal heat', problem: heat, model: () => createModel({ kind: 'mlp', width: [2, 10, 10, 1], seed: 3, inputs: ['x', 't'], outputs: ['u'] }), counts: [301, 40, 33], causal: { epsilon: 5, bins: 8 } },
    { name: 'KAN, causal heat', problem: heat, model: () => createModel({ kind: 'kan', width: [2, 3, 1], grid: 4, seed: 4, inputs: ['x', 't'], outputs: ['u'] }), counts: [301, 40, 33], causal: { epsilon: 5, bins: 8 } },
  ];
  for (const c of cases) {
    it(`sums to the unchunked loss, terms and gradient: ${c.name}`, () => {
      const model = c.model();
      const data = termSet(c.problem, model, c.counts, c.causal);
      const weights = c.problem.terms.map((_, t) => 0.5 + t);
      const reference = unchunked(model, data, weights);
      const before = tf.memory().numTensors;
      const lastWeight = data.find((d) => d.causal)?.causal?.lastWeight;
      const chunked = buildChunks(c.problem, model, data, 16);
      expect(chunked.chunks.length).toBe(Math.ceil(Math.max(...c.counts) / 16));
      const value = evaluateChunks(model, chunked, data, weights, { gradient: true });
      expect(Math.abs(value.loss - reference.loss) / reference.loss).toBeLessThan(1e-5);
      expect(relDiff(value.terms, reference.terms)).toBeLessThan(1e-5);
      expect(relDiff(value.grad!, reference.grad)).toBeLessThan(1e-5);
      if (lastWeight !== undefined) expect(data.find((d) => d.causal)!.causal!.lastWeight).toBeCloseTo(lastWeight, 5);
      // Forward only (the validation loss): the same loss.
      const forward = evaluateChunks(model, chunked, data, weights, { gradient: false });
      expect(Math.abs(forward.loss - reference.loss) / reference.loss).toBeLessThan(1e-5);
      expect(forward.grad).toBeNull();
      disposeChunks(chunked);
      expect(tf.memory().numTensors).toBe(before);
      data.forEach(disposeTermData);
      model.dispose();
    });
  }

  it('adds the regulariser once', () => {
    const model = createModel({ kind: 'mlp', width: [2, 8, 1], seed: 2, inputs: ['x', 'y'], outputs: ['u'] });
    const data = termSet(poisson, model, [100, 20, 20, 20]);
    const weights = [1, 1, 1, 1];
    const reg = (): tf.Scalar => tf.mul(0.1, tf.sum(tf.square(model.variables()[0]!))) as tf.Scalar;
    const reference = { loss: NaN, grad: new Float64Array(0) };
    tf.tidy(() => {
      const { value, grads } = tf.variableGrads(() => tf.add(termLosses(model, data, weights).total, reg()) as tf.Scalar, trainableVariables(model));
      Object.assign(reference, { loss: value.dataSync()[0]!, grad: flattenGrads(model, grads) });
    });
    const chunked = buildChunks(poisson, model, data, 30);
    const value = evaluateChunks(model, chunked, data, weights, { gradient: true, regularization: reg });
    expect(Math.abs(value.loss - reference.loss) / reference.loss).toBeLessThan(1e-5);
    expect(relDiff(value.grad!, reference.grad)).toBeLessThan(1e-5);
    expect(value.reg).toBeGreaterThan(0);
    disposeChunks(chunked);
    data.forEach(disposeTermData);
    model.dispose();
  });

  it('computes the residual of many candidates in pieces', () => {
    const model = createModel({ kind: 'mlp', width: [2, 8, 1], seed: 2, inputs: ['x', 'y'], outputs: ['u'] });
    const pde = poisson.terms[0]!;
    const points = pde.sample(101, createRng(2), 'random');
    const probe = buildTermData(poisson, model, pde, points);
    const whole = tf.tidy(() => pde.residual(termScope(model, probe)).dataSync() as Float32Array);
    disposeTermData(probe);
    const pieces = chunkedResidual(poisson, model, pde, points, 10);
    expect(pieces.length).toBe(101);
    expect(relDiff(pieces, whole)).toBeLessThan(1e-6);
    model.dispose();
  });
});

describe('the chunk size', () => {
  const mlp = (): Model => createModel({ kind: 'mlp', width: [2, 100, 100, 100, 1], seed: 0, inputs: ['x', 'y'], outputs: ['u'] });

  it('chunks only past the budget, and then within it', () => {
    const model = mlp();
    const data = termSet(poisson, model, [2000, 100, 100, 100]);
    const full = chooseChunkPoints(model, data, { chunkPoints: 0, chunkBudget: 1024 }, 4 * 2 ** 30);
    expect(full.size).toBeNull();
    // A budget of a quarter of the estimate: chunks of about a quarter of the interior points.
    const budget = full.fullBytes / 4 / 2 ** 20;
    const small = chooseChunkPoints(model, data, { chunkPoints: 0, chunkBudget: budget }, 4 * 2 ** 30);
    expect(small.size).toBeGreaterThan(256);
    expect(small.size).toBeLessThan(700);
    expect(small.chunkBytes).toBeLessThanOrEqual(budget * 2 ** 20);
    // Forced: the size given, none when every term is smaller.
    expect(chooseChunkPoints(model, data, { chunkPoints: 300, chunkBudget: 1024 }, null).size).toBe(300);
    expect(chooseChunkPoints(model, data, { chunkPoints: 5000, chunkBudget: 1024 }, null).size).toBeNull();
    data.forEach(disposeTermData);
    model.dispose();
  });

  it('estimates the measured case past the wasm heap: MLP [2,100,100,100,1] at 104k points', () => {
    const model = mlp();
    // 100k interior points with 5 jet channels (u, u_x, u_y, u_xx, u_yy) and 4k boundary points with 1.
    const bytes = evaluationBytes(model, [100_000, 4_000], [5, 1]);
    expect(bytes).toBeGreaterThan(4 * 2 ** 30);
    model.dispose();
  });

  it('refuses a chunk past the heap, naming the option to change', () => {
    const model = mlp();
    const data = termSet(poisson, model, [2000, 100, 100, 100]);
    const heap = chooseChunkPoints(model, data, { chunkPoints: 0, chunkBudget: 1024 }, null).fullBytes / 2;
    expect(() => chooseChunkPoints(model, data, { chunkPoints: 1900, chunkBudget: 1024 }, heap)).toThrow(/^chunkPoints: one chunk of 1900 points per term needs about .* limit; give a smaller --chunk-points N/);
    expect(() => chooseChunkPoints(model, data, { chunkPoints: 0, chunkBudget: 1e6 }, heap)).toThrow(/give a smaller --chunk-budget/);
    // Even the smallest chunk does not fit: chunking cannot help.
    expect(() => chooseChunkPoints(model, data, { chunkPoints: 0, chunkBudget: 1 }, 1e6)).toThrow(/chunking cannot help: use a narrower model \(--width\)/);
    expect(() => chooseChunkPoints(model, data, { chunkPoints: 0, chunkBudget: 1 }, 1e6)).toThrow(KanpinnInputError);
    data.forEach(disposeTermData);
    model.dispose();
  });

  it('reads --chunk-points and --chunk-budget', () => {
    expect(parseOptionText('chunkPoints', '5000')).toBe(5000);
    expect(() => parseOptionText('chunkPoints', 'auto')).toThrow(/^--chunk-points: expected an integer >= 0, got "auto"$/);
    expect(() => parseOptionText('chunkBudget', '0')).toThrow(/^--chunk-budget: expected a positive number, got 0$/);
  });
});

describe('training in chunks', () => {
  it('follows the unchunked run (Adam, learning-rate annealing, causal ε schedule) and reports the chunk size', async () => {
    const run = async (chunkPoints: number) => {
      const model = createModel({ kind: 'mlp', width: [2, 10, 10, 1], seed: 3, inputs: ['x', 't'], outputs: ['u'] });
      const result = await train(heat, model, { optimizer: 'adam', steps: 4, lr: 1e-3, points: 120, boundaryPoints: 30, causal: 1, causalBins: 4, causalMax: 100, annealEvery: 2, evalEvery: 0, chunkPoints });
      model.dispose();
      return result;
    };
    const plain = await run(0);
    const chunked = await run(25);
    expect(plain.chunkPoints).toBeUndefined();
    expect(chunked.chunkPoints).toBe(25);
    const losses = (r: typeof plain): number[] => r.history.rows.map((row) => row[r.history.columns.indexOf('loss')]!);
    expect(relDiff(losses(chunked), losses(plain))).toBeLessThan(1e-5);
    expect(relDiff(Object.values(chunked.weights), Object.values(plain.weights))).toBeLessThan(1e-4);
    expect(Math.abs(chunked.loss - plain.loss) / plain.loss).toBeLessThan(1e-5);
  });

  it('chunks by itself past the budget (chunkBudget)', async () => {
    const model = createModel({ kind: 'mlp', width: [2, 10, 10, 1], seed: 3, inputs: ['x', 't'], outputs: ['u'] });
    const result = await train(heat, model, { optimizer: 'adam', steps: 1, points: 600, boundaryPoints: 30, evalEvery: 0, chunkBudget: 0.5 });
    model.dispose();
    // Over budget even at MIN_CHUNK_POINTS (256): 600 PDE points in 3 even chunks of 200.
    expect(result.chunkPoints).toBe(200);
  });

  // L-BFGS's line search amplifies float rounding over its iterations (measured: 1e-4 after one step
  // of 20 iterations, 4 % after two, 3e-5 after two of 3): short steps show it sees the same objective.
  it('with L-BFGS and a KAN, the same losses', async () => {
    const run = async (chunkPoints: number) => {
      const model = createModel({ kind: 'kan', width: [2, 3, 1], grid: 4, seed: 1, inputs: ['x', 'y'], outputs: ['u'] });
      const result = await train(poisson, model, { optimizer: 'lbfgs', steps: 2, points: 150, boundaryPoints: 24, evalEvery: 0, gridUpdateEvery: 0, chunkPoints, lbfgs: { maxIter: 3 } });
      model.dispose();
      return result;
    };
    const plain = await run(0);
    const chunked = await run(40);
    expect(chunked.chunkPoints).toBe(40);
    const losses = (r: typeof plain): number[] => r.history.rows.map((row) => row[r.history.columns.indexOf('loss')]!);
    expect(relDiff(losses(chunked), losses(plain))).toBeLessThan(1e-4);
    expect(chunked.evaluations).toBe(plain.evaluations);
  });
});

describe('solve', () => {
  it('reports the chunk size in the summary (--json) and the settings when chunking is on, and nothing otherwise', async () => {
    const problem = resolveProblem('poisson1d');
    const tiny = { steps: 1, points: 60, boundaryPoints: 2, seed: 0, model: 'mlp' as const };
    const chunked = await solveProblem(problem, { ...tiny, chunkPoints: 25 });
    expect(chunked.summary.chunkPoints).toBe(25);
    expect(runSettings(problem, chunked.summary, chunked.options, chunked.recipe)['chunk points']).toBe('25 per term (loss and gradient summed over chunks)');
    chunked.model.dispose();
    const plain = await solveProblem(problem, tiny);
    expect(plain.summary.chunkPoints).toBeUndefined();
    expect('chunk points' in runSettings(problem, plain.summary, plain.options, plain.recipe)).toBe(false);
    plain.model.dispose();
  });

  it('refuses a bad --chunk-points with one line naming the flag, exit code 2', async () => {
    const io = capture();
    expect(await main(['solve', 'poisson1d', '--chunk-points', '-3'])).toBe(2);
    expect(io.err().trim()).toBe('kanpinn: --chunk-points: expected an integer >= 0, got -3');
  });
});
