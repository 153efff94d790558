/**
 * The built-in candidates: pykan's SYMBOLIC_LIB (same names, same order, same complexities), each as
 * f, f', f'', f''' in closed form. Every function is total: singular points are guarded so that no
 * finite argument gives NaN or ±Infinity (pykan clamps the same functions). `domain(lo, hi)` says
 * where the guard is off, i.e. where f is exactly its formula; the fitter only accepts (a, b) whose
 * argument interval lies there, so a fitted formula never relies on a guard.
 */
import { canonicalLinear, canonicalLog, canonicalParity, canonicalPeriodic, canonicalPower, keepParams } from './canonical.js';
import type { ScalarFunction, SymbolicFunctionSpec } from './library.js';

/** Largest |f| a guarded singular function returns (1/x, 1/x², log, tan, 1/√x near their poles). */
export const SINGULARITY_CAP = 1e6;
/** Below this argument √z and z^1.5 continue along their tangent (their derivatives blow up at 0). */
const ROOT_GUARD = 1e-8;
/** exp continues along its tangent above this argument (e^30 ≈ 1.1e13). */
const EXP_GUARD = 30;
/** arctanh is held constant for |z| ≥ 1 − this; arcsin's derivatives are evaluated at most this close to ±1. */
const UNIT_GUARD = 1e-6;

const always = (): boolean => true;
const zero: ScalarFunction = () => 0;

/** z^n for integer n ≥ 1 with its first three derivatives (falling factorials). */
function integerPower(n: number): SymbolicFunctionSpec {
  const coef = (k: number): number => {
    let product = 1;
    for (let i = 0; i < k; i++) product *= n - i;
    return product;
  };
  const term = (k: number): ScalarFunction => (z) => (n - k < 0 ? 0 : coef(k) * z ** (n - k));
  return {
    name: n === 1 ? 'x' : `x^${n}`,
    f: term(0),
    df: term(1),
    d2f: term(2),
    d3f: term(3),
    template: n === 1 ? 'X' : `X^${n}`,
    complexity: [1, 2, 3, 3, 3][n - 1] ?? n,
    domain: always,
    canonicalize: n === 1 ? canonicalLinear : canonicalPower(n, n % 2 === 0 ? 1 : -1),
    symmetric: true,
  };
}

/**
 * z^(−n) for |z| ≥ δ = CAP^(−1/n); inside (−δ, δ) pykan's guard: odd n continue linearly through 0
 * (z·δ^(−n−1)), even n stay at the cap. Complexities 2, 2, 3, 4, 5 as in pykan.
 */
function reciprocalPower(n: number): SymbolicFunctionSpec {
  const delta = SINGULARITY_CAP ** (-1 / n);
  const odd = n % 2 === 1;
  const raw = (k: number): ScalarFunction => {
    let coef = 1;
    for (let i = 0; i < k; i++) coef *= -n - i;
    return (z) => coef * z ** (-n - k);
  };
  const [r0, r1, r2, r3] = [raw(0), raw(1), raw(2), raw(3)];
  const inside = (z: number): boolean => Math.abs(z) < delta;
  const slope = delta ** (-n - 1);
  return {
    name: n === 1 ? '1/x' : `1/x^${n}`,
    f: (z) => (inside(z) ? (odd ? z * slope : SINGULARITY_CAP) : r0(z)),
    df: (z) => (inside(z) ? (odd ? slope : 0) : r1(z)),
    d2f: (z) => (inside(z) ? 0 : r2(z)),
    d3f: (z) => (inside(z) ? 0 : r3(z)),
    template: n === 1 ? '1/X' : `1/X^${n}`,
    complexity: [2, 2, 3, 4, 5][n - 1] ?? n,
    domain: (lo, hi) => lo >= delta || hi <= -delta,
    canonicalize: canonicalPower(-n, odd ? -1 : 1),
    symmetric: true,
  };
}

/** z^p for z ≥ ROOT_GUARD (p = 0.5, 1.5), continued along the tangent below (finite derivatives). */
function rootPower(name: string, p: number, template: string, complexity: number): SymbolicFunctionSpec {
  const g = ROOT_GUARD;
  const [f0, f1] = [g ** p, p * g ** (p - 1)];
  return {
    name,
    f: (z) => (z >= g ? z ** p : f0 + f1 * (z - g)),
    df: (z) => (z >= g ? p * z ** (p - 1) : f1),
    d2f: (z) => (z >= g ? p * (p - 1) * z ** (p - 2) : 0),
    d3f: (z) => (z >= g ? p * (p - 1) * (p - 2) * z ** (p - 3) : 0),
    template,
    complexity,
    domain: (lo) => lo >= g,
    canonicalize: canonicalPower(p),
  };
}

