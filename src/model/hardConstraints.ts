/**
 * Hard constraints, the model's side: the output is u = A(x) + B(x)·N(x) with N the network, A a
 * smooth function that satisfies the imposed conditions and B a smooth function that vanishes where
 * they hold, so the conditions hold exactly whatever N is (Lagaris et al. 1998; Sukumar &
 * Srivastava 2022, "Exact imposition of boundary conditions with distance functions in
 * physics-informed deep neural networks"). src/architecture/hardPlan.ts builds A and B from a
 * problem's conditions.
 *
 * A and B are expressions over the model's inputs (saved as text in model.json). Their jets are
 * symbolic derivatives (mathjs `derivative`) compiled to tfjs ops here, and the jet of B·N is
 * Leibniz's rule over the jet plan, so PDE residuals stay exact. This module reads expressions with
 * mathjs alone: the problem language (src/problem) sits above the model in the import graph.
 */
import * as tf from '../tf.js';
import { ELEMENTARY_NUMERIC } from '../elementary.js';
import { ELEMENTARY_TENSOR } from '../elementaryTensor.js';
import { derivative, parse, type ConstantNode, type FunctionNode, type MathNode, type OperatorNode, type ParenthesisNode, type SymbolNode } from 'mathjs';
import { KanpinnInputError } from '../errors.js';
import type { JetPlan } from '../jet/plan.js';
import { channelsOf, leibnizTerms } from './jetOps.js';

/** The transform of one output: u = lift + factor·N. */
export interface HardOutput {
  lift: string;
  factor: string;
}

/** Built hard constraints (plain data, saved as `config.hard` in model.json). */
export interface HardConfig {
  /** What was imposed, e.g. `dirichlet,initial`. */
  spec: string;
  /** Per output, its transform or null (u = N). */
  outputs: (HardOutput | null)[];
  /** Names of the loss terms satisfied exactly. */
  imposes: string[];
}

type Compiled = (columns: Record<string, tf.Tensor1D>) => tf.Tensor | number;

/** Compiles a mathjs tree over `inputs` to a closure of tfjs ops; throws (plain Error) on anything else. */
function compileNode(node: MathNode, inputs: readonly string[]): Compiled {
  switch (node.type) {
    case 'ConstantNode': {
      const v = Number((node as ConstantNode).value);
      if (!Number.isFinite(v)) throw new Error(`constant ${String((node as ConstantNode).value)} is not a finite number`);
      return () => v;
    }
    case 'SymbolNode': {
      const name = (node as SymbolNode).name;
      if (name === 'pi') return () => Math.PI;
      if (name === 'e') return () => Math.E;
      if (!inputs.includes(name)) throw new Error(`'${name}' is not an input (${inputs.join(', ')})`);
      return (columns) => columns[name]!;
    }
    case 'ParenthesisNode':
      return compileNode((node as ParenthesisNode).content, inputs);
    case 'OperatorNode': {
      const op = node as OperatorNode;
      const args = op.args.map((a) => compileNode(a, inputs));
      const [a, b] = args as [Compiled, Compiled];
      const both = (f: (x: tf.Tensor | number, y: tf.Tensor | number) => tf.Tensor | number): Compiled => (c) => f(a(c), b(c));
      const num = (x: tf.Tensor | number, y: tf.Tensor | number, f: (p: number, q: number) => number, g: (p: tf.Tensor | number, q: tf.Tensor | number) => tf.Tensor): tf.Tensor | number =>
        typeof x === 'number' && typeof y === 'number' ? f(x, y) : g(x, y);
      switch (op.fn) {
        case 'add':
          return args.reduce((acc, f) => (c) => num(acc(c), f(c), (p, q) => p + q, tf.add));
        case 'subtract':
          return both((x, y) => num(x, y, (p, q) => p - q, tf.sub));
        case 'multiply':
          return args.reduce((acc, f) => (c) => num(acc(c), f(c), (p, q) => p * q, tf.mul));
        case 'divide':
          return both((x, y) => num(x, y, (p, q) => p / q, tf.div));
        case 'pow':
          return both((x, y) => num(x, y, (p, q) => p ** q, (p, q) => (typeof q === 'number' && Number.isInteger(q) && q >= 0 ? intPow(p as tf.Tensor, q) : tf.pow(p, q))));
        case 'unaryMinus':
          return (c) => {
            const x = a(c);
            return typeof x === 'number' ? -x : tf.neg(x);
          };
        case 'unaryPlus':
          return a;
        default:
          throw new Error(`operator '${op.op}' is not allowed`);
      }
    }
    case 'FunctionNode': {
      const f = node as FunctionNode;
      const name = (f.fn as unknown as SymbolNode).name;
      if (name === 'pow' && f.args.length === 2) return compileNode(parse(`(${f.args[0]!.toString()}) ^ (${f.args[1]!.toString()})`), inputs);
      const op = ELEMENTARY_TENSOR[name];
      if (!op || f.args.length !== 1) throw new Error(`function '${name}' is not allowed (allowed: ${Object.keys(ELEMENTARY_TENSOR).join(', ')}, pow)`);
      const a = compileNode(f.args[0]!, inputs);
      const numeric = ELEMENTARY_NUMERIC[name]!;
      // A constant argument stays a number (no tensor, no device read in a training step).
      return (c) => {
        const x = a(c);
        return typeof x === 'number' ? numeric(x) : op(x);
      };
    }
    default:
      throw new Error(`${node.type} is not allowed`);
  }
}

