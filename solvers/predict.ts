/**
 * Evaluating a saved model where the user needs it (`kanpinn predict`): the points come from a CSV,
 * a regular grid of the problem's domain (optionally at given times) or the problem's test set; the
 * values are the requested outputs and derivatives and, with a problem, the PDE residual and the
 * error against the exact or reference solution. Points are evaluated in chunks so that memory stays
 * bounded whatever the count; each chunk's rows go to the writer before the next is computed.
 */
import * as tf from '../src/tf.js';
import { buildTermData, disposeTermData, KanpinnInputError, planFor, termScope, type Model, type Problem } from '../src/internal.js';

/** Points to evaluate: row-major [count, inputs] and, for a test set, the true values [count, unknowns]. */
export interface PredictPoints {
  coords: Float32Array;
  count: number;
  truth?: Float32Array;
  /** Where the points came from, for messages: a file name, `grid 200x200`, `test set (exact)`. */
  source: string;
}

/** Reads a points CSV: a header naming at least the model's inputs, then numbers; other columns are ignored. */
export function pointsFromCsv(text: string, inputs: readonly string[], file: string): PredictPoints {
  const lines = text.replace(/^\uFEFF/, '').split(/\r?\n/);
  const isContent = (line: string): boolean => line.trim() !== '' && !line.trimStart().startsWith('#');
  const headerIndex = lines.findIndex(isContent);
  if (headerIndex === -1) throw new KanpinnInputError(`--points: ${file} is empty; expected a header row naming the inputs (${inputs.join(', ')})`);
  const names = lines[headerIndex]!.split(',').map((c) => c.trim().replace(/^"(.*)"$/, '$1'));
  const columns = inputs.map((name) => names.indexOf(name));
  const missing = inputs.filter((_, a) => columns[a] === -1);
  if (missing.length > 0) {
    throw new KanpinnInputError(`--points: ${file} has no column ${missing.map((m) => `"${m}"`).join(', ')}; the header must name the model's inputs (${inputs.join(', ')}), found ${names.join(', ')}`);
  }
  const values: number[] = [];
  let count = 0;
  for (let index = headerIndex + 1; index < lines.length; index++) {
    const line = lines[index]!;
    if (!isContent(line)) continue;
    const cells = line.split(',');
    for (let a = 0; a < inputs.length; a++) {
      const cell = (cells[columns[a]!] ?? '').trim();
      const v = cell === '' ? NaN : Number(cell);
      if (!Number.isFinite(v)) throw new KanpinnInputError(`--points: ${file} row ${index + 1}, column "${inputs[a]}": expected a finite number, found ${JSON.stringify(cell)}`);
      values.push(v);
    }
    count++;
  }
  if (count === 0) throw new KanpinnInputError(`--points: ${file} has a header but no rows of points`);
  return { coords: Float32Array.from(values), count, source: file };
}

/** Parses `--grid 200x200` into one count ≥ 2 per axis. */
export function parseGrid(text: string, axes: readonly string[]): number[] {
  const counts = String(text).split('x').map((p) => Number(p.trim()));
  if (counts.length !== axes.length || counts.some((n) => !Number.isInteger(n) || n < 2)) {
    const example = axes.map(() => '100').join('x');
    throw new KanpinnInputError(`--grid: expected ${axes.length} count${axes.length > 1 ? 's' : ''} >= 2 joined by "x", one per axis (${axes.join(', ')}), such as ${example}, got "${text}"`);
  }
  return counts;
}

/** Parses `--time 0,0.5,1` into finite times inside the problem's time interval. */
export function parseTimes(text: string, range: readonly [number, number]): number[] {
  const parts = String(text).split(',').map((p) => p.trim());
  const times = parts.map((p) => (p === '' ? NaN : Number(p)));
  const [t0, t1] = range;
  if (times.some((t) => !Number.isFinite(t) || t < t0 || t > t1)) {
    throw new KanpinnInputError(`--time: expected comma-separated times in [${t0}, ${t1}] such as ${t0},${(t0 + t1) / 2},${t1}, got "${text}"`);
  }
  return times;
}

/** Per-input [lo, hi]: the problem's bounding box, else the KAN's grid range. */
export function domainBounds(model: Model, problem: Problem | null): [number, number][] {
  if (problem) return problem.bounds.min.map((lo, a) => [lo, problem.bounds.max[a]!]);
  if (model.kind === 'kan') {
    const r = model.options.gridRange;
    return model.inputs.map((_, a) => (Array.isArray(r[0]) ? (r as [number, number][])[a]! : (r as [number, number])));
  }
  throw new KanpinnInputError('--grid: an MLP does not know its domain and its model file names no problem this install knows; add --problem NAME|FILE');
}

