/**
 * Turns a trained model and its run into the plain data the viz takes (`ReportData`, `NetworkView`):
 * the solution on a regular grid (with exact values, or nearest reference values, and a hole mask),
 * every KAN edge sampled over its input range, the history, metrics and settings.
 */
import { edgeFunctions, type KanModel, type Model, type Problem, type TrainResult } from '../src/index.js';
import type { FieldData, NetworkView, ReportData } from '../viz/index.js';
import type { SolveSummary } from './solve.js';

const linspace = (lo: number, hi: number, n: number): number[] => Array.from({ length: n }, (_, i) => lo + ((hi - lo) * i) / (n - 1));

/** Grid resolution per spatial dimension count, and frames for time-dependent problems. */
function resolution(spatial: number, timed: boolean): { perAxis: number; frames: number } {
  if (spatial === 1) return { perAxis: timed ? 101 : 201, frames: timed ? 41 : 1 };
  if (spatial === 2) return { perAxis: timed ? 61 : 100, frames: timed ? 21 : 1 };
  return { perAxis: timed ? 21 : 31, frames: timed ? 11 : 1 };
}

/** Nearest test-set value for each query point (2-D or 1-D buckets; brute force elsewhere). */
function nearestValues(test: { coords: Float32Array; count: number; values: Float32Array }, dim: number, nOut: number, query: Float32Array, count: number): Float32Array {
  const out = new Float32Array(count);
  const cells = 64;
  const lo = new Array<number>(dim).fill(Infinity);
  const hi = new Array<number>(dim).fill(-Infinity);
  for (let n = 0; n < test.count; n++) for (let a = 0; a < dim; a++) {
    lo[a] = Math.min(lo[a]!, test.coords[n * dim + a]!);
    hi[a] = Math.max(hi[a]!, test.coords[n * dim + a]!);
  }
  const cellOf = (v: number, a: number): number => Math.min(cells - 1, Math.max(0, Math.floor(((v - lo[a]!) / (hi[a]! - lo[a]! || 1)) * cells)));
  const buckets = new Map<number, number[]>();
  const keyOf = (p: Float32Array, base: number): number => cellOf(p[base]!, 0) * cells + (dim > 1 ? cellOf(p[base + 1]!, 1) : 0);
  for (let n = 0; n < test.count; n++) {
    const key = keyOf(test.coords, n * dim);
    const list = buckets.get(key) ?? [];
    list.push(n);
    buckets.set(key, list);
  }
  for (let q = 0; q < count; q++) {
    const cx = cellOf(query[q * dim]!, 0);
    const cy = dim > 1 ? cellOf(query[q * dim + 1]!, 1) : 0;
    let best = -1;
    let bestD = Infinity;
    for (let r = 0; best < 0 || r <= 1; r++) {
      for (let dx = -r; dx <= r; dx++) for (let dy = dim > 1 ? -r : 0; dy <= (dim > 1 ? r : 0); dy++) {
        for (const n of buckets.get((cx + dx) * cells + (cy + dy)) ?? []) {
          let d = 0;
          for (let a = 0; a < dim; a++) d += (test.coords[n * dim + a]! - query[q * dim + a]!) ** 2;
          if (d < bestD) {
            bestD = d;
            best = n;
          }
        }
      }
      if (r > cells) break;
    }
    out[q] = best >= 0 ? test.values[best * nOut]! : NaN;
  }
  return out;
}

