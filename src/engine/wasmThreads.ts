/**
 * tfjs-backend-wasm's threaded SIMD build (`tfjs-backend-wasm-threaded-simd.wasm`, XNNPACK on a
 * pthread pool) started in Node, where tfjs itself never picks it (its `WASM_HAS_MULTITHREAD_SUPPORT`
 * flag is hard-wired false in Node, tfjs issue 3830). What stands in the way is only how the
 * Emscripten glue starts its pthread workers, written for browsers:
 * - each worker's script is a `Blob` URL (`URL.createObjectURL`), which Node's `Worker` cannot load;
 * - the main script the workers import is a `Blob` too (`mainScriptUrlOrBlob`), read with
 *   `importScripts`, which in Node reads a file path;
 * - that main script is the factory's `toString()`, so it names the bundle's module-level helpers
 *   (`require$$0`, `commonjsGlobal`, `__values`, …), which a worker does not have.
 * So while the backend starts, `Blob` and `URL.createObjectURL` record the texts; the global `Worker`
 * (which the glue looks up whenever it starts a pthread) becomes a subclass of Node's `Worker` that
 * evaluates a recorded worker text (`eval: true`) and hands it the main script, with the helpers
 * declared, through `workerData`. Anything else is passed through to Node's `Worker` unchanged.
 *
 * Why it matters: (1) XNNPACK's matrix products — most of an MLP evaluation — then run on several
 * cores; (2) the wasm heap becomes a `SharedArrayBuffer`, so the kernel threads (pool.ts) read and
 * write tensors in place instead of copying them into and out of their own shared memory.
 *
 * Any failure (a tfjs version whose glue differs, a worker that does not start) falls back to the
 * single-threaded SIMD build that tfjs picks by itself; `wasmThreadsState()` says which runs.
 * `KANPINN_WASM_THREADS=0` keeps the single-threaded build.
 */
import * as tf from '../tf.js';
import { builtin } from './builtin.js';

/** What the glue's pthread-worker text must contain for the `importScripts` redirection below. */
const WORKER_MARKER = 'var initializedJS=false;';
/** What the pthread main script (`mainScriptUrlOrBlob`) starts with. */
const MAIN_MARKER = 'var WasmBackendModuleThreadedSimd';
/** The `urlOrBlob` a worker is told to import (the redirected `importScripts` ignores it). */
const MAIN_URL = 'kanpinn:wasm-threaded-main';
/** XNNPACK's thread cap in tfjs-backend-wasm 4.x (its pthread pool is pre-created with 8 workers). */
export const WASM_MAX_THREADS = 8;

/**
 * The module-level helpers of tfjs-backend-wasm's Node bundle that the factory's text names
 * (tslib's `__values`, `__read`, `__spreadArray`, as tslib writes them) and its `require`s.
 */
const MAIN_PREAMBLE = `var require$$0 = require('fs'); var require$$1 = require('path'); var require$$3 = require('perf_hooks'); var require$$4 = require('os');
var commonjsGlobal = globalThis;
function __values(o) { var s = typeof Symbol === 'function' && Symbol.iterator, m = s && o[s], i = 0; if (m) return m.call(o); if (o && typeof o.length === 'number') return { next: function () { if (o && i >= o.length) o = void 0; return { value: o && o[i++], done: !o }; } }; throw new TypeError(s ? 'Object is not iterable.' : 'Symbol.iterator is not defined.'); }
function __read(o, n) { var m = typeof Symbol === 'function' && o[Symbol.iterator]; if (!m) return o; var i = m.call(o), r, ar = [], e; try { while ((n === void 0 || n-- > 0) && !(r = i.next()).done) ar.push(r.value); } catch (error) { e = { error: error }; } finally { try { if (r && !r.done && (m = i['return'])) m.call(i); } finally { if (e) throw e.error; } } return ar; }
function __spreadArray(to, from, pack) { if (pack || arguments.length === 2) for (var i = 0, l = from.length, ar; i < l; i++) { if (ar || !(i in from)) { if (!ar) ar = Array.prototype.slice.call(from, 0, i); ar[i] = from[i]; } } return to.concat(ar || Array.prototype.slice.call(from)); }
`;

