#!/usr/bin/env node
// Bench: one loss+gradient evaluation of the trainer (src/train/termData.ts + chunking.ts) on
// poisson2d, unchunked ("full") against the automatic chunks ("auto", --chunk-budget 1024) and a
// reference summed over 5000-point chunks ("ref"), in one process in the order given; prints ms,
// loss, the wasm heap, and each mode's loss and gradient against the reference. Needs `npm run build`.
// On wasm an unchunked MLP [2,100,100,100,1] at 100k points overflows the 4 GiB heap: XNNPACK
// prints "Got status 6" and the gradient comes out wrong (README, "Large point counts").
//   node bench/chunking.mjs [MODEL_JSON] [INTERIOR] [BOUNDARY_PER_TERM] [MODES]
//   node bench/chunking.mjs '{"kind":"mlp","width":[2,100,100,100,1]}' 100000 4000 auto,ref,full
//   node bench/chunking.mjs '{"kind":"kan","width":[2,10,1],"grid":5}' 1000000 40000 full,auto,full,auto,ref
const root = new URL('../dist/', import.meta.url).href;
const { setBackend } = await import(root + 'src/backend.js');
const tf = await import(root + 'src/tf.js');
const { createModel, createRng } = await import(root + 'src/internal.js');
const { resolveProblem } = await import(root + 'problems/index.js');
const { buildTermData, termLosses } = await import(root + 'src/train/termData.js');
const C = await import(root + 'src/train/chunking.js');
const { flattenGrads, trainableVariables } = await import(root + 'src/train/params.js');
await setBackend('wasm');
const spec = JSON.parse(process.argv[2] ?? '{"kind":"mlp","width":[2,100,100,100,1]}');
const N = Number(process.argv[3] ?? 100000), B = Number(process.argv[4] ?? 4000);
const modes = (process.argv[5] ?? 'auto,ref,full').split(',');
const problem = resolveProblem('poisson2d');
const model = createModel({ ...spec, seed: 0, inputs: problem.variables, outputs: problem.unknowns });
const rng = createRng(1);
const data = problem.terms.map((t) => buildTermData(problem, model, t, t.sample(t.region === 'interior' ? N : B, rng, 'sobol')));
const weights = problem.terms.map((t) => t.weight);
const heap = () => (tf.backend().wasm?.HEAPU8?.length ?? NaN) / 2 ** 20;
const choice = C.chooseChunkPoints(model, data, { chunkPoints: 0, chunkBudget: 1024 }, C.backendHeapBytes('wasm', model));
console.log(`${JSON.stringify(spec)} ${N}+${B}x${data.length - 1} points; estimate unchunked ${(choice.fullBytes / 2 ** 30).toFixed(2)} GiB, auto chunk ${choice.size} points (${(choice.chunkBytes / 2 ** 30).toFixed(2)} GiB); channels ${data.map((d) => d.named.plan.channels.length)}`);
const results = {};
const run = (mode) => {
  const t0 = performance.now();
  let r;
  if (mode === 'full') {
    r = {};
    tf.tidy(() => {
      const { value, grads } = tf.variableGrads(() => termLosses(model, data, weights).total, trainableVariables(model));
      r = { loss: value.dataSync()[0], grad: flattenGrads(model, grads) };
    });
  } else {
    const size = mode === 'auto' ? choice.size : 5000;
    if (size === null) return;
    const chunked = C.buildChunks(problem, model, data, size);
    const t1 = performance.now();
    r = C.evaluateChunks(model, chunked, data, weights, { gradient: true });
    r.buildMs = t1 - t0;
    C.disposeChunks(chunked);
  }
  r.ms = performance.now() - t0;
  results[mode] = r;
  console.log(`${mode}: ${r.ms.toFixed(0)} ms${r.buildMs ? ` (chunk tensors ${r.buildMs.toFixed(0)} ms)` : ''}, loss ${r.loss}, heap ${heap().toFixed(0)} MiB, tf.memory ${(tf.memory().numBytes / 2 ** 20).toFixed(0)} MiB`);
};
for (const m of modes) run(m);
const ref = results.ref;
if (!ref) process.exit(0);
for (const m of Object.keys(results)) {
  if (m === 'ref') continue;
  const g = results[m].grad; let num = 0, den = 0;
  g.forEach((v, i) => { num += (v - ref.grad[i]) ** 2; den += ref.grad[i] ** 2; });
  console.log(`${m} vs ref (5000-point chunks): loss rel ${(Math.abs(results[m].loss - ref.loss) / ref.loss).toExponential(2)}, gradient rel L2 ${Math.sqrt(num / den).toExponential(2)}`);
}