/** The solution of the first unknown on a regular grid over the problem's bounds. */
export function sampleField(problem: Problem, model: Model): FieldData {
  const spatial = problem.spatial.length;
  const timed = problem.time !== undefined;
  const { perAxis, frames } = resolution(spatial, timed);
  const axes = problem.spatial.map((name) => {
    const a = problem.variables.indexOf(name);
    return { name, values: linspace(problem.bounds.min[a]!, problem.bounds.max[a]!, perAxis) };
  });
  const times = timed ? linspace(problem.time![0], problem.time![1], frames) : undefined;
  const gridSize = perAxis ** spatial;
  const dim = problem.variables.length;
  const count = gridSize * frames;
  const coords = new Float32Array(count * dim);
  for (let f = 0; f < frames; f++) {
    for (let g = 0; g < gridSize; g++) {
      const row = f * gridSize + g;
      let rest = g;
      for (let s = spatial - 1; s >= 0; s--) {
        const index = rest % perAxis;
        rest = Math.floor(rest / perAxis);
        coords[row * dim + problem.variables.indexOf(problem.spatial[s]!)] = axes[s]!.values[index]!;
      }
      if (timed) coords[row * dim + problem.variables.indexOf('t')] = times![f]!;
    }
  }
  const unknown = problem.unknowns[0]!;
  const field: FieldData = { axes, unknown, predicted: model.evaluate(coords, { derivatives: [unknown] })[unknown]! };
  if (times) field.times = times;
  if (problem.exact) {
    const values = problem.exact(coords, count);
    field.exact = Float32Array.from({ length: count }, (_, n) => values[n * problem.unknowns.length]!);
  } else if (problem.testSet) {
    field.exact = nearestValues(problem.testSet(), dim, problem.unknowns.length, coords, count);
  }
  if (problem.contains) {
    const inside = problem.contains(coords.subarray(0, gridSize * dim), gridSize);
    field.mask = inside;
    if (field.exact) {
      const exact = field.exact as Float32Array;
      for (let n = 0; n < count; n++) if (!inside[n % gridSize]) exact[n] = NaN;
    }
  }
  return field;
}

/** The network as plain data, edges sampled over the inputs they see on `points`. */
export function networkView(model: KanModel, points: Float32Array, count: number): NetworkView {
  const edges = edgeFunctions(model, points, count).map((e) => ({
    layer: e.layer,
    i: e.i,
    j: e.j,
    xs: e.xs,
    ys: e.ys,
    importance: e.scale,
    state: e.live ? ('numeric' as const) : ('pruned' as const),
  }));
  return { width: [...model.width], inputNames: [...model.inputs], outputNames: [...model.outputs], edges };
}

/** Points spread over the problem's bounding box (for edge ranges when no test set exists). */
export function boxPoints(problem: Problem, count: number): Float32Array {
  const dim = problem.variables.length;
  const out = new Float32Array(count * dim);
  for (let n = 0; n < count; n++) {
    for (let a = 0; a < dim; a++) {
      // A fixed low-discrepancy (golden-ratio) sequence: deterministic, no RNG needed.
      const u = (0.5 + n * (0.6180339887 + a * 0.2247)) % 1;
      out[n * dim + a] = problem.bounds.min[a]! + (problem.bounds.max[a]! - problem.bounds.min[a]!) * u;
    }
  }
  return out;
}

export function buildReport(problem: Problem, model: Model, result: TrainResult, summary: SolveSummary, settings: Record<string, string | number | boolean | null>): ReportData {
  const report: ReportData = {
    title: `${problem.name}: ${summary.model.toUpperCase()} [${summary.width.join(', ')}]`,
    problem: { name: problem.name, description: problem.description, variables: problem.variables, spatial: problem.spatial, unknowns: problem.unknowns, ...(problem.time ? { time: problem.time } : {}) },
    field: sampleField(problem, model),
    history: result.history,
    metrics: {
      relL2: summary.relL2,
      maxAbsErr: summary.maxAbsErr,
      mse: summary.mse,
      loss: summary.loss,
      params: summary.params,
      steps: summary.steps,
      evaluations: summary.evaluations,
      seconds: summary.seconds,
      backend: summary.backend,
      status: summary.status,
      testSet: summary.testSet,
    },
    settings,
  };
  if (model.kind === 'kan') {
    const points = boxPoints(problem, 2000);
    report.network = networkView(model, points, 2000);
  }
  return report;
}
