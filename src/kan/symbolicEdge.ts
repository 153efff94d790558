/**
 * The symbolic branch of a KAN edge: φ(x) = c·f(a·x + b) + d for a library function f, with its
 * derivatives in x for the forward jets, φ^{(m)}(x) = c·a^m·f^{(m)}(a·x + b) (+ d for m = 0).
 *
 * The symbolic library gives f, f', f'' and usually f''' in closed form. Jets of order M need
 * f^{(M)} forward and f^{(M+1)} in the backward pass, i.e. up to f^{(5)} for u_xxxx. Orders beyond
 * the closed forms are central finite differences (float64) of the highest closed-form derivative,
 * with steps sized for float64 rounding (error ≈ 1e−6 relative on smooth f); this is exact enough for
 * float32 jets and keeps 4th-order PDEs usable with symbolic edges.
 */

/** What the kernel needs of a library function: f and its closed-form derivatives. */
export interface SymbolicDerivatives {
  /** f(z). */
  readonly f: (z: number) => number;
  /** f'(z). */
  readonly df: (z: number) => number;
  /** f''(z). */
  readonly d2f: (z: number) => number;
  /** f'''(z) when known in closed form (else finite differences of f''). */
  readonly d3f?: (z: number) => number;
}

/** Highest derivative order available through finite differences on top of the closed forms. */
export const MAX_SYMBOLIC_ORDER = 7;

/** Relative step of an n-th central difference (n = 1..4), ≈ ε^(1/(n+2)) for float64. */
const FD_STEP = [0, 6e-6, 1e-4, 7e-4, 2.5e-3];

/** n-th derivative of g at z by a central difference (n = 1..4). */
function centralDifference(g: (z: number) => number, z: number, n: number): number {
  const h = FD_STEP[n]! * Math.max(1, Math.abs(z));
  switch (n) {
    case 1:
      return (g(z + h) - g(z - h)) / (2 * h);
    case 2:
      return (g(z + h) - 2 * g(z) + g(z - h)) / (h * h);
    case 3:
      return (g(z + 2 * h) - 2 * g(z + h) + 2 * g(z - h) - g(z - 2 * h)) / (2 * h * h * h);
    default:
      return (g(z + 2 * h) - 4 * g(z + h) + 6 * g(z) - 4 * g(z - h) + g(z - 2 * h)) / (h * h * h * h);
  }
}

/** out[m] = f^{(m)}(z) for m = 0..orders (closed forms, then finite differences of the top one). */
export function symbolicDerivatives(fn: SymbolicDerivatives, z: number, orders: number, out: Float64Array): void {
  out[0] = fn.f(z);
  if (orders >= 1) out[1] = fn.df(z);
  if (orders >= 2) out[2] = fn.d2f(z);
  const d3f = fn.d3f;
  if (orders >= 3 && d3f) out[3] = d3f(z);
  const top = d3f ? 3 : 2;
  const g = d3f ?? fn.d2f;
  for (let m = top + 1; m <= orders; m++) out[m] = centralDifference(g, z, m - top);
}

/** Symbolic part of a layer as the kernel sees it (flat arrays, one entry per edge e = i·nOut + j). */
export interface SymbolicLayerParams {
  /** 1 where edge e is symbolic (its spline branch is off), [nIn·nOut]. */
  readonly mask: Float32Array;
  /** f of each symbolic edge (null where numeric), [nIn·nOut]. */
  readonly functions: ReadonlyArray<SymbolicDerivatives | null>;
  /** (a, b, c, d) per edge, [nIn·nOut·4]. */
  readonly affine: Float32Array;
}

/**
 * φ^{(m)} of symbolic edge e at x for m = 0..orders, times the edge mask mk:
 * phi[m] = mk·c·a^m·f^{(m)}(a·x + b) (+ mk·d for m = 0). `fz` receives f^{(m)}(a·x + b).
 */
export function symbolicEdgeJet(sym: SymbolicLayerParams, e: number, x: number, mk: number, orders: number, fz: Float64Array, phi: Float64Array): void {
  const a = sym.affine[4 * e]!;
  const b = sym.affine[4 * e + 1]!;
  const c = sym.affine[4 * e + 2]!;
  const d = sym.affine[4 * e + 3]!;
  symbolicDerivatives(sym.functions[e]!, a * x + b, orders, fz);
  let scale = mk * c;
  for (let m = 0; m <= orders; m++) {
    phi[m] = scale * fz[m]!;
    scale *= a;
  }
  phi[0] = phi[0]! + mk * d;
}

/**
 * Adds to dAffine[4e..4e+3] the gradient of Σ_m g[m]·φ^{(m)}(x) for m = 0..M (fz must hold orders up
 * to M + 1): ∂/∂a = c·Σ g_m (x·a^m f^{(m+1)} + m·a^{m−1} f^{(m)}), ∂/∂b = c·Σ g_m a^m f^{(m+1)},
 * ∂/∂c = Σ g_m a^m f^{(m)}, ∂/∂d = g_0 (all times the mask mk).
 */
export function symbolicEdgeParamGrad(sym: SymbolicLayerParams, e: number, x: number, mk: number, M: number, g: Float64Array, fz: Float64Array, dAffine: Float64Array): void {
  const a = sym.affine[4 * e]!;
  const c = sym.affine[4 * e + 2]!;
  let ga = 0;
  let gb = 0;
  let gc = 0;
  let am = 1; // a^m
  let amPrev = 0; // a^(m−1), 0 for m = 0 (its factor m is 0 anyway)
  for (let m = 0; m <= M; m++) {
    const gm = g[m]!;
    ga += gm * (x * am * fz[m + 1]! + m * amPrev * fz[m]!);
    gb += gm * am * fz[m + 1]!;
    gc += gm * am * fz[m]!;
    amPrev = am;
    am *= a;
  }
  dAffine[4 * e] = dAffine[4 * e]! + mk * c * ga;
  dAffine[4 * e + 1] = dAffine[4 * e + 1]! + mk * c * gb;
  dAffine[4 * e + 2] = dAffine[4 * e + 2]! + mk * gc;
  dAffine[4 * e + 3] = dAffine[4 * e + 3]! + mk * g[0]!;
}
