/**
 * Data-parallel kernels on all CPU cores, synchronously: a pool of `worker_threads` sharing memory
 * with the calling thread. A threaded call splits the points [0, N) into one contiguous chunk per
 * thread; the caller posts each worker its chunk (a message read synchronously by the worker),
 * wakes it with `Atomics.notify`, runs the first chunk itself and then waits with `Atomics.wait`
 * (allowed on Node's main thread) until every worker is done. The arrays a kernel reads and writes
 * per point are copied into and out of one grow-only shared buffer reused by every call (arena.ts:
 * shared buffers made per call were never freed by the workers); sums over points (parameter
 * gradients) go to one private slice per worker and are added up by the caller, so results equal
 * one thread's up to the order of float summation.
 *
 * Node only: `worker_threads` and `os` are reached through `process.getBuiltinModule`, never a
 * static import, so the library still bundles for a browser, where every kernel runs on the
 * calling thread as before. Workers start on the first threaded call, are `unref()`ed (they never
 * keep a process alive) and end with `setThreads(1)`. A kernel that throws in a worker, or a
 * worker that stops answering, is an exception in the caller, never a hang.
 */
import { codeGenerationAllowed } from '../jet/codegen.js';
import { SharedArena, sharedType, type ArenaSpec, type SharedArray } from './arena.js';
import { CTL, CTL_WORDS, ERROR_BYTES, EXTERNAL_TAG, VIEW_TAG, WORK, WORK_WORDS, WORKER_SOURCE } from './workerSource.js';
import { scriptExecArgv, setWasmThreads } from './wasmThreads.js';
import { builtin } from './builtin.js';
import { phaseEnd, phaseStart } from './phases.js';

interface NodeWorker {
  unref(): void;
  terminate(): Promise<number>;
  on(event: 'exit' | 'error', listener: (value: unknown) => void): void;
}
interface NodeMessagePort {
  postMessage(message: unknown): void;
  unref(): void;
  close(): void;
}
interface WorkerThreads {
  Worker: new (source: string, options: { eval: true; execArgv: string[]; workerData: unknown; transferList: unknown[] }) => NodeWorker;
  MessageChannel: new () => { port1: NodeMessagePort; port2: NodeMessagePort };
}
interface NodeOs {
  availableParallelism?: () => number;
  cpus(): unknown[];
}

/**
 * Work units (points × work per point as the callers count them: KAN edges × jet channels, MLP
 * neurons × jet channels) below which a kernel stays on the calling thread, and the work each
 * further thread must bring. Measured 2026-11-29 on the 2-core build machine, quiet (load ≈ 1),
 * `kanpinn bench --suite eval --threads 1|2`, three interleaved rounds, medians: with 20,000 the
 * 525-point rows (≈ 50k–260k units per call) were 0.79–0.85× as fast on 2 threads as on 1, the
 * 10.4k-point KAN (≈ 0.5–1M units per call) 1.17×, the 104k-point KAN 1.05×; with 300,000 the
 * 100×3 MLP at 525 points was still 0.79×. 1,000,000 keeps the 525-point rows on the calling
 * thread; the threads pay off only for large batches, and little even there, until the rest of the
 * step (matrix products, tfjs ops) is threaded too. (One empty threaded dispatch: 13 µs median.)
 * Measured again 2026-11-30 for the KAN network's one-pass-per-direction calls
 * (kan/layerThreads.ts `NETWORK_WORK_WEIGHT`, `bench/threads-scaling.mjs --min-work 1`, load 9-11):
 * two threads pay from ~2-3k points of a [2,10,1] KAN (~300-450k units per forward pass), never at
 * 525. The value stays 1,000,000 because the MLP kernels' work is calibrated to it
 * (mlp/activationThreads.ts, mlp/fusedMlp.ts); the KAN's network passes weigh their units by 2.2
 * to reach their own crossover.
 */
