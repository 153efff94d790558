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

/**
 * Declarations of the tables `expCode` reads: POW2[m + 64] = 2^m (|m| ≤ 58 is used) by doubling
 * (exact), POW2_32[j] = 2^{j/32}. Built once per kernel call (~1 µs).
 */
export const EXP2_TABLES =
  'const POW2 = new Float64Array(128); for (let i = 0, p = Math.pow(2, -64); i < 128; i++, p *= 2) POW2[i] = p; ' +
  'const POW2_32 = new Float64Array(32); for (let i = 0; i < 32; i++) POW2_32[i] = Math.pow(2, i / 32);';

/**
 * Code declaring `${name}` = e^w for the expression `w` clamped to [−40, 40], by arithmetic only
 * (the method of the MLP's tanh, activationCodegen.ts): k = round(w·32/ln 2) by the 1.5·2^52
 * rounding trick, r = w − k·ln 2/32 (Cody–Waite split), e^r − 1 to r⁶ in Estrin form, 2^{k/32}
 * from `EXP2_TABLES`. Relative error ~1e-16, 2–3× cheaper than Math.exp. Locals are prefixed by
 * `name`.
 */
export function expCode(w: string, name: string): string {
  const v = (s: string): string => `${name}_${s}`;
  return [
    `const ${v('w')} = Math.max(-40, Math.min(40, ${w}));`,
    `const ${v('k')} = ${v('w')} * 46.16624130844683 + 6755399441055744 - 6755399441055744;`,
    `const ${v('r')} = ${v('w')} - ${v('k')} * 0.021660849452018738 + ${v('k')} * 5.952044759838238e-11; const ${v('r2')} = ${v('r')} * ${v('r')};`,
    `const ${v('rs')} = ${v('r')} + ${v('r2')} * (0.5 + ${v('r')} * (1 / 6) + ${v('r2')} * (1 / 24 + ${v('r')} * (1 / 120) + ${v('r2')} * (1 / 720)));`,
    `const ${v('i')} = ${v('k')} | 0; const ${v('p')} = POW2[(${v('i')} >> 5) + 64] * POW2_32[${v('i')} & 31];`,
    `const ${name} = ${v('p')} * ${v('rs')} + ${v('p')};`,
  ].join(' ');
}
