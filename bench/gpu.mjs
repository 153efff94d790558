#!/usr/bin/env node
// Bench: the eval suite's loss + gradient cases on a GPU backend, in Node (needs `npm run build`).
//   webgpu: through Dawn's `webgpu` npm package (not a kanpinn dependency: `npm install --no-save webgpu`;
//           it needs a Vulkan loader and the GPU's Vulkan driver on the machine)
//   tensorflow: through @tensorflow/tfjs-node-gpu when it is installed
//   cpu, wasm: the same timing loop on the CPU backends, for comparison
// The KAN layers and MLP activations run as tfjs ops on webgpu/webgl/tensorflow (src/computePath.ts).
// One evaluation ends when the loss and the gradients summed over the chunks have been read back with
// `await data()` (webgpu has no usable synchronous read in Node). Also measures a large tf.matMul's
// GFLOP/s on the same backend, the same way.
// --kan-kernel ops|js|auto forces a compute path (src/computePath.ts; `ops` on cpu is the GPU path's proxy).
// --profile prints, per case, the tfjs kernels run per evaluation (tf.profile; the difference between
// a 2-evaluation and a 1-evaluation run, so model set-up is not counted), those of them that compute
// (not Identity/Reshape/ExpandDims/Squeeze, which GPU backends do without a dispatch), the bytes the
// computing kernels write (a memory-traffic proxy), the largest output and the most frequent names.
//   node bench/gpu.mjs [--backend webgpu] [--cases kan-G5-525,...] [--quick] [--repeats N] [--warmup N] [--peak-n 4096] [--json FILE]
//                      [--kan-kernel ops] [--profile]
import { writeFileSync } from 'node:fs';
import { execSync } from 'node:child_process';
const flag = (name, fallback) => {
  const i = process.argv.indexOf(name);
  return i >= 0 ? process.argv[i + 1] : fallback;
};
const backendName = flag('--backend', 'webgpu');
const quick = process.argv.includes('--quick');

let adapterInfo = null;
if (backendName === 'webgpu' && !globalThis.navigator?.gpu) {
  let dawn;
  try {
    dawn = await import('webgpu');
  } catch (error) {
    console.error(`bench/gpu.mjs: --backend webgpu in Node needs Dawn's \`webgpu\` package (npm install --no-save webgpu): ${error.message.split('\n')[0]}`);
    process.exit(2);
  }
  Object.assign(globalThis, dawn.globals);
  const dawnFlags = (process.env.KANPINN_DAWN_FLAGS ?? '').split(/\s+/).filter(Boolean);
  Object.defineProperty(globalThis, 'navigator', { value: { gpu: dawn.create(dawnFlags) }, configurable: true, writable: true });
}
if (backendName === 'webgpu') {
  const adapter = await globalThis.navigator.gpu.requestAdapter({ powerPreference: 'high-performance' });
  if (!adapter) {
    console.error('bench/gpu.mjs: navigator.gpu.requestAdapter() found no adapter (no Vulkan driver for this GPU?)');
    process.exit(1);
  }
  const info = adapter.info ?? {};
  adapterInfo = { vendor: info.vendor, architecture: info.architecture, device: info.device, description: info.description };
}

const tf = await import('../dist/src/tf.js');
const { setBackend } = await import('../dist/src/backend.js');
const { EVAL_CASES, runEvalCaseAsync, repeatsFor } = await import('../dist/solvers/bench/evalSuite.js');
const { setKanKernel } = await import('../dist/src/computePath.js');
const backend = await setBackend(backendName);
setKanKernel(flag('--kan-kernel', 'auto'));
const profile = process.argv.includes('--profile');

const EXTRA = [
  { name: 'mlp-16x2-10k', model: { kind: 'mlp', width: [2, 16, 16, 1], seed: 0 }, interior: 10_000, boundary: 400 },
  { name: 'mlp-100x3-10k', model: { kind: 'mlp', width: [2, 100, 100, 100, 1], seed: 0 }, interior: 10_000, boundary: 400 },
  { name: 'mlp-100x3-100k', model: { kind: 'mlp', width: [2, 100, 100, 100, 1], seed: 0 }, interior: 100_000, boundary: 4_000 },
];
const all = [...EVAL_CASES, ...EXTRA];
const names = flag('--cases', all.map((c) => c.name).join(',')).split(',');

