#!/usr/bin/env node
// Bench: two builds of the library interleaved in one process, on the eval suite's cases (its own
// runEvalCase: loss + gradient, median ms), one thread, wasm. For before/after comparisons of a
// change: build the old commit elsewhere (`git worktree add /tmp/old <commit> && cd /tmp/old &&
// npm ci && npm run build`), then, after `npm run build` here:
//   node bench/builds.mjs --base /tmp/old/dist [--cases kan-G5-525,mlp-16x2-525] [--repeats 101] [--rounds 7]
// Prints per case the medians of the rounds' medians for both builds and their ratio new/base.
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
const loaded = {};
for (const [name, dir] of Object.entries(builds)) {
  const { setBackend } = await import(`${dir}/src/backend.js`);
  await setBackend('wasm');
  loaded[name] = await import(`${dir}/solvers/bench/evalSuite.js`);
}
const names = flag('--cases', 'kan-G5-525,mlp-16x2-525').split(',');
const repeats = Number(flag('--repeats', '101'));
const rounds = Number(flag('--rounds', '7'));
const median = (a) => [...a].sort((x, y) => x - y)[a.length >> 1];
const load = () => execSync('uptime').toString().trim().replace(/.*load average: /, '');
console.log(`wasm, 1 thread; base ${builds.base}, new ${builds.new}; load average before: ${load()}`);
for (const name of names) {
  const times = { base: [], new: [] };
  for (let r = 0; r < rounds; r++) {
    // alternate which build goes first
    const order = r % 2 ? ['base', 'new'] : ['new', 'base'];
    for (const b of order) {
      const c = loaded[b].EVAL_CASES.find((e) => e.name === name);
      if (!c) throw new Error(`unknown case ${name}`);
      times[b].push(loaded[b].runEvalCase(c, repeats, 20).msPerEval);
    }
  }
  const [mb, mn] = [median(times.base), median(times.new)];
  console.log(`${name}: base ${mb.toFixed(3)} ms, new ${mn.toFixed(3)} ms, new/base ${(mn / mb).toFixed(3)}; rounds ${JSON.stringify(times)}`);
}
console.log(`load average after: ${load()}`);
