/**
 * The source of a kernel worker thread, as text: the library also runs where no worker file can be
 * loaded by path (a bundle, a test runner that transforms TypeScript), so the worker is started
 * with `eval: true` and receives its kernels as source text (see pool.ts for the protocol).
 *
 * Control words (Int32Array over a SharedArrayBuffer, one block per worker):
 *   [GO] job number posted by the caller (−1: exit), [DONE] last job finished,
 *   [STATUS] 0 ok / 1 the job threw (message in the error buffer), [READY] 1 once started.
 * A job arrives as a message read synchronously with `receiveMessageOnPort` after GO changes (the
 * worker reads every queued message, in order, and sets DONE to each one's `job` number):
 *   { job, key, source, n0, n1, buffer, externals, args, chunked }: the kernel `source` evaluates to
 *   `function (n0, n1, ...args)`, compiled once per `key` and cached; it is sent with a key's first
 *   job only (null after). `buffer` is the pool's shared arena (arena.ts) when it is new to this
 *   worker, else null: the worker keeps only the latest one, so an outgrown arena is not held
 *   (beyond the worker's next garbage collection). `externals`: the other shared buffers the
 *   job's arrays lie in (tfjs-wasm's heap on its threaded build), used in place, when they changed
 *   (else null: the worker keeps the last ones). An argument `{ [VIEW_TAG]: { type, byteOffset,
 *   length } }` stands for that view of the arena, `{ [EXTERNAL_TAG]: { index, type, byteOffset,
 *   length } }` for that view of `externals[index]`. `chunked` (else null): { seq, chunks, bounds,
 *   sums, worker } — instead of [n0, n1) the worker claims chunks from the shared work block
 *   (`WORK`), with each `sum` argument (`sums`: [arg index, arena place per chunk]) replaced by
 *   the chunk's own slice.
 */

/** The key of an argument that stands for a view of the shared arena. */
export const VIEW_TAG = '$arenaView';
/** The key of an argument that stands for a view of one of the job's `externals` (shared memory used in place). */
export const EXTERNAL_TAG = '$externalView';

/** Indices of the control words of one worker. */
export const CTL = { GO: 0, DONE: 1, STATUS: 2, READY: 3 } as const;
/**
 * Indices of the pool's work block (Int32Array over a SharedArrayBuffer shared by all workers), for
 * chunked jobs: [CLAIM] (job sequence << 8) | next unclaimed chunk, [DONE] chunks finished,
 * [FAILED] 0, or who failed (a worker's number, −1 the caller).
 */
export const WORK = { CLAIM: 0, DONE: 1, FAILED: 2 } as const;
/** Int32 words of the work block. */
export const WORK_WORDS = 4;
/** Int32 words per worker's control block. */
export const CTL_WORDS = 4;
/** Bytes of a worker's error-message buffer (UTF-8, zero-terminated). */
export const ERROR_BYTES = 2048;

export const WORKER_SOURCE = `
'use strict';
const { workerData, receiveMessageOnPort } = require('node:worker_threads');
const ctl = new Int32Array(workerData.ctl);
const errorBytes = new Uint8Array(workerData.errors);
const port = workerData.port;
const kernels = new Map();
let arena = null;
let externals = [];
function make(buffer, place) {
  if (place.type === 'f64') return new Float64Array(buffer, place.byteOffset, place.length);
  return place.type === 'i32' ? new Int32Array(buffer, place.byteOffset, place.length) : new Float32Array(buffer, place.byteOffset, place.length);
}
function view(arg) {
  if (arg === null || typeof arg !== 'object') return arg;
  if (${JSON.stringify(EXTERNAL_TAG)} in arg) {
    const place = arg[${JSON.stringify(EXTERNAL_TAG)}];
    const buffer = externals[place.index];
    if (buffer === undefined) throw new Error('kernel worker: a view of external buffer ' + place.index + ', which it does not hold');
    return make(buffer, place);
  }
  if (!(${JSON.stringify(VIEW_TAG)} in arg)) return arg;
  if (arena === null) throw new Error('kernel worker: an arena view without an arena');
  return make(arena, arg[${JSON.stringify(VIEW_TAG)}]);
}
function fail(error) {
  const text = new TextEncoder().encode(String(error && error.stack ? error.stack : error)).subarray(0, errorBytes.length - 1);
  errorBytes.fill(0);
  errorBytes.set(text);
}
Atomics.store(ctl, ${CTL.READY}, 1);
Atomics.notify(ctl, ${CTL.READY});
const work = new Int32Array(workerData.work);
function compile(job) {
  if (job.buffer !== null) arena = job.buffer;
  if (job.externals !== null) externals = job.externals;
  let kernel = kernels.get(job.key);
  if (kernel === undefined) {
    if (job.source === null) throw new Error('kernel worker: no source for kernel ' + job.key);
    kernel = new Function('return ' + job.source)();
    kernels.set(job.key, kernel);
  }
  return kernel;
}
// a chunked job: claim chunks [bounds[c], bounds[c + 1]) until none is left (see pool.ts)
function runChunks(job, kernel, args) {
  const d = job.chunked;
  for (;;) {
    const v = Atomics.load(work, ${WORK.CLAIM});
    if ((v >>> 8) !== d.seq || (v & 255) >= d.chunks) return;
    if (Atomics.compareExchange(work, ${WORK.CLAIM}, v, v + 1) !== v) continue;
    const c = v & 255;
    if (Atomics.load(work, ${WORK.FAILED}) === 0) {
      try {
        const chunkArgs = args.slice();
        for (const [index, places] of d.sums) chunkArgs[index] = make(arena, places[c]);
        kernel(d.bounds[c], d.bounds[c + 1], ...chunkArgs);
      } catch (error) {
        fail(error);
        Atomics.compareExchange(work, ${WORK.FAILED}, 0, d.worker);
      }
    }
    if (Atomics.add(work, ${WORK.DONE}, 1) + 1 === d.chunks) Atomics.notify(work, ${WORK.DONE});
  }
}
let seen = 0;
for (;;) {
  Atomics.wait(ctl, ${CTL.GO}, seen);
  const go = Atomics.load(ctl, ${CTL.GO});
  if (go === seen) continue;
  if (go < 0) break;
  seen = go;
  // every job posted so far, in order: a chunked job's caller does not wait for this worker, so
  // several may be queued (a stale one finds its chunks all claimed and only updates the state)
  for (;;) {
    const received = receiveMessageOnPort(port);
    if (received === undefined) break;
    const job = received.message;
    let status = 0;
    try {
      const kernel = compile(job);
      const args = job.args.map(view);
      if (job.chunked) runChunks(job, kernel, args);
      else kernel(job.n0, job.n1, ...args);
    } catch (error) {
      status = 1;
      fail(error);
      if (job.chunked) Atomics.compareExchange(work, ${WORK.FAILED}, 0, job.chunked.worker);
    }
    Atomics.store(ctl, ${CTL.STATUS}, status);
    Atomics.store(ctl, ${CTL.DONE}, job.job);
    Atomics.notify(ctl, ${CTL.DONE});
  }
}
`;
