/**
 * The `eval` benchmark: cost of one Poisson loss evaluation plus its gradient with respect to all
 * parameters (u on boundary points; u, u_xx, u_yy on interior points; f = −2π² sin πx sin πy),
 * against grid size, width and point count. Reports the median over repeats after warm-up, the
 * floating-point operations of one evaluation (evalFlops.ts) and the GFLOP/s they make, next to a
 * plain matrix product's GFLOP/s measured in the same run (matmulPeak.ts).
 */
import * as tf from '../../src/tf.js';
import { createModel, createRng, getThreads, inputJetTensor, jetTensors, jetTensorsFromInput, termPlan, type JetPlan, type LossTerm, type ModelOptions } from '../../src/internal.js';
import { evalCaseFlops } from './evalFlops.js';
import { matMulPeak } from './matmulPeak.js';

export interface EvalCase {
  name: string;
  model: ModelOptions;
  interior: number;
  boundary: number;
  /**
   * Evaluate in chunks of this many interior points (and the boundary points in proportion),
   * adding up the losses and gradients, so that memory stays bounded at a million points.
   */
  chunk?: number;
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
  /** Floating-point operations of one evaluation (evalFlops.ts); absent in older files, as are the fields below. */
  flops?: number;
  /** flops / msPerEval, in 10⁹ per second. */
  gflops?: number;
  /** GFLOP/s of a plain [1024,256]×[256,256] tf.matMul and of a plain-JS product on the same threads, this run. */
  peakGflops?: { tfjs: number; js: number };
  /** Highest resident memory sampled during the case's evaluations, MB (process-wide). */
  peakRssMB?: number;
  /** Interior points per chunk, when evaluated in chunks. */
  chunk?: number;
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
  { name: 'kan-G5-1M', model: kan(5), interior: 1_000_000, boundary: 40_000, chunk: 100_000 },
  { name: 'mlp-16x2-1M', model: { kind: 'mlp', width: [2, 16, 16, 1], seed: 0 }, interior: 1_000_000, boundary: 40_000, chunk: 100_000 },
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

/** The points and the source term of one chunk. */
interface Chunk {
  interior: Float32Array;
  interiorCount: number;
  boundary: Float32Array;
  boundaryCount: number;
  f: tf.Tensor1D;
}

/** The case's points cut into chunks of `c.chunk` interior points (one chunk without it). */
function chunksOf(c: EvalCase): Chunk[] {
  const interior = squarePoints(c.interior, 1);
  const boundary = boundaryPoints(c.boundary);
  const size = c.chunk ?? c.interior;
  const count = Math.ceil(c.interior / size);
  return Array.from({ length: count }, (_, i) => {
    const i0 = i * size;
    const i1 = Math.min(c.interior, i0 + size);
    const b0 = Math.round((c.boundary * i) / count);
    const b1 = Math.round((c.boundary * (i + 1)) / count);
    const points = interior.subarray(2 * i0, 2 * i1);
    const f = tf.tidy(() => {
      const x = tf.tensor1d(Float32Array.from({ length: i1 - i0 }, (_, n) => points[2 * n]!));
      const y = tf.tensor1d(Float32Array.from({ length: i1 - i0 }, (_, n) => points[2 * n + 1]!));
      return tf.sin(x.mul(Math.PI)).mul(tf.sin(y.mul(Math.PI))).mul(-2 * Math.PI * Math.PI) as tf.Tensor1D;
    });
    return { interior: points, interiorCount: i1 - i0, boundary: boundary.subarray(2 * b0, 2 * b1), boundaryCount: b1 - b0, f };
  });
}

/**
 * The interior term as a solve sees it: its residual reads u_xx and u_yy only as u_xx + u_yy, so
 * the jet plan is the one the trainer would choose (`termPlan`: the forward Laplacian, 4 channels
 * instead of 5, unless `setJetChoice('plain')` / `--jet plain`).
 */
const interiorTerm: LossTerm = {
  name: 'pde',
  kind: 'pde',
  weight: 0.01,
  region: 'interior',
  derivatives: ['u', 'u_xx', 'u_yy'],
  sample: () => {
    throw new Error('eval suite: the interior term has fixed points');
  },
  residual: (s) => s.u_xx!.add(s.u_yy!).sub(s.f!) as tf.Tensor1D,
};

/** One case made ready to time: its model, points, and the loss + gradient of one chunk. */
interface PreparedCase {
  model: ReturnType<typeof createModel>;
  chunks: Chunk[];
  variables: tf.Variable[];
  /** The interior term's jet plan (the FLOP count follows it). */
  interiorPlan: JetPlan;
  /** The loss and its gradient with respect to every variable on one chunk (call inside tf.tidy). */
  lossAndGrads(chunk: Chunk): { value: tf.Scalar; grads: tf.NamedTensorMap };
}

function prepareCase(c: EvalCase): PreparedCase {
  const model = createModel(c.model);
  const chunks = chunksOf(c);
  const variables = model.variables();
  const named = termPlan(model, interiorTerm, { coords: chunks[0]!.interior, count: chunks[0]!.interiorCount }, { f: chunks[0]!.f });
  const lossAndGrads = (chunk: Chunk): { value: tf.Scalar; grads: tf.NamedTensorMap } =>
    tf.variableGrads(() => {
      const inner = jetTensorsFromInput(model, named, inputJetTensor(named.plan, chunk.interior, chunk.interiorCount), chunk.interiorCount);
      const residual = interiorTerm.residual({ ...inner, f: chunk.f });
      const edge = jetTensors(model, ['u'], chunk.boundary, chunk.boundaryCount);
      return residual.square().sum().mul(0.01 / c.interior).add(edge.u!.square().sum().mul(1 / c.boundary)) as tf.Scalar;
    }, variables);
  return { model, chunks, variables, interiorPlan: named.plan, lossAndGrads };
}

function median(times: number[]): number {
  const sorted = [...times].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)]!;
}

