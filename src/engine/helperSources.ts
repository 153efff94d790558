/**
 * Source text of the helpers the generated kernels call (`H.*`), for kernels compiled in worker
 * threads (see pool.ts): a worker has none of the library's modules, so each helper travels as
 * the text of the very function the calling thread runs (`Function.prototype.toString`) plus the
 * module constants it reads. Only self-contained functions qualify: a helper that calls an
 * imported function would fail in the worker with a ReferenceError (the threaded tests catch it).
 */
import { baseDerivatives, SIGMOID_POLY } from '../jet/baseFunctions.js';
import { jetSource } from '../jet/factors.js';
import type { JetPlan } from '../jet/plan.js';

/** Declares `baseDerivatives(base, x, order, out)` (jet/baseFunctions.ts) and its table. */
export function baseDerivativesSource(): string {
  return `const SIGMOID_POLY = ${JSON.stringify(SIGMOID_POLY)};\n${baseDerivatives.toString()}`;
}

/**
 * `{ factors, backward }` of a plan as an expression: the same straight-line Faà di Bruno code that
 * `compileJet` (jet/factors.ts) generates.
 */
export function jetFactorsSource(plan: JetPlan): string {
  const M1 = plan.maxOrder + 1;
  const C = plan.channels.length;
  const { loads, slots, grads } = jetSource(plan);
  const writes = Array.from({ length: C * M1 }, (_, slot) => `S[${slot}] = ${slots.get(slot) ?? '0'};`).join('\n');
  const updates = [...grads.entries()].map(([block, terms]) => `dX[${block} * stride + base] += ${terms.join(' + ')};`).join('\n');
  return `{ factors: function (X, base, stride, S) {${loads}\n${writes}\n}, backward: function (X, base, stride, dS, dX) {${loads}\n${updates}\n} }`;
}

/**
 * `body` with its one loop over all points, `for (let <v> = 0; <v> < <bound>; <v>++)`, narrowed
 * to the chunk [n0, n1) given as expressions; throws when the loop is not there exactly once (a
 * generator changed its loop: the threaded path must then be adapted, not guessed).
 */
export function narrowPointLoop(body: string, loop: string, chunk: string): string {
  const parts = body.split(loop);
  if (parts.length !== 2) throw new Error(`kernel threads: expected the point loop '${loop}' once in the generated kernel, found it ${parts.length - 1} times`);
  return `${parts[0]}${chunk}${parts[1]}`;
}
