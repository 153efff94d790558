/**
 * Synthetic report data for the viz tests (no training): a 2-D Poisson field, a 1-D heat
 * space–time field, a domain with circular holes, a 3-D field, and KAN network views.
 */
import { createRng } from '../../src/random.js';
import type { EdgeView, FieldData, HistoryData, NetworkView, ReportData } from '../../viz/index.js';

/** n evenly spaced values on [a, b]. */
export const linspace = (a: number, b: number, n: number): number[] => Array.from({ length: n }, (_, k) => a + ((b - a) * k) / (n - 1));

const SHAPES: ((x: number) => number)[] = [
  (x) => Math.sin(Math.PI * x), (x) => x * x, (x) => Math.exp(-x * x), (x) => Math.tanh(2 * x), (x) => x, (x) => Math.cos(3 * x),
];

/** A KAN view with every edge present; edge (0,0,1) symbolic, (0,1,2) pruned when width allows. */
export function syntheticNetwork(width: number[], seed = 1, points = 60): NetworkView {
  const rng = createRng(seed);
  const edges: EdgeView[] = [];
  for (let l = 0; l + 1 < width.length; l++) {
    for (let i = 0; i < width[l]!; i++) {
      for (let j = 0; j < width[l + 1]!; j++) {
        const shape = SHAPES[rng.int(SHAPES.length)]!;
        const a = 0.5 + rng.next();
        const xs = linspace(-1, 1, points);
        const symbolic = l === 0 && i === 0 && j === 1;
        const pruned = l === 0 && i === 1 && j === 2;
        edges.push({
          layer: l, i, j, xs, ys: xs.map((x) => a * shape(x) + 0.02 * rng.normal()),
          importance: pruned ? 0 : rng.next() ** 2,
          state: pruned ? 'pruned' : symbolic ? 'symbolic' : 'numeric',
          ...(symbolic ? { formula: 'sin(3.14*x + 0.1)' } : {}),
        });
      }
    }
  }
  const inputNames = width[0] === 2 ? ['x', 'y'] : Array.from({ length: width[0]! }, (_, k) => `x${k}`);
  return { width: [...width], inputNames, outputNames: Array.from({ length: width[width.length - 1]! }, (_, k) => (k === 0 ? 'u' : `u${k}`)), edges };
}

/** A falling loss history with a loss per term and a rel. L2 column measured every 5th step. */
export function syntheticHistory(steps = 60): HistoryData {
  const rows: (number | null)[][] = [];
  for (let s = 0; s < steps; s++) {
    const loss = 2 * Math.exp(-s / 8) + 1e-4;
    rows.push([s, s * 21, s * 0.5, loss, 0.7 * loss, 0.3 * loss * (1 + 0.3 * Math.sin(s)), s % 5 === 0 ? 0.5 * Math.exp(-s / 12) : NaN]);
  }
  return { columns: ['step', 'evaluations', 'seconds', 'loss', 'loss:pde', 'loss:conditions[0].dirichlet', 'relL2'], rows };
}

function base(title: string, name: string, variables: string[], field: FieldData, network?: NetworkView): ReportData {
  return {
    title,
    problem: { name, description: `Synthetic ${name} data for the viewer tests.`, variables, spatial: field.axes.map((a) => a.name), unknowns: [field.unknown] },
    field,
    ...(network ? { network } : {}),
    history: syntheticHistory(),
    metrics: { relL2: 0.0123, maxAbsErr: 0.0456, params: 390, seconds: 12.3, backend: 'wasm', steps: 60 },
    settings: { model: 'kan', width: '2,10,1', grid: 5, k: 3, optimizer: 'lbfgs', seed: 0, resample: false },
  };
}

/** sin(πx) sin(πy) on [−1, 1]² (n × n), the prediction perturbed by a smooth term and noise. */
export function poissonReport(n = 100): ReportData {
  const rng = createRng(7);
  const xs = linspace(-1, 1, n);
  const exact: number[] = [], predicted: number[] = [];
  for (const x of xs) for (const y of xs) {
    const u = Math.sin(Math.PI * x) * Math.sin(Math.PI * y);
    exact.push(u);
    predicted.push(u + 0.02 * Math.sin(2 * Math.PI * x) * Math.cos(Math.PI * y) + 0.002 * rng.normal());
  }
  const field: FieldData = { axes: [{ name: 'x', values: xs }, { name: 'y', values: xs }], unknown: 'u', predicted, exact };
  return base('Poisson 2-D (synthetic)', 'poisson2d', ['x', 'y'], field, syntheticNetwork([2, 10, 1]));
}

