#!/usr/bin/env node
// Bench: how one loss+gradient evaluation scales with the thread count (engine/pool.ts kernel
// threads + tfjs-wasm's threaded XNNPACK, engine/wasmThreads.ts), thread counts alternated in one
// process, medians of rounds. The eval suite's Poisson loss (u on boundary points; u, u_xx, u_yy on
// interior points) for KAN [2,10,1] G5, MLP [2,16,16,1] and MLP [2,100,100,100,1] at 10.4k and 104k
// points. Needs `npm run build`; runs offline from the repo root with dist/ and node_modules only.
//   node bench/threads-scaling.mjs [--threads 1,2,4,8,16] [--cases kan-10k,mlp16-10k,...]
//                                  [--rounds 3] [--seconds 1.5] [--json FILE] [--chunking auto,never]
//                                  [--kan-network on,off] [--phases] [--min-work UNITS]
// --min-work: the crossover (engine/pool.ts THREAD_MIN_WORK) for this run, to measure where two
// threads start to pay: e.g. --min-work 1 --cases kan-525,kan-1000,kan-2500,kan-5000.
// --chunking: how threaded calls are split (engine/pool.ts setChunking), each mode a setting of its
// own for every count above 1: auto (claimed chunks where the arrays are shared), never (one fixed
// chunk per thread, as before 2026-11-30), always.
// --kan-network on,off: the KAN network's layers as one threaded pass each way (on, the default)
// or one threaded call per layer pass (off, as before 2026-11-30); each a setting for counts above 1.
// Cases: the named ones below, or <kan|mlp16|mlp100>-<interior points> (4 % more boundary points;
// kan-525 is the eval suite's 441 + 84), e.g. --cases kan-525,kan-2500,kan-5000 for the crossover.
// Per setting it prints the median ms per evaluation, the speed-up against the first count (1),
// and the CPU ms per evaluation of the whole process and of the main thread (Linux): under load
// the wall time says little, but the main thread's share of the CPU time shows the serial part.
// --phases: also where the main thread's wall time goes, per case and setting (ms per evaluation,
// medians of rounds): the evaluation's own parts (input jets, the network's forward op and the
// loss ops; the backward pass; reading the values) and, inside them, the KAN network op's and the
// kernel pool's phases (engine/phases.ts hooks: dispatch, the calling thread's chunks, the wait
// for the workers, copies, sums). The phase timers cost a little, so the totals read ~1-2 % high.
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
const phases = process.argv.includes('--phases');
const minWork = flag('--min-work', null) === null ? null : Number(flag('--min-work'));
if (minWork !== null && !(Number.isInteger(minWork) && minWork >= 1)) fail(`--min-work: expected an integer >= 1, got ${flag('--min-work')}`);
const modes = flag('--chunking', 'auto').split(',');
if (modes.some((m) => !['auto', 'never', 'always'].includes(m))) fail(`--chunking: expected a comma-separated list of auto, never, always, got ${flag('--chunking')}`);
const nets = flag('--kan-network', 'on').split(',');
if (nets.some((m) => !['on', 'off'].includes(m))) fail(`--kan-network: expected a comma-separated list of on, off, got ${flag('--kan-network')}`);
const settings = counts.flatMap((threads) => (threads === 1 ? [{ threads, mode: 'auto', net: 'on' }] : modes.flatMap((mode) => nets.map((net) => ({ threads, mode, net })))));
const label = (s) => {
  if (s.threads === 1) return '1';
  const parts = [String(s.threads)];
  if (modes.length > 1) parts.push(s.mode);
  if (nets.length > 1) parts.push(`net-${s.net}`);
  return parts.join(' ');
};

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
const MODELS = { kan: ['KAN [2,10,1] G5', KAN], mlp16: ['MLP [2,16,16,1]', MLP16], mlp100: ['MLP [2,100,100,100,1]', MLP100] };
/** A named case, or <model>-<interior points> (525: the eval suite's 441 interior + 84 boundary points). */
const caseNamed = (name) => {
  const known = ALL_CASES.find((c) => c.name === name);
  if (known) return known;
  const m = /^(kan|mlp16|mlp100)-(\d+)$/.exec(name);
  if (!m || Number(m[2]) < 8) fail(`--cases: unknown case ${name} (cases: ${ALL_CASES.map((c) => c.name).join(', ')}, or <kan|mlp16|mlp100>-<interior points>)`);
  const n = Number(m[2]);
  const [modelLabel, model] = MODELS[m[1]];
  return n === 525 ? { name, label: modelLabel, model, interior: 441, boundary: 84 } : { name, label: modelLabel, model, interior: n, boundary: Math.max(4, Math.round(n * 0.04)) };
};
const names = flag('--cases', ALL_CASES.map((c) => c.name).join(',')).split(',');
const cases = names.map(caseNamed);

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
const { setChunking, setThreadMinWork } = await load('dist/src/engine/pool.js');
if (minWork !== null) setThreadMinWork(minWork);
const { setNetworkPasses } = nets.length > 1 || nets[0] !== 'on' ? await load('dist/src/kan/layerThreads.js') : { setNetworkPasses: () => true };
const phaseHooks = phases ? await load('dist/src/engine/phases.js') : null;
/** The bench's own phases of one evaluation (ms), added up while --phases is on. */
const own = new Map();
const clock = () => (phaseHooks !== null && phaseHooks.phaseTiming() ? performance.now() : 0);
const mark = (name, t0) => {
  if (t0 === 0) return 0;
  const now = performance.now();
  own.set(name, (own.get(name) ?? 0) + now - t0);
  return now;
};
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
      let t = clock();
      const { value, grads } = tf.variableGrads(() => {
        const inner = jetTensors(model, ['u', 'u_xx', 'u_yy'], interior, c.interior);
        t = mark('eval: interior jets (input jet, network op, split)', t);
        const residual = inner.u_xx.add(inner.u_yy).sub(f);
        const edge = jetTensors(model, ['u'], boundary, c.boundary);
        const loss = residual.square().sum().mul(0.01 / c.interior).add(edge.u.square().sum().mul(1 / c.boundary));
        t = mark('eval: boundary jets, loss ops', t);
        return loss;
      }, variables);
      t = mark('eval: backward (tfjs gradients, network op gradient)', t);
      value.dataSync();
      for (const v of variables) grads[v.name].dataSync();
      mark('eval: read loss and gradients', t);
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
    setNetworkPasses(setting.net === 'on');
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
      if (phaseHooks !== null) {
        phaseHooks.setPhaseTiming(true);
        own.clear();
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
      let phaseMs = null;
      if (phaseHooks !== null) {
        phaseMs = {};
        for (const [name, total] of own) phaseMs[name] = total / c.repeats;
        for (const [name, total] of Object.entries(phaseHooks.phaseTotals())) phaseMs[`  ${name}`] = total.ms / c.repeats;
        phaseHooks.setPhaseTiming(false);
      }
      samples.get(key).push({ ms, cpuMs: (cpu.user + cpu.system) / 1000 / c.repeats, mainCpuMs: main0 === null ? null : (main1 - main0) / c.repeats, phaseMs });
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
      kanNetwork: setting.net,
      label: label(setting),
      xnnpackThreads: xnn.get(threads),
      msPerEval: Math.round(ms * 100) / 100,
      speedup: Math.round((base / ms) * 100) / 100,
      cpuMsPerEval: Math.round(median(s.map((x) => x.cpuMs)) * 10) / 10,
      mainThreadCpuMsPerEval: main === null ? null : Math.round(main * 10) / 10,
      repeats: c.repeats,
      roundsMs: s.map((x) => Math.round(x.ms * 100) / 100),
      ...(phases ? { phasesMs: s.map((x) => x.phaseMs) } : {}),
    });
  }
}
const after = loadAverage();
const header = ['case', 'points', 'threads', 'ms/eval', `speed-up vs ${counts[0]}`, 'CPU ms/eval', 'main-thread CPU ms/eval'];
const lines = rows.map((r) => [r.case, String(r.points), `${r.label} (XNNPACK ${r.xnnpackThreads})`, r.msPerEval.toFixed(2), `${r.speedup.toFixed(2)}×`, r.cpuMsPerEval.toFixed(1), r.mainThreadCpuMsPerEval === null ? '–' : r.mainThreadCpuMsPerEval.toFixed(1)]);
const widths = header.map((h, i) => Math.max(h.length, ...lines.map((l) => l[i].length)));
const fmt = (cells) => cells.map((cell, i) => cell.padStart(widths[i])).join('  ');
console.log(fmt(header));
for (const l of lines) console.log(fmt(l));
if (phases) {
  // per case: a row per phase, a column per setting (medians of rounds; a phase absent from a round counts 0)
  for (const c of prepared) {
    const names = [];
    for (const setting of settings) for (const x of samples.get(`${c.name}|${label(setting)}`)) for (const name of Object.keys(x.phaseMs)) if (!names.includes(name)) names.push(name);
    const own = names.filter((n) => !n.startsWith('  ')).sort();
    const inner = names.filter((n) => n.startsWith('  '));
    const ordered = [...own, ...inner];
    const cols = settings.map((setting) => samples.get(`${c.name}|${label(setting)}`));
    const head = [`${c.name}: wall ms per evaluation on the main thread (phases indented: inside the ones above)`, ...settings.map((s) => `${label(s)} thr`)];
    const body = ordered.map((name) => [name, ...cols.map((s) => median(s.map((x) => x.phaseMs[name] ?? 0)).toFixed(3))]);
    body.push(['total (measured around the evaluations)', ...cols.map((s) => median(s.map((x) => x.ms)).toFixed(3))]);
    const w = head.map((h, i) => Math.max(h.length, ...body.map((b) => b[i].length)));
    console.log('');
    console.log(head.map((h, i) => (i === 0 ? h.padEnd(w[i]) : h.padStart(w[i]))).join('  '));
    for (const b of body) console.log(b.map((cell, i) => (i === 0 ? cell.padEnd(w[i]) : cell.padStart(w[i]))).join('  '));
  }
}
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
