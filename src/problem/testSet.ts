/** Test sets for rel. L2: the reference rows, or a mesh of the domain with exact values. */
import { linspace } from './sequences.js';
import type { Domain } from './domain.js';
import type { TestSet } from './types.js';

/** Mesh points per axis by number of variables when none is given. */
export const DEFAULT_TEST_MESH: Readonly<Record<number, number>> = { 1: 256, 2: 100, 3: 30, 4: 12 };

/** A test set from reference rows [variables…, unknowns…]. */
export function referenceTestSet(rows: number[][], dim: number, outputs: number, source: string): TestSet {
  const count = rows.length;
  const coords = new Float32Array(count * dim);
  const values = new Float32Array(count * outputs);
  rows.forEach((row, i) => {
    for (let d = 0; d < dim; d++) coords[i * dim + d] = row[d] as number;
    for (let k = 0; k < outputs; k++) values[i * outputs + k] = row[dim + k] as number;
  });
  return { coords, count, values, source };
}

/** A regular mesh of the bounding box (points outside the domain dropped) with exact values. */
export function meshTestSet(
  domain: Domain,
  mesh: number[] | undefined,
  exact: (coords: Float32Array, count: number) => Float32Array,
  outputs: number,
): TestSet {
  const dim = domain.variables.length;
  const per = mesh ?? new Array<number>(dim).fill(DEFAULT_TEST_MESH[Math.min(dim, 4)] as number);
  const axes = per.map((n, d) => linspace(domain.bounds.min[d] as number, domain.bounds.max[d] as number, n));
  const total = per.reduce((p, n) => p * n, 1);
  const all = new Float32Array(total * dim);
  for (let i = 0; i < total; i++) {
    let rest = i;
    for (let d = dim - 1; d >= 0; d--) {
      const n = per[d] as number;
      all[i * dim + d] = (axes[d] as Float64Array)[rest % n] as number;
      rest = Math.floor(rest / n);
    }
  }
  const inside = domain.contains(all, total);
  let count = 0;
  for (let i = 0; i < total; i++) count += inside[i] as number;
  const coords = new Float32Array(count * dim);
  let k = 0;
  for (let i = 0; i < total; i++) if (inside[i]) coords.set(all.subarray(i * dim, i * dim + dim), dim * k++);
  const values = exact(coords, count);
  return { coords, count, values: values.length === count * outputs ? values : values.slice(0, count * outputs), source: 'exact' };
}
