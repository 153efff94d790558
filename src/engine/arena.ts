/**
 * The shared memory of the threaded calls (pool.ts): one grow-only `SharedArrayBuffer`, laid out
 * afresh by each call and reused by the next, instead of new shared buffers per call.
 *
 * Why: a worker thread holds every `SharedArrayBuffer` it was ever posted until its own garbage
 * collector runs, and a worker that only runs kernels allocates too little to ever trigger one, so
 * per-call buffers were never freed (a Heat 2d-MS MLP run on two threads grew to 4.3 GB resident in
 * 300 steps). With the arena a worker is posted a buffer only when the arena grows; growth is
 * geometric, so the buffers ever posted add up to a few times the largest call's need.
 *
 * Nothing outside the pool keeps a view of the arena: inputs are copied in and outputs copied out
 * into the caller's own (unshared) arrays, so a caller may keep its results (a tfjs tensor on the
 * `cpu` backend keeps the very array it was made from) while the next call reuses the memory.
 */

/** The typed arrays the kernels share (Int32Array: indices a pass records for a later one, e.g. a KAN layer's spans). */
export type SharedArray = Float32Array | Float64Array | Int32Array;

/** The element type of a shared array, as specs and views name it. */
export type SharedType = 'f32' | 'f64' | 'i32';

/** The element type of `array`. */
export function sharedType(array: SharedArray): SharedType {
  return array instanceof Float64Array ? 'f64' : array instanceof Int32Array ? 'i32' : 'f32';
}

/** A view of `length` elements of `type` at `byteOffset` of `buffer`. */
export function sharedView(buffer: SharedArrayBuffer, type: SharedType, byteOffset: number, length: number): SharedArray {
  return type === 'f64' ? new Float64Array(buffer, byteOffset, length) : type === 'i32' ? new Int32Array(buffer, byteOffset, length) : new Float32Array(buffer, byteOffset, length);
}

/** One array of a call's layout: its element type and length. */
export interface ArenaSpec {
  type: SharedType;
  length: number;
}

/** Where an array lies in the arena: what a worker needs to make the same view of its copy of the buffer. */
export interface ArenaView {
  type: SharedType;
  byteOffset: number;
  length: number;
}

/** Arrays start on 64-byte boundaries (a cache line), so that two threads' slices never share one. */
const ALIGN = 64;
/** A buffer too small for a call is replaced by one at least this many times larger (few regrowths). */
const GROWTH = 1.5;

/** Bytes of an array of the spec, rounded up to the alignment. */
function alignedBytes(spec: ArenaSpec): number {
  const bytes = spec.length * (spec.type === 'f64' ? 8 : 4);
  return Math.ceil(bytes / ALIGN) * ALIGN;
}

/** A grow-only shared buffer, laid out per call (see the module comment). */
export class SharedArena {
  private buffer: SharedArrayBuffer | null = null;
  /** Increases each time the buffer is replaced, so the pool knows which workers hold the current one. */
  generation = 0;

  /** Bytes held now (0 after `release`). */
  get bytes(): number {
    return this.buffer === null ? 0 : this.buffer.byteLength;
  }

  /** The current buffer (the pool posts it to workers that hold an older generation). */
  current(): SharedArrayBuffer {
    if (this.buffer === null) throw new Error('kernel threads: the shared arena has no buffer (lay out a call first)');
    return this.buffer;
  }

  /**
   * Views for one call, in the order of `specs`, growing the buffer when the call needs more than
   * it holds. The views are valid until the next `layout` or `release`; their contents are
   * whatever the previous call left (the caller fills them).
   */
  layout(specs: ArenaSpec[]): { views: SharedArray[]; places: ArenaView[] } {
    const need = specs.reduce((total, spec) => total + alignedBytes(spec), 0);
    if (this.buffer === null || this.buffer.byteLength < need) {
      const size = Math.max(need, Math.ceil((this.buffer?.byteLength ?? 0) * GROWTH), ALIGN);
      this.buffer = new SharedArrayBuffer(Math.ceil(size / ALIGN) * ALIGN);
      this.generation += 1;
    }
    const buffer = this.buffer;
    const views: SharedArray[] = [];
    const places: ArenaView[] = [];
    let offset = 0;
    for (const spec of specs) {
      views.push(sharedView(buffer, spec.type, offset, spec.length));
      places.push({ type: spec.type, byteOffset: offset, length: spec.length });
      offset += alignedBytes(spec);
    }
    return { views, places };
  }

  /** Drops the buffer (the pool ends its workers with it); the next call allocates afresh. */
  release(): void {
    this.buffer = null;
    this.generation += 1;
  }
}