interface NodeWorkerClass {
  new (source: string | URL, options?: Record<string, unknown>): NodeWorkerInstance;
}
interface NodeWorkerInstance {
  postMessage(message: unknown, transfer?: unknown): void;
  unref(): void;
  on(event: string, listener: (...args: unknown[]) => void): this;
}
interface NodeOs {
  cpus(): unknown[];
}
/** The part of tfjs-backend-wasm's module that is used here. */
export interface WasmPackage {
  setThreadsCount?: (n: number) => void;
}
/** The Emscripten glue's pthread pool (`backend.wasm.PThread`). */
interface PThreadApi {
  unusedWorkers: { loaded?: boolean }[];
  allocateUnusedWorker(): void;
  loadWasmModuleToWorker(worker: unknown, onFinishedLoading: () => void): void;
}
/** tfjs-backend-wasm's functions on its Emscripten module (`backend.wasm.tfjs`). */
interface WasmTfjs {
  initWithThreadsCount(n: number): void;
  getThreadsCount(): number;
}

/**
 * The process's Node options for an `eval: true` worker whose text is CommonJS: without
 * `--input-type`, which a worker inherits and which would make its text an ES module (no `require`;
 * `node --input-type=module -e …` did that).
 */
export function scriptExecArgv(): string[] {
  const argv = (globalThis as { process?: { execArgv?: string[] } }).process?.execArgv ?? [];
  const out: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    if (argv[i]!.startsWith('--input-type=')) continue;
    if (argv[i] === '--input-type') {
      i++;
      continue;
    }
    out.push(argv[i]!);
  }
  return out;
}

/** Which wasm build runs, and XNNPACK's threads. */
export interface WasmThreadsState {
  /** True when the threaded SIMD build was started (the heap is a SharedArrayBuffer). */
  threaded: boolean;
  /** XNNPACK's threads now (1 on the single-threaded build). */
  threads: number;
  /** Why the threaded build is not running (absent when it is). */
  reason?: string;
}

let state: WasmThreadsState = { threaded: false, threads: 1, reason: 'not started' };
let wasmTfjs: WasmTfjs | null = null;
let pthreads: PThreadApi | null = null;
let wantedThreads = 1;
/** Worker texts recorded from `Blob`s, by the URL `URL.createObjectURL` gave them. */
const workerTexts = new Map<string, string>();
let mainText: string | null = null;
let workerText: string | undefined;
let workerClassInstalled = false;

/** The state of the wasm build (see `WasmThreadsState`). */
export function wasmThreadsState(): WasmThreadsState {
  return { ...state };
}

/** True when tfjs's wasm heap is shared memory the kernel threads can use in place. */
export function wasmHeapShared(): boolean {
  return state.threaded && tf.getBackend() === 'wasm';
}

type Listener = (...args: unknown[]) => void;

/**
 * One pthread worker of the glue, started lazily: the glue pre-loads 8 workers at start (and waits
 * for them) although XNNPACK uses `threads − 1`, which cost ~0.8 s and ~90 MB per process. This
 * stand-in answers the glue's `load` at once (marked loaded synchronously, so a pthread the glue
 * creates while the calling thread is blocked starts without Node's event loop), and starts the
 * real eval worker only when a pthread is run on it, posting it the recorded `load` first.
 */
class LazyPthreadWorker {
  /** Read and written by the glue. */
  loaded = false;
  private real: NodeWorkerInstance | null = null;
  private readonly listeners: [string, Listener][] = [];
  private load: [unknown, unknown] | null = null;

  constructor(
    private readonly NodeWorker: NodeWorkerClass,
    private readonly text: string,
  ) {}

  on(event: string, listener: Listener): this {
    this.listeners.push([event, listener]);
    if (this.real !== null) this.attach(this.real, event, listener);
    return this;
  }

