/**
 * The built-in symbolic functions (symbolic/builtins.ts) and their derivatives as tfjs ops, for the
 * ops path of a KAN layer (kanOps.ts): f^{(m)}(z) on a tensor z, m = 0..M, with the same guards as
 * the scalar forms. The forward jets need orders up to M; the parameter gradient comes from tfjs
 * autodiff of these expressions (that is f^{(M+1)}, so no higher form is written).
 *
 * Guards are 0/1 float masks built from `greaterEqual` on a detached z (the only comparison with a
 * registered gradient in tfjs), and a guarded branch is evaluated at a safe stand-in argument where
 * it is masked out, so that neither it nor its gradient is Inf/NaN there.
 *
 * A function is recognised by name and by its f being the built-in's own (a user function under
 * another name has no tensor form: the layer then runs on the JS kernel, see kanLayer.ts).
 */
import * as tf from '../tf.js';
import { BUILTIN_SYMBOLIC_FUNCTIONS, SINGULARITY_CAP } from '../symbolic/builtins.js';
import type { SymbolicDerivatives } from './symbolicEdge.js';

/**
 * x as a new tensor handle on the same data, unknown to the gradient tape: ops on it (masks, spans,
 * one-hot placements) are not differentiated at all. A `customGrad` with a zero gradient would not
 * do: tfjs still walks through the ops behind it and refuses the int32 "gradient" of gather indices.
 */
export function detach(x: tf.Tensor): tf.Tensor {
  const view = tf.engine().makeTensorFromDataId(x.dataId, x.shape, x.dtype);
  tf.backend().incRef(x.dataId); // the view's dispose releases this reference, not x's
  return view;
}

/** 1 where a ≥ b, else 0 (no gradient). */
const ge = (a: tf.Tensor | number, b: tf.Tensor | number): tf.Tensor =>
  tf.cast(tf.greaterEqual(typeof a === 'number' ? tf.scalar(a) : detach(a), typeof b === 'number' ? tf.scalar(b) : detach(b)), 'float32');
/** mask·a + (1 − mask)·b. */
const blend = (mask: tf.Tensor, a: tf.Tensor | number, b: tf.Tensor | number): tf.Tensor => tf.add(tf.mul(mask, a), tf.mul(tf.sub(1, mask), b));
/** z where mask is 1, the safe stand-in elsewhere (its gradient is masked too). */
const safe = (mask: tf.Tensor, z: tf.Tensor, standIn: number): tf.Tensor => blend(mask, z, standIn);

/** z^n for a non-negative integer n by repeated products (tf.pow's gradient takes log of the base). */
function intPow(z: tf.Tensor, n: number): tf.Tensor {
  if (n === 0) return tf.onesLike(z);
  let out = z;
  for (let i = 1; i < n; i++) out = tf.mul(out, z);
  return out;
}

/** Π_{i<m} (p − i): the m-th derivative coefficient of z^p. */
function falling(p: number, m: number): number {
  let c = 1;
  for (let i = 0; i < m; i++) c *= p - i;
  return c;
}

/** Evaluates the polynomial with coefficients `poly` (lowest first) at t. */
function polyval(poly: readonly number[], t: tf.Tensor): tf.Tensor {
  let v: tf.Tensor = tf.fill(t.shape, poly[poly.length - 1] ?? 0);
  for (let p = poly.length - 2; p >= 0; p--) v = tf.add(tf.mul(v, t), poly[p]!);
  return v;
}

/** Derivative polynomials P_m with P_{m+1} = P_m'·r + P_m·s for polynomials r, s in t (lowest first). */
function derivativePolys(p0: number[], r: number[], s: number[], orders: number): number[][] {
  const mulPoly = (a: number[], b: number[]): number[] => {
    const out = new Array<number>(a.length + b.length - 1).fill(0);
    a.forEach((x, i) => b.forEach((y, j) => (out[i + j] = out[i + j]! + x * y)));
    return out;
  };
  const addPoly = (a: number[], b: number[]): number[] => Array.from({ length: Math.max(a.length, b.length) }, (_, i) => (a[i] ?? 0) + (b[i] ?? 0));
  const polys = [p0];
  for (let m = 0; m < orders; m++) {
    const p = polys[m]!;
    const dp = p.length > 1 ? p.slice(1).map((c, i) => c * (i + 1)) : [0];
    polys.push(addPoly(mulPoly(dp, r), mulPoly(p, s)));
  }
  return polys;
}

/** f^{(m)}(z) for m = 0..orders. */
type DerivativeOps = (z: tf.Tensor, orders: number) => tf.Tensor[];

interface OpsForm {
  /** Highest order with a tensor form (Infinity: all). */
  maxOrder: number;
  ops: DerivativeOps;
}

const CAP = SINGULARITY_CAP;
const ROOT_GUARD = 1e-8;
const EXP_GUARD = 30;
const LOG_FLOOR = 1 / CAP;
const UNIT_EDGE = 1 - 1e-6;
const range = (orders: number): number[] => Array.from({ length: orders + 1 }, (_, m) => m);