/**
 * A regular grid over the domain: `counts` per axis (every input, or the spatial ones when `times`
 * are given, each time a slice). Points outside a non-rectangular domain are left out. The last
 * axis varies fastest.
 */
export function gridPoints(model: Model, problem: Problem | null, gridText: string, timeText: string | undefined): PredictPoints {
  const bounds = domainBounds(model, problem);
  const inputs = model.inputs;
  let times: number[] | null = null;
  let timeAxis = -1;
  if (timeText !== undefined) {
    if (!problem?.time) throw new KanpinnInputError(`--time: ${problem ? `problem ${problem.name} has no time variable` : 'needs a time-dependent problem; add --problem NAME|FILE'}`);
    times = parseTimes(timeText, problem.time);
    timeAxis = inputs.indexOf('t');
    if (timeAxis === -1) throw new KanpinnInputError(`--time: the model has no input "t" (inputs: ${inputs.join(', ')})`);
  }
  const axes = inputs.map((_, a) => a).filter((a) => a !== timeAxis);
  const counts = parseGrid(gridText, axes.map((a) => inputs[a]!));
  const slices = times ?? [NaN];
  const perSlice = counts.reduce((p, n) => p * n, 1);
  const dim = inputs.length;
  const coords = new Float32Array(perSlice * slices.length * dim);
  let n = 0;
  for (const t of slices) {
    for (let flat = 0; flat < perSlice; flat++) {
      let rest = flat;
      for (let k = axes.length - 1; k >= 0; k--) {
        const a = axes[k]!;
        const m = counts[k]!;
        const idx = rest % m;
        rest = Math.floor(rest / m);
        const [lo, hi] = bounds[a]!;
        coords[n * dim + a] = lo + ((hi - lo) * idx) / (m - 1);
      }
      if (timeAxis >= 0) coords[n * dim + timeAxis] = t;
      n++;
    }
  }
  const source = `grid ${counts.join('x')}${times ? ` at t = ${times.join(', ')}` : ''}`;
  if (!problem?.contains) return { coords, count: n, source };
  const inside = problem.contains(coords, n);
  const kept = new Float32Array(coords.length);
  let m = 0;
  for (let p = 0; p < n; p++) {
    if (!inside[p]) continue;
    kept.set(coords.subarray(p * dim, (p + 1) * dim), m * dim);
    m++;
  }
  return { coords: kept.slice(0, m * dim), count: m, source };
}

/** The problem's test set: its points and exact or reference values. */
export function testPoints(problem: Problem | null): PredictPoints {
  if (!problem) throw new KanpinnInputError('--test: needs the problem; the model file names none this install knows; add --problem NAME|FILE');
  if (!problem.testSet) throw new KanpinnInputError(`--test: problem ${problem.name} has neither an exact solution nor reference data`);
  const test = problem.testSet();
  return { coords: test.coords, count: test.count, truth: test.values, source: `test set (${test.source}, ${test.count} points)` };
}

/** Parses `--derivatives u,u_x,u_xx` against the model's inputs and outputs. */
export function parseDerivatives(text: string | undefined, model: Model): string[] {
  if (text === undefined) return [...model.outputs];
  const names = String(text).split(',').map((s) => s.trim());
  try {
    if (names.some((n) => n === '')) throw new Error('an empty name');
    planFor(names, model.inputs, model.outputs);
  } catch (error) {
    throw new KanpinnInputError(
      `--derivatives: expected outputs and derivatives of the model such as ${model.outputs[0]},${model.outputs[0]}_${model.inputs[0]},${model.outputs[0]}_${model.inputs[0]}${model.inputs[0]} (outputs ${model.outputs.join(', ')}, inputs ${model.inputs.join(', ')}), got "${text}" (${error instanceof Error ? error.message : String(error)})`,
    );
  }
  return names;
}

/** What `predictChunks` computes, per column. */
export interface PredictPlan {
  /** Column names of every row, in order: inputs, derivatives, then exact:u, error:u per unknown, then residuals. */
  columns: string[];
  derivatives: string[];
  /** Unknowns compared with a true value (exact function or test set); empty when none is known. */
  compared: string[];
  /** PDE terms whose residual is reported. */
  residuals: string[];
}

