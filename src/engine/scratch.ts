/**
 * Reused plain arrays for the state one differentiable op keeps from its forward pass to its
 * backward pass (a KAN network's hidden jets, its input jet's copy, the gradients between layers).
 *
 * Why: at a few hundred points a loss+gradient evaluation allocated a few hundred kB of typed
 * arrays (a [5, 441, 10] float32 jet alone is 88 kB), and their allocation, zeroing and collection
 * were a visible share of a 1.5 ms evaluation. Arrays are keyed by type and exact length; `take`
 * hands out a free one (contents undefined) or a new one, `give` returns them. An op whose backward
 * pass never runs (an evaluation without gradients) simply never gives its arrays back: they are
 * collected like any other garbage, since the pool holds only the free ones. Very large arrays are
 * not kept (`MAX_KEPT_LENGTH`), nor more than a few per length.
 *
 * With kernel threads (`getThreads() > 1`, Node) the float arrays are in shared memory: the
 * threaded kernels then use them in place, with no copies through the pool's arena on the calling
 * thread, and split them into claimed chunks (pool.ts `runChunked`). Beyond `MAX_KEPT_LENGTH` they
 * are plain: a worker holds every shared buffer it is posted until its own rare garbage
 * collection, so shared arrays made afresh per evaluation would pile up (see arena.ts); reused,
 * the same few buffers serve every evaluation.
 */
import { getThreads } from './pool.js';

/**
 * Arrays longer than this are not kept when given back: 2^23 elements, so a 100k-point chunk's
 * [5, N, 10] jets are. At first only arrays up to 256k elements were kept ("the arithmetic on
 * larger ones dwarfs their allocation"), but a KAN [2,10,1] G5 evaluation at 10.4k points
 * allocated its 0.5M-element jets afresh each time, and keeping them made it 0.91× (p10; median
 * 0.81×) of that in `bench/builds.mjs` rounds on one thread (load 27–31): fewer collections.
 * Shared arrays (below) must be kept in any case.
 */
const MAX_KEPT_LENGTH = 1 << 23;
/** Free arrays kept per type and length. */
const MAX_KEPT_PER_LENGTH = 8;

/** A pool of free typed arrays by type and length (see the module comment). */
export class ArrayPool {
  private readonly f32Free = new Map<number, Float32Array[]>();
  private readonly f64Free = new Map<number, Float64Array[]>();
  private readonly i32Free = new Map<number, Int32Array[]>();

  /** A float32 array of `length` elements, contents undefined (zero it where that matters). */
  f32(length: number): Float32Array {
    const shared = wantShared(length);
    return take(this.f32Free, length, shared) ?? (shared ? new Float32Array(new SharedArrayBuffer(length * 4)) : new Float32Array(length));
  }

  /** A float64 array of `length` elements, contents undefined. */
  f64(length: number): Float64Array {
    const shared = wantShared(length);
    return take(this.f64Free, length, shared) ?? (shared ? new Float64Array(new SharedArrayBuffer(length * 8)) : new Float64Array(length));
  }

  /** An int32 array of `length` elements, contents undefined (shared like the float arrays: a threaded pass may record indices in it). */
  i32(length: number): Int32Array {
    const shared = wantShared(length);
    return take(this.i32Free, length, shared) ?? (shared ? new Int32Array(new SharedArrayBuffer(length * 4)) : new Int32Array(length));
  }

  /** Returns arrays taken from this pool (nulls are skipped); the caller must not use them afterwards. */
  give(...arrays: (Float32Array | Float64Array | Int32Array | null | undefined)[]): void {
    for (const array of arrays) {
      if (!array || array.length > MAX_KEPT_LENGTH) continue;
      if (array instanceof Float32Array) keep(this.f32Free, array);
      else if (array instanceof Float64Array) keep(this.f64Free, array);
      else keep(this.i32Free, array);
    }
  }

  /** Number of free arrays held (for tests). */
  get size(): number {
    let count = 0;
    for (const list of this.f32Free.values()) count += list.length;
    for (const list of this.f64Free.values()) count += list.length;
    for (const list of this.i32Free.values()) count += list.length;
    return count;
  }
}

/** Adds `array` to the free list of its length (at most `MAX_KEPT_PER_LENGTH`, never twice). */
function keep<T extends Float32Array | Float64Array | Int32Array>(free: Map<number, T[]>, array: T): void {
  let list = free.get(array.length);
  if (list === undefined) {
    list = [];
    free.set(array.length, list);
  }
  if (list.length < MAX_KEPT_PER_LENGTH && !list.includes(array)) list.push(array);
}

/** Whether new float arrays of `length` are made in shared memory (see the module comment). */
function wantShared(length: number): boolean {
  return typeof SharedArrayBuffer !== 'undefined' && length > 0 && length <= MAX_KEPT_LENGTH && getThreads() > 1;
}

function isShared(array: Float32Array | Float64Array | Int32Array): boolean {
  return typeof SharedArrayBuffer !== 'undefined' && array.buffer instanceof SharedArrayBuffer;
}

/** A free array of `length` in (or, for `shared` false, outside) shared memory, or undefined; free arrays of the other kind are dropped. */
function take<T extends Float32Array | Float64Array | Int32Array>(free: Map<number, T[]>, length: number, shared: boolean): T | undefined {
  const list = free.get(length);
  while (list !== undefined && list.length > 0) {
    const array = list.pop()!;
    if (isShared(array) === shared) return array;
  }
  return undefined;
}
