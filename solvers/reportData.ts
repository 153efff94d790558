/**
 * Turns a trained model and its run into the plain data the viz takes (`ReportData`, `NetworkView`):
 * the solution on a regular grid (with exact values, or nearest reference values, and a hole mask),
 * every KAN edge sampled over the inputs it sees inside the domain, the history, metrics and settings.
 */
import { modelView, type Model, type Problem, type TrainResult } from '../src/index.js';
import type { FieldData, ReportData } from '../viz/index.js';
import type { SolveSummary } from './summary.js';

const linspace = (lo: number, hi: number, n: number): number[] => Array.from({ length: n }, (_, i) => lo + ((hi - lo) * i) / (n - 1));

/** Grid resolution per spatial dimension count, and frames for time-dependent problems. */
function resolution(spatial: number, timed: boolean): { perAxis: number; frames: number } {
  if (spatial === 1) return { perAxis: timed ? 101 : 201, frames: timed ? 41 : 1 };
  if (spatial === 2) return { perAxis: timed ? 61 : 100, frames: timed ? 21 : 1 };
  return { perAxis: timed ? 21 : 31, frames: timed ? 11 : 1 };
}

/** The report's sampling grid: spatial axes × time frames, as model inputs. */
export interface FieldGrid {
  axes: { name: string; values: number[] }[];
  /** Present for time-dependent problems. */
  times?: number[];
  /** Row-major [count, variables] in the problem's variable order, frame-major ([frame][axis0][axis1]…, last axis fastest). */
  coords: Float32Array;
  count: number;
  /** ∏ |axis|: points per frame. */
  frameSize: number;
  /** 1 where a spatial grid point lies in the closed domain, length frameSize; absent when the problem cannot tell. */
  inside?: Uint8Array;
}

/** The grid over the problem's bounding box (axes from `bounds`, times from `time`) with its hole mask. */
export function fieldGrid(problem: Problem): FieldGrid {
  if (problem.spatial.length === 0 && problem.time) return timeLine(problem.time, problem.variables.length, problem.variables.indexOf('t'));
  const spatial = problem.spatial.length;
  const timed = problem.time !== undefined;
  const { perAxis, frames } = resolution(spatial, timed);
  const column = (name: string): number => problem.variables.indexOf(name);
  const axes = problem.spatial.map((name) => ({ name, values: linspace(problem.bounds.min[column(name)]!, problem.bounds.max[column(name)]!, perAxis) }));
  const times = problem.time ? linspace(problem.time[0], problem.time[1], frames) : undefined;
  const frameSize = perAxis ** spatial;
  const dim = problem.variables.length;
  const count = frameSize * frames;
  const coords = new Float32Array(count * dim);
  for (let f = 0; f < frames; f++) {
    for (let g = 0; g < frameSize; g++) {
      const row = f * frameSize + g;
      let rest = g;
      for (let s = spatial - 1; s >= 0; s--) {
        coords[row * dim + column(problem.spatial[s]!)] = axes[s]!.values[rest % perAxis]!;
        rest = Math.floor(rest / perAxis);
      }
      if (times) coords[row * dim + column('t')] = times[f]!;
    }
  }
  const grid: FieldGrid = { axes, coords, count, frameSize };
  if (times) grid.times = times;
  // The first frame holds every spatial point (with t = t0 inside the time interval); holes do not move.
  if (problem.contains) grid.inside = problem.contains(coords.subarray(0, frameSize * dim), frameSize);
  return grid;
}

/** An ODE (time, no space) is drawn as one line over t: time becomes the field's single axis. */
function timeLine(time: readonly [number, number], dim: number, column: number): FieldGrid {
  const values = linspace(time[0], time[1], 201);
  const coords = new Float32Array(values.length * dim);
  values.forEach((t, n) => (coords[n * dim + column] = t));
  return { axes: [{ name: 't', values }], coords, count: values.length, frameSize: values.length };
}

/**
 * For each query row, the value of the nearest test point (Euclidean over all `dim` columns):
 * points bucketed on the first two columns, rings searched outward until no closer point can remain.
 */
