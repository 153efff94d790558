#!/usr/bin/env node
// Bench: two builds of the library interleaved in one process, on the eval suite's cases: loss +
// gradient as solvers/bench/evalSuite.ts times them (its points, loss, read-back and gradient sums),
// one thread, wasm. For before/after comparisons of a change: build the old commit elsewhere
// (`git worktree add /tmp/old <commit> && cd /tmp/old && npm ci && npm run build`), then, after
// `npm run build` here:
//   node bench/builds.mjs --base /tmp/old/dist [--cases kan-G5-525,mlp-16x2-525] [--evals 3000] [--block 25]
// Each evaluation is timed on its own; the builds alternate every `--block` evaluations (which goes
// first alternates too), so both see the same load. Prints per case and build the 10th percentile
// and the median of the evaluation times and the ratios new/base: on a shared machine the p10 is
// the steadier figure (the median moves with the load). With --check, first compares the loss and
// every gradient of both builds bit for bit (seeds 0..2) and prints how many values differ.
import { execSync } from 'node:child_process';
import { resolve } from 'node:path';
const flag = (name, fallback) => {
  const i = process.argv.indexOf(name);
  return i >= 0 ? process.argv[i + 1] : fallback;
};
const base = flag('--base', null);
if (!base) {
  console.error('--base: expected the dist/ folder of the build to compare with');
  process.exit(2);
}
process.env.KANPINN_THREADS = '1';
const builds = { base: resolve(base), new: resolve(new URL('../dist', import.meta.url).pathname) };
const libs = {};
for (const [name, dir] of Object.entries(builds)) {
  const { setBackend } = await import(`${dir}/src/backend.js`);
  await setBackend('wasm');
  libs[name] = { tf: await import(`${dir}/src/tf.js`), lib: await import(`${dir}/src/internal.js`), suite: await import(`${dir}/solvers/bench/evalSuite.js`) };
}

// The eval suite's points and loss (evalSuite.ts: squarePoints, boundaryPoints, prepareCase), per build.
function squarePoints(lib, count, seed) {
  const rng = lib.createRng(seed);
  return Float32Array.from({ length: count * 2 }, () => rng.next() * 2 - 1);
}
function boundaryPoints(count) {
  const out = new Float32Array(count * 2);
  for (let n = 0; n < count; n++) {
    const s = (4 * n) / count;
    const side = Math.floor(s);
    const a = (s - side) * 2 - 1;
    const xy = [[a, -1], [1, a], [-a, 1], [-1, -a]][side];
    out[2 * n] = xy[0];
    out[2 * n + 1] = xy[1];
  }
  return out;
}
function prepare(name, caseName, seed) {
  const { tf, lib, suite } = libs[name];
  const c = suite.EVAL_CASES.find((e) => e.name === caseName);
  if (!c) throw new Error(`unknown case ${caseName}`);
  if (c.chunk !== undefined) throw new Error(`${caseName}: chunked cases are not supported here`);
  const model = lib.createModel(seed === undefined ? c.model : { ...c.model, seed });
  const variables = model.variables();
  const interior = squarePoints(lib, c.interior, 1);
  const boundary = boundaryPoints(c.boundary);
  const f = tf.tidy(() => {
    const x = tf.tensor1d(Float32Array.from({ length: c.interior }, (_, n) => interior[2 * n]));
    const y = tf.tensor1d(Float32Array.from({ length: c.interior }, (_, n) => interior[2 * n + 1]));
    return tf.sin(x.mul(Math.PI)).mul(tf.sin(y.mul(Math.PI))).mul(-2 * Math.PI * Math.PI);
  });
  const sums = variables.map((v) => new Float32Array(v.size));
  let loss = 0;
  const evaluate = () => {
    for (const s of sums) s.fill(0);
    tf.tidy(() => {
      const { value, grads } = tf.variableGrads(() => {
        const inner = lib.jetTensors(model, ['u', 'u_xx', 'u_yy'], interior, c.interior);
        const residual = inner.u_xx.add(inner.u_yy).sub(f);
        const edge = lib.jetTensors(model, ['u'], boundary, c.boundary);
        return residual.square().sum().mul(0.01 / c.interior).add(edge.u.square().sum().mul(1 / c.boundary));
      }, variables);
      loss = value.dataSync()[0];
      variables.forEach((v, i) => {
        const g = grads[v.name].dataSync();
        const s = sums[i];
        for (let j = 0; j < s.length; j++) s[j] = s[j] + g[j];
      });
    });
    process.memoryUsage();
  };
  return { evaluate, result: () => [loss, ...sums.flatMap((s) => Array.from(s))], dispose: () => { f.dispose(); model.dispose(); } };
}

const names = flag('--cases', 'kan-G5-525,mlp-16x2-525').split(',');
const evals = Number(flag('--evals', '3000'));
const block = Number(flag('--block', '25'));
const quantile = (a, q) => [...a].sort((x, y) => x - y)[Math.floor(q * (a.length - 1))];
const load = () => execSync('uptime').toString().trim().replace(/.*load average: /, '');
console.log(`wasm, 1 thread; base ${builds.base}, new ${builds.new}; load average before: ${load()}`);
if (process.argv.includes('--check')) {
  for (const name of names) {
    let differ = 0;
    let total = 0;
    for (const seed of [0, 1, 2]) {
      const runs = ['base', 'new'].map((b) => {
        const p = prepare(b, name, seed);
        p.evaluate();
        const r = p.result();
        p.dispose();
        return r;
      });
      total += runs[0].length;
      runs[0].forEach((v, i) => (differ += Object.is(v, runs[1][i]) ? 0 : 1));
    }
    console.log(`${name}: loss and gradients, seeds 0..2: ${differ} of ${total} values differ between the builds`);
  }
}
for (const name of names) {
  const prepared = { base: prepare('base', name), new: prepare('new', name) };
  for (let i = 0; i < 50; i++) for (const b of ['base', 'new']) prepared[b].evaluate();
  const times = { base: [], new: [] };
  for (let r = 0; r * block < evals; r++) {
    for (const b of r % 2 ? ['base', 'new'] : ['new', 'base']) {
      for (let i = 0; i < block; i++) {
        const start = performance.now();
        prepared[b].evaluate();
        times[b].push(performance.now() - start);
      }
    }
  }
  for (const b of ['base', 'new']) prepared[b].dispose();
  const [p10, med] = [0.1, 0.5].map((q) => ({ base: quantile(times.base, q), new: quantile(times.new, q) }));
  console.log(
    `${name}: ${times.new.length} evaluations each; p10 base ${p10.base.toFixed(3)} ms, new ${p10.new.toFixed(3)} ms, new/base ${(p10.new / p10.base).toFixed(3)}; ` +
      `median base ${med.base.toFixed(3)} ms, new ${med.new.toFixed(3)} ms, new/base ${(med.new / med.base).toFixed(3)}`,
  );
}
console.log(`load average after: ${load()}`);
