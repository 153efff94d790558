#!/usr/bin/env node
// Bench: how one loss+gradient evaluation scales with the thread count (engine/pool.ts kernel
// threads + tfjs-wasm's threaded XNNPACK, engine/wasmThreads.ts), thread counts alternated in one
// process, medians of rounds. The eval suite's Poisson loss (u on boundary points; u, u_xx, u_yy on
// interior points) for KAN [2,10,1] G5, MLP [2,16,16,1] and MLP [2,100,100,100,1] at 10.4k and 104k
// points. Needs `npm run build`; runs offline from the repo root with dist/ and node_modules only.
//   node bench/threads-scaling.mjs [--threads 1,2,4,8,16] [--cases kan-10k,mlp16-10k,...]
//                                  [--rounds 3] [--seconds 1.5] [--json FILE] [--chunking auto,never]
// --chunking: how threaded calls are split (engine/pool.ts setChunking), each mode a setting of its
// own for every count above 1: auto (claimed chunks where the arrays are shared), never (one fixed
// chunk per thread, as before 2026-11-30), always.
// Per setting it prints the median ms per evaluation, the speed-up against the first count (1),
// and the CPU ms per evaluation of the whole process and of the main thread (Linux): under load
// the wall time says little, but the main thread's share of the CPU time shows the serial part.
import { execSync } from 'node:child_process';
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { availableParallelism } from 'node:os';

const flag = (name, fallback) => {
  const i = process.argv.indexOf(name);
  return i >= 0 ? process.argv[i + 1] : fallback;
};
const fail = (message) => {
  console.error(`threads-scaling: ${message}`);
  process.exit(2);
};
const cores = availableParallelism();
const counts = flag('--threads', [...new Set([1, 2, cores])].join(','))
  .split(',')
  .map((s) => Number(s));
if (counts.some((n) => !Number.isInteger(n) || n < 1)) fail(`--threads: expected a comma-separated list of integers >= 1, got ${flag('--threads')}`);
const rounds = Number(flag('--rounds', '3'));
if (!Number.isInteger(rounds) || rounds < 1) fail(`--rounds: expected an integer >= 1, got ${flag('--rounds')}`);
const seconds = Number(flag('--seconds', '1.5'));
if (!(seconds > 0)) fail(`--seconds: expected a number > 0, got ${flag('--seconds')}`);
const jsonFile = flag('--json', null);
const modes = flag('--chunking', 'auto').split(',');
if (modes.some((m) => !['auto', 'never', 'always'].includes(m))) fail(`--chunking: expected a comma-separated list of auto, never, always, got ${flag('--chunking')}`);
const settings = counts.flatMap((threads) => (threads === 1 ? [{ threads, mode: 'auto' }] : modes.map((mode) => ({ threads, mode }))));
const label = (s) => (s.threads === 1 || modes.length === 1 ? String(s.threads) : `${s.threads} ${s.mode}`);

const KAN = { kind: 'kan', width: [2, 10, 1], grid: 5, seed: 0 };
const MLP16 = { kind: 'mlp', width: [2, 16, 16, 1], seed: 0 };
const MLP100 = { kind: 'mlp', width: [2, 100, 100, 100, 1], seed: 0 };
const ALL_CASES = [
  { name: 'kan-10k', label: 'KAN [2,10,1] G5', model: KAN, interior: 10_000, boundary: 400 },
  { name: 'kan-100k', label: 'KAN [2,10,1] G5', model: KAN, interior: 100_000, boundary: 4_000 },
  { name: 'mlp16-10k', label: 'MLP [2,16,16,1]', model: MLP16, interior: 10_000, boundary: 400 },
  { name: 'mlp16-100k', label: 'MLP [2,16,16,1]', model: MLP16, interior: 100_000, boundary: 4_000 },
  { name: 'mlp100-10k', label: 'MLP [2,100,100,100,1]', model: MLP100, interior: 10_000, boundary: 400 },
  { name: 'mlp100-100k', label: 'MLP [2,100,100,100,1]', model: MLP100, interior: 100_000, boundary: 4_000 },
];
const names = flag('--cases', ALL_CASES.map((c) => c.name).join(',')).split(',');
const cases = names.map((name) => ALL_CASES.find((c) => c.name === name) ?? fail(`--cases: unknown case ${name} (cases: ${ALL_CASES.map((c) => c.name).join(', ')})`));

