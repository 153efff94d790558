/**
 * What the kernel generators (jet factors, the KAN layer, the MLP activation) share: turning a
 * generated body into a function, the one check for whether code generation is allowed at all,
 * and the small numeric helpers the generated code is built from.
 *
 * A strict Content-Security-Policy (browsers) refuses `new Function`; that is detected once by a
 * probe that cannot fail for any other reason, and then every generator answers null and the loop
 * kernels run. Any other error while compiling is a bug in a generator and is thrown, never
 * swallowed: a silent fallback would hide it behind the (correct, slower) loop kernel.
 */

let allowed: boolean | null = null;

/** Whether `new Function` works here (false under a Content-Security-Policy without 'unsafe-eval'); probed once. */
export function codeGenerationAllowed(): boolean {
  if (allowed === null) {
    try {
      allowed = (new Function('return 1') as () => number)() === 1;
    } catch {
      allowed = false; // the probe's own code is fixed, so only a refusal can make it throw
    }
  }
  return allowed;
}

/**
 * Compiles `function (args) { body }`, with `H` bound to `helpers` inside the body. Throws (a
 * SyntaxError from the generated text, say) instead of hiding it; callers check
 * `codeGenerationAllowed()` first.
 */
export function compileKernel<T>(args: readonly string[], body: string, helpers: object = {}): T {
  const make = new Function('H', `return function (${args.join(', ')}) {${body}\n};`) as (h: object) => T;
  return make(helpers);
}

/**
 * The cached kernel for `key`, built by `build` on a miss; null where code generation is not
 * allowed (the caller runs its loop kernel).
 */
export function cachedKernel<T>(cache: Map<string, T>, key: string, build: () => T): T | null {
  if (!codeGenerationAllowed()) return null;
  const hit = cache.get(key);
  if (hit !== undefined) return hit;
  const fn = build();
  cache.set(key, fn);
  return fn;
}

/** [0, 1, …, n−1], for writing unrolled code. */
export const range = (n: number): number[] => Array.from({ length: n }, (_, i) => i);

/** The falling factorial p!/(p−m)! = p·(p−1)·…·(p−m+1): the factor d^m/du^m u^p = p!/(p−m)! u^{p−m} brings down. */
export function falling(p: number, m: number): number {
  let f = 1;
  for (let i = 0; i < m; i++) f *= p - i;
  return f;
}

/** table[m·width + p] = p!/(p−m)! for m ≤ p < width (0 elsewhere), for loops that look it up. */
export function fallingTable(width: number): Float64Array {
  const table = new Float64Array(width * width);
  for (let m = 0; m < width; m++) for (let p = m; p < width; p++) table[m * width + p] = falling(p, m);
  return table;
}
