/** Flag parsing and sampling shared by `prune` and `symbolic` (the interpretability commands). */
import { join } from 'node:path';
import { createRng, KanpinnInputError, type KanModel, type Problem } from '../src/index.js';
import { domainBounds } from './predict.js';

/** `--flag` as a finite number ≥ 0. */
export function parseThreshold(value: unknown, flag: string): number {
  if (typeof value !== 'number' || !Number.isFinite(value) || value < 0) throw new KanpinnInputError(`--${flag}: expected a number >= 0, got ${String(value)}`);
  return value;
}

/** `--flag` as an integer ≥ min. */
export function parsePositiveInt(value: unknown, flag: string, min = 1): number {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < min) throw new KanpinnInputError(`--${flag}: expected an integer >= ${min}, got ${String(value)}`);
  return value;
}

/** `--out`: a .json file name as is, else a folder that gets model.json. */
export function modelFilePath(out: string): string {
  if (out.trim() === '') throw new KanpinnInputError('--out: expected a folder or a .json file name, got ""');
  return out.toLowerCase().endsWith('.json') ? out : join(out, 'model.json');
}

/** An edge `LAYER,I,J` of the model (layer l, from node i to node j), checked against its widths. */
export function parseEdge(text: string, model: KanModel, flag: string): [number, number, number] {
  const parts = String(text).split(',').map((p) => Number(p.trim()));
  if (parts.length !== 3 || parts.some((n) => !Number.isInteger(n) || n < 0)) {
    throw new KanpinnInputError(`--${flag}: expected LAYER,I,J (three integers >= 0, edge from node I to node J of layer LAYER) such as 0,1,0, got "${text}"`);
  }
  const [l, i, j] = parts as [number, number, number];
  const layer = model.layers[l];
  if (!layer || i >= layer.nIn || j >= layer.nOut) {
    const shape = model.layers.map((ly, k) => `layer ${k}: I < ${ly.nIn}, J < ${ly.nOut}`).join('; ');
    throw new KanpinnInputError(`--${flag}: edge ${l},${i},${j} is not in the model [${model.width.join(',')}] (${shape})`);
  }
  return [l, i, j];
}

/**
 * `count` points drawn uniformly (seeded) in the problem's domain, or in the KAN's grid range when
 * no problem is known; points outside a non-rectangular domain are redrawn.
 */
export function domainSample(model: KanModel, problem: Problem | null, count: number, seed: number): Float32Array {
  const bounds = domainBounds(model, problem);
  const dim = bounds.length;
  const rng = createRng(seed);
  const out = new Float32Array(count * dim);
  let filled = 0;
  for (let round = 0; round < 50 && filled < count; round++) {
    const batch = new Float32Array(count * dim);
    for (let n = 0; n < count; n++) for (let a = 0; a < dim; a++) batch[n * dim + a] = bounds[a]![0] + (bounds[a]![1] - bounds[a]![0]) * rng.next();
    const inside = problem?.contains ? problem.contains(batch, count) : null;
    for (let n = 0; n < count && filled < count; n++) {
      if (inside && !inside[n]) continue;
      out.set(batch.subarray(n * dim, (n + 1) * dim), filled * dim);
      filled++;
    }
  }
  if (filled < count) throw new KanpinnInputError(`the domain of problem ${problem?.name ?? '?'} is too small a part of its bounding box to draw ${count} points`);
  return out;
}