export const THREAD_MIN_WORK = 1_000_000;

let minWork = THREAD_MIN_WORK;

/**
 * Overrides `THREAD_MIN_WORK` (tests run small sizes threaded); returns the previous value.
 */
export function setThreadMinWork(units: number): number {
  const previous = minWork;
  minWork = units;
  return previous;
}

/** The machine's cores (`os.availableParallelism()`), 1 outside Node. */
export function machineThreads(): number {
  const os = builtin<NodeOs>('node:os');
  if (os === null) return 1;
  const n = typeof os.availableParallelism === 'function' ? os.availableParallelism() : os.cpus().length;
  return Math.max(1, Math.floor(n));
}

let threads: number | null = null;

/**
 * The default thread count: `KANPINN_THREADS` when set (an integer ≥ 1), else the machine's cores.
 * Small calls stay on the calling thread whatever the count (`THREAD_MIN_WORK`: the 525-point
 * evaluations never reach the pool, test/engine/crossover.test.ts), and the pool's memory is one
 * reused buffer (arena.ts; per-call buffers once grew a two-thread run to 4.3 GB).
 */
function defaultThreads(): number {
  const env = (globalThis as { process?: { env?: Record<string, string | undefined> } }).process?.env?.KANPINN_THREADS;
  if (env === undefined || env === '') return machineThreads();
  const n = Number(env);
  if (!Number.isInteger(n) || n < 1) throw new RangeError(`KANPINN_THREADS: expected an integer >= 1, got ${JSON.stringify(env)}`);
  return n;
}

/** Threads the kernels use (the calling thread included): `setThreads`, else `KANPINN_THREADS`, else the machine's cores. */
export function getThreads(): number {
  if (threads === null) threads = defaultThreads();
  return threads;
}

/**
 * Sets how many threads (the calling thread included) run the KAN layer and MLP activation
 * kernels; 1 runs everything on the calling thread and ends the worker threads. Outside Node the
 * setting is kept but has no effect. Throws on anything but an integer ≥ 1.
 */
export function setThreads(n: number): void {
  if (!Number.isInteger(n) || n < 1) throw new RangeError(`setThreads: expected an integer >= 1, got ${String(n)}`);
  // fewer threads: end the workers beyond them (all of them: the pool regrows on demand)
  if (n - 1 < pool.length) closePool();
  threads = n;
  // the matrix products follow (tfjs-wasm's threaded build, wasmThreads.ts)
  setWasmThreads(n);
}

interface Slot {
  worker: NodeWorker;
  port: NodeMessagePort;
  ctl: Int32Array;
  errors: Uint8Array;
  job: number;
  exited: boolean;
  /** Kernel keys whose source this worker has been sent (it compiles each once). */
  compiled: Set<string>;
  /** The arena generation whose buffer this worker holds (−1: none yet). */
  generation: number;
  /** The shared buffers used in place (not the arena) that this worker holds, in the order of its last job's. */
  externals: SharedArrayBuffer[];
}

let pool: Slot[] = [];
/** The work block of chunked calls (`WORK`), shared by the caller and every worker. */
const work = typeof SharedArrayBuffer === 'undefined' ? null : new Int32Array(new SharedArrayBuffer(WORK_WORDS * 4));
/** The shared memory of all threaded calls (calls never overlap: each returns when all threads are done). */
const arena = new SharedArena();

function closePool(): void {
  for (const slot of pool) {
    Atomics.store(slot.ctl, CTL.GO, -1);
    Atomics.notify(slot.ctl, CTL.GO);
    slot.port.close();
    void slot.worker.terminate();
  }
  pool = [];
  arena.release();
}

/** Milliseconds to wait for a new worker to start, and at least for any job. */
const START_TIMEOUT_MS = 60_000;
/** A worker's chunk may take this many times the caller's own chunk before the call fails. */
const SLOW_FACTOR = 100;