function integerPower(n: number): OpsForm {
  return { maxOrder: Infinity, ops: (z, orders) => range(orders).map((m) => (m > n ? tf.zerosLike(z) : tf.mul(intPow(z, n - m), falling(n, m)))) };
}

function reciprocalPower(n: number): OpsForm {
  const delta = CAP ** (-1 / n);
  const odd = n % 2 === 1;
  const slope = delta ** (-n - 1);
  return {
    maxOrder: Infinity,
    ops: (z, orders) => {
      const outside = ge(tf.abs(z), delta);
      const zs = safe(outside, z, 1);
      return range(orders).map((m) => {
        const raw = tf.mul(tf.reciprocal(intPow(zs, n + m)), falling(-n, m));
        const inside = m === 0 ? (odd ? tf.mul(z, slope) : tf.fill(z.shape, CAP)) : m === 1 && odd ? tf.fill(z.shape, slope) : tf.zerosLike(z);
        return blend(outside, raw, inside);
      });
    },
  };
}

function rootPower(p: number): OpsForm {
  const g = ROOT_GUARD;
  const [f0, f1] = [g ** p, p * g ** (p - 1)];
  return {
    maxOrder: Infinity,
    ops: (z, orders) => {
      const above = ge(z, g);
      const zs = safe(above, z, 1);
      return range(orders).map((m) => {
        const raw = tf.mul(tf.pow(zs, p - m), falling(p, m));
        const below = m === 0 ? tf.add(tf.mul(tf.sub(z, g), f1), f0) : m === 1 ? tf.fill(z.shape, f1) : tf.zerosLike(z);
        return blend(above, raw, below);
      });
    },
  };
}

const inverseRoot: OpsForm = {
  maxOrder: Infinity,
  ops: (z, orders) => {
    const above = ge(z, CAP ** -2);
    const zs = safe(above, z, 1);
    return range(orders).map((m) => blend(above, tf.mul(tf.pow(zs, -0.5 - m), falling(-0.5, m)), m === 0 ? CAP : 0));
  },
};

const expForm: OpsForm = {
  maxOrder: Infinity,
  ops: (z, orders) => {
    const below = ge(EXP_GUARD, z);
    const e = tf.exp(tf.minimum(z, EXP_GUARD));
    const top = Math.exp(EXP_GUARD);
    return range(orders).map((m) => (m === 0 ? blend(below, e, tf.mul(tf.add(tf.sub(z, EXP_GUARD), 1), top)) : m === 1 ? e : tf.mul(below, e)));
  },
};

const logForm: OpsForm = {
  maxOrder: Infinity,
  ops: (z, orders) => {
    const above = ge(z, LOG_FLOOR);
    const zs = safe(above, z, 1);
    return range(orders).map((m) => {
      if (m === 0) return tf.log(tf.maximum(z, LOG_FLOOR));
      // d^m log z = (−1)^{m−1} (m−1)! / z^m
      let c = m % 2 === 1 ? 1 : -1;
      for (let i = 2; i < m; i++) c *= i;
      return tf.mul(above, tf.mul(tf.reciprocal(intPow(zs, m)), c));
    });
  },
};

const absForm: OpsForm = { maxOrder: Infinity, ops: (z, orders) => range(orders).map((m) => (m === 0 ? tf.abs(z) : m === 1 ? tf.sign(z) : tf.zerosLike(z))) };
const signForm: OpsForm = { maxOrder: Infinity, ops: (z, orders) => range(orders).map((m) => (m === 0 ? tf.sign(z) : tf.zerosLike(z))) };
const zeroForm: OpsForm = { maxOrder: Infinity, ops: (z, orders) => range(orders).map(() => tf.zerosLike(z)) };

function trig(phase0: number): OpsForm {
  return {
    maxOrder: Infinity,
    ops: (z, orders) => {
      const s = tf.sin(z);
      const c = tf.cos(z);
      const cycle = [s, c, tf.neg(s), tf.neg(c)];
      return range(orders).map((m) => cycle[(m + phase0) & 3]!);
    },
  };
}

/** tan: f clamped to ±CAP, derivatives (polynomials in t = tan z, P' = P_t·(1 + t²)) zero where |tan z| > CAP. */
const TAN_POLYS = derivativePolys([0, 1], [1, 0, 1], [0], 8);
const tanForm: OpsForm = {
  maxOrder: 8,
  ops: (z, orders) => {
    const t = tf.tan(z);
    const inside = tf.mul(ge(CAP, t), ge(t, -CAP));
    const ts = tf.mul(t, inside);
    return range(orders).map((m) => (m === 0 ? tf.clipByValue(t, -CAP, CAP) : tf.mul(inside, polyval(TAN_POLYS[m]!, ts))));
  },
};

/** tanh: polynomials in t = tanh z, P' = P_t·(1 − t²). */
const TANH_POLYS = derivativePolys([0, 1], [1, 0, -1], [0], 8);
const tanhForm: OpsForm = {
  maxOrder: 8,
  ops: (z, orders) => {
    const t = tf.tanh(z);
    return range(orders).map((m) => (m === 0 ? t : polyval(TANH_POLYS[m]!, t)));
  },
};

