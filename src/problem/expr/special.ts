/**
 * Special functions in float64: the error function and Bessel functions of the first and second
 * kind of integer order (for exact solutions and source terms; tfjs has no Bessel functions).
 */

const TWO_OVER_SQRT_PI = 2 / Math.sqrt(Math.PI);

/**
 * erf(x): the all-positive series erf x = 2/√π · e^{−x²} Σ 2ⁿ x^{2n+1} / (2n+1)!! below |x| = 3
 * (no cancellation), and the continued fraction of erfc above; both to ~1e-15.
 */
export function erf(x: number): number {
  if (Number.isNaN(x)) return NaN;
  const a = Math.abs(x);
  if (a >= 3) return Math.sign(x) * (1 - erfcLarge(a));
  let term = a;
  let sum = a;
  for (let n = 1; n < 200 && term > sum * 1e-17; n++) {
    term *= (2 * a * a) / (2 * n + 1);
    sum += term;
  }
  return Math.sign(x) * TWO_OVER_SQRT_PI * Math.exp(-a * a) * sum;
}

/** erfc(x) for x ≥ 3 by the continued fraction e^{−x²}/√π · 1/(x + (1/2)/(x + 1/(x + (3/2)/(x + …)))). */
function erfcLarge(x: number): number {
  let fraction = x;
  for (let k = 60; k >= 1; k--) fraction = x + k / 2 / fraction;
  return Math.exp(-x * x) / Math.sqrt(Math.PI) / fraction;
}

/** J₀ (rational approximations of Numerical Recipes, relative error ~1e-8). */
function j0(x: number): number {
  const ax = Math.abs(x);
  if (ax < 8) {
    const y = x * x;
    const a = 57568490574.0 + y * (-13362590354.0 + y * (651619640.7 + y * (-11214424.18 + y * (77392.33017 + y * -184.9052456))));
    const b = 57568490411.0 + y * (1029532985.0 + y * (9494680.718 + y * (59272.64853 + y * (267.8532712 + y))));
    return a / b;
  }
  const z = 8 / ax;
  const y = z * z;
  const xx = ax - 0.785398164;
  const p = 1 + y * (-0.1098628627e-2 + y * (0.2734510407e-4 + y * (-0.2073370639e-5 + y * 0.2093887211e-6)));
  const q = -0.1562499995e-1 + y * (0.1430488765e-3 + y * (-0.6911147651e-5 + y * (0.7621095161e-6 - y * 0.934935152e-7)));
  return Math.sqrt(0.636619772 / ax) * (Math.cos(xx) * p - z * Math.sin(xx) * q);
}

/** J₁ (Numerical Recipes). */
function j1(x: number): number {
  const ax = Math.abs(x);
  if (ax < 8) {
    const y = x * x;
    const a = x * (72362614232.0 + y * (-7895059235.0 + y * (242396853.1 + y * (-2972611.439 + y * (15704.4826 + y * -30.16036606)))));
    const b = 144725228442.0 + y * (2300535178.0 + y * (18583304.74 + y * (99447.43394 + y * (376.9991397 + y))));
    return a / b;
  }
  const z = 8 / ax;
  const y = z * z;
  const xx = ax - 2.356194491;
  const p = 1 + y * (0.183105e-2 + y * (-0.3516396496e-4 + y * (0.2457520174e-5 + y * -0.240337019e-6)));
  const q = 0.04687499995 + y * (-0.2002690873e-3 + y * (0.8449199096e-5 + y * (-0.88228987e-6 + y * 0.105787412e-6)));
  return Math.sign(x) * Math.sqrt(0.636619772 / ax) * (Math.cos(xx) * p - z * Math.sin(xx) * q);
}

