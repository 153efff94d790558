#!/usr/bin/env node
// Bench: the machine's own ceiling for two-thread scaling. It runs the same fixed work in one
// process, then in two processes at once (no sharing, no synchronisation), and prints how much
// more work two processes finish per second: on two real cores that is ~2.0x; on a shared or
// hyper-threaded pair it is lower, and no threaded kernel can beat it. Two kinds of work:
// tfjs-wasm matMul on one thread (XNNPACK SIMD, the MLP's hot loop) and a scalar float loop
// (the KAN kernels' kind). Interleaved rounds, medians. Needs `npm run build`.
//   node bench/cores-probe.mjs [--rounds 3] [--seconds 3]
import { spawn } from 'node:child_process';
import { loadavg } from 'node:os';

const flag = (name, fallback) => {
  const i = process.argv.indexOf(name);
  return i >= 0 ? process.argv[i + 1] : fallback;
};
const rounds = Number(flag('--rounds', '3'));
const seconds = Number(flag('--seconds', '3'));
if (!Number.isInteger(rounds) || rounds < 1) { console.error(`cores-probe: --rounds: expected an integer >= 1, got ${flag('--rounds')}`); process.exit(2); }
if (!(seconds > 0)) { console.error(`cores-probe: --seconds: expected a number > 0, got ${flag('--seconds')}`); process.exit(2); }

if (process.argv[2] === '--worker') {
  const kind = process.argv[3];
  const until = Number(process.argv[4]);
  const start = Number(process.argv[5]);
  const waitStart = async () => {
    await new Promise((r) => setTimeout(r, Math.max(0, start - Date.now())));
    return Date.now();
  };
  let work = 0;
  let t0 = 0;
  if (kind === 'matmul') {
    process.env.KANPINN_THREADS = '1';
    const { setBackend } = await import(new URL('../dist/src/backend.js', import.meta.url).href);
    const tf = await import(new URL('../dist/src/tf.js', import.meta.url).href);
    await setBackend('wasm');
    const a = tf.randomNormal([512, 256]);
    const b = tf.randomNormal([256, 256]);
    tf.tidy(() => tf.matMul(a, b).dataSync());
    t0 = await waitStart();
    while (Date.now() < until) {
      tf.tidy(() => tf.matMul(a, b).dataSync());
      work += 2 * 512 * 256 * 256;
    }
  } else {
    const x = new Float64Array(4096).map((_, i) => i / 4096);
    let s = 0;
    t0 = await waitStart();
    while (Date.now() < until) {
      for (let r = 0; r < 100; r++) for (let i = 0; i < x.length; i++) s += x[i] * x[i] + 0.5 * x[i];
      work += 3 * 100 * x.length;
    }
    if (s === 42) console.error('');
  }
  if (t0 >= until || work === 0) {
    console.error(`cores-probe: a worker was not ready before its window closed (loading took too long: machine busy); try --seconds ${seconds * 2}`);
    process.exit(1);
  }
  process.stdout.write(String(work / (Date.now() - t0))); // work per ms of its own window
  process.exit(0);
}

const runWorkers = (kind, n) => new Promise((resolve, reject) => {
  const start = Date.now() + 4000; // both load now and count work only in the same window
  const until = start + seconds * 1000;
  let done = 0;
  let total = 0;
  for (let i = 0; i < n; i++) {
    const child = spawn(process.execPath, [new URL(import.meta.url).pathname, '--worker', kind, String(until), String(start)], { stdio: ['ignore', 'pipe', 'inherit'] });
    let out = '';
    child.stdout.on('data', (d) => (out += d));
    child.on('exit', (code) => {
      if (code !== 0) return reject(new Error(`worker exited ${code}`));
      total += Number(out);
      if (++done === n) resolve(total);
    });
  }
});

console.log(`cores-probe: ${seconds} s per run, ${rounds} rounds, load at start ${loadavg()[0].toFixed(1)}`);
for (const kind of ['matmul', 'scalar']) {
  const ratios = [];
  for (let r = 0; r < rounds; r++) {
    let one, two;
    try {
      one = await runWorkers(kind, 1);
      two = await runWorkers(kind, 2);
    } catch (error) {
      console.error(`cores-probe: ${error.message}`);
      process.exit(1);
    }
    ratios.push(two / one);
  }
  ratios.sort((a, b) => a - b);
  console.log(`${kind}: two processes do ${ratios[Math.floor(ratios.length / 2)].toFixed(2)}x the work of one (rounds ${ratios.map((x) => x.toFixed(2)).join(', ')}; load now ${loadavg()[0].toFixed(1)})`);
}
