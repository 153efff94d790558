/**
 * Exact solutions: mathjs expressions (values and derivatives by symbolic differentiation) or
 * float64 TypeScript functions (derivatives by central differences in float64).
 */
import type { MathNode } from 'mathjs';
import { differentiate } from './expr/derivative.js';
import { KanpinnInputError } from '../errors.js';
import { compileNumeric, evaluateRows } from './expr/numeric.js';
import type { NumericFn } from './expr/numeric.js';
import { parseDerivativeName } from '../jet/names.js';
import type { ExactFunction } from './spec.js';

/** Values of unknowns and their derivatives at row-major float64 coords [count, variables]. */
export interface ExactEvaluator {
  method: 'symbolic' | 'finite-difference';
  /** Values of `name` (`u`, `u_x`, `u_xy`, …) at each point. */
  derivative(name: string, coords: Float64Array, count: number): Float64Array;
}

/** Exact solution from parsed expressions, one per unknown; derivatives compiled on demand and cached. */
export function symbolicExact(nodes: MathNode[], variables: readonly string[], unknowns: readonly string[]): ExactEvaluator {
  const cache = new Map<string, NumericFn>();
  const compile = (name: string): NumericFn => {
    const cached = cache.get(name);
    if (cached) return cached;
    const parsed = parseDerivativeName(name, variables, unknowns);
    if (!parsed) throw new KanpinnInputError(`exact: '${name}' is not an unknown or a derivative`);
    let node = nodes[unknowns.indexOf(parsed.unknown)] as MathNode;
    for (const axis of parsed.axes) node = differentiate(node, variables[axis] as string);
    const fn = compileNumeric(node, variables);
    cache.set(name, fn);
    return fn;
  };
  return {
    method: 'symbolic',
    derivative: (name, coords, count) => evaluateRows(compile(name), coords, count, variables.length),
  };
}

/** Relative step of central differences by derivative order along one axis (order 2 also for mixed). */
export const FD_STEPS: Readonly<Record<number, number>> = { 1: 1e-4, 2: 1e-3, 3: 2e-3, 4: 5e-3 };

/** Exact solution from a float64 function; derivatives by central differences with steps FD_STEPS × axis extent. */
export function finiteDifferenceExact(
  fn: ExactFunction,
  variables: readonly string[],
  unknowns: readonly string[],
  extent: readonly number[],
): ExactEvaluator {
  const point: Record<string, number> = {};
  const value = (row: Float64Array, k: number): number => {
    variables.forEach((v, d) => (point[v] = row[d] as number));
    const out = fn(point);
    const result = Array.isArray(out) ? out[k] : out;
    if (typeof result !== 'number') throw new KanpinnInputError(`exact: expected ${unknowns.length} values per point, got ${JSON.stringify(out)}`);
    return result;
  };
  return {
    method: 'finite-difference',
    derivative(name, coords, count) {
      const parsed = parseDerivativeName(name, variables, unknowns);
      if (!parsed) throw new KanpinnInputError(`exact: '${name}' is not an unknown or a derivative`);
      const k = unknowns.indexOf(parsed.unknown);
      const width = variables.length;
      const row = new Float64Array(width);
      const at = (shifts: [number, number][]): number => {
        const shifted = Float64Array.from(row);
        for (const [axis, delta] of shifts) shifted[axis] = (shifted[axis] as number) + delta;
        return value(shifted, k);
      };
      const out = new Float64Array(count);
      const axes = parsed.axes;
      const order = axes.length;
      for (let i = 0; i < count; i++) {
        for (let d = 0; d < width; d++) row[d] = coords[i * width + d] as number;
        out[i] = stencil(at, axes, order, extent);
      }
      return out;
    },
  };
}

/** Central-difference weights by order: [offset in steps, weight] pairs, divided by h^order. */
const STENCILS: Readonly<Record<number, readonly (readonly [number, number])[]>> = {
  1: [[1, 0.5], [-1, -0.5]],
  2: [[1, 1], [0, -2], [-1, 1]],
  3: [[2, 0.5], [1, -1], [-1, 1], [-2, -0.5]],
  4: [[2, 1], [1, -4], [0, 6], [-1, -4], [-2, 1]],
};

/**
 * A derivative by nested central differences: one stencil per distinct axis (of that axis's
 * order), so mixed derivatives such as u_xxyy are the tensor product of u_xx and u_yy stencils.
 */
function stencil(at: (shifts: [number, number][]) => number, axes: number[], order: number, extent: readonly number[]): number {
  if (order === 0) return at([]);
  const groups = [...new Set(axes)].map((axis) => [axis, axes.filter((a) => a === axis).length] as const);
  const nested = (g: number, shifts: [number, number][]): number => {
    if (g === groups.length) return at(shifts);
    const [axis, m] = groups[g] as readonly [number, number];
    // One axis uses its order's step; a mixed derivative uses its total order's step on every axis.
    const h = (FD_STEPS[groups.length > 1 ? Math.max(2, Math.min(order, 4)) : Math.min(m, 4)] as number) * Math.max(extent[axis] as number, 1e-12);
    let sum = 0;
    for (const [offset, weight] of STENCILS[m] as readonly (readonly [number, number])[]) sum += weight * nested(g + 1, [...shifts, [axis, offset * h]]);
    return sum / h ** m;
  };
  return nested(0, []);
}