function startWorker(api: WorkerThreads): Slot {
  const ctlBuffer = new SharedArrayBuffer(CTL_WORDS * 4);
  const errorBuffer = new SharedArrayBuffer(ERROR_BYTES);
  const { port1, port2 } = new api.MessageChannel();
  const worker = new api.Worker(WORKER_SOURCE, { eval: true, execArgv: scriptExecArgv(), workerData: { ctl: ctlBuffer, errors: errorBuffer, port: port2, work: work!.buffer }, transferList: [port2] });
  worker.unref();
  port1.unref();
  const slot: Slot = { worker, port: port1, ctl: new Int32Array(ctlBuffer), errors: new Uint8Array(errorBuffer), job: 0, exited: false, compiled: new Set(), generation: -1, externals: [] };
  worker.on('exit', () => {
    slot.exited = true;
  });
  worker.on('error', () => {
    slot.exited = true;
  });
  return slot;
}

/** The pool grown to `workers` started workers (waits for their start), or null outside Node. */
function ensurePool(workers: number): Slot[] | null {
  if (pool.some((slot) => slot.exited)) closePool();
  if (pool.length >= workers) return pool;
  const api = builtin<WorkerThreads>('node:worker_threads');
  if (api === null) return null;
  const fresh: Slot[] = [];
  while (pool.length + fresh.length < workers) fresh.push(startWorker(api));
  const deadline = Date.now() + START_TIMEOUT_MS;
  for (const slot of fresh) {
    while (Atomics.load(slot.ctl, CTL.READY) !== 1) {
      const left = deadline - Date.now();
      if (left <= 0) {
        for (const s of fresh) void s.worker.terminate();
        throw new Error(`kernel threads: a worker thread did not start within ${START_TIMEOUT_MS / 1000} s`);
      }
      Atomics.wait(slot.ctl, CTL.READY, 0, Math.min(left, 100));
    }
  }
  pool = [...pool, ...fresh];
  return pool;
}

/** A kernel for `runThreaded`: `source` evaluates to `function (n0, n1, ...args)` running points [n0, n1). */
export interface ThreadedKernel {
  /** Cache key: equal keys must mean equal source. */
  key: string;
  /** Built only on a cache miss. */
  source: () => string;
}

interface Compiled {
  source: string;
  run: (...args: unknown[]) => void;
}

const localKernels = new Map<string, Compiled>();

/** The kernel's source and its compiled function on the calling thread (the workers compile the same text). */
function localKernel(kernel: ThreadedKernel): Compiled {
  let hit = localKernels.get(kernel.key);
  if (hit === undefined) {
    const source = kernel.source();
    hit = { source, run: (new Function(`return ${source}`) as () => (...args: unknown[]) => void)() };
    localKernels.set(kernel.key, hit);
  }
  return hit;
}

/**
 * How many threads a call of `work` units would use (1: stay on the calling thread): none beyond
 * the first below the crossover, and each further thread only with at least the crossover's work.
 */
export function threadsFor(work: number, points: number): number {
  const wanted = getThreads();
  if (wanted <= 1 || work < minWork || points < 2 || !codeGenerationAllowed()) return 1;
  if (builtin<WorkerThreads>('node:worker_threads') === null) return 1;
  return Math.max(1, Math.min(wanted, points, Math.floor(work / minWork) + 1));
}

/**
 * An array argument of a threaded kernel, by how the kernel uses it; the pool puts it in shared
 * memory (arena.ts) for the call:
 * - `in`: read per point; copied into shared memory (used in place when it already is in shared
 *   memory, as tensors on tfjs-wasm's threaded build are).
 * - `out`: written (or added into) per point, each thread its own points; starts as the array's
 *   contents and is copied back into the array after the call (written in place when shared).
 * - `sum`: added into by every point (a sum over points, e.g. a parameter gradient): the calling
 *   thread adds into the array itself, each worker into a zeroed private slice that is added into
 *   the array after the call.
 */