/** GFLOP/s of an n×n×n tf.matMul (best of 5 after a warm-up), read back as one summed scalar. */
async function matMulPeak(n) {
  const a = tf.randomUniform([n, n], -0.5, 0.5, 'float32', 1);
  const b = tf.randomUniform([n, n], -0.5, 0.5, 'float32', 2);
  const once = async () => {
    const s = tf.tidy(() => tf.matMul(a, b).sum());
    await s.data();
    s.dispose();
  };
  await once();
  let fastest = Infinity;
  for (let r = 0; r < 5; r++) {
    const start = performance.now();
    await once();
    fastest = Math.min(fastest, performance.now() - start);
  }
  a.dispose();
  b.dispose();
  return Math.round((2 * n ** 3) / (fastest * 1e-3) / 1e9 * 10) / 10;
}

const peakN = Number(flag('--peak-n', backend === 'webgpu' || backend === 'tensorflow' || backend === 'webgl' ? '4096' : '1024'));
const peak = await matMulPeak(peakN);
const machine = { backend, adapter: adapterInfo, node: process.version, cpus: (await import('node:os')).cpus().length, date: new Date().toISOString() };
try {
  machine.gpu = execSync('nvidia-smi --query-gpu=name,driver_version --format=csv,noheader', { stdio: ['ignore', 'pipe', 'ignore'] }).toString().trim();
} catch {}
console.log(`backend ${backend}${adapterInfo ? ` (${adapterInfo.vendor} ${adapterInfo.architecture} ${adapterInfo.description ?? ''})` : ''}; ${peakN}x${peakN}x${peakN} matMul ${peak} GFLOP/s`);
console.log('| case | points | ms per loss+gradient | MFLOP per eval | GFLOP/s |');
console.log('|---|---|---|---|---|');
const results = [];
const VIEWS = new Set(['Identity', 'Reshape', 'ExpandDims', 'Squeeze']);
/** Kernels, output bytes and names of `evaluations` timed evaluations of case c (set-up included). */
async function profiled(c, evaluations) {
  const info = await tf.profile(() => runEvalCaseAsync(c, evaluations, 0, { tfjs: peak, js: 0 }).then(() => null));
  const bytes = (k) => k.outputShapes.reduce((s, shape) => s + 4 * shape.reduce((a, b) => a * b, 1), 0);
  const computing = info.kernels.filter((k) => !VIEWS.has(k.name));
  return { kernels: info.kernels, computing: computing.length, outBytes: computing.reduce((s, k) => s + bytes(k), 0), largest: Math.max(...info.kernels.map(bytes)) };
}
if (profile) {
  console.log('| case | kernels per eval | computing kernels | MB written per eval | largest output MB | most frequent kernels |');
  console.log('|---|---|---|---|---|---|');
  for (const name of names) {
    const c = all.find((e) => e.name === name);
    if (!c) throw new Error(`unknown case ${name}`);
    const one = await profiled(c, 1);
    const two = await profiled(c, 2);
    const perEval = two.kernels.slice(one.kernels.length);
    const counts = new Map();
    for (const k of perEval) counts.set(k.name, (counts.get(k.name) ?? 0) + 1);
    const top = [...counts].sort((a, b) => b[1] - a[1]).slice(0, 8).map(([n, k]) => `${n} ${k}`).join(', ');
    console.log(`| ${name} | ${two.kernels.length - one.kernels.length} | ${two.computing - one.computing} | ${((two.outBytes - one.outBytes) / 1e6).toFixed(1)} | ${(two.largest / 1e6).toFixed(1)} | ${top} |`);
  }
  process.exit(0);
}
for (const name of names) {
  const c = all.find((e) => e.name === name);
  if (!c) throw new Error(`unknown case ${name} (cases: ${all.map((e) => e.name).join(', ')})`);
  const plan = repeatsFor(c, quick);
  const repeats = Number(flag('--repeats', plan.repeats));
  const warmup = Number(flag('--warmup', Math.max(plan.warmup, 2)));
  const r = await runEvalCaseAsync(c, repeats, warmup, { tfjs: peak, js: 0 });
  results.push(r);
  console.log(`| ${r.name} | ${r.points} | ${r.msPerEval.toFixed(3)} | ${(r.flops / 1e6).toFixed(1)} | ${r.gflops.toFixed(2)} |`);
}
const file = flag('--json', null);
if (file) writeFileSync(file, `${JSON.stringify({ machine, matMulPeak: { n: peakN, gflops: peak }, results }, null, 2)}\n`);
// Dawn keeps the event loop alive; the bench is done.
process.exit(0);
