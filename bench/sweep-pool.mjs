#!/usr/bin/env node
// Bench: 8 short solves (bench/sweep-pool.json) as a sweep on 1 local worker process (one run
// after another) and on 2, timed in the same invocation; prints both wall times and their ratio.
// Needs the built CLI (`npm run build`). Measure on an otherwise idle machine (check `uptime`).
//   node bench/sweep-pool.mjs [--workers N] [--save FILE.json]
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = fileURLToPath(new URL('.', import.meta.url));
const bin = join(here, '../bin/kanpinn.js');
const sweep = join(here, 'sweep-pool.json');
const flag = (name, fallback) => {
  const i = process.argv.indexOf(name);
  return i >= 0 ? process.argv[i + 1] : fallback;
};
const parallel = Number(flag('--workers', '2'));

function timed(workers) {
  const out = mkdtempSync(join(tmpdir(), `kanpinn-sweep-bench-${workers}-`));
  const start = process.hrtime.bigint();
  const run = spawnSync(process.execPath, [bin, 'sweep', sweep, '--out', out, '--workers', String(workers), '--quiet', '--json'], { encoding: 'utf8' });
  const seconds = Number(process.hrtime.bigint() - start) / 1e9;
  if (run.status !== 0) throw new Error(`sweep --workers ${workers} failed (${run.status}): ${run.stderr}`);
  const result = JSON.parse(run.stdout);
  rmSync(out, { recursive: true, force: true });
  if (result.ran !== 8) throw new Error(`expected 8 runs, ran ${result.ran}`);
  return { seconds, relL2: result.runs.map((r) => r.relL2) };
}

const load = loadavg()[0];
const sequential = timed(1);
const pooled = timed(parallel);
const same = sequential.relL2.every((v, i) => v === pooled.relL2[i]);
const ratio = pooled.seconds / sequential.seconds;
const report = {
  bench: 'sweep-pool',
  runs: 8,
  cores: cpus().length,
  loadBefore: Math.round(load * 100) / 100,
  sequentialSeconds: Math.round(sequential.seconds * 100) / 100,
  workers: parallel,
  pooledSeconds: Math.round(pooled.seconds * 100) / 100,
  ratio: Math.round(ratio * 1000) / 1000,
  sameNumbers: same,
  date: new Date().toISOString(),
};
console.log(JSON.stringify(report, null, 2));
const save = flag('--save');
if (save) writeFileSync(save, `${JSON.stringify(report, null, 2)}\n`);
if (!same) process.exitCode = 1;
