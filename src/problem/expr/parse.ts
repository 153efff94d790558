/**
 * Parses a mathjs expression once and rewrites it for compilation: params and `pi`/`e` become
 * constants, `define`d names are inlined, `lap(u)` becomes u_xx + u_yy (+ u_zz), derivative names
 * are canonicalised, and every symbol and function is checked against what the problem declares.
 */
import { ConstantNode, FunctionNode, OperatorNode, ParenthesisNode, SymbolNode, ConditionalNode, parse } from 'mathjs';
import type { MathNode } from 'mathjs';
import { KanpinnInputError, describe } from '../../errors.js';
import { suggestion } from '../validate.js';
import { BINARY_FUNCTIONS, CONSTANTS, FUNCTION_NAMES, ORDER_FUNCTIONS, UNARY_FUNCTIONS } from './functions.js';
import { differentiate } from './derivative.js';
import type { SymbolDerivative } from './derivative.js';
import { compileNumeric } from './numeric.js';
import { parseDerivativeName } from '../../jet/names.js';
import { fieldNode } from './fieldNode.js';
import type { TabulatedField } from './fieldNode.js';

/** What an expression may refer to. */
export interface ExprContext {
  variables: readonly string[];
  spatial: readonly string[];
  unknowns: readonly string[];
  params: Readonly<Record<string, number>>;
  /** Parsed `define`d names (already rewritten). */
  defines: ReadonlyMap<string, MathNode>;
  /** Whether unknowns and their derivatives may appear (PDEs, defines); not in values or `exact`. */
  allowUnknowns: boolean;
  /** Whether the expression is a boolean selector (an `on`); comparisons and conditionals are allowed everywhere. */
  boolean?: boolean;
  /** Inside `div(…)`, where `grad(…)` may appear. */
  insideDiv?: boolean;
  /** Tabulated coefficient fields (`"fields"`), by name: each reads as a function of its input variables. */
  fields?: ReadonlyMap<string, TabulatedField>;
  /** Parameters to infer (`infer`): scope names like unknowns (allowed where unknowns are), constant in space and time. */
  inferred?: readonly string[];
  /** Collects the parameters to infer that the expression reads (for the "used nowhere" warning). */
  inferredUsed?: Set<string>;
  /** Parameters to infer may appear even where unknowns may not (condition values such as a Robin coefficient, computed in the residual). */
  allowInferred?: boolean;
}

/** A rewritten expression and the scope names it reads (variables, unknowns, derivatives). */
export interface ParsedExpression {
  node: MathNode;
  symbols: string[];
}

const ARITHMETIC = new Set(['add', 'subtract', 'multiply', 'divide', 'pow', 'unaryMinus', 'unaryPlus']);
const LOGIC = new Set(['equal', 'unequal', 'smaller', 'smallerEq', 'larger', 'largerEq', 'and', 'or', 'not', 'xor']);

/** Parses `source` (a string or number) found at `field`; throws a one-line `KanpinnInputError`. */
export function parseExpression(source: unknown, field: string, ctx: ExprContext): ParsedExpression {
  if (typeof source === 'number') {
    if (!Number.isFinite(source)) throw new KanpinnInputError(`${field}: expected a finite number or an expression, got ${source}`);
    return { node: new ConstantNode(source), symbols: [] };
  }
  if (typeof source !== 'string' || source.trim() === '') throw new KanpinnInputError(`${field}: expected an expression string, got ${describe(source)}`);
  let tree: MathNode;
  try {
    tree = parse(source);
  } catch (error) {
    throw new KanpinnInputError(`${field}: cannot parse ${describe(source)}: ${(error as Error).message}`);
  }
  const symbols = new Set<string>();
  const node = rewrite(tree, field, ctx, symbols);
  return { node, symbols: [...symbols] };
}

