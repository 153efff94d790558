/**
 * Tabulated fields inside expression trees. A field `k` over inputs (x, y) is written `k` by the
 * user and rewritten to the node `field(k, x, y)`: a function call whose first argument is a
 * constant holding a `FieldReference` (the interpolant and a derivative multi-index) and whose
 * other arguments are the input coordinates, so that the tree's symbols show what the field
 * depends on (coordinate-only subtrees are hoisted to float64 columns when points are sampled).
 * mathjs keeps a constant's value through clone and transform, so the reference travels with the
 * tree; `differentiate`, `compileNumeric` and `compileTensor` recognise the node here.
 */
import * as tf from '../../tf.js';
import { ConstantNode, FunctionNode, SymbolNode } from 'mathjs';
import type { MathNode } from 'mathjs';
import type { FieldInterpolant } from '../fieldGrid.js';

/** How a field interpolates its data. */
export const FIELD_INTERPOLATIONS = ['nearest', 'linear'] as const;
/** One of `FIELD_INTERPOLATIONS`: `nearest` (piecewise constant, derivative 0) or `linear` (multilinear on a grid, barycentric on a 2-D triangulation). */
export type FieldInterpolation = (typeof FIELD_INTERPOLATIONS)[number];

/** A coefficient given as data: its name, the variables it depends on, and its interpolant. */
export interface TabulatedField {
  name: string;
  /** Input variables in the data's column order (the spatial ones, then `t` when the file has a time column). */
  inputs: readonly string[];
  interpolation: FieldInterpolation;
  interpolant: FieldInterpolant;
  /** `grid` (a full tensor grid) or `scattered`, with the point count, for reports and errors. */
  layout: 'grid' | 'scattered';
  points: number;
}

/** The field and the partial derivative (orders[d] times along inputs[d]) a node stands for. */
export class FieldReference {
  constructor(
    readonly field: TabulatedField,
    readonly orders: readonly number[],
  ) {}

  /** `k`, or `k_xy` for a derivative (printed inside the node as `field(k_xy, x, y)`). */
  toString(): string {
    const suffix = this.field.inputs.map((v, d) => v.repeat(this.orders[d] ?? 0)).join('');
    return suffix === '' ? this.field.name : `${this.field.name}_${suffix}`;
  }
}

/** Name of the function node that carries a field (never written by users: it is not in the language). */
const FIELD_FUNCTION = 'field';

/** The node for `field` (or one of its derivatives). */
export function fieldNode(field: TabulatedField, orders: readonly number[] = field.inputs.map(() => 0)): MathNode {
  // The constant's value is the reference object; mathjs' types only list plain values.
  const reference = new ConstantNode(new FieldReference(field, orders) as unknown as string);
  return new FunctionNode(new SymbolNode(FIELD_FUNCTION), [reference, ...field.inputs.map((v) => new SymbolNode(v))]);
}

/** The reference of a field node, or undefined for any other node. */
export function fieldReferenceOf(node: MathNode): FieldReference | undefined {
  if (node.type !== 'FunctionNode') return undefined;
  const first = (node as FunctionNode).args[0];
  if (first?.type !== 'ConstantNode') return undefined;
  const value: unknown = (first as ConstantNode).value;
  return value instanceof FieldReference ? value : undefined;
}

/**
 * ∂/∂variable of a field node: the next derivative of the interpolant, or the constant 0 where it
 * vanishes (the variable is not an input, nearest interpolation, or order 2 along one axis of a
 * multilinear interpolant).
 */
export function differentiateField(reference: FieldReference, variable: string): MathNode {
  const { field, orders } = reference;
  const axis = field.inputs.indexOf(variable);
  if (axis < 0 || field.interpolation === 'nearest' || (orders[axis] ?? 0) >= 1) return new ConstantNode(0);
  return fieldNode(field, orders.map((o, d) => (d === axis ? o + 1 : o)));
}

/** The float64 value at a point whose coordinates `inputs` computes (one function per input). */
export function fieldNumeric(reference: FieldReference, inputs: ((values: ArrayLike<number>) => number)[]): (values: ArrayLike<number>) => number {
  const point = new Float64Array(inputs.length);
  const { interpolant } = reference.field;
  const orders = reference.orders;
  return (values) => {
    for (let d = 0; d < inputs.length; d++) point[d] = (inputs[d] as (v: ArrayLike<number>) => number)(values);
    return interpolant.evaluate(point, orders);
  };
}

/**
 * The field at the points of `inputs` (1-D tensors of coordinates): read back and interpolated on
 * the CPU, a constant of the loss (no gradient flows to the coordinates or the parameters). Used
 * where the value was not precomputed as a column at sampling time.
 */
export function fieldTensor(reference: FieldReference, inputs: tf.Tensor[]): tf.Tensor {
  const columns = inputs.map((t) => t.dataSync());
  const count = Math.max(...columns.map((c) => c.length));
  const point = new Float64Array(inputs.length);
  const out = new Float32Array(count);
  for (let i = 0; i < count; i++) {
    columns.forEach((c, d) => (point[d] = (c.length === 1 ? c[0] : c[i]) as number));
    out[i] = reference.field.interpolant.evaluate(point, reference.orders);
  }
  return tf.tensor1d(out);
}
