#!/usr/bin/env node
// Bench: two compute paths of the built library, interleaved in one process (medians of rounds):
//   kan: the JS kernels vs the tfjs-ops (GPU) path   (setKanKernel('js' | 'ops'))
//   mlp: the fused MLP op vs the per-layer ops vs the tfjs-ops activations (useFusedMlp, setKanKernel('ops'))
// on one backend and one thread. Needs `npm run build`.
//   node bench/paths.mjs [--backend wasm|cpu] [--cases kan-G5-525,mlp-16x2-525] [--repeats 11] [--rounds 3]
import { execSync } from 'node:child_process';
const flag = (name, fallback) => {
  const i = process.argv.indexOf(name);
  return i >= 0 ? process.argv[i + 1] : fallback;
};
process.env.KANPINN_THREADS = '1';
const { setBackend } = await import('../dist/src/backend.js');
const { setKanKernel } = await import('../dist/src/computePath.js');
const { useFusedMlp } = await import('../dist/src/mlp/mlp.js');
const { EVAL_CASES, runEvalCase } = await import('../dist/solvers/bench/evalSuite.js');
const backend = await setBackend(flag('--backend', 'wasm'));
const names = flag('--cases', 'kan-G5-525,mlp-16x2-525').split(',');
const repeats = Number(flag('--repeats', '11'));
const rounds = Number(flag('--rounds', '3'));
const median = (a) => [...a].sort((x, y) => x - y)[a.length >> 1];
const load = () => execSync('uptime').toString().trim().replace(/.*load average: /, '');
console.log(`backend ${backend}, 1 thread, load average before: ${load()}`);
for (const name of names) {
  const c = EVAL_CASES.find((e) => e.name === name);
  if (!c) throw new Error(`unknown case ${name} (cases: ${EVAL_CASES.map((e) => e.name).join(', ')})`);
  const kan = c.model.kind === 'kan';
  const paths = kan ? { js: () => setKanKernel('js'), ops: () => setKanKernel('ops') } : {
        fused: () => (setKanKernel('js'), useFusedMlp(true)),
        'per-layer': () => (setKanKernel('js'), useFusedMlp(false)),
        ops: () => (setKanKernel('ops'), useFusedMlp(true)),
      };
  const times = Object.fromEntries(Object.keys(paths).map((p) => [p, []]));
  for (let r = 0; r < rounds; r++) {
    for (const [path, choose] of Object.entries(paths)) {
      choose();
      times[path].push(runEvalCase(c, repeats, 2).msPerEval);
    }
  }
  setKanKernel('auto');
  useFusedMlp(true);
  const [first] = Object.keys(paths);
  const line = Object.keys(paths).map((p) => `${p} ${median(times[p]).toFixed(2)} ms (${(median(times[p]) / median(times[first])).toFixed(2)}×)`);
  console.log(`${name}: ${line.join(', ')}; rounds ${JSON.stringify(times)}`);
}
console.log(`load average after: ${load()}`);