  postMessage(message: unknown, transfer?: unknown): void {
    const m = message as { cmd?: string; urlOrBlob?: unknown } | null;
    if (m !== null && typeof m === 'object' && m.cmd === 'load') {
      // the main script travels in workerData: the worker is told a name it ignores
      const load: [unknown, unknown] = [{ ...m, urlOrBlob: MAIN_URL }, transfer];
      if (this.real !== null) {
        this.real.postMessage(load[0], load[1]);
        return;
      }
      this.load = load;
      this.loaded = true;
      setImmediate(() => this.emit('message', { cmd: 'loaded' }));
      return;
    }
    this.start().postMessage(message, transfer);
  }

  /** The glue refs a worker when it runs a pthread: XNNPACK's idle pool threads must not keep Node alive. */
  ref(): void {}

  unref(): void {
    this.real?.unref();
  }

  terminate(): Promise<number> {
    return this.real === null ? Promise.resolve(0) : (this.real as unknown as { terminate(): Promise<number> }).terminate();
  }

  private emit(event: string, value: unknown): void {
    for (const [e, listener] of this.listeners) if (e === event) listener(value);
  }

  private start(): NodeWorkerInstance {
    if (this.real !== null) return this.real;
    const redirect = `${WORKER_MARKER}global.importScripts=function(){(0,eval)(require('worker_threads').workerData.kanpinnMain)};`;
    const real = new this.NodeWorker(this.text.replace(WORKER_MARKER, redirect), { eval: true, execArgv: scriptExecArgv(), workerData: { kanpinnMain: MAIN_PREAMBLE + (mainText ?? '') } });
    this.real = real;
    for (const [event, listener] of this.listeners) this.attach(real, event, listener);
    if (this.load !== null) real.postMessage(this.load[0], this.load[1]);
    real.unref();
    return real;
  }

  private attach(real: NodeWorkerInstance, event: string, listener: Listener): void {
    if (event !== 'message') {
      real.on(event, listener);
    } else {
      // the glue was told 'loaded' already: the real worker's own one is dropped
      let dropped = false;
      real.on(event, (data: unknown) => {
        if (!dropped && (data as { cmd?: string } | null)?.cmd === 'loaded') {
          dropped = true;
          return;
        }
        listener(data);
      });
    }
    // a 'message' listener refs the worker's port again: pthreads never keep the process alive
    // (the calls that use them are synchronous)
    real.unref();
  }
}

/** The global `Worker` the glue uses: its recorded Blob-URL workers become lazy eval workers, anything else as before. */
function installWorkerClass(NodeWorker: NodeWorkerClass): void {
  if (workerClassInstalled) return;
  function PthreadWorker(source: string | URL, options?: Record<string, unknown>): unknown {
    // the glue makes a fresh Blob URL for each new pthread, after the patches are gone: every one
    // of them is the same worker text (Node's Worker could not load a blob: URL anyway)
    const text = typeof source === 'string' ? (workerTexts.get(source) ?? (source.startsWith('blob:') ? workerText : undefined)) : undefined;
    return text === undefined ? new NodeWorker(source, options) : new LazyPthreadWorker(NodeWorker, text);
  }
  Object.defineProperty(globalThis, 'Worker', {
    configurable: true,
    get: () => PthreadWorker,
    // the glue assigns Node's Worker here when it starts; ours must stay
    set: () => {},
  });
  workerClassInstalled = true;
}

