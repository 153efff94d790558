/**
 * Checks a command makes before it trains, so that a run is never lost to a bad path or a size
 * that cannot fit: output folders and files are created and probed for writing, and the memory a
 * training run needs is estimated and refused above a limit. Errors are one line naming the flag.
 */
import { basename, dirname } from 'node:path';
import { KanpinnInputError, planFor, type Problem } from '../src/internal.js';
import { prepareOutputFolder } from '../src/internal.js';

/** The files `solve --out` writes, in the order they are committed. */
export const SOLVE_OUTPUT_FILES = ['model.json', 'metrics.json', 'history.csv', 'report.html'] as const;
/** The flags of a run, written beside the outputs of `solve --out` and `compare --out` (runConfig.ts). */
export const CONFIG_FILE = 'config.json';
/** The files `compare --out` writes. */
export const COMPARE_OUTPUT_FILES = ['compare.json', 'rows.csv', 'curves.csv', 'error-vs-time.svg', 'error-vs-params.svg'] as const;
/** The files `fit --out` writes. */
export const FIT_OUTPUT_FILES = ['model.json', 'kan.svg', 'network.html', 'fit.json', 'history.csv'] as const;

/** Creates output folder `dir` (flag `flag`) and checks it takes files named `names`; before any training. */
export function prepareOutputDir(dir: string, flag: string, names: readonly string[] = []): void {
  if (dir.trim() === '') throw new KanpinnInputError(`${flag}: expected a folder name, got an empty string`);
  prepareOutputFolder(dir, flag, names);
}

/** Checks output file `file` (flag `flag`) can be written: its folder is created and writable, the file is not a folder. */
export function prepareOutputFile(file: string, flag: string): void {
  if (file.trim() === '' || file.endsWith('/')) throw new KanpinnInputError(`${flag}: expected a file name, got "${file}"`);
  prepareOutputFolder(dirname(file), flag, [basename(file)]);
}

/**
 * Bytes per (point × jet channel × layer width) slot of a training step: the jets of every layer
 * are kept for the backward pass, with their gradients and the kernels' work arrays. Measured as
 * the growth of the peak RSS on poisson2d, KAN [2,10,1] (5 channels, 65 slots per point):
 * L-BFGS 20k → 80k interior points +56 MB (14.6 B per slot), Adam 20k → 160k +182 MB (20.0 B).
 */
export const BYTES_PER_SLOT = 20;
/** Default limit of the estimate; `KANPINN_MAX_MEMORY_GB` overrides it (a larger machine, the tensorflow backend). */
export const DEFAULT_MEMORY_LIMIT_GB = 2;

/** The memory limit in bytes: `KANPINN_MAX_MEMORY_GB` when set to a positive number, else the default. */
export function memoryLimitBytes(env: Record<string, string | undefined> = process.env): number {
  const text = env.KANPINN_MAX_MEMORY_GB;
  if (text === undefined || text === '') return DEFAULT_MEMORY_LIMIT_GB * 2 ** 30;
  const gb = Number(text);
  if (!Number.isFinite(gb) || gb <= 0) throw new KanpinnInputError(`KANPINN_MAX_MEMORY_GB: expected a number of gigabytes > 0, got "${text}"`);
  return gb * 2 ** 30;
}

const gb = (bytes: number): string => `${(bytes / 2 ** 30).toPrecision(bytes < 2 ** 30 ? 2 : 3)} GB`;

/** The point counts of a run: `null` takes the problem's default. */
export interface PointCounts {
  points: number | null | undefined;
  boundaryPoints: number | null | undefined;
  /**
   * The trainer's chunking (train/chunking.ts, `--chunk-points` / `--chunk-budget`): N > 0 points
   * per chunk, 0 automatic (an evaluation estimated past `chunkBudget` MiB is chunked). Absent:
   * the estimate is of one unchunked evaluation.
   */
  chunkPoints?: number | null;
  chunkBudget?: number | null;
}

/**
 * Bytes kept per point and jet channel for the whole run, chunked or not: the point's coordinates,
 * its input-jet rows (channels × inputs floats) and the term's data columns, in float32, with the
 * copies training makes of them (chunk views, resampling, validation) — ×4.
 */
const STORED_BYTES_PER_FLOAT = 16;