export class SharedArg {
  constructor(
    readonly use: 'in' | 'out' | 'sum',
    readonly array: SharedArray,
    /** How the array is laid out by point, when the kernel touches only its own points' part (see `PointLayout`). */
    readonly layout: PointLayout | null = null,
  ) {}
}

/**
 * An `in`/`out` array laid out as `blocks` consecutive blocks of N rows of `width` numbers, a
 * point's numbers being its row in every block (jets [C, N, width], channel-major), where a thread
 * touches only its own points' rows. Then the calling thread uses the caller's array itself for its
 * chunk, and only the workers' rows are copied into and out of the arena (half the copies on two
 * threads; the copies run on the calling thread, serially).
 */
export interface PointLayout {
  blocks: number;
  width: number;
}

/** A kernel argument the kernel reads per point (see `SharedArg`), optionally with its `PointLayout`. */
export function input(array: SharedArray, layout: PointLayout | null = null): SharedArg {
  return new SharedArg('in', array, layout);
}

/** A kernel argument the kernel writes per point; the caller's array receives the result (see `SharedArg`). */
export function output(array: SharedArray, layout: PointLayout | null = null): SharedArg {
  return new SharedArg('out', array, layout);
}

/** Copies the rows [n0, n1) of every block of a `PointLayout` array from `from` to `to`. */
function copyRows(from: SharedArray, to: SharedArray, layout: PointLayout, points: number, n0: number, n1: number): void {
  const { blocks, width } = layout;
  for (let b = 0; b < blocks; b++) {
    const start = (b * points + n0) * width;
    to.set(from.subarray(start, start + (n1 - n0) * width), start);
  }
}

/** A kernel argument the kernel adds into from every point (see `SharedArg`). */
export function sum(array: Float64Array): SharedArg {
  return new SharedArg('sum', array);
}

/** One threaded call. */
export interface ThreadedCall {
  kernel: ThreadedKernel;
  /** Points N: the kernel runs [n0, n1) per thread. */
  points: number;
  /** Threads to use (from `threadsFor`), ≥ 2. */
  threads: number;
  /**
   * The kernel's arguments after (n0, n1): `input`/`output`/`sum` arrays, shared for the call;
   * any other value is copied to each worker (structured clone), so bulk arrays must be `input`s.
   */
  args: unknown[];
}

let threadedCalls = 0;
let chunkedCalls = 0;

/** Counters of the pool, for tests and benchmarks. */
export interface ThreadStats {
  /** Threaded calls run since the process started. */
  calls: number;
  /** Bytes of shared memory the pool holds now (its arena; 0 on one thread). */
  sharedBytes: number;
  /** Of `calls`, those run as claimed chunks (`runChunked`). */
  chunked: number;
}

/** The pool's counters now. */
export function threadStats(): ThreadStats {
  return { calls: threadedCalls, sharedBytes: arena.bytes, chunked: chunkedCalls };
}

function errorText(bytes: Uint8Array): string {
  const end = bytes.indexOf(0);
  return new TextDecoder().decode(bytes.slice(0, end < 0 ? bytes.length : end)).split('\n')[0] ?? '';
}

/**
 * True for an array already in shared memory other than the arena (tfjs-wasm's heap on its
 * threaded build, wasmThreads.ts): the workers use it in place, no copy in or out.
 */
function inSharedMemory(array: SharedArray): boolean {
  return typeof SharedArrayBuffer !== 'undefined' && array.buffer instanceof SharedArrayBuffer;
}

/** A call's arguments laid out: per-thread argument lists, the `sum` slices, and the shared buffers used in place. */
interface CallLayout {
  /** The arena views of the copied args, in the order of the args (a `sum` arg: one per worker). */
  views: SharedArray[];
  local: unknown[];
  perWorker: unknown[][];
  sums: { target: Float64Array; slices: Float64Array[] }[];
  externals: SharedArrayBuffer[];
}

