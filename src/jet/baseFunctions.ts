/**
 * The residual ("base") functions b(x) of KAN edges and their derivatives up to any order:
 * SiLU (pykan's default), identity, zero.
 *
 * SiLU(x) = x·σ(x); its n-th derivative is x·σ^{(n)}(x) + n·σ^{(n-1)}(x), and σ^{(n)} is a
 * polynomial P_n(σ) with P_0 = σ, P_{n+1} = P_n'(σ)·(σ − σ²).
 */

/** The base functions b(x) a KAN edge may add to its spline (pykan: SiLU). */
export const BASE_FUNCTIONS = ['silu', 'identity', 'zero'] as const;
/** One of `BASE_FUNCTIONS`. */
export type BaseFunction = (typeof BASE_FUNCTIONS)[number];

/** Highest derivative order the tables cover (4th-order jets need 5 for the backward pass). */
const MAX_TABLE_ORDER = 7;

/** SIGMOID_POLY[n][p] = coefficient of σ^p in σ^{(n)}. */
export const SIGMOID_POLY: number[][] = (() => {
  const polys: number[][] = [[0, 1]];
  for (let n = 0; n < MAX_TABLE_ORDER; n++) {
    const p = polys[n]!;
    const derivative = p.slice(1).map((c, i) => c * (i + 1)); // dP/dσ
    const next = new Array<number>(derivative.length + 2).fill(0);
    derivative.forEach((c, i) => {
      next[i + 1] = next[i + 1]! + c; // · σ
      next[i + 2] = next[i + 2]! - c; // · (−σ²)
    });
    polys.push(next);
  }
  return polys;
})();

/** Writes b^{(d)}(x) for d = 0..order into out[0..order]. */
export function baseDerivatives(base: BaseFunction, x: number, order: number, out: Float64Array): void {
  switch (base) {
    case 'silu': {
      const s = 1 / (1 + Math.exp(-x));
      if (order <= 3) {
        // Closed forms of σ', σ'', σ''' (the common case: jets up to second order).
        const s1 = s * (1 - s);
        out[0] = x * s;
        if (order >= 1) out[1] = x * s1 + s;
        if (order >= 2) out[2] = x * s1 * (1 - 2 * s) + 2 * s1;
        if (order >= 3) out[3] = x * s1 * (1 - 6 * s + 6 * s * s) + 3 * s1 * (1 - 2 * s);
        return;
      }
      let previous = 0;
      for (let d = 0; d <= order; d++) {
        const poly = SIGMOID_POLY[d]!;
        let value = 0;
        for (let p = poly.length - 1; p >= 0; p--) value = value * s + poly[p]!;
        out[d] = x * value + d * previous;
        previous = value;
      }
      return;
    }
    case 'identity':
      out[0] = x;
      for (let d = 1; d <= order; d++) out[d] = d === 1 ? 1 : 0;
      return;
    case 'zero':
      for (let d = 0; d <= order; d++) out[d] = 0;
      return;
    default: {
      const never: never = base;
      throw new Error(`unknown base function ${String(never)}`);
    }
  }
}