/** Runs `start` with `Blob`, `URL.createObjectURL` and `os.cpus` patched (see the module comment). */
async function withPatches<T>(os: NodeOs, start: () => Promise<T>): Promise<T> {
  const RealBlob = globalThis.Blob;
  const realCreate = URL.createObjectURL;
  const realCpus = os.cpus;
  class RecordingBlob extends RealBlob {
    readonly recorded: string | null;
    constructor(parts?: BlobPart[], options?: BlobPropertyBag) {
      super(parts, options);
      this.recorded = parts !== undefined && parts.every((p) => typeof p === 'string') ? parts.join('') : null;
      if (this.recorded?.startsWith(MAIN_MARKER)) mainText = this.recorded;
    }
  }
  globalThis.Blob = RecordingBlob;
  URL.createObjectURL = (blob: Blob): string => {
    const url = realCreate(blob);
    if (blob instanceof RecordingBlob && blob.recorded !== null && blob.recorded.includes(WORKER_MARKER)) {
      workerTexts.set(url, blob.recorded);
      workerText = blob.recorded;
    }
    return url;
  };
  // tfjs-wasm caps XNNPACK at half the logical cores (it assumes two hyperthreads per core); the
  // kernel threads' count (getThreads) is the user's choice, so the glue is shown twice the cores
  os.cpus = () => {
    const cpus = realCpus.call(os);
    return [...cpus, ...cpus];
  };
  try {
    return await start();
  } finally {
    globalThis.Blob = RealBlob;
    URL.createObjectURL = realCreate;
    os.cpus = realCpus;
  }
}

/**
 * Starts tfjs's `wasm` backend, the threaded SIMD build with `threads` XNNPACK threads where that
 * works (Node, more than one thread wanted), else the build tfjs picks by itself. The build is
 * chosen once: a process started with one thread (a sweep worker's share, `--threads 1`) keeps the
 * single-threaded build, all it needs, and a later `setThreads(n > 1)` threads only the
 * kernels. (The threaded start costs ~50 ms and ~7 MB more, with its pthread workers started lazily.) Resolves to
 * whether the backend started. Call with tfjs-backend-wasm imported and before anything else
 * started the `wasm` backend.
 */
export async function startWasmBackend(wasm: WasmPackage, threads: number): Promise<boolean> {
  wantedThreads = threads;
  const env = (globalThis as { process?: { env?: Record<string, string | undefined> } }).process?.env?.KANPINN_WASM_THREADS;
  const api = builtin<{ Worker: NodeWorkerClass }>('node:worker_threads');
  const os = builtin<NodeOs>('node:os');
  const reason =
    env === '0'
      ? 'KANPINN_WASM_THREADS=0'
      : threads <= 1
        ? 'one thread when the backend started'
        : api === null || os === null
        ? 'not in Node'
        : typeof wasm.setThreadsCount !== 'function' || typeof SharedArrayBuffer === 'undefined'
          ? 'this tfjs-backend-wasm has no threads'
          : null;
  if (reason === null && api !== null && os !== null) {
    const started = await startThreaded(wasm, api.Worker, os, threads);
    if (started === true) return true;
    state = { threaded: false, threads: 1, reason: started };
  } else {
    state = { threaded: false, threads: 1, reason: reason ?? 'not in Node' };
  }
  tf.env().set('WASM_HAS_MULTITHREAD_SUPPORT', false);
  return tf.setBackend('wasm');
}

/** The threaded start; true, or why it failed. */
async function startThreaded(wasm: WasmPackage, NodeWorker: NodeWorkerClass, os: NodeOs, threads: number): Promise<true | string> {
  try {
    installWorkerClass(NodeWorker);
    tf.env().set('WASM_HAS_MULTITHREAD_SUPPORT', true);
    wasm.setThreadsCount!(xnnThreads(threads));
    // the pthread workers are unreferenced (below), so something must keep Node's event loop
    // alive while they load
    const keepAlive = setInterval(() => {}, 1000);
    let ok: boolean;
    try {
      ok = await withPatches(os, () => tf.setBackend('wasm'));
    } finally {
      clearInterval(keepAlive);
    }
    if (!ok) return 'the threaded build did not start';
    const module = (tf.backend() as unknown as { wasm?: { tfjs?: Partial<WasmTfjs>; HEAPU8?: Uint8Array; PThread?: Partial<PThreadApi> } }).wasm;
    const api = module?.tfjs;
    const pt = module?.PThread;
    if (
      typeof api?.initWithThreadsCount !== 'function' ||
      typeof api.getThreadsCount !== 'function' ||
      !(module?.HEAPU8?.buffer instanceof SharedArrayBuffer) ||
      !Array.isArray(pt?.unusedWorkers) ||
      typeof pt.allocateUnusedWorker !== 'function' ||
      typeof pt.loadWasmModuleToWorker !== 'function'
    ) {
      // it runs, but neither its threads nor its heap can be used: keep it, as single-threaded
      state = { threaded: false, threads: 1, reason: 'the threaded build has an unexpected interface' };
      return true;
    }
    wasmTfjs = api as WasmTfjs;
    pthreads = pt as PThreadApi;
    state = { threaded: true, threads: api.getThreadsCount() };
    await wasmThreadsReady();
    return true;
  } catch (error) {
    return `the threaded build failed: ${(error as Error).message.split('\n')[0] ?? ''}`;
  }
}