/** exp(−π² t / 4) sin(πx) on x ∈ [0, 1] (nx points), t ∈ [0, 1] (nt frames), with a perturbed prediction. */
export function heatReport(nx = 64, nt = 21): ReportData {
  const xs = linspace(0, 1, nx), ts = linspace(0, 1, nt);
  const exact: number[] = [], predicted: number[] = [];
  for (const t of ts) for (const x of xs) {
    const u = Math.exp((-Math.PI * Math.PI * t) / 4) * Math.sin(Math.PI * x);
    exact.push(u);
    predicted.push(u * (1 + 0.03 * t) + 0.01 * Math.sin(3 * Math.PI * x) * t);
  }
  const field: FieldData = { axes: [{ name: 'x', values: xs }], times: ts, unknown: 'u', predicted, exact };
  const report = base('Heat 1-D (synthetic)', 'heat1d', ['x', 't'], field, syntheticNetwork([2, 5, 1], 3));
  report.problem.time = [0, 1];
  report.network!.inputNames = ['x', 't'];
  return report;
}

/** Circular holes in [0, 1]²: 1 outside the circles, 0 inside. */
export const HOLES = [{ cx: 0.3, cy: 0.3, r: 0.12 }, { cx: 0.7, cy: 0.62, r: 0.18 }];

/** A PINNacle-like plate with two holes (n × n grid, mask), no network (an MLP run). */
export function holesReport(n = 80): ReportData {
  const xs = linspace(0, 1, n);
  const exact: number[] = [], predicted: number[] = [], mask: number[] = [];
  for (const x of xs) for (const y of xs) {
    const inside = HOLES.every((h) => (x - h.cx) ** 2 + (y - h.cy) ** 2 > h.r ** 2);
    const u = Math.cos(2 * x) * Math.sinh(y) + x * y;
    exact.push(u);
    predicted.push(u + 0.015 * Math.sin(5 * x + 3 * y));
    mask.push(inside ? 1 : 0);
  }
  const field: FieldData = { axes: [{ name: 'x', values: xs }, { name: 'y', values: xs }], unknown: 'u', predicted, exact, mask };
  return base('Plate with holes (synthetic)', 'poisson_holes', ['x', 'y'], field, syntheticNetwork([2, 4, 1], 5));
}

/** u = x + 2y + 3z on a 3-D grid (n³) without an exact solution, slices along z. */
export function boxReport(n = 16): ReportData {
  const xs = linspace(0, 1, n);
  const predicted: number[] = [];
  for (const x of xs) for (const y of xs) for (const z of xs) predicted.push(x + 2 * y + 3 * z);
  const field: FieldData = { axes: [{ name: 'x', values: xs }, { name: 'y', values: xs }, { name: 'z', values: xs }], unknown: 'u', predicted };
  const report = base('Box 3-D (synthetic)', 'box3d', ['x', 'y', 'z'], field);
  return report;
}

/** Two unknowns on [−1, 1]² (n × n): u as in `poissonReport`, v = −2π² u (ten times larger), both in the report. */
export function twoUnknownReport(n = 40): ReportData {
  const report = poissonReport(n);
  const u = report.field!;
  const scale = -2 * Math.PI ** 2;
  const v: FieldData = { axes: u.axes, unknown: 'v', predicted: Array.from(u.predicted, (p, k) => scale * p + 0.3 * Math.cos(k)), exact: Array.from(u.exact!, (e) => scale * e) };
  report.problem.unknowns = ['u', 'v'];
  report.moreFields = [v];
  report.metrics = { ...report.metrics, 'relL2:u': 0.21, 'maxAbsErr:u': 0.04, 'relL2:v': 0.0102, 'maxAbsErr:v': 0.3 };
  report.network = syntheticNetwork([2, 5, 2], 4);
  report.network.outputNames = ['u', 'v'];
  return report;
}
