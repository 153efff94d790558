/**
 * The `eval` benchmark: cost of one Poisson loss evaluation plus its gradient with respect to all
 * parameters (u on boundary points; u, u_xx, u_yy on interior points; f = −2π² sin πx sin πy),
 * against grid size, width and point count. Reports the median over repeats after warm-up.
 */
import * as tf from '../../src/tf.js';
import { createModel, createRng, getThreads, jetTensors, type ModelOptions } from '../../src/internal.js';

export interface EvalCase {
  name: string;
  model: ModelOptions;
  interior: number;
  boundary: number;
}

export interface EvalResult {
  name: string;
  model: 'kan' | 'mlp';
  width: number[];
  grid: number | null;
  points: number;
  params: number;
  msPerEval: number;
  repeats: number;
  /** Threads of the KAN and MLP kernels (`setThreads`); absent in files saved before threads existed (one). */
  threads?: number;
}

const kan = (grid: number): ModelOptions => ({ kind: 'kan', width: [2, 10, 1], grid, seed: 0 });

/** The rows of record (issue: engine benchmark). */
export const EVAL_CASES: EvalCase[] = [
  { name: 'kan-G5-525', model: kan(5), interior: 441, boundary: 84 },
  { name: 'kan-G20-525', model: kan(20), interior: 441, boundary: 84 },
  { name: 'kan-G100-525', model: kan(100), interior: 441, boundary: 84 },
  { name: 'kan-G5-10k', model: kan(5), interior: 10_000, boundary: 400 },
  { name: 'kan-G5-100k', model: kan(5), interior: 100_000, boundary: 4_000 },
  { name: 'mlp-16x2-525', model: { kind: 'mlp', width: [2, 16, 16, 1], seed: 0 }, interior: 441, boundary: 84 },
  { name: 'mlp-100x3-525', model: { kind: 'mlp', width: [2, 100, 100, 100, 1], seed: 0 }, interior: 441, boundary: 84 },
];

function squarePoints(count: number, seed: number): Float32Array {
  const rng = createRng(seed);
  return Float32Array.from({ length: count * 2 }, () => rng.next() * 2 - 1);
}

function boundaryPoints(count: number): Float32Array {
  const out = new Float32Array(count * 2);
  for (let n = 0; n < count; n++) {
    const s = (4 * n) / count;
    const side = Math.floor(s);
    const a = (s - side) * 2 - 1;
    const xy = [[a, -1], [1, a], [-a, 1], [-1, -a]][side]!;
    out[2 * n] = xy[0]!;
    out[2 * n + 1] = xy[1]!;
  }
  return out;
}

/** Times one case: returns the median ms of `repeats` loss+gradient evaluations after `warmup`. */
export function runEvalCase(c: EvalCase, repeats: number, warmup: number): EvalResult {
  const model = createModel(c.model);
  const interior = squarePoints(c.interior, 1);
  const boundary = boundaryPoints(c.boundary);
  const f = tf.tidy(() => {
    const x = tf.tensor1d(Float32Array.from({ length: c.interior }, (_, n) => interior[2 * n]!));
    const y = tf.tensor1d(Float32Array.from({ length: c.interior }, (_, n) => interior[2 * n + 1]!));
    return tf.sin(x.mul(Math.PI)).mul(tf.sin(y.mul(Math.PI))).mul(-2 * Math.PI * Math.PI);
  });
  const evaluate = (): void =>
    tf.tidy(() => {
      const { value, grads } = tf.variableGrads(() => {
        const inner = jetTensors(model, ['u', 'u_xx', 'u_yy'], interior, c.interior);
        const residual = inner.u_xx!.add(inner.u_yy!).sub(f);
        const edge = jetTensors(model, ['u'], boundary, c.boundary);
        return residual.square().mean().mul(0.01).add(edge.u!.square().mean()) as tf.Scalar;
      }, model.variables());
      value.dataSync();
      for (const g of Object.values(grads)) g.dataSync();
    });
  for (let i = 0; i < warmup; i++) evaluate();
  const times: number[] = [];
  for (let i = 0; i < repeats; i++) {
    const start = performance.now();
    evaluate();
    times.push(performance.now() - start);
  }
  times.sort((a, b) => a - b);
  const result: EvalResult = {
    name: c.name,
    model: c.model.kind,
    width: c.model.width,
    grid: c.model.kind === 'kan' ? (c.model.grid ?? 5) : null,
    points: c.interior + c.boundary,
    params: model.paramCount(),
    msPerEval: Math.round(times[Math.floor(times.length / 2)]! * 1000) / 1000,
    repeats,
    threads: getThreads(),
  };
  f.dispose();
  model.dispose();
  return result;
}

/** Repeats per case, fewer for the big ones so the suite stays short. */
export function repeatsFor(c: EvalCase, quick: boolean): { repeats: number; warmup: number } {
  const points = c.interior + c.boundary;
  if (points > 50_000) return { repeats: quick ? 3 : 7, warmup: 2 };
  if (points > 5_000) return { repeats: quick ? 5 : 21, warmup: 3 };
  return { repeats: quick ? 21 : 101, warmup: 20 };
}
