/**
 * tfjs-backend-wasm's threaded SIMD build in Node (engine/wasmThreads.ts): it starts, its heap is
 * shared memory, XNNPACK's thread count follows `setThreads` back and forth without a deadlock,
 * the products equal one thread's, a second OS thread does part of a large product, and
 * `KANPINN_WASM_THREADS=0` keeps the single-threaded build (a child process: the build is chosen once).
 */
import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { setBackend } from '../../src/backend.js';
import { setThreads } from '../../src/engine/pool.js';
import { wasmHeapShared, wasmThreadsReady, wasmThreadsState, WASM_MAX_THREADS } from '../../src/engine/wasmThreads.js';
import { availableParallelism } from 'node:os';
import * as tf from '../../src/tf.js';
import { BUILT } from '../cli/spawn.js';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));

afterAll(() => setThreads(1));

/** CPU ticks per OS thread of this process (Linux), by thread id. */
function threadTicks(): Map<string, number> {
  const out = new Map<string, number>();
  for (const task of readdirSync('/proc/self/task')) {
    const fields = readFileSync(`/proc/self/task/${task}/stat`, 'utf8').split(') ')[1]!.split(' ');
    out.set(task, Number(fields[11]) + Number(fields[12]));
  }
  return out;
}

describe('tfjs-wasm threaded build in Node', () => {
  it('starts with a shared heap, follows setThreads, and gives one thread’s products', async () => {
    expect(await setBackend('wasm')).toBe('wasm');
    expect(wasmThreadsState()).toMatchObject({ threaded: true });
    expect(wasmHeapShared()).toBe(true);
    const a = tf.randomUniform([300, 200], -1, 1, 'float32', 1);
    const b = tf.randomUniform([200, 150], -1, 1, 'float32', 2);
    setThreads(1);
    await wasmThreadsReady();
    expect(wasmThreadsState().threads).toBe(1);
    const one = tf.matMul(a, b).dataSync();
    const cap = Math.min(availableParallelism(), WASM_MAX_THREADS);
    // more switches than the glue's 8 pre-loaded workers: wasmThreadsReady loads spare ones
    for (const n of [2, 1, 3, 2, 1, 2, 4, 1, 2, 2, 1, 2, 1, 2]) {
      setThreads(n);
      await wasmThreadsReady();
      expect(wasmThreadsState().threads, `setThreads(${n})`).toBe(Math.min(n, cap));
      const many = tf.matMul(a, b).dataSync();
      let worst = 0;
      for (let i = 0; i < one.length; i++) worst = Math.max(worst, Math.abs(many[i]! - one[i]!));
      expect(worst, `setThreads(${n})`).toBeLessThanOrEqual(1e-5);
    }
    tf.dispose([a, b]);
  }, 60_000);

  it.skipIf(!existsSync('/proc/self/task') || availableParallelism() < 2)('runs a large product on a second OS thread', async () => {
    await setBackend('wasm');
    setThreads(2);
    await wasmThreadsReady();
    const a = tf.randomUniform([1000, 1000], -1, 1, 'float32', 3);
    const before = threadTicks();
    for (let r = 0; r < 5; r++) tf.matMul(a, a).dataSync();
    const after = threadTicks();
    const busy = [...after].filter(([task, ticks]) => ticks - (before.get(task) ?? 0) >= 2);
    expect(busy.length, 'OS threads that did part of 5 products of 1000×1000').toBeGreaterThanOrEqual(2);
    a.dispose();
  }, 60_000);

  it.skipIf(!BUILT)('keeps the single-threaded build with KANPINN_WASM_THREADS=0 or one thread at start', () => {
    const script =
      "const { setBackend } = await import('./dist/src/backend.js'); const { wasmThreadsState } = await import('./dist/src/engine/wasmThreads.js'); await setBackend('wasm'); console.log(JSON.stringify(wasmThreadsState()));";
    const run = (env: Record<string, string>): unknown =>
      JSON.parse(execFileSync(process.execPath, ['--input-type=module', '-e', script], { cwd: ROOT, env: { ...process.env, ...env }, timeout: 60_000 }).toString());
    expect(run({ KANPINN_WASM_THREADS: '0' })).toEqual({ threaded: false, threads: 1, reason: 'KANPINN_WASM_THREADS=0' });
    expect(run({ KANPINN_THREADS: '2' })).toMatchObject({ threaded: true });
    // one thread at start (a sweep worker's share): the cheaper single-threaded build
    expect(run({ KANPINN_THREADS: '1' })).toEqual({ threaded: false, threads: 1, reason: 'one thread when the backend started' });
  }, 120_000);

  it.skipIf(!BUILT || !existsSync('/proc/self/task'))('starts only the pthreads XNNPACK uses (the glue would pre-load 8 workers)', () => {
    const script = "const { setBackend } = await import('./dist/src/backend.js'); await setBackend('wasm'); console.log((await import('node:fs')).readdirSync('/proc/self/task').length);";
    const osThreads = (env: Record<string, string>): number =>
      Number(execFileSync(process.execPath, ['--input-type=module', '-e', script], { cwd: ROOT, env: { ...process.env, ...env }, timeout: 60_000 }).toString());
    // measured: 11 plain, 12 threaded with 2 threads (one pthread), 20 when the glue's 8 workers started
    expect(osThreads({ KANPINN_THREADS: '2' }) - osThreads({ KANPINN_WASM_THREADS: '0' })).toBeLessThanOrEqual(3);
  }, 120_000);
});