function rewrite(node: MathNode, field: string, ctx: ExprContext, symbols: Set<string>): MathNode {
  const recurse = (child: MathNode): MathNode => rewrite(child, field, ctx, symbols);
  switch (node.type) {
    case 'ConstantNode': {
      const value = (node as ConstantNode).value;
      if (typeof value !== 'number' || !Number.isFinite(value)) throw new KanpinnInputError(`${field}: expected numbers, got the constant ${describe(value)}`);
      return new ConstantNode(value);
    }
    case 'ParenthesisNode':
      return new ParenthesisNode(recurse((node as ParenthesisNode).content));
    case 'SymbolNode':
      return rewriteSymbol((node as SymbolNode).name, field, ctx, symbols);
    case 'OperatorNode': {
      const op = node as OperatorNode;
      // Comparisons are 1 or 0, so piecewise terms read as (x < 0.5) * a or x < 0.5 ? a : b.
      if (!ARITHMETIC.has(op.fn) && !LOGIC.has(op.fn)) throw new KanpinnInputError(`${field}: the operator '${op.op}' is not allowed here`);
      return new OperatorNode(op.op as never, op.fn as never, op.args.map(recurse), op.implicit);
    }
    case 'ConditionalNode': {
      const c = node as ConditionalNode;
      return new ConditionalNode(recurse(c.condition), recurse(c.trueExpr), recurse(c.falseExpr));
    }
    case 'RelationalNode':
      throw new KanpinnInputError(`${field}: chained comparisons such as a < b < c are not allowed; write (a < b) and (b < c)`);
    case 'FunctionNode': {
      const f = node as FunctionNode;
      const name = f.fn.type === 'SymbolNode' ? (f.fn as unknown as SymbolNode).name : '';
      if (name === 'lap') return expandLaplacian(f, field, ctx, symbols);
      if (name === 'div') return expandDivergence(f, field, ctx, symbols);
      if (name === 'grad') {
        if (ctx.insideDiv !== true) throw new KanpinnInputError(`${field}: grad() is allowed only inside div(), e.g. div(k*grad(u))`);
        if (f.args.length !== 1) throw new KanpinnInputError(`${field}: grad() takes 1 argument, got ${f.args.length}`);
        return new FunctionNode('grad', f.args.map(recurse));
      }
      const arity = name in UNARY_FUNCTIONS ? 1 : name in BINARY_FUNCTIONS ? 2 : -1;
      if (arity < 0) throw new KanpinnInputError(`${field}: unknown function '${name || f.fn.toString()}'${suggestion(name, FUNCTION_NAMES)}`);
      if (f.args.length !== arity) throw new KanpinnInputError(`${field}: ${name}() takes ${arity} argument${arity > 1 ? 's' : ''}, got ${f.args.length}`);
      const args = f.args.map(recurse);
      if (ORDER_FUNCTIONS.includes(name)) args[0] = integerOrder(args[0] as MathNode, name, field);
      return new FunctionNode(name, args);
    }
    default:
      throw new KanpinnInputError(`${field}: '${node.toString()}' is not allowed in an expression (${node.type})`);
  }
}

function rewriteSymbol(name: string, field: string, ctx: ExprContext, symbols: Set<string>): MathNode {
  if (ctx.variables.includes(name)) {
    symbols.add(name);
    return new SymbolNode(name);
  }
  const param = ctx.params[name];
  if (param !== undefined) return new ConstantNode(param);
  if (ctx.inferred?.includes(name)) {
    if (!ctx.allowUnknowns && ctx.allowInferred !== true) throw new KanpinnInputError(`${field}: '${name}' is a parameter to infer (infer.${name}) and cannot appear here (expected an expression over ${ctx.variables.join(', ')} and params)`);
    symbols.add(name);
    ctx.inferredUsed?.add(name);
    return new SymbolNode(name);
  }
  const tabulated = ctx.fields?.get(name);
  if (tabulated !== undefined) {
    for (const input of tabulated.inputs) symbols.add(input);
    return fieldNode(tabulated);
  }
  const defined = ctx.defines.get(name);
  if (defined !== undefined) {
    for (const symbol of symbolNames(defined)) {
      if (FUNCTION_NAMES.includes(symbol)) continue;
      symbols.add(symbol);
      if (ctx.inferred?.includes(symbol)) ctx.inferredUsed?.add(symbol);
    }
    if (!ctx.allowUnknowns) assertNoUnknowns(defined, name, field, ctx);
    return new ParenthesisNode(defined.cloneDeep());
  }
  const constant = CONSTANTS[name];
  if (constant !== undefined) return new ConstantNode(constant);
  let derivative;
  try {
    derivative = parseDerivativeName(name, ctx.variables, ctx.unknowns);
  } catch (error) {
    throw new KanpinnInputError(`${field}: ${(error as Error).message}`);
  }
  if (derivative !== undefined) {
    if (!ctx.allowUnknowns) {
      throw new KanpinnInputError(`${field}: '${name}' cannot appear here (expected an expression over ${ctx.variables.join(', ')} and parameters)`);
    }
    symbols.add(derivative.canonical);
    return new SymbolNode(derivative.canonical);
  }
  const known = ctx.variables.length > 0 ? `variables are ${ctx.variables.join(', ')}` : 'only numbers, pi, e and params may appear here';
  throw new KanpinnInputError(`${field}: unknown variable '${name}' (${known})`);
}

function assertNoUnknowns(node: MathNode, defineName: string, field: string, ctx: ExprContext): void {
  for (const name of symbolNames(node)) {
    if (!ctx.variables.includes(name) && !FUNCTION_NAMES.includes(name) && !(ctx.allowInferred === true && ctx.inferred?.includes(name))) {
      throw new KanpinnInputError(`${field}: '${defineName}' uses '${name}', which cannot appear here (expected an expression over ${ctx.variables.join(', ')} and parameters)`);
    }
  }
}