/** The arena's layout of a call: the arrays of `in`/`out` args not already shared, and one slice per worker of each `sum` arg. */
function layoutCall(args: unknown[], workers: number, points: number, bounds: number[]): CallLayout {
  const specs: ArenaSpec[] = [];
  for (const arg of args) {
    if (!(arg instanceof SharedArg) || (arg.use !== 'sum' && inSharedMemory(arg.array))) continue;
    const type = sharedType(arg.array);
    const copies = arg.use === 'sum' ? workers : 1;
    for (let c = 0; c < copies; c++) specs.push({ type, length: arg.array.length });
  }
  const { views, places } = arena.layout(specs);
  const local: unknown[] = [];
  const perWorker: unknown[][] = Array.from({ length: workers }, () => []);
  const sums: { target: Float64Array; slices: Float64Array[] }[] = [];
  const externals: SharedArrayBuffer[] = [];
  let next = 0;
  for (const arg of args) {
    if (!(arg instanceof SharedArg)) {
      local.push(arg);
      for (const list of perWorker) list.push(arg);
    } else if (arg.use === 'sum') {
      const slices: Float64Array[] = [];
      local.push(arg.array);
      for (const list of perWorker) {
        const slice = views[next] as Float64Array;
        slice.fill(0);
        slices.push(slice);
        list.push({ [VIEW_TAG]: places[next]! });
        next++;
      }
      sums.push({ target: arg.array as Float64Array, slices });
    } else if (inSharedMemory(arg.array)) {
      const buffer = arg.array.buffer as SharedArrayBuffer;
      let index = externals.indexOf(buffer);
      if (index < 0) index = externals.push(buffer) - 1;
      local.push(arg.array);
      const place = { type: sharedType(arg.array), byteOffset: arg.array.byteOffset, length: arg.array.length };
      for (const list of perWorker) list.push({ [EXTERNAL_TAG]: { index, ...place } });
    } else {
      const view = views[next]!;
      const layout = usableLayout(arg, points);
      if (layout === null) {
        view.set(arg.array);
        local.push(view);
      } else {
        // the calling thread works on the caller's array; the workers' rows go through the arena
        if (arg.use === 'in' || arg.use === 'out') copyRows(arg.array, view, layout, points, bounds[1]!, points);
        local.push(arg.array);
      }
      for (const list of perWorker) list.push({ [VIEW_TAG]: places[next]! });
      next++;
    }
  }
  return { views, local, perWorker, sums, externals };
}

/** The arg's point layout when it matches its array's length for `points` points, else null (copied whole). */
function usableLayout(arg: SharedArg, points: number): PointLayout | null {
  const layout = arg.layout;
  if (layout === null || layout.blocks * points * layout.width !== arg.array.length) return null;
  return layout;
}

/** Whether a worker holds exactly these external buffers (by identity). */
/**
 * Posts one job to a worker and wakes it: the kernel's source only the first time this worker sees
 * the kernel, the arena's buffer only when it is new to the worker (see arena.ts for why), and the
 * shared buffers used in place only when they differ from the worker's last ones.
 */
function postJob(slot: Slot, key: string, source: string, externals: SharedArrayBuffer[], job: { n0: number; n1: number; args: unknown; chunked: unknown }): void {
  slot.job += 1;
  const first = !slot.compiled.has(key);
  slot.compiled.add(key);
  const buffer = slot.generation === arena.generation ? null : arena.current();
  slot.generation = arena.generation;
  const ext = sameBuffers(slot.externals, externals) ? null : externals;
  if (ext !== null) slot.externals = externals;
  let t = phaseStart();
  slot.port.postMessage({ job: slot.job, key, source: first ? source : null, buffer, externals: ext, ...job });
  t = phaseEnd('pool: post jobs: postMessage', t);
  Atomics.store(slot.ctl, CTL.GO, slot.job);
  Atomics.notify(slot.ctl, CTL.GO);
  phaseEnd('pool: post jobs: notify', t);
}

