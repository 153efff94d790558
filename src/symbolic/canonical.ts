/**
 * Canonical forms of y = c·f(a·x + b) + d: many (a, b, c, d) give the same curve (a power absorbs |a|
 * into c, an odd function flips the sign of a into c, a periodic one reduces b modulo its period).
 * These maps pick one representative so that printed formulas read `sin(3.1416*x)`, `(x + 0.5)^2`.
 */
import type { AffineParams } from './library.js';

/** The identity map (for functions with no known symmetry). */
export const keepParams = (params: AffineParams): AffineParams => params;

/** f(z) = z: c·(a·x + b) + d = (c·a)·x + (c·b + d), so a = 1, b = 0. */
export function canonicalLinear({ a, b, c, d }: AffineParams): AffineParams {
  return { a: 1, b: 0, c: c * a, d: d + c * b };
}

/**
 * f homogeneous of degree p for positive scale: f(λz) = λ^p·f(z), λ > 0. Then |a| moves into c and
 * a = ±1. With a `reflection` r such that f(−z) = r·f(z) (z^n: (−1)^n, |z|: 1, sign: −1), a = 1.
 */
export function canonicalPower(p: number, reflection?: 1 | -1) {
  return ({ a, b, c, d }: AffineParams): AffineParams => {
    if (a === 0) return { a, b, c, d };
    const scale = Math.abs(a);
    const next = { a: Math.sign(a), b: b / scale, c: c * scale ** p, d };
    if (reflection !== undefined && next.a < 0) return { a: 1, b: -next.b, c: next.c * reflection, d };
    return next;
  };
}

/** f(λz) = f(z) + log λ for λ > 0 (the logarithm): |a| moves into d. */
export function canonicalLog({ a, b, c, d }: AffineParams): AffineParams {
  if (a === 0) return { a, b, c, d };
  const scale = Math.abs(a);
  return { a: Math.sign(a), b: b / scale, c, d: d + c * Math.log(scale) };
}

/** Sign of f(−z) relative to f(z): odd (−1), even (+1); `mirror` adds a constant: f(−z) = mirror − f(z). */
export type Parity = { kind: 'odd' } | { kind: 'even' } | { kind: 'mirror'; constant: number };

/** Makes a > 0 using f's parity. */
function positiveA(params: AffineParams, parity: Parity): AffineParams {
  const { a, b, c, d } = params;
  if (a >= 0) return params;
  switch (parity.kind) {
    case 'odd':
      return { a: -a, b: -b, c: -c, d };
    case 'even':
      return { a: -a, b: -b, c, d };
    case 'mirror':
      return { a: -a, b: -b, c: -c, d: d + c * parity.constant };
    default: {
      const never: never = parity;
      return never;
    }
  }
}

/** a > 0 for an odd, even or mirrored function. */
export function canonicalParity(parity: Parity) {
  return (params: AffineParams): AffineParams => positiveA(params, parity);
}

/**
 * a > 0 and b in (−period/2, period/2] for f with f(z + period) = ±f(z): sin and cos are antiperiodic
 * with period π (f(z + π) = −f(z)), tan is periodic with period π.
 */
export function canonicalPeriodic(parity: Parity, period: number, antiperiodic: boolean) {
  return (params: AffineParams): AffineParams => {
    const { a, c, d } = positiveA(params, parity);
    let { b } = positiveA(params, parity);
    let shifts = Math.round(b / period);
    b -= shifts * period;
    if (b <= -period / 2) {
      b += period;
      shifts -= 1;
    }
    return { a, b, c: antiperiodic && shifts % 2 !== 0 ? -c : c, d };
  };
}

/** sin and cos, the pair `quarterTurn` moves between. */
export type SinCos = 'sin' | 'cos';

/**
 * sin ↔ cos by a quarter period, so that the phase b of a canonical periodic edge (b in (−π/2, π/2])
 * ends in [−π/4, π/4]: sin(t + b) = cos(t + b − π/2) = −cos(t + b + π/2) and
 * cos(t + b) = −sin(t + b − π/2) = sin(t + b + π/2), exactly. A trained edge 0.5·sin(π·x + 1.5708)
 * then reads 0.5·cos(π·x).
 */
export function quarterTurn(name: SinCos, params: AffineParams): { name: SinCos; params: AffineParams } {
  const { a, b, c, d } = params;
  const other: SinCos = name === 'sin' ? 'cos' : 'sin';
  const quarter = Math.PI / 2;
  if (b > quarter / 2) return { name: other, params: { a, b: b - quarter, c: name === 'sin' ? c : -c, d } };
  if (b < -quarter / 2) return { name: other, params: { a, b: b + quarter, c: name === 'sin' ? -c : c, d } };
  return { name, params };
}