/** x^n by repeated products (tf.pow of a negative base with a float exponent gives NaN). */
function intPow(x: tf.Tensor, n: number): tf.Tensor {
  if (n === 0) return tf.onesLike(x);
  let out = x;
  for (let i = 1; i < n; i++) out = tf.mul(out, x);
  return out;
}

/** An expression and its derivatives, compiled on demand per channel (multiset of input axes). */
function derivativeTable(source: string, inputs: readonly string[]): (axes: readonly number[]) => Compiled {
  const nodes = new Map<string, MathNode>([['', parse(source)]]);
  const compiled = new Map<string, Compiled>();
  const nodeOf = (axes: readonly number[]): MathNode => {
    const key = axes.join(',');
    const known = nodes.get(key);
    if (known) return known;
    const node = derivative(nodeOf(axes.slice(0, -1)), inputs[axes[axes.length - 1]!]!);
    nodes.set(key, node);
    return node;
  };
  return (axes) => {
    const key = axes.join(',');
    let c = compiled.get(key);
    if (!c) {
      c = compileNode(nodeOf(axes), inputs);
      compiled.set(key, c);
    }
    return c;
  };
}

/** Checks a hard-constraint config from a file or a library caller (`path` names it in messages). */
export function checkHardConfig(value: unknown, inputs: readonly string[], outputs: readonly string[], path: string): HardConfig {
  const fail = (what: string): never => {
    throw new KanpinnInputError(`${path}: ${what}`);
  };
  if (typeof value !== 'object' || value === null || Array.isArray(value)) fail('expected an object { spec, outputs, imposes }');
  const o = value as Record<string, unknown>;
  if (typeof o.spec !== 'string') fail('spec: expected text such as "dirichlet"');
  if (!Array.isArray(o.outputs) || o.outputs.length !== outputs.length) fail(`outputs: expected ${outputs.length} entries (one per output, null for none)`);
  const expression = (v: unknown, field: string): string => {
    if (typeof v !== 'string') return fail(`${field}: expected an expression over ${inputs.join(', ')}`);
    try {
      // The value and first derivatives must compile: the rest follow by the same rules.
      const table = derivativeTable(v, inputs);
      table([]);
      inputs.forEach((_, a) => table([a]));
    } catch (error) {
      fail(`${field}: ${(error as Error).message}`);
    }
    return v;
  };
  const list = (o.outputs as unknown[]).map((entry, j): HardOutput | null => {
    if (entry === null) return null;
    if (typeof entry !== 'object' || Array.isArray(entry)) return fail(`outputs[${j}]: expected { lift, factor } or null`);
    const e = entry as Record<string, unknown>;
    return { lift: expression(e.lift, `outputs[${j}].lift`), factor: expression(e.factor, `outputs[${j}].factor`) };
  });
  const imposes = o.imposes ?? [];
  if (!Array.isArray(imposes) || imposes.some((n) => typeof n !== 'string')) fail('imposes: expected term names');
  return { spec: o.spec as string, outputs: list, imposes: [...(imposes as string[])] };
}

/** The compiled transform of a model. */
export interface CompiledHard {
  /** Output jet of u = A + B·N from the network's jet (the input jet is the identity jet of the points). */
  apply(plan: JetPlan, inputJet: tf.Tensor3D, networkJet: tf.Tensor3D): tf.Tensor3D;
}

/** Compiles a checked config for inputs `inputs`. */
export function compileHard(config: HardConfig, inputs: readonly string[]): CompiledHard {
  const tables = config.outputs.map((o) => (o ? { lift: derivativeTable(o.lift, inputs), factor: derivativeTable(o.factor, inputs) } : null));
  return {
    apply(plan, inputJet, networkJet) {
      // The factor tables and Leibniz terms are per multiset of axes: a combined (forward Laplacian) channel is not one.
      if (plan.combined) throw new Error('hard constraints: a combined (forward Laplacian) jet channel is not supported; use the plain plan');
      const [, N, d] = inputJet.shape;
      const nOut = networkJet.shape[2];
      const values = inputJet.slice([0, 0, 0], [1, N, d]).reshape([N, d]);
      const columns: Record<string, tf.Tensor1D> = {};
      inputs.forEach((v, a) => (columns[v] = values.slice([0, a], [N, 1]).reshape([N]) as tf.Tensor1D));
      const full = (x: tf.Tensor | number): tf.Tensor => (typeof x === 'number' ? tf.fill([N], x) : x);
      const y = channelsOf(networkJet);
      const leibniz = leibnizTerms(plan);
      const perOutput = tables.map((table, j) => {
        const yj = y.map((ch) => (nOut === 1 ? ch.reshape([N]) : ch.slice([0, j], [N, 1]).reshape([N])));
        if (!table) return tf.stack(yj);
        const factor = new Map<number, tf.Tensor | number>();
        const factorOf = (c: number): tf.Tensor | number => {
          if (!factor.has(c)) factor.set(c, table.factor(plan.channels[c]!)(columns));
          return factor.get(c)!;
        };
        return tf.stack(
          plan.channels.map((axes, c) =>
            leibniz[c]!.reduce((sum: tf.Tensor, term) => {
              const f = factorOf(term.left);
              if (f === 0) return sum;
              const t = tf.mul(yj[term.right]!, term.coefficient === 1 ? f : tf.mul(f, term.coefficient));
              return tf.add(sum, t);
            }, full(table.lift(axes)(columns))),
          ),
        );
      });
      // [C, N] per output → [C, N, nOut].
      return (perOutput.length === 1 ? perOutput[0]!.expandDims(2) : tf.stack(perOutput, 2)) as tf.Tensor3D;
    },
  };
}
