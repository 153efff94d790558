#!/usr/bin/env node
// Bench: the plain jet plan against the forward Laplacian (src/train/forwardLaplacian.ts) on the
// eval suite's Poisson loss + gradient (u on boundary points; Σ u_{x_i x_i} − f on interior points),
// interleaved in one process, one thread, wasm. After `npm run build`:
//   node bench/forward-laplacian.mjs [--cases mlp100-10k,kan-10k] [--evals 40] [--block 4] [--check]
// Each evaluation is timed on its own; the plans alternate every `--block` evaluations (which goes
// first alternates too), so both see the same load. Prints per case and plan the 10th percentile and
// the median, and the ratios laplacian/plain. With --check, first compares the loss and every
// gradient of the two plans (max relative difference; they agree to float rounding, not bitwise:
// the combined channel sums c_i·u_{x_i x_i} inside the network).
import { resolve } from 'node:path';
const flag = (name, fallback) => {
  const i = process.argv.indexOf(name);
  return i >= 0 ? process.argv[i + 1] : fallback;
};
process.env.KANPINN_THREADS = '1';
const dist = resolve(new URL('../dist', import.meta.url).pathname);
const { setBackend } = await import(`${dist}/src/backend.js`);
await setBackend('wasm');
const tf = await import(`${dist}/src/tf.js`);
const lib = await import(`${dist}/src/internal.js`);
lib.setThreads(1);

const kan = (d) => ({ kind: 'kan', width: [d, 10, 1], grid: 5, seed: 0 });
const mlp = (d) => ({ kind: 'mlp', width: [d, 100, 100, 100, 1], seed: 0 });
const CASES = {
  'mlp100-10k': { model: mlp(2), d: 2, interior: 10_000, boundary: 400 },
  'kan-10k': { model: kan(2), d: 2, interior: 10_000, boundary: 400 },
  'mlp100-525': { model: mlp(2), d: 2, interior: 441, boundary: 84 },
  'kan-525': { model: kan(2), d: 2, interior: 441, boundary: 84 },
  'mlp100-5d-10k': { model: mlp(5), d: 5, interior: 10_000, boundary: 400 },
  'kan-5d-10k': { model: kan(5), d: 5, interior: 10_000, boundary: 400 },
};
const names = flag('--cases', 'mlp100-10k,kan-10k').split(',');
const evals = Number(flag('--evals', '40'));
const block = Number(flag('--block', '4'));
const check = process.argv.includes('--check');

function points(d, count, seed) {
  const rng = lib.createRng(seed);
  return Float32Array.from({ length: count * d }, () => rng.next() * 2 - 1);
}
/** Points on the faces of [−1, 1]^d: coordinate n mod d pinned to ±1. */
function facePoints(d, count) {
  const out = points(d, count, 2);
  for (let n = 0; n < count; n++) out[n * d + (n % d)] = n % (2 * d) < d ? -1 : 1;
  return out;
}

function prepare(c, plan) {
  const model = lib.createModel({ ...c.model, inputs: Array.from({ length: c.d }, (_, i) => `x${i + 1}`) });
  const variables = model.variables();
  const inputs = model.inputs;
  const seconds = inputs.map((v) => `u_${v}${v}`);
  const named = lib.planFor(['u', ...seconds], inputs, ['u'], plan === 'laplacian' ? new Array(c.d).fill(1) : undefined);
  const valueNamed = lib.planFor(['u'], inputs, ['u']);
  const interior = points(c.d, c.interior, 1);
  const boundary = facePoints(c.d, c.boundary);
  // f = −π²/4 Σ sin(π x_i / 2), held as a tensor like a term's columns.
  const f = tf.tensor1d(Float32Array.from({ length: c.interior }, (_, n) => {
    let s = 0;
    for (let i = 0; i < c.d; i++) s += Math.sin((Math.PI * interior[n * c.d + i]) / 2);
    return (-Math.PI * Math.PI * s) / 4;
  }));
  const inJet = lib.inputJetTensor(named.plan, interior, c.interior);
  const bJet = lib.inputJetTensor(valueNamed.plan, boundary, c.boundary);
  const evaluate = () =>
    tf.tidy(() => {
      const { value, grads } = tf.variableGrads(() => {
        const s = lib.jetTensorsFromInput(model, named, inJet, c.interior);
        const lap = seconds.map((n) => s[n]).reduce((a, b) => a.add(b));
        const edge = lib.jetTensorsFromInput(model, valueNamed, bJet, c.boundary);
        return lap.sub(f).square().sum().mul(0.01 / c.interior).add(edge.u.square().sum().mul(1 / c.boundary));
      }, variables);
      return [Float32Array.from(value.dataSync()), ...variables.map((v) => Float32Array.from(grads[v.name].dataSync()))];
    });
  const dispose = () => {
    tf.dispose([f, inJet, bJet]);
    model.dispose();
  };
  return { evaluate, dispose, channels: named.plan.channels.length };
}

const quantile = (xs, q) => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor(q * s.length))];
};

const { execSync } = await import('node:child_process');
const load = () => execSync('uptime').toString().trim().replace(/.*load average: /, '');
console.log(`forward Laplacian vs plain, one thread, wasm; load ${load()}`);
for (const name of names) {
  const c = CASES[name];
  if (!c) throw new Error(`unknown case ${name} (known: ${Object.keys(CASES).join(', ')})`);
  const runs = { plain: prepare(c, 'plain'), laplacian: prepare(c, 'laplacian') };
  if (check) {
    const a = runs.plain.evaluate();
    const b = runs.laplacian.evaluate();
    let worst = 0;
    a.forEach((arr, i) => {
      const scale = Math.max(1e-12, ...arr.map(Math.abs));
      for (let j = 0; j < arr.length; j++) worst = Math.max(worst, Math.abs(arr[j] - b[i][j]) / scale);
    });
    console.log(`${name}: loss plain ${a[0][0]} laplacian ${b[0][0]}; max relative difference over loss and gradients ${worst.toExponential(2)}`);
  }
  for (const r of Object.values(runs)) for (let i = 0; i < 2; i++) r.evaluate();
  const times = { plain: [], laplacian: [] };
  let first = 'plain';
  while (times.plain.length < evals) {
    const order = first === 'plain' ? ['plain', 'laplacian'] : ['laplacian', 'plain'];
    for (const plan of order) {
      for (let i = 0; i < block && times[plan].length < evals; i++) {
        const t0 = performance.now();
        runs[plan].evaluate();
        times[plan].push(performance.now() - t0);
      }
    }
    first = first === 'plain' ? 'laplacian' : 'plain';
  }
  const row = (plan) => `${plan} (${runs[plan].channels} channels) p10 ${quantile(times[plan], 0.1).toFixed(2)} ms, median ${quantile(times[plan], 0.5).toFixed(2)} ms`;
  console.log(`${name}: ${row('plain')}; ${row('laplacian')}; laplacian/plain p10 ${(quantile(times.laplacian, 0.1) / quantile(times.plain, 0.1)).toFixed(3)}, median ${(quantile(times.laplacian, 0.5) / quantile(times.plain, 0.5)).toFixed(3)}; load ${load()}`);
  for (const r of Object.values(runs)) r.dispose();
}
lib.setThreads(1);
