#!/usr/bin/env node
/**
 * Builds the packaged PINNacle reference and data files in problems/data/pinnacle/ from the upstream
 * files (COMSOL exports, PINNacle commit 6f8d69c9) in a folder given as the first argument
 * (default ../shared/benchmarks/pinnacle/raw). Deterministic: a fixed seed per file, so rerunning it
 * reproduces the committed files byte for byte.
 *
 *   node tools/pinnacle-data.mjs /work/shared/benchmarks/pinnacle/raw
 *
 * What it does per file (why: keep the npm package lean, a few hundred kB in all):
 * (burgers1d.dat is shipped as it is: the loader reads COMSOL grid exports, `"format": "comsol-grid-time"`.)
 * - heat_2d_cg_fem.dat (rows `x y t u`, 38,448) → heat_2d_cg.dat, a seeded subsample of 4,000 rows.
 * - heat_longtime.dat (grid: x y, then u at t = 0, 0.2, …, 100; 192 × 501) → heat_2d_lt.dat, rows
 *   `x y t u`: all 192 rows at t = 0 plus a seeded subsample of 3,808 of the other 96,000.
 * - lid_driven_a4.dat (rows `x y u v p`, 10,201) → ns_2d_c.dat, a seeded subsample of 4,000 rows.
 * - ns_0_obstacle.dat (rows `x y u v p`, 12,910) → ns_2d_cg.dat, a seeded subsample of 4,000 rows.
 * - heatinv_points.dat (2,500 points `x y t`) → heat_inv_data.dat, rows `x y t u` with
 *   u = e^{−t} sin(πx) sin(πy) + N(0, 0.1²) noise, as PINNacle's HeatInv draws it.
 * - (no file) → poisson_inv_data.dat: the 50 × 50 grid of [0, 1]², rows `x y u` with
 *   u = sin(πx) sin(πy) + N(0, 0.1²) noise, as PINNacle's PoissonInv draws it.
 * Values are written with 7 significant digits (float32 precision, which is what training uses).
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const raw = process.argv[2] ?? join(here, '..', '..', 'shared', 'benchmarks', 'pinnacle', 'raw');
const out = join(here, '..', 'problems', 'data', 'pinnacle');

/** mulberry32: a small seeded generator, so the subsamples are reproducible. */
function rng(seed) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function gaussian(random) {
  const u = Math.max(random(), 1e-300);
  return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * random());
}

/** Data rows and the `%` header lines of a COMSOL export. */
function read(name) {
  const lines = readFileSync(join(raw, name), 'utf8').split(/\r?\n/);
  const header = lines.filter((l) => l.startsWith('%'));
  const rows = lines.filter((l) => l.trim() !== '' && !l.startsWith('%')).map((l) => l.trim().split(/\s+/).map(Number));
  return { header, rows };
}

/** The times of a grid export's columns, from its last header line (`u @ t=0.2`). */
function gridTimes(header) {
  const last = header[header.length - 1];
  return [...last.matchAll(/t=([0-9.eE+-]+)/g)].map((m) => Number(m[1]));
}

/** Indices of `k` rows of `n`, drawn without replacement with `seed`, in ascending order. */
function subsample(n, k, seed) {
  const random = rng(seed);
  const index = Array.from({ length: n }, (_, i) => i);
  for (let i = 0; i < k; i++) {
    const j = i + Math.floor(random() * (n - i));
    [index[i], index[j]] = [index[j], index[i]];
  }
  return index.slice(0, k).sort((a, b) => a - b);
}

const fmt = (v) => (v === 0 ? '0' : String(Number(v.toPrecision(7))));

function write(name, comment, columns, rows) {
  const text = [...comment.map((c) => `% ${c}`), `% ${columns}`, ...rows.map((r) => r.map(fmt).join(' '))].join('\n') + '\n';
  writeFileSync(join(out, name), text);
  console.log(`${name}: ${rows.length} rows, ${text.length} bytes`);
}

function gridToRows(name, spatial) {
  const { header, rows } = read(name);
  const times = gridTimes(header);
  if (times.length !== rows[0].length - spatial) throw new Error(`${name}: ${times.length} times for ${rows[0].length - spatial} value columns`);
  const out = [];
  for (const row of rows) times.forEach((t, k) => out.push([...row.slice(0, spatial), t, row[spatial + k]]));
  return { rows: out, times };
}

// Heat 2d-CG: our FEM reference, subsampled.
{
  const { rows } = read('heat_2d_cg_fem.dat');
  const pick = subsample(rows.length, 4000, 2301);
  write('heat_2d_cg.dat', [`PINNacle Heat 2d-CG reference: independent P1 FEM solution (heat_2d_cg_fem.dat), seeded subsample 4000 of ${rows.length} rows`], 'x y t u', pick.map((i) => rows[i]));
}
// Heat 2d-LT: every t = 0 row (for the initial-condition test) plus a seeded subsample of the rest.
{
  const { rows } = gridToRows('heat_longtime.dat', 2);
  const initial = rows.filter((r) => r[2] === 0);
  const later = rows.filter((r) => r[2] !== 0);
  const pick = subsample(later.length, 4000 - initial.length, 2302);
  write('heat_2d_lt.dat', [`PINNacle Heat 2d-LT reference (upstream heat_longtime.dat, COMSOL): all ${initial.length} rows at t = 0 plus a seeded subsample ${pick.length} of the other ${later.length}`], 'x y t u', [...initial, ...pick.map((i) => later[i])]);
}
// NS 2d-C and 2d-CG: seeded subsamples.
for (const [name, target, seed, label] of [
  ['lid_driven_a4.dat', 'ns_2d_c.dat', 2303, 'NS 2d-C (lid-driven, a = 4, Re = 100)'],
  ['ns_0_obstacle.dat', 'ns_2d_cg.dat', 2304, 'NS 2d-CG (back-step)'],
]) {
  const { rows } = read(name);
  const pick = subsample(rows.length, 4000, seed);
  write(target, [`PINNacle ${label} reference (upstream ${name}, COMSOL): seeded subsample 4000 of ${rows.length} rows`], 'x y u v p', pick.map((i) => rows[i]));
}
// HInv: PINNacle's 2,500 data points with noisy observations of u.
{
  const { rows } = read('heatinv_points.dat');
  const random = rng(2305);
  const data = rows.map(([x, y, t]) => [x, y, t, Math.exp(-t) * Math.sin(Math.PI * x) * Math.sin(Math.PI * y) + 0.1 * gaussian(random)]);
  write('heat_inv_data.dat', ['PINNacle HInv observations: upstream heatinv_points.dat, u = exp(-t) sin(pi x) sin(pi y) + N(0, 0.1^2) noise (seeded)'], 'x y t u', data);
}
// PInv: the 50 × 50 grid with noisy observations of u.
{
  const random = rng(2306);
  const data = [];
  for (let j = 0; j < 50; j++) for (let i = 0; i < 50; i++) {
    const x = i / 49;
    const y = j / 49;
    data.push([x, y, Math.sin(Math.PI * x) * Math.sin(Math.PI * y) + 0.1 * gaussian(random)]);
  }
  write('poisson_inv_data.dat', ['PINNacle PInv observations: 50 x 50 grid of [0, 1]^2, u = sin(pi x) sin(pi y) + N(0, 0.1^2) noise (seeded)'], 'x y u', data);
}