function sameBuffers(held: readonly SharedArrayBuffer[], wanted: readonly SharedArrayBuffer[]): boolean {
  return held.length === wanted.length && held.every((b, i) => b === wanted[i]);
}

/**
 * Runs `call.kernel` over the points on `call.threads` threads and returns when all are done, the
 * `output` and `sum` arrays filled. Throws when a worker's chunk threw (with its message) or a
 * worker stops answering.
 */
export function runThreaded(call: ThreadedCall): void {
  if (chunkable(call)) {
    runChunked(call);
    return;
  }
  let t = phaseStart();
  const T = call.threads;
  const slots = ensurePool(T - 1);
  if (slots === null) throw new Error('kernel threads: worker_threads is not available here');
  const local = localKernel(call.kernel);
  const key = call.kernel.key;
  const bounds = Array.from({ length: T + 1 }, (_, i) => Math.round((call.points * i) / T));
  const { views: arenaViews, local: localArgs, perWorker, sums, externals } = layoutCall(call.args, T - 1, call.points, bounds);
  threadedCalls += 1;
  t = phaseEnd('pool: arena layout, copies in', t);
  for (let w = 1; w < T; w++) postJob(slots[w - 1]!, key, local.source, externals, { n0: bounds[w]!, n1: bounds[w + 1]!, args: perWorker[w - 1], chunked: null });
  t = phaseEnd('pool: post jobs', t);
  const started = Date.now();
  let failure: Error | null = null;
  try {
    local.run(bounds[0], bounds[1], ...localArgs);
  } catch (error) {
    failure = error instanceof Error ? error : new Error(String(error));
  }
  t = phaseEnd('pool: calling thread\'s chunks', t);
  const deadline = Date.now() + Math.max(START_TIMEOUT_MS, SLOW_FACTOR * (Date.now() - started));
  for (let w = 1; w < T; w++) {
    const slot = slots[w - 1]!;
    while (Atomics.load(slot.ctl, CTL.DONE) !== slot.job) {
      const left = deadline - Date.now();
      if (left <= 0 || slot.exited) {
        closePool();
        throw new Error(`kernel threads: worker ${w} did not finish its chunk (${slot.exited ? 'it exited' : 'timed out'}); the pool was restarted`);
      }
      Atomics.wait(slot.ctl, CTL.DONE, Atomics.load(slot.ctl, CTL.DONE), Math.min(left, 1000));
    }
    if (Atomics.load(slot.ctl, CTL.STATUS) !== 0) {
      // the job may have failed before the worker took the buffer: post it again next time
      slot.generation = -1;
      slot.externals = [];
      if (failure === null) failure = new Error(`kernel thread ${w}: ${errorText(slot.errors)}`);
    }
  }
  t = phaseEnd('pool: wait for workers', t);
  if (failure !== null) throw failure;
  let view = 0;
  call.args.forEach((arg) => {
    if (!(arg instanceof SharedArg) || (arg.use !== 'sum' && inSharedMemory(arg.array))) return;
    if (arg.use === 'sum') {
      view += T - 1;
      return;
    }
    if (arg.use === 'out') {
      const layout = usableLayout(arg, call.points);
      if (layout === null) arg.array.set(arenaViews[view]!);
      else copyRows(arenaViews[view]!, arg.array, layout, call.points, bounds[1]!, call.points);
    }
    view++;
  });
  for (const { target, slices } of sums) {
    for (const slice of slices) {
      for (let i = 0; i < target.length; i++) target[i] = target[i]! + slice[i]!;
    }
  }
  phaseEnd('pool: copies out, sums', t);
}

/**
 * Chunks per thread of a chunked call. Each chunk is one kernel call (a few µs of set-up in the
 * generated kernels); 4 per thread lets a thread that runs late (another process has its core)
 * leave most of its share to the others.
 */