process.env.KANPINN_THREADS = String(Math.max(...counts));
const root = new URL('..', import.meta.url);
const load = async (path) => {
  try {
    return await import(new URL(path, root).href);
  } catch (error) {
    fail(`cannot load ${path} (run \`npm run build\` first): ${String(error.message).split('\n')[0]}`);
  }
};
const { setBackend } = await load('dist/src/backend.js');
const tf = await load('dist/src/tf.js');
const { createModel, createRng, jetTensors, setThreads } = await load('dist/src/internal.js');
const { wasmThreadsReady, wasmThreadsState } = await load('dist/src/engine/wasmThreads.js');
const { setChunking } = await load('dist/src/engine/pool.js');
const backend = await setBackend(process.env.KANPINN_BACKEND ?? 'wasm');

const loadAverage = () => {
  try {
    return execSync('uptime').toString().trim().replace(/.*load average: /, '');
  } catch {
    return 'unknown';
  }
};
/** CPU ms of the main thread (Linux /proc; null elsewhere). */
const mainThreadCpuMs = (() => {
  try {
    readFileSync(`/proc/self/task/${process.pid}/stat`);
  } catch {
    return () => null;
  }
  const tick = 10; // USER_HZ = 100 on Linux
  return () => {
    const fields = readFileSync(`/proc/self/task/${process.pid}/stat`, 'utf8').split(') ')[1].split(' ');
    return (Number(fields[11]) + Number(fields[12])) * tick;
  };
})();
const osThreads = () => {
  try {
    return readdirSync('/proc/self/task').length;
  } catch {
    return null;
  }
};

/** The eval suite's points and loss (solvers/bench/evalSuite.ts), for one case. */
function prepare(c) {
  const rng = createRng(1);
  const interior = Float32Array.from({ length: c.interior * 2 }, () => rng.next() * 2 - 1);
  const boundary = new Float32Array(c.boundary * 2);
  for (let n = 0; n < c.boundary; n++) {
    const s = (4 * n) / c.boundary;
    const side = Math.floor(s);
    const a = (s - side) * 2 - 1;
    const xy = [[a, -1], [1, a], [-a, 1], [-1, -a]][side];
    boundary[2 * n] = xy[0];
    boundary[2 * n + 1] = xy[1];
  }
  const f = tf.tensor1d(Float32Array.from({ length: c.interior }, (_, n) => -2 * Math.PI ** 2 * Math.sin(Math.PI * interior[2 * n]) * Math.sin(Math.PI * interior[2 * n + 1])));
  const model = createModel(c.model);
  const variables = model.variables();
  const evaluate = () =>
    tf.tidy(() => {
      const { value, grads } = tf.variableGrads(() => {
        const inner = jetTensors(model, ['u', 'u_xx', 'u_yy'], interior, c.interior);
        const residual = inner.u_xx.add(inner.u_yy).sub(f);
        const edge = jetTensors(model, ['u'], boundary, c.boundary);
        return residual.square().sum().mul(0.01 / c.interior).add(edge.u.square().sum().mul(1 / c.boundary));
      }, variables);
      value.dataSync();
      for (const v of variables) grads[v.name].dataSync();
    });
  return { ...c, evaluate, repeats: null };
}

const median = (a) => {
  const s = [...a].sort((x, y) => x - y);
  return s.length % 2 ? s[s.length >> 1] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};