function xnnThreads(threads: number): number {
  return Math.max(1, Math.min(WASM_MAX_THREADS, Math.floor(threads)));
}

/**
 * Sets XNNPACK's threads to follow the kernel threads (pool.ts `setThreads`); no effect on the
 * single-threaded build. tfjs-wasm cannot free a thread pool, so each change leaves the previous
 * pool's pthreads idle (blocked, unreferenced), and a new pool takes loaded pthread workers from
 * the glue's spare ones: a worker still loading would be started only from Node's event loop,
 * which the synchronous pool creation blocks (a deadlock). So the change happens only when enough
 * spare workers are loaded; otherwise it waits for `wasmThreadsReady()`, which loads more.
 */
export function setWasmThreads(threads: number): void {
  wantedThreads = threads;
  applyWantedThreads();
}

function applyWantedThreads(): void {
  if (wasmTfjs === null || pthreads === null || !state.threaded) return;
  const n = xnnThreads(wantedThreads);
  if (n === state.threads) return;
  // the glue pops workers from the end of its spare list
  const spare = pthreads.unusedWorkers;
  if (n - 1 > spare.length || !spare.slice(spare.length - (n - 1)).every((w) => w.loaded === true)) {
    state = { ...state, reason: `XNNPACK stays at ${state.threads} threads until wasmThreadsReady() has loaded spare workers` };
    return;
  }
  // the C side caps n by the core count it read at start (withPatches)
  wasmTfjs.initWithThreadsCount(n);
  state = { threaded: true, threads: wasmTfjs.getThreadsCount() };
}

/**
 * Loads spare pthread workers until `WASM_MAX_THREADS` are ready (so the next thread-count change
 * can take them) and applies a change `setWasmThreads` had to postpone. Resolves at once on the
 * single-threaded build. The CLI and benchmarks await it after `setThreads`.
 */
export async function wasmThreadsReady(): Promise<void> {
  const pt = pthreads;
  if (pt === null || !state.threaded) return;
  const loading: Promise<void>[] = [];
  for (const worker of pt.unusedWorkers) {
    if (worker.loaded !== true) loading.push(waitLoaded(worker));
  }
  while (pt.unusedWorkers.length < WASM_MAX_THREADS) {
    pt.allocateUnusedWorker();
    const worker = pt.unusedWorkers[pt.unusedWorkers.length - 1]!;
    loading.push(new Promise<void>((resolve) => pt.loadWasmModuleToWorker(worker, resolve)));
  }
  if (loading.length > 0) {
    const keepAlive = setInterval(() => {}, 1000);
    try {
      await Promise.all(loading);
    } finally {
      clearInterval(keepAlive);
    }
  }
  applyWantedThreads();
}

/** Resolves once a worker the glue is loading has loaded (polled: the glue keeps its own callback). */
function waitLoaded(worker: { loaded?: boolean }): Promise<void> {
  return new Promise((resolve) => {
    const poll = (): void => {
      if (worker.loaded === true) resolve();
      else setTimeout(poll, 5);
    };
    poll();
  });
}

/** The threads asked for last (tests). */
export function wantedWasmThreads(): number {
  return wantedThreads;
}
