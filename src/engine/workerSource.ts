/**
 * The source of a kernel worker thread, as text: the library also runs where no worker file can be
 * loaded by path (a bundle, a test runner that transforms TypeScript), so the worker is started
 * with `eval: true` and receives its kernels as source text (see pool.ts for the protocol).
 *
 * Control words (Int32Array over a SharedArrayBuffer, one block per worker):
 *   [GO] job number posted by the caller (−1: exit), [DONE] last job finished,
 *   [STATUS] 0 ok / 1 the job threw (message in the error buffer), [READY] 1 once started.
 * A job arrives as a message read synchronously with `receiveMessageOnPort` after GO changes:
 *   { key, source, n0, n1, buffer, externals, args }: the kernel `source` evaluates to
 *   `function (n0, n1, ...args)`, compiled once per `key` and cached; it is sent with a key's first
 *   job only (null after). `buffer` is the pool's shared arena (arena.ts) when it is new to this
 *   worker, else null: the worker keeps only the latest one, so an outgrown arena is not held
 *   (beyond the worker's next garbage collection). `externals`: the other shared buffers the
 *   job's arrays lie in (tfjs-wasm's heap on its threaded build), used in place, when they changed
 *   (else null: the worker keeps the last ones). An argument `{ [VIEW_TAG]: { type, byteOffset,
 *   length } }` stands for that view of the arena, `{ [EXTERNAL_TAG]: { index, type, byteOffset,
 *   length } }` for that view of `externals[index]`.
 */

/** The key of an argument that stands for a view of the shared arena. */
export const VIEW_TAG = '$arenaView';
/** The key of an argument that stands for a view of one of the job's `externals` (shared memory used in place). */
export const EXTERNAL_TAG = '$externalView';

/** Indices of the control words of one worker. */
export const CTL = { GO: 0, DONE: 1, STATUS: 2, READY: 3 } as const;
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
  return place.type === 'f64' ? new Float64Array(buffer, place.byteOffset, place.length) : new Float32Array(buffer, place.byteOffset, place.length);
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
let seen = 0;
for (;;) {
  Atomics.wait(ctl, ${CTL.GO}, seen);
  const go = Atomics.load(ctl, ${CTL.GO});
  if (go === seen) continue;
  if (go < 0) break;
  seen = go;
  let status = 0;
  try {
    const received = receiveMessageOnPort(port);
    if (received === undefined) throw new Error('kernel worker: job ' + go + ' has no message');
    const job = received.message;
    if (job.buffer !== null) arena = job.buffer;
    if (job.externals !== null) externals = job.externals;
    let kernel = kernels.get(job.key);
    if (kernel === undefined) {
      if (job.source === null) throw new Error('kernel worker: no source for kernel ' + job.key);
      kernel = new Function('return ' + job.source)();
      kernels.set(job.key, kernel);
    }
    kernel(job.n0, job.n1, ...job.args.map(view));
  } catch (error) {
    status = 1;
    fail(error);
  }
  Atomics.store(ctl, ${CTL.STATUS}, status);
  Atomics.store(ctl, ${CTL.DONE}, go);
  Atomics.notify(ctl, ${CTL.DONE});
}
`;