/**
 * Estimated peak bytes of training `problem` with layer widths `width` (a model with the problem's
 * inputs and outputs). One evaluation: Σ over loss terms of points × jet channels of the term × Σ
 * widths × `BYTES_PER_SLOT`; when the trainer chunks (`counts.chunkPoints`), the evaluation of one
 * chunk only — with a fixed chunk size that share of the points, with automatic chunking at most
 * `chunkBudget` MiB — plus what every point keeps for the whole run (`STORED_BYTES_PER_FLOAT` per
 * coordinate and input-jet entry). Returns the estimate and each flag's share.
 */
export function trainingMemory(problem: Problem, width: readonly number[], counts: PointCounts): { bytes: number; interior: number; boundary: number } {
  const widthSum = width.reduce((a, b) => a + b, 0);
  const interiorCount = counts.points ?? problem.defaults.interiorPoints;
  const boundaryCount = counts.boundaryPoints ?? problem.defaults.boundaryPoints;
  const inputs = problem.variables.length;
  let interior = 0;
  let boundary = 0;
  let interiorStored = 0;
  let boundaryStored = 0;
  for (const term of problem.terms) {
    const channels = planFor(term.derivatives, problem.variables, problem.unknowns).plan.channels.length;
    const perPoint = channels * widthSum * BYTES_PER_SLOT;
    const stored = (inputs * (channels + 1) + 4) * STORED_BYTES_PER_FLOAT;
    if (term.region === 'interior') {
      interior += interiorCount * perPoint;
      interiorStored += interiorCount * stored;
    } else if (term.region !== 'data') {
      boundary += boundaryCount * perPoint;
      boundaryStored += boundaryCount * stored;
    }
  }
  const evaluation = interior + boundary;
  let share = 1;
  if (counts.chunkPoints !== undefined && counts.chunkPoints !== null) {
    const largest = Math.max(interiorCount, boundaryCount);
    if (counts.chunkPoints > 0) share = Math.min(1, counts.chunkPoints / largest);
    else if (counts.chunkBudget !== undefined && counts.chunkBudget !== null && evaluation > 0) share = Math.min(1, (counts.chunkBudget * 2 ** 20) / evaluation);
  }
  interior = interior * share + (share < 1 ? interiorStored : 0);
  boundary = boundary * share + (share < 1 ? boundaryStored : 0);
  return { bytes: interior + boundary, interior, boundary };
}

/**
 * Refuses a training run whose estimate (`trainingMemory`) exceeds the limit, before anything is
 * allocated: one line naming `--points` or `--boundary-points` (the larger share), the estimate,
 * the limit and the largest count that fits (found by bisection: with chunking the estimate is not
 * proportional to the count).
 */
export function checkTrainingMemory(problem: Problem, widths: readonly (readonly number[])[], counts: PointCounts, limit = memoryLimitBytes()): void {
  for (const width of widths) {
    const use = trainingMemory(problem, width, counts);
    if (use.bytes <= limit) continue;
    const interiorFlag = use.interior >= use.boundary;
    const flag = interiorFlag ? '--points' : '--boundary-points';
    const count = interiorFlag ? (counts.points ?? problem.defaults.interiorPoints) : (counts.boundaryPoints ?? problem.defaults.boundaryPoints);
    const at = (n: number): number => trainingMemory(problem, width, interiorFlag ? { ...counts, points: n } : { ...counts, boundaryPoints: n }).bytes;
    let lo = 0;
    let hi = count;
    while (hi - lo > 1) {
      const mid = Math.floor((lo + hi) / 2);
      if (at(mid) <= limit) lo = mid;
      else hi = mid;
    }
    throw new KanpinnInputError(
      `${flag}: ${count} points need about ${gb(use.bytes)} to train [${width.join(',')}] on ${problem.name}, over the ${gb(limit)} limit; use at most ${lo} (or raise KANPINN_MAX_MEMORY_GB)`,
    );
  }
}

/**
 * Refuses `plot --points` above the limit: every point carries the value of every edge and node
 * of the diagram (Σ in·out + Σ widths floats) through the same kind of kernels.
 */
export function checkViewMemory(width: readonly number[], points: number, flag: string, limit = memoryLimitBytes()): void {
  let slots = width.reduce((a, b) => a + b, 0);
  for (let l = 0; l + 1 < width.length; l++) slots += width[l]! * width[l + 1]!;
  const bytes = points * slots * BYTES_PER_SLOT;
  if (bytes <= limit) return;
  throw new KanpinnInputError(`${flag}: ${points} points need about ${gb(bytes)} for KAN [${width.join(',')}], over the ${gb(limit)} limit; use at most ${Math.floor(limit / (slots * BYTES_PER_SLOT))} (or raise KANPINN_MAX_MEMORY_GB)`);
}