/** Running totals for the summary: sums of squares for rel. L2 and the residual RMS, the max error. */
export interface PredictSummary {
  points: number;
  /** ‖pred − true‖₂ / ‖true‖₂ over the compared unknowns; null when nothing is compared. */
  relL2: number | null;
  maxAbsErr: number | null;
  /** Root mean square of each PDE residual. */
  residualRms: Record<string, number>;
}

/** Options of `predictChunks`: what to compute and the chunk size. */
export interface PredictOptions {
  derivatives: string[];
  /** The problem for residuals and exact values; null: outputs only. */
  problem: Problem | null;
  chunk: number;
}

export function predictPlan(model: Model, points: PredictPoints, o: PredictOptions): PredictPlan {
  const canCompare = points.truth !== undefined || o.problem?.exact !== undefined;
  const compared = canCompare ? [...model.outputs] : [];
  const residuals = o.problem ? o.problem.terms.filter((t) => t.kind === 'pde').map((t) => t.name) : [];
  const residualColumn = (name: string): string => (residuals.length === 1 ? 'residual' : `residual:${name}`);
  return {
    columns: [...model.inputs, ...o.derivatives, ...compared.flatMap((u) => [`exact:${u}`, `error:${u}`]), ...residuals.map(residualColumn)],
    derivatives: o.derivatives,
    compared,
    residuals,
  };
}

/**
 * Evaluates `points` chunk by chunk; each chunk is handed to `write` as rows (one number array per
 * point, in `plan.columns` order) before the next is computed. `onProgress(done, total)` after each.
 * Returns the summary over all points.
 */
export async function predictChunks(
  model: Model,
  points: PredictPoints,
  o: PredictOptions,
  write: (rows: number[][]) => Promise<void>,
  onProgress: (done: number, total: number) => void = () => undefined,
): Promise<{ plan: PredictPlan; summary: PredictSummary }> {
  const plan = predictPlan(model, points, o);
  const dim = model.inputs.length;
  const nOut = model.outputs.length;
  const names = [...new Set([...o.derivatives, ...plan.compared])];
  const pdeTerms = o.problem ? o.problem.terms.filter((t) => t.kind === 'pde') : [];
  let errSq = 0;
  let trueSq = 0;
  let maxAbs = 0;
  const resSq = plan.residuals.map(() => 0);
  for (let start = 0; start < points.count; start += o.chunk) {
    const count = Math.min(o.chunk, points.count - start);
    const coords = points.coords.subarray(start * dim, (start + count) * dim);
    const values = model.evaluate(coords, { derivatives: names });
    let truth: Float32Array | null = null;
    if (plan.compared.length > 0) truth = points.truth ? points.truth.subarray(start * nOut, (start + count) * nOut) : o.problem!.exact!(Float32Array.from(coords), count);
    const residuals = pdeTerms.map((term) => {
      const data = buildTermData(o.problem!, model, term, { coords: Float32Array.from(coords), count });
      try {
        return tf.tidy(() => term.residual(termScope(model, data))).dataSync() as Float32Array;
      } finally {
        disposeTermData(data);
      }
    });
    const rows: number[][] = [];
    for (let p = 0; p < count; p++) {
      const row: number[] = [];
      for (let a = 0; a < dim; a++) row.push(coords[p * dim + a]!);
      for (const name of o.derivatives) row.push(values[name]![p]!);
      plan.compared.forEach((u, k) => {
        const t = truth![p * nOut + k]!;
        const e = values[u]![p]! - t;
        row.push(t, e);
        errSq += e * e;
        trueSq += t * t;
        maxAbs = Math.max(maxAbs, Math.abs(e));
      });
      residuals.forEach((r, k) => {
        const v = r[p]!;
        row.push(v);
        resSq[k] = resSq[k]! + v * v;
      });
      rows.push(row);
    }
    await write(rows);
    onProgress(start + count, points.count);
  }
  const compared = plan.compared.length > 0 && points.count > 0;
  return {
    plan,
    summary: {
      points: points.count,
      relL2: compared ? Math.sqrt(errSq / (trueSq || 1)) : null,
      maxAbsErr: compared ? maxAbs : null,
      residualRms: Object.fromEntries(plan.residuals.map((name, k) => [name, Math.sqrt(resSq[k]! / Math.max(1, points.count))])),
    },
  };
}