/** arcsin (sign −1 for arccos's derivatives), derivatives up to 3 as in the scalar forms. */
function arcsinLike(sign: 1 | -1): OpsForm {
  return {
    maxOrder: 3,
    ops: (z, orders) => {
      const inside = tf.mul(ge(1, z), ge(z, -1));
      const c = tf.clipByValue(z, -UNIT_EDGE, UNIT_EDGE);
      const w = tf.sub(1, tf.mul(c, c));
      return range(orders).map((m) => {
        if (m === 0) {
          const unit = tf.clipByValue(z, -1, 1);
          return sign === 1 ? tf.asin(unit) : tf.acos(unit);
        }
        const raw = m === 1 ? tf.pow(w, -0.5) : m === 2 ? tf.mul(c, tf.pow(w, -1.5)) : tf.mul(tf.add(1, tf.mul(tf.mul(c, c), 2)), tf.pow(w, -2.5));
        return tf.mul(inside, sign === 1 ? raw : tf.neg(raw));
      });
    },
  };
}

const arctanForm: OpsForm = {
  maxOrder: 3,
  ops: (z, orders) => {
    const w = tf.add(1, tf.mul(z, z));
    return range(orders).map((m) =>
      m === 0
        ? tf.atan(z)
        : m === 1
          ? tf.reciprocal(w)
          : m === 2
            ? tf.div(tf.mul(z, -2), tf.mul(w, w))
            : tf.div(tf.sub(tf.mul(tf.mul(z, z), 6), 2), intPow(w, 3)),
    );
  },
};

const arctanhForm: OpsForm = {
  maxOrder: 3,
  ops: (z, orders) => {
    const inside = tf.mul(ge(UNIT_EDGE, z), ge(z, -UNIT_EDGE));
    const c = tf.clipByValue(z, -UNIT_EDGE, UNIT_EDGE);
    const w = tf.sub(1, tf.mul(c, c));
    return range(orders).map((m) => {
      if (m === 0) return tf.atanh(c);
      const raw = m === 1 ? tf.reciprocal(w) : m === 2 ? tf.div(tf.mul(c, 2), tf.mul(w, w)) : tf.div(tf.add(tf.mul(tf.mul(c, c), 6), 2), intPow(w, 3));
      return tf.mul(inside, raw);
    });
  },
};

/** gaussian e^{−z²}: P_m(z)·e^{−z²} with P' = P_z − 2z·P. */
const GAUSS_POLYS = derivativePolys([1], [1], [0, -2], 8);
const gaussianForm: OpsForm = {
  maxOrder: 8,
  ops: (z, orders) => {
    const g = tf.exp(tf.neg(tf.mul(z, z)));
    return range(orders).map((m) => (m === 0 ? g : tf.mul(polyval(GAUSS_POLYS[m]!, z), g)));
  },
};

const FORMS: Record<string, OpsForm> = {
  x: integerPower(1),
  'x^2': integerPower(2),
  'x^3': integerPower(3),
  'x^4': integerPower(4),
  'x^5': integerPower(5),
  '1/x': reciprocalPower(1),
  '1/x^2': reciprocalPower(2),
  '1/x^3': reciprocalPower(3),
  '1/x^4': reciprocalPower(4),
  '1/x^5': reciprocalPower(5),
  sqrt: rootPower(0.5),
  'x^0.5': rootPower(0.5),
  'x^1.5': rootPower(1.5),
  '1/sqrt(x)': inverseRoot,
  '1/x^0.5': inverseRoot,
  exp: expForm,
  log: logForm,
  abs: absForm,
  sin: trig(0),
  cos: trig(1),
  tan: tanForm,
  tanh: tanhForm,
  sgn: signForm,
  arcsin: arcsinLike(1),
  arccos: arcsinLike(-1),
  arctan: arctanForm,
  arctanh: arctanhForm,
  '0': zeroForm,
  gaussian: gaussianForm,
};

/** The built-in with this name whose f is `fn.f` (so a renamed user function never matches). */
function formOf(name: string, fn: SymbolicDerivatives): OpsForm | undefined {
  const builtin = BUILTIN_SYMBOLIC_FUNCTIONS.find((spec) => spec.name === name);
  if (!builtin || builtin.f !== fn.f) return undefined;
  return FORMS[name];
}

/** Whether f^{(m)} of this function has a tensor form for m ≤ maxOrder. */
export function symbolicOpsAvailable(name: string, fn: SymbolicDerivatives, maxOrder: number): boolean {
  const form = formOf(name, fn);
  return form !== undefined && maxOrder <= form.maxOrder;
}

/** f^{(m)}(z) for m = 0..orders as tensors (check `symbolicOpsAvailable` first). */
export function symbolicDerivativeOps(name: string, fn: SymbolicDerivatives, z: tf.Tensor, orders: number): tf.Tensor[] {
  const form = formOf(name, fn);
  if (!form || orders > form.maxOrder) throw new Error(`symbolic function "${name}" has no tensor form up to order ${orders}`);
  return form.ops(z, orders);
}