/** z^(−1/2) for z ≥ δ = CAP^(−2), constant CAP below (pykan's guard for 1/√x). */
function inverseRoot(): SymbolicFunctionSpec {
  const delta = SINGULARITY_CAP ** -2;
  return {
    name: '1/sqrt(x)',
    f: (z) => (z >= delta ? z ** -0.5 : SINGULARITY_CAP),
    df: (z) => (z >= delta ? -0.5 * z ** -1.5 : 0),
    d2f: (z) => (z >= delta ? 0.75 * z ** -2.5 : 0),
    d3f: (z) => (z >= delta ? -1.875 * z ** -3.5 : 0),
    template: '1/sqrt(X)',
    complexity: 2,
    domain: (lo) => lo >= delta,
    canonicalize: canonicalPower(-0.5),
  };
}

const LOG_FLOOR = 1 / SINGULARITY_CAP;
const EXP_TOP = Math.exp(EXP_GUARD);
const HALF_PI = Math.PI / 2;
const ATANH_EDGE = 1 - UNIT_GUARD;
const ATANH_TOP = Math.atanh(ATANH_EDGE);
/** Clamps z into [−(1 − UNIT_GUARD), 1 − UNIT_GUARD] for arcsin's derivatives. */
const unitClamp = (z: number): number => Math.min(ATANH_EDGE, Math.max(-ATANH_EDGE, z));
/** 1 − z² for arcsin's derivatives, kept ≥ 1 − (1 − UNIT_GUARD)². */
const oneMinusSquare = (z: number): number => 1 - unitClamp(z) ** 2;
const asinD1: ScalarFunction = (z) => (Math.abs(z) > 1 ? 0 : oneMinusSquare(z) ** -0.5);
const asinD2: ScalarFunction = (z) => (Math.abs(z) > 1 ? 0 : unitClamp(z) * oneMinusSquare(z) ** -1.5);
const asinD3: ScalarFunction = (z) => (Math.abs(z) > 1 ? 0 : (1 + 2 * unitClamp(z) ** 2) * oneMinusSquare(z) ** -2.5);
/** tan clamped to ±CAP near its poles (derivatives 0 there). */
const tanClamped = (z: number): number => Math.max(-SINGULARITY_CAP, Math.min(SINGULARITY_CAP, Math.tan(z)));
const tanInside = (z: number): boolean => Math.abs(Math.tan(z)) <= SINGULARITY_CAP;
const tanBranch = (z: number): number => Math.floor((z + HALF_PI) / Math.PI);
const gaussian: ScalarFunction = (z) => Math.exp(-z * z);

// Aliases share their function objects, so a fit of one serves the other.
const sqrtSpec = rootPower('sqrt', 0.5, 'sqrt(X)', 2);
const inverseRootSpec = inverseRoot();