const before = loadAverage();
console.log(`backend ${backend}, ${cores} cores, thread counts ${counts.join(', ')}, ${rounds} rounds; load average before: ${before}`);
const prepared = cases.map(prepare);
const samples = new Map(); // `${case}|${threads}` -> [{ ms, cpuMs, mainCpuMs }]
const xnn = new Map();
for (let round = 0; round < rounds; round++) {
  // alternate the order, so a drift in the machine's load does not favour one count
  const order = round % 2 === 0 ? settings : [...settings].reverse();
  for (const setting of order) {
    const { threads } = setting;
    setThreads(threads);
    setChunking(setting.mode);
    await wasmThreadsReady();
    xnn.set(threads, wasmThreadsState().threads);
    for (const c of prepared) {
      // warm-up: the first call at a new count starts the workers, whose generated kernels then
      // may still run unoptimised for a few calls
      for (let w = 0; w < 3; w++) c.evaluate();
      if (c.repeats === null) {
        const t0 = performance.now();
        c.evaluate();
        c.repeats = Math.max(1, Math.min(21, Math.round((seconds * 1000) / Math.max(1, performance.now() - t0))));
      }
      const cpu0 = process.cpuUsage();
      const main0 = mainThreadCpuMs();
      const t0 = performance.now();
      for (let r = 0; r < c.repeats; r++) c.evaluate();
      const ms = (performance.now() - t0) / c.repeats;
      const cpu = process.cpuUsage(cpu0);
      const main1 = mainThreadCpuMs();
      const key = `${c.name}|${label(setting)}`;
      if (!samples.has(key)) samples.set(key, []);
      samples.get(key).push({ ms, cpuMs: (cpu.user + cpu.system) / 1000 / c.repeats, mainCpuMs: main0 === null ? null : (main1 - main0) / c.repeats });
    }
  }
}
setThreads(1);

const rows = [];
for (const c of prepared) {
  const base = median(samples.get(`${c.name}|${label(settings[0])}`).map((s) => s.ms));
  for (const setting of settings) {
    const { threads } = setting;
    const s = samples.get(`${c.name}|${label(setting)}`);
    const ms = median(s.map((x) => x.ms));
    const main = s.every((x) => x.mainCpuMs !== null) ? median(s.map((x) => x.mainCpuMs)) : null;
    rows.push({
      case: c.name,
      model: c.label,
      points: c.interior + c.boundary,
      threads,
      chunking: setting.mode,
      xnnpackThreads: xnn.get(threads),
      msPerEval: Math.round(ms * 100) / 100,
      speedup: Math.round((base / ms) * 100) / 100,
      cpuMsPerEval: Math.round(median(s.map((x) => x.cpuMs)) * 10) / 10,
      mainThreadCpuMsPerEval: main === null ? null : Math.round(main * 10) / 10,
      repeats: c.repeats,
      roundsMs: s.map((x) => Math.round(x.ms * 100) / 100),
    });
  }
}
const after = loadAverage();
const header = ['case', 'points', 'threads', 'ms/eval', `speed-up vs ${counts[0]}`, 'CPU ms/eval', 'main-thread CPU ms/eval'];
const lines = rows.map((r) => [r.case, String(r.points), `${r.threads}${modes.length > 1 && r.threads > 1 ? ` ${r.chunking}` : ''} (XNNPACK ${r.xnnpackThreads})`, r.msPerEval.toFixed(2), `${r.speedup.toFixed(2)}×`, r.cpuMsPerEval.toFixed(1), r.mainThreadCpuMsPerEval === null ? '–' : r.mainThreadCpuMsPerEval.toFixed(1)]);
const widths = header.map((h, i) => Math.max(h.length, ...lines.map((l) => l[i].length)));
const fmt = (cells) => cells.map((cell, i) => cell.padStart(widths[i])).join('  ');
console.log(fmt(header));
for (const l of lines) console.log(fmt(l));
console.log(`load average after: ${after}; OS threads of this process at the end: ${osThreads() ?? 'unknown'}; wasm build: ${JSON.stringify(wasmThreadsState())}`);
const result = {
  bench: 'threads-scaling',
  date: new Date().toISOString(),
  backend,
  node: process.version,
  cores,
  counts,
  chunking: modes,
  rounds,
  loadAverage: { before, after },
  wasm: wasmThreadsState(),
  rows,
};
if (jsonFile) {
  writeFileSync(jsonFile, `${JSON.stringify(result, null, 2)}\n`);
  console.log(`wrote ${jsonFile}`);
}