function caseResult(c: EvalCase, prepared: PreparedCase, ms: number, repeats: number, peak: { tfjs: number; js: number }, peakRss: number): EvalResult {
  const flops = evalCaseFlops(c, prepared.interiorPlan);
  return {
    name: c.name,
    model: c.model.kind,
    width: c.model.width,
    grid: c.model.kind === 'kan' ? (c.model.grid ?? 5) : null,
    points: c.interior + c.boundary,
    params: prepared.model.paramCount(),
    msPerEval: Math.round(ms * 1000) / 1000,
    repeats,
    threads: getThreads(),
    flops,
    gflops: Math.round((flops / (ms * 1e-3) / 1e9) * 1000) / 1000,
    peakGflops: { tfjs: peak.tfjs, js: peak.js },
    peakRssMB: Math.round(peakRss / 1e6),
    ...(c.chunk !== undefined ? { chunk: c.chunk } : {}),
  };
}

function disposeCase(prepared: PreparedCase): void {
  for (const chunk of prepared.chunks) chunk.f.dispose();
  prepared.model.dispose();
}

/** Times one case: returns the median ms of `repeats` loss+gradient evaluations after `warmup`. */
export function runEvalCase(c: EvalCase, repeats: number, warmup: number): EvalResult {
  const peak = matMulPeak();
  const prepared = prepareCase(c);
  const { chunks, variables } = prepared;
  // gradients summed over the chunks (each chunk's loss is its share of the means)
  const sums = variables.map((v) => new Float32Array(v.size));
  let peakRss = process.memoryUsage().rss;
  const evaluate = (): void => {
    for (const s of sums) s.fill(0);
    for (const chunk of chunks) {
      tf.tidy(() => {
        const { value, grads } = prepared.lossAndGrads(chunk);
        value.dataSync();
        variables.forEach((v, i) => {
          const g = grads[v.name]!.dataSync();
          const s = sums[i]!;
          for (let j = 0; j < s.length; j++) s[j] = s[j]! + g[j]!;
        });
      });
      peakRss = Math.max(peakRss, process.memoryUsage().rss);
    }
  };
  for (let i = 0; i < warmup; i++) evaluate();
  const times: number[] = [];
  for (let i = 0; i < repeats; i++) {
    const start = performance.now();
    evaluate();
    times.push(performance.now() - start);
  }
  const result = caseResult(c, prepared, median(times), repeats, peak, peakRss);
  disposeCase(prepared);
  return result;
}

/**
 * `runEvalCase` for backends whose synchronous read-back is missing or slow (webgpu, webgl): the
 * chunks' gradients are summed on the device and one evaluation ends when the loss and the summed
 * gradients have been read with `await data()`, as a training step that reads its loss would. The
 * plain matrix product's peak is measured the same way (`peak`, from the caller).
 */
export async function runEvalCaseAsync(c: EvalCase, repeats: number, warmup: number, peak: { tfjs: number; js: number }): Promise<EvalResult> {
  const prepared = prepareCase(c);
  const { chunks, variables } = prepared;
  let peakRss = process.memoryUsage().rss;
  const evaluate = async (): Promise<void> => {
    const totals = tf.tidy(() => {
      let loss: tf.Scalar | undefined;
      let sums: tf.Tensor[] | undefined;
      for (const chunk of chunks) {
        const { value, grads } = prepared.lossAndGrads(chunk);
        loss = loss ? (loss.add(value) as tf.Scalar) : value;
        const g = variables.map((v) => grads[v.name]!);
        sums = sums ? sums.map((s, i) => s.add(g[i]!)) : g;
      }
      return [loss!, ...sums!];
    });
    await Promise.all(totals.map((t) => t.data()));
    tf.dispose(totals);
    peakRss = Math.max(peakRss, process.memoryUsage().rss);
  };
  for (let i = 0; i < warmup; i++) await evaluate();
  const times: number[] = [];
  for (let i = 0; i < repeats; i++) {
    const start = performance.now();
    await evaluate();
    times.push(performance.now() - start);
  }
  const result = caseResult(c, prepared, median(times), repeats, peak, peakRss);
  disposeCase(prepared);
  return result;
}

/** Repeats per case, fewer for the big ones so the suite stays short. */
export function repeatsFor(c: EvalCase, quick: boolean): { repeats: number; warmup: number } {
  const points = c.interior + c.boundary;
  if (points > 500_000) return { repeats: quick ? 1 : 3, warmup: 1 };
  if (points > 50_000) return { repeats: quick ? 3 : 7, warmup: 2 };
  if (points > 5_000) return { repeats: quick ? 5 : 21, warmup: 3 };
  return { repeats: quick ? 21 : 101, warmup: 20 };
}