/** pykan's SYMBOLIC_LIB, in its order. */
export const BUILTIN_SYMBOLIC_FUNCTIONS: readonly SymbolicFunctionSpec[] = [
  integerPower(1),
  integerPower(2),
  integerPower(3),
  integerPower(4),
  integerPower(5),
  reciprocalPower(1),
  reciprocalPower(2),
  reciprocalPower(3),
  reciprocalPower(4),
  reciprocalPower(5),
  sqrtSpec,
  { ...sqrtSpec, name: 'x^0.5' },
  rootPower('x^1.5', 1.5, 'X^1.5', 4),
  inverseRootSpec,
  { ...inverseRootSpec, name: '1/x^0.5' },
  {
    name: 'exp',
    f: (z) => (z <= EXP_GUARD ? Math.exp(z) : EXP_TOP * (1 + z - EXP_GUARD)),
    df: (z) => Math.exp(Math.min(z, EXP_GUARD)),
    d2f: (z) => (z <= EXP_GUARD ? Math.exp(z) : 0),
    d3f: (z) => (z <= EXP_GUARD ? Math.exp(z) : 0),
    template: 'exp(X)',
    complexity: 2,
    domain: (_lo, hi) => hi <= EXP_GUARD,
    canonicalize: keepParams,
  },
  {
    name: 'log',
    f: (z) => Math.log(Math.max(z, LOG_FLOOR)),
    df: (z) => (z >= LOG_FLOOR ? 1 / z : 0),
    d2f: (z) => (z >= LOG_FLOOR ? -1 / (z * z) : 0),
    d3f: (z) => (z >= LOG_FLOOR ? 2 / (z * z * z) : 0),
    template: 'log(X)',
    complexity: 2,
    domain: (lo) => lo >= LOG_FLOOR,
    canonicalize: canonicalLog,
  },
  {
    name: 'abs',
    f: Math.abs,
    df: Math.sign,
    d2f: zero,
    d3f: zero,
    template: 'abs(X)',
    complexity: 3,
    domain: always,
    canonicalize: canonicalPower(1, 1),
    symmetric: true,
  },
  {
    name: 'sin',
    f: Math.sin,
    df: Math.cos,
    d2f: (z) => -Math.sin(z),
    d3f: (z) => -Math.cos(z),
    template: 'sin(X)',
    complexity: 2,
    domain: always,
    canonicalize: canonicalPeriodic({ kind: 'odd' }, Math.PI, true),
    symmetric: true,
  },
  {
    name: 'cos',
    f: Math.cos,
    df: (z) => -Math.sin(z),
    d2f: (z) => -Math.cos(z),
    d3f: Math.sin,
    template: 'cos(X)',
    complexity: 2,
    domain: always,
    canonicalize: canonicalPeriodic({ kind: 'even' }, Math.PI, true),
    symmetric: true,
  },
  {
    name: 'tan',
    f: tanClamped,
    df: (z) => (tanInside(z) ? 1 + Math.tan(z) ** 2 : 0),
    d2f: (z) => {
      const t = Math.tan(z);
      return tanInside(z) ? 2 * t * (1 + t * t) : 0;
    },
    d3f: (z) => {
      const t = Math.tan(z);
      return tanInside(z) ? (1 + t * t) * (2 + 6 * t * t) : 0;
    },
    template: 'tan(X)',
    complexity: 3,
    domain: (lo, hi) => tanBranch(lo) === tanBranch(hi) && tanInside(lo) && tanInside(hi),
    canonicalize: canonicalPeriodic({ kind: 'odd' }, Math.PI, false),
    symmetric: true,
  },
  {
    name: 'tanh',
    f: Math.tanh,
    df: (z) => 1 - Math.tanh(z) ** 2,
    d2f: (z) => {
      const s = Math.tanh(z);
      return -2 * s * (1 - s * s);
    },
    d3f: (z) => {
      const s = Math.tanh(z);
      return (1 - s * s) * (6 * s * s - 2);
    },
    template: 'tanh(X)',
    complexity: 3,
    domain: always,
    canonicalize: canonicalParity({ kind: 'odd' }),
    symmetric: true,
  },
  {
    name: 'sgn',
    f: Math.sign,
    df: zero,
    d2f: zero,
    d3f: zero,
    template: 'sign(X)',
    complexity: 3,
    domain: always,
    canonicalize: canonicalPower(0, -1),
    symmetric: true,
  },
  {
    name: 'arcsin',
    f: (z) => Math.asin(Math.max(-1, Math.min(1, z))),
    df: asinD1,
    d2f: asinD2,
    d3f: asinD3,
    template: 'asin(X)',
    complexity: 4,
    domain: (lo, hi) => lo >= -1 && hi <= 1,
    canonicalize: canonicalParity({ kind: 'odd' }),
    symmetric: true,
  },
  {
    name: 'arccos',
    f: (z) => Math.acos(Math.max(-1, Math.min(1, z))),
    df: (z) => -asinD1(z),
    d2f: (z) => -asinD2(z),
    d3f: (z) => -asinD3(z),
    template: 'acos(X)',
    complexity: 4,
    domain: (lo, hi) => lo >= -1 && hi <= 1,
    canonicalize: canonicalParity({ kind: 'mirror', constant: Math.PI }),
    symmetric: true,
  },
  {
    name: 'arctan',
    f: Math.atan,
    df: (z) => 1 / (1 + z * z),
    d2f: (z) => (-2 * z) / (1 + z * z) ** 2,
    d3f: (z) => (6 * z * z - 2) / (1 + z * z) ** 3,
    template: 'atan(X)',
    complexity: 4,
    domain: always,
    canonicalize: canonicalParity({ kind: 'odd' }),
    symmetric: true,
  },
  {
    name: 'arctanh',
    f: (z) => (Math.abs(z) < ATANH_EDGE ? Math.atanh(z) : Math.sign(z) * ATANH_TOP),
    df: (z) => (Math.abs(z) < ATANH_EDGE ? 1 / (1 - z * z) : 0),
    d2f: (z) => (Math.abs(z) < ATANH_EDGE ? (2 * z) / (1 - z * z) ** 2 : 0),
    d3f: (z) => (Math.abs(z) < ATANH_EDGE ? (2 + 6 * z * z) / (1 - z * z) ** 3 : 0),
    template: 'atanh(X)',
    complexity: 4,
    domain: (lo, hi) => lo > -ATANH_EDGE && hi < ATANH_EDGE,
    canonicalize: canonicalParity({ kind: 'odd' }),
    symmetric: true,
  },
  {
    name: '0',
    f: zero,
    df: zero,
    d2f: zero,
    d3f: zero,
    template: '0',
    complexity: 0,
    domain: always,
    canonicalize: ({ d }) => ({ a: 1, b: 0, c: 0, d }),
    symmetric: true,
  },
  {
    name: 'gaussian',
    f: gaussian,
    df: (z) => -2 * z * gaussian(z),
    d2f: (z) => (4 * z * z - 2) * gaussian(z),
    d3f: (z) => (12 * z - 8 * z * z * z) * gaussian(z),
    template: 'exp(-X^2)',
    complexity: 3,
    domain: always,
    canonicalize: canonicalParity({ kind: 'even' }),
    symmetric: true,
  },
];