const CHUNKS_PER_THREAD = 4;
/** Chunks are numbered in the low 8 bits of the claim word. */
const MAX_CHUNKS = 255;

/**
 * Whether a call runs as claimed chunks (`runChunked`): every array is in shared memory or copied
 * whole anyway, so any thread can run any chunk. Arrays with a usable point layout outside shared
 * memory keep the static split, where the calling thread works in the caller's own array and only
 * the workers' rows are copied.
 */
function chunkable(call: ThreadedCall): boolean {
  if (work === null || chunking === 'never') return false;
  return chunking === 'always' || call.args.every((arg) => !(arg instanceof SharedArg) || arg.use === 'sum' || inSharedMemory(arg.array) || usableLayout(arg, call.points) === null);
}

/** How threaded calls are split (`setChunking`). */
export type Chunking = 'auto' | 'always' | 'never';
let chunking: Chunking = 'auto';

/**
 * How threaded calls are split: `auto` (claimed chunks where the arrays allow it, `chunkable`),
 * `always` (claimed chunks, copying point-layout arrays whole), `never` (one fixed chunk per
 * thread); returns the previous setting. For benchmarks and tests.
 */
export function setChunking(mode: Chunking): Chunking {
  const previous = chunking;
  chunking = mode;
  return previous;
}

let chunkSeq = 0;

/**
 * A threaded call as `threads × CHUNKS_PER_THREAD` chunks of the points that the calling thread
 * and the workers claim one at a time from a shared counter (`WORK.CLAIM`), instead of one fixed
 * chunk per thread. With fixed chunks the caller waits for the slowest thread: on a loaded machine
 * (more runnable threads than cores) a worker that the OS has not scheduled yet left the caller
 * idle, so 2 threads ran slower than 1 (KAN [2,10,1] G5 at 10.4k points: 0.85×). Here the caller
 * takes whatever chunks are left, and waits only for chunks a worker has started. Sums over points
 * go to one slice per chunk, added up in chunk order: the result does not depend on which thread
 * ran which chunk (deterministic, equal to one thread's up to summation order).
 */