export function nearestValues(test: { coords: Float32Array; count: number; values: Float32Array }, dim: number, nOut: number, query: Float32Array, count: number, column = 0): Float32Array {
  const out = new Float32Array(count).fill(NaN);
  if (test.count === 0) return out;
  const axes = Math.min(dim, 2);
  const cells = Math.max(1, Math.min(256, Math.round(Math.sqrt(test.count))));
  const lo = [Infinity, Infinity], width = [1, 1];
  for (let a = 0; a < axes; a++) {
    let hi = -Infinity;
    for (let n = 0; n < test.count; n++) {
      lo[a] = Math.min(lo[a]!, test.coords[n * dim + a]!);
      hi = Math.max(hi, test.coords[n * dim + a]!);
    }
    width[a] = (hi - lo[a]!) / cells || 1;
  }
  const cellOf = (v: number, a: number): number => Math.min(cells - 1, Math.max(0, Math.floor((v - lo[a]!) / width[a]!)));
  const buckets: number[][] = Array.from({ length: cells * (axes > 1 ? cells : 1) }, () => []);
  for (let n = 0; n < test.count; n++) {
    buckets[cellOf(test.coords[n * dim]!, 0) * (axes > 1 ? cells : 1) + (axes > 1 ? cellOf(test.coords[n * dim + 1]!, 1) : 0)]!.push(n);
  }
  // A point outside ring r lies at least r cell widths away along some bucketed axis.
  const step = axes > 1 ? Math.min(width[0]!, width[1]!) : width[0]!;
  for (let q = 0; q < count; q++) {
    const cx = cellOf(query[q * dim]!, 0);
    const cy = axes > 1 ? cellOf(query[q * dim + 1]!, 1) : 0;
    let best = -1;
    let bestD = Infinity;
    const visit = (x: number, y: number): void => {
      if (x < 0 || x >= cells || y < 0 || y >= (axes > 1 ? cells : 1)) return;
      for (const n of buckets[x * (axes > 1 ? cells : 1) + y]!) {
        let d = 0;
        for (let a = 0; a < dim; a++) d += (test.coords[n * dim + a]! - query[q * dim + a]!) ** 2;
        if (d < bestD) { bestD = d; best = n; }
      }
    };
    for (let r = 0; r <= cells; r++) {
      if (best >= 0 && r >= 1 && ((r - 1) * step) ** 2 >= bestD) break;
      if (axes === 1) {
        visit(cx - r, 0);
        if (r > 0) visit(cx + r, 0);
        continue;
      }
      for (let d = -r; d <= r; d++) {
        visit(cx + d, cy - r);
        if (r > 0) visit(cx + d, cy + r);
        if (Math.abs(d) < r) { visit(cx - r, cy + d); visit(cx + r, cy + d); }
      }
    }
    if (best >= 0) out[q] = test.values[best * nOut + column]!;
  }
  return out;
}

/**
 * One unknown (default: the first) on `grid`: the prediction, the exact (or nearest reference)
 * values blanked (NaN) in holes, and the mask.
 */
export function sampleField(problem: Problem, model: Model, grid: FieldGrid = fieldGrid(problem), unknown: string = problem.unknowns[0]!): FieldData {
  const column = problem.unknowns.indexOf(unknown);
  if (column < 0) throw new Error(`sampleField: '${unknown}' is not an unknown of ${problem.name} (${problem.unknowns.join(', ')})`);
  const { coords, count, frameSize, inside } = grid;
  const field: FieldData = { axes: grid.axes, unknown, predicted: model.evaluate(coords, { derivatives: [unknown] })[unknown]! };
  if (grid.times) field.times = grid.times;
  let exact: Float32Array | undefined;
  if (problem.exact) {
    const values = problem.exact(coords, count);
    const stride = problem.unknowns.length;
    exact = Float32Array.from({ length: count }, (_, n) => values[n * stride + column]!);
  } else if (problem.testSet) {
    exact = nearestValues(problem.testSet(), problem.variables.length, problem.unknowns.length, coords, count, column);
  }
  if (inside) {
    field.mask = inside;
    if (exact) for (let n = 0; n < count; n++) if (!inside[n % frameSize]) exact[n] = NaN;
  }
  if (exact) field.exact = exact;
  return field;
}