/** The first argument of besselj/bessely: a constant integer (params allowed), folded to a number. */
function integerOrder(node: MathNode, name: string, field: string): MathNode {
  const constant = symbolNames(node).size === 0 ? compileNumeric(node, [])([]) : NaN;
  if (!Number.isInteger(constant)) throw new KanpinnInputError(`${field}: ${name}(n, x) needs an integer constant order n, got '${node.toString()}'`);
  return new ConstantNode(constant);
}

/** Symbol names of a rewritten tree (not function names). */
function symbolNames(node: MathNode): Set<string> {
  const names = new Set<string>();
  node.traverse((n, _path, parent) => {
    if (n.type === 'SymbolNode' && !(parent && parent.type === 'FunctionNode' && (parent as FunctionNode).fn === n)) names.add((n as SymbolNode).name);
  });
  return names;
}

/** Differentiates unknowns and their derivatives by appending the axis: u_x → u_xy (canonical), checked against the order limit. */
function unknownDerivative(field: string, ctx: ExprContext): SymbolDerivative {
  return (name, variable) => {
    // Coordinates are handled by `differentiate`; a parameter to infer is constant in space and time.
    if (ctx.variables.includes(name) || ctx.inferred?.includes(name)) return undefined;
    const written = `${name}${name.includes('_') ? '' : '_'}${variable}`;
    let parsed;
    try {
      parsed = parseDerivativeName(written, ctx.variables, ctx.unknowns);
    } catch (error) {
      throw new KanpinnInputError(`${field}: ${(error as Error).message}`);
    }
    return parsed ? new SymbolNode(parsed.canonical) : undefined;
  };
}

/** Rewrites an operator's argument with its own symbol set (the operator's result names its own). */
function operand(arg: MathNode, field: string, ctx: ExprContext): MathNode {
  return rewrite(arg, field, ctx, new Set());
}

/** Adds the result's symbols (variables, unknowns and canonical derivatives) to `symbols`. */
function collect(node: MathNode, symbols: Set<string>): MathNode {
  for (const name of symbolNames(node)) symbols.add(name);
  return node;
}

/** lap(E) = Σ over the spatial variables of ∂²E/∂v², for any expression E (lap(lap(u)) is the bilaplacian). */
function expandLaplacian(f: FunctionNode, field: string, ctx: ExprContext, symbols: Set<string>): MathNode {
  if (f.args.length !== 1) throw new KanpinnInputError(`${field}: lap() takes 1 argument, got ${f.args.length}`);
  if (ctx.spatial.length === 0) throw new KanpinnInputError(`${field}: lap() needs spatial variables (this problem has none)`);
  const arg = operand(f.args[0] as MathNode, field, ctx);
  const hook = unknownDerivative(field, ctx);
  const terms = ctx.spatial.map((v) => differentiate(differentiate(arg, v, hook), v, hook));
  const sum = terms.reduce((a, b) => new OperatorNode('+', 'add', [a, b]));
  return collect(new ParenthesisNode(sum), symbols);
}

/**
 * div(F) = Σ_v ∂F_v/∂v, where F_v is F with every grad(E) replaced by ∂E/∂v: div(k*grad(u)) is
 * (k u_x)_x + (k u_y)_y, product rule included.
 */
function expandDivergence(f: FunctionNode, field: string, ctx: ExprContext, symbols: Set<string>): MathNode {
  if (f.args.length !== 1) throw new KanpinnInputError(`${field}: div() takes 1 argument, got ${f.args.length}`);
  if (ctx.spatial.length === 0) throw new KanpinnInputError(`${field}: div() needs spatial variables (this problem has none)`);
  const flux = operand(f.args[0] as MathNode, field, { ...ctx, insideDiv: true });
  let hasGrad = false;
  flux.traverse((n) => {
    if (n.type === 'FunctionNode' && ((n as FunctionNode).fn as unknown as SymbolNode).name === 'grad') hasGrad = true;
  });
  if (!hasGrad) throw new KanpinnInputError(`${field}: div() expects a flux written with grad(), e.g. div(k*grad(u))`);
  const hook = unknownDerivative(field, ctx);
  const terms = ctx.spatial.map((v) => {
    const component = flux.transform((n) =>
      n.type === 'FunctionNode' && ((n as FunctionNode).fn as unknown as SymbolNode).name === 'grad' ? new ParenthesisNode(differentiate((n as FunctionNode).args[0] as MathNode, v, hook)) : n,
    );
    return differentiate(component, v, hook);
  });
  const sum = terms.reduce((a, b) => new OperatorNode('+', 'add', [a, b]));
  return collect(new ParenthesisNode(sum), symbols);
}