function runChunked(call: ThreadedCall): void {
  let t = phaseStart();
  const T = call.threads;
  const slots = ensurePool(T - 1);
  if (slots === null || work === null) throw new Error('kernel threads: worker_threads is not available here');
  const local = localKernel(call.kernel);
  const key = call.kernel.key;
  const chunks = Math.max(1, Math.min(call.points, T * CHUNKS_PER_THREAD, MAX_CHUNKS));
  const bounds = Array.from({ length: chunks + 1 }, (_, c) => Math.round((call.points * c) / chunks));
  // the arena: copied arrays whole, and `chunks` zeroed slices of each sum
  const specs: ArenaSpec[] = [];
  for (const arg of call.args) {
    if (!(arg instanceof SharedArg)) continue;
    const type = sharedType(arg.array);
    if (arg.use === 'sum') for (let c = 0; c < chunks; c++) specs.push({ type, length: arg.array.length });
    else if (!inSharedMemory(arg.array)) specs.push({ type, length: arg.array.length });
  }
  const { views, places } = arena.layout(specs);
  const localArgs: unknown[] = [];
  const workerArgs: unknown[] = [];
  const sums: { index: number; target: Float64Array; slices: Float64Array[]; places: unknown[] }[] = [];
  const copiedOut: { array: SharedArray; view: SharedArray }[] = [];
  const externals: SharedArrayBuffer[] = [];
  let next = 0;
  call.args.forEach((arg, index) => {
    if (!(arg instanceof SharedArg)) {
      localArgs.push(arg);
      workerArgs.push(arg);
    } else if (arg.use === 'sum') {
      const slices = views.slice(next, next + chunks) as Float64Array[];
      for (const slice of slices) slice.fill(0);
      sums.push({ index, target: arg.array as Float64Array, slices, places: places.slice(next, next + chunks) });
      next += chunks;
      localArgs.push(null);
      workerArgs.push(null);
    } else if (inSharedMemory(arg.array)) {
      const buffer = arg.array.buffer as SharedArrayBuffer;
      let at = externals.indexOf(buffer);
      if (at < 0) at = externals.push(buffer) - 1;
      localArgs.push(arg.array);
      workerArgs.push({ [EXTERNAL_TAG]: { index: at, type: sharedType(arg.array), byteOffset: arg.array.byteOffset, length: arg.array.length } });
    } else {
      const view = views[next]!;
      view.set(arg.array); // an output starts as the caller's array too
      if (arg.use === 'out') copiedOut.push({ array: arg.array, view });
      localArgs.push(view);
      workerArgs.push({ [VIEW_TAG]: places[next]! });
      next++;
    }
  });
  threadedCalls += 1;
  chunkedCalls += 1;
  chunkSeq = (chunkSeq + 1) & 0x7fffff;
  const seq = chunkSeq;
  Atomics.store(work, WORK.DONE, 0);
  Atomics.store(work, WORK.FAILED, 0);
  Atomics.store(work, WORK.CLAIM, seq << 8);
  const sumPlaces = sums.map((s) => [s.index, s.places]);
  t = phaseEnd('pool: arena layout, copies in', t);
  for (let w = 1; w < T; w++) postJob(slots[w - 1]!, key, local.source, externals, { n0: 0, n1: 0, args: workerArgs, chunked: { seq, chunks, bounds, sums: sumPlaces, worker: w } });
  t = phaseEnd('pool: post jobs', t);
  const started = Date.now();
  let failure: Error | null = null;
  for (;;) {
    const v = Atomics.load(work, WORK.CLAIM);
    const c = v & 255;
    if (c >= chunks) break;
    if (Atomics.compareExchange(work, WORK.CLAIM, v, v + 1) !== v) continue;
    if (Atomics.load(work, WORK.FAILED) === 0) {
      try {
        const args = localArgs.slice();
        for (const s of sums) args[s.index] = s.slices[c];
        local.run(bounds[c], bounds[c + 1], ...args);
      } catch (error) {
        failure ??= error instanceof Error ? error : new Error(String(error));
        Atomics.compareExchange(work, WORK.FAILED, 0, -1);
      }
    }
    Atomics.add(work, WORK.DONE, 1);
  }
  t = phaseEnd('pool: calling thread\'s chunks', t);
  // the chunks the workers started: wait for them (each is about a chunk's time)
  const deadline = Date.now() + Math.max(START_TIMEOUT_MS, SLOW_FACTOR * (Date.now() - started));
  for (let done = Atomics.load(work, WORK.DONE); done < chunks; done = Atomics.load(work, WORK.DONE)) {
    const left = deadline - Date.now();
    if (left <= 0 || slots.slice(0, T - 1).some((slot) => slot.exited)) {
      closePool();
      throw new Error(`kernel threads: a worker did not finish its chunk (${left <= 0 ? 'timed out' : 'it exited'}); the pool was restarted`);
    }
    Atomics.wait(work, WORK.DONE, done, Math.min(left, 1000));
  }
  t = phaseEnd('pool: wait for workers', t);
  const failed = Atomics.load(work, WORK.FAILED);
  if (failure !== null) throw failure;
  if (failed > 0) {
    const slot = slots[failed - 1]!;
    slot.generation = -1;
    slot.externals = [];
    throw new Error(`kernel thread ${failed}: ${errorText(slot.errors)}`);
  }
  for (const { array, view } of copiedOut) array.set(view);
  for (const { target, slices } of sums) {
    for (const slice of slices) {
      for (let i = 0; i < target.length; i++) target[i] = target[i]! + slice[i]!;
    }
  }
  phaseEnd('pool: copies out, sums', t);
}