/** Y₀ for x > 0 (Numerical Recipes). */
function y0(x: number): number {
  if (x < 8) {
    const y = x * x;
    const a = -2957821389.0 + y * (7062834065.0 + y * (-512359803.6 + y * (10879881.29 + y * (-86327.92757 + y * 228.4622733))));
    const b = 40076544269.0 + y * (745249964.8 + y * (7189466.438 + y * (47447.2647 + y * (226.1030244 + y))));
    return a / b + 0.636619772 * j0(x) * Math.log(x);
  }
  const z = 8 / x;
  const y = z * z;
  const xx = x - 0.785398164;
  const p = 1 + y * (-0.1098628627e-2 + y * (0.2734510407e-4 + y * (-0.2073370639e-5 + y * 0.2093887211e-6)));
  const q = -0.1562499995e-1 + y * (0.1430488765e-3 + y * (-0.6911147651e-5 + y * (0.7621095161e-6 + y * -0.934945152e-7)));
  return Math.sqrt(0.636619772 / x) * (Math.sin(xx) * p + z * Math.cos(xx) * q);
}

/** Y₁ for x > 0 (Numerical Recipes). */
function y1(x: number): number {
  if (x < 8) {
    const y = x * x;
    const a = x * (-0.4900604943e13 + y * (0.127527439e13 + y * (-0.5153438139e11 + y * (0.7349264551e9 + y * (-0.4237922726e7 + y * 0.8511937935e4)))));
    const b = 0.249958057e14 + y * (0.4244419664e12 + y * (0.3733650367e10 + y * (0.2245904002e8 + y * (0.1020426050e6 + y * (0.3549632885e3 + y)))));
    return a / b + 0.636619772 * (j1(x) * Math.log(x) - 1 / x);
  }
  const z = 8 / x;
  const y = z * z;
  const xx = x - 2.356194491;
  const p = 1 + y * (0.183105e-2 + y * (-0.3516396496e-4 + y * (0.2457520174e-5 + y * -0.240337019e-6)));
  const q = 0.04687499995 + y * (-0.2002690873e-3 + y * (0.8449199096e-5 + y * (-0.88228987e-6 + y * 0.105787412e-6)));
  return Math.sqrt(0.636619772 / x) * (Math.sin(xx) * p + z * Math.cos(xx) * q);
}

/** Jₙ(x) for integer n: upward recurrence when x > |n|, Miller's downward recurrence otherwise. */
export function besselj(order: number, x: number): number {
  if (!Number.isInteger(order) || Number.isNaN(x)) return NaN;
  const n = Math.abs(order);
  const sign = order < 0 && n % 2 === 1 ? -1 : 1;
  if (n === 0) return j0(x);
  if (n === 1) return sign * j1(x);
  const ax = Math.abs(x);
  if (ax === 0) return 0;
  let result: number;
  if (ax > n) {
    let previous = j0(ax);
    let current = j1(ax);
    for (let k = 1; k < n; k++) [previous, current] = [current, ((2 * k) / ax) * current - previous];
    result = current;
  } else {
    // Miller: start well above n with (0, 1), recur down, normalise by J0 + 2 Σ J_2k = 1.
    const start = 2 * Math.floor((n + Math.floor(Math.sqrt(40 * n))) / 2);
    let next = 0;
    let current = 1;
    let sum = 0;
    let even = false;
    result = 0;
    for (let k = start; k > 0; k--) {
      const previous = ((2 * k) / ax) * current - next;
      next = current;
      current = previous;
      if (Math.abs(current) > 1e10) {
        current *= 1e-10;
        next *= 1e-10;
        result *= 1e-10;
        sum *= 1e-10;
      }
      if (even) sum += current;
      even = !even;
      if (k === n) result = next;
    }
    sum = 2 * sum - current;
    result /= sum;
  }
  const oddInX = x < 0 && n % 2 === 1 ? -1 : 1;
  return sign * oddInX * result;
}

/** Yₙ(x) for integer n and x > 0 (upward recurrence, stable for Y); NaN for x ≤ 0. */
export function bessely(order: number, x: number): number {
  if (!Number.isInteger(order) || !(x > 0)) return NaN;
  const n = Math.abs(order);
  const sign = order < 0 && n % 2 === 1 ? -1 : 1;
  if (n === 0) return y0(x);
  let previous = y0(x);
  let current = y1(x);
  for (let k = 1; k < n; k++) [previous, current] = [current, ((2 * k) / x) * current - previous];
  return sign * current;
}
