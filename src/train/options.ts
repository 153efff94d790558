/** Moved to `src/options/training.ts` (below both the trainer and the problem module); this path is kept for code written against it. */
export * from '../options/training.js';