/** Up to `max` grid points inside the domain (every k-th one), row-major [count, variables]: what the edges see. */
export function domainPoints(problem: Problem, grid: FieldGrid, max = 4096): { points: Float32Array; count: number } {
  const dim = problem.variables.length;
  const rows: number[] = [];
  for (let n = 0; n < grid.count; n++) if (!grid.inside || grid.inside[n % grid.frameSize]) rows.push(n);
  const stride = Math.max(1, Math.ceil(rows.length / max));
  const kept = rows.filter((_, k) => k % stride === 0);
  const points = new Float32Array(kept.length * dim);
  kept.forEach((n, k) => points.set(grid.coords.subarray(n * dim, (n + 1) * dim), k * dim));
  return { points, count: kept.length };
}

/**
 * The settings as run: `steps` becomes the number of steps the trainer took (an MLP trains all
 * stages' steps in one, an interrupted run stops early); a KAN with several grids keeps the
 * requested count as `steps per stage`.
 */
export function reportSettings(settings: Record<string, string | number | boolean | null>, result: Pick<TrainResult, 'steps'>, model: Pick<Model, 'kind'>): Record<string, string | number | boolean | null> {
  if (!('steps' in settings)) return settings;
  const out: Record<string, string | number | boolean | null> = {};
  for (const [key, value] of Object.entries(settings)) {
    if (key !== 'steps') { out[key] = value; continue; }
    out.steps = result.steps;
    if (model.kind === 'kan' && value !== result.steps) out['steps per stage'] = value;
  }
  return out;
}

/** Everything the report shows for one solve: field on the grid, network (KAN only), history, metrics, settings. */
export function buildReport(problem: Problem, model: Model, result: TrainResult, summary: SolveSummary, settings: Record<string, string | number | boolean | null>): ReportData {
  const grid = fieldGrid(problem);
  const metrics: ReportData['metrics'] = {
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
  };
  // Each unknown's own errors when there are several (the pooled ones are dominated by the largest unknown).
  const perUnknown = Object.entries(summary.perUnknown ?? {});
  if (perUnknown.length > 1) {
    for (const [name, a] of perUnknown) {
      metrics[`relL2:${name}`] = a.relL2;
      metrics[`maxAbsErr:${name}`] = a.maxAbsErr;
    }
  }
  // An inverse problem's parameters: the value learned and, with a truth, the truth and the relative error.
  for (const [name, p] of Object.entries(summary.parameters ?? {})) {
    metrics[`param:${name}`] = p.value;
    if (p.truth !== undefined) {
      metrics[`paramTruth:${name}`] = p.truth;
      metrics[`paramRelError:${name}`] = p.relError ?? null;
    }
  }
  if (summary.message && summary.message !== summary.status) metrics.message = summary.message;
  if (summary.warnings.length > 0) metrics.warnings = summary.warnings.join('; ');
  const report: ReportData = {
    title: `${problem.name}: ${summary.model.toUpperCase()} [${summary.width.join(', ')}]`,
    problem: { name: problem.name, description: problem.description, variables: problem.variables, spatial: problem.spatial, unknowns: problem.unknowns, ...(problem.time ? { time: problem.time } : {}) },
    field: sampleField(problem, model, grid),
    history: result.history,
    metrics,
    settings: reportSettings(settings, result, model),
  };
  // Every other unknown too; the report offers a selector.
  if (problem.unknowns.length > 1) report.moreFields = problem.unknowns.slice(1).map((u) => sampleField(problem, model, grid, u));
  if (model.kind === 'kan') {
    const { points, count } = domainPoints(problem, grid);
    report.network = modelView(model, points.subarray(0, count * problem.variables.length));
  }
  return report;
}
