/**
 * Parses a mathjs expression once and rewrites it for compilation: params and `pi`/`e` become
 * constants, `define`d names are inlined, `lap(u)` becomes u_xx + u_yy (+ u_zz), derivative names
 * are canonicalised, and every symbol and function is checked against what the problem declares.
 */
import { ConstantNode, FunctionNode, OperatorNode, ParenthesisNode, SymbolNode, ConditionalNode, parse } from 'mathjs';
import type { MathNode } from 'mathjs';
import { KanpinnInputError, describe } from '../../errors.js';
import { suggestion } from '../validate.js';
import { BINARY_FUNCTIONS, CONSTANTS, FUNCTION_NAMES, UNARY_FUNCTIONS } from './functions.js';
import { parseDerivativeName } from './names.js';

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
  /** Whether comparisons and `and`/`or`/`not` may appear (an `on` selector). */
  boolean?: boolean;
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
      const allowed = ARITHMETIC.has(op.fn) || (ctx.boolean === true && LOGIC.has(op.fn));
      if (!allowed) throw new KanpinnInputError(`${field}: the operator '${op.op}' is not allowed here`);
      return new OperatorNode(op.op as never, op.fn as never, op.args.map(recurse), op.implicit);
    }
    case 'ConditionalNode': {
      if (ctx.boolean !== true) throw new KanpinnInputError(`${field}: the conditional '? :' is not allowed here`);
      const c = node as ConditionalNode;
      return new ConditionalNode(recurse(c.condition), recurse(c.trueExpr), recurse(c.falseExpr));
    }
    case 'FunctionNode': {
      const f = node as FunctionNode;
      const name = f.fn.type === 'SymbolNode' ? (f.fn as unknown as SymbolNode).name : '';
      if (name === 'lap') return expandLaplacian(f, field, ctx, symbols);
      const arity = name in UNARY_FUNCTIONS ? 1 : name in BINARY_FUNCTIONS ? 2 : -1;
      if (arity < 0) throw new KanpinnInputError(`${field}: unknown function '${name || f.fn.toString()}'${suggestion(name, FUNCTION_NAMES)}`);
      if (f.args.length !== arity) throw new KanpinnInputError(`${field}: ${name}() takes ${arity} argument${arity > 1 ? 's' : ''}, got ${f.args.length}`);
      return new FunctionNode(name, f.args.map(recurse));
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
  const defined = ctx.defines.get(name);
  if (defined !== undefined) {
    defined.traverse((child) => {
      if (child.type === 'SymbolNode' && !FUNCTION_NAMES.includes((child as SymbolNode).name)) symbols.add((child as SymbolNode).name);
    });
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
  node.traverse((child) => {
    if (child.type !== 'SymbolNode') return;
    const name = (child as SymbolNode).name;
    if (!ctx.variables.includes(name) && !FUNCTION_NAMES.includes(name)) {
      throw new KanpinnInputError(`${field}: '${defineName}' uses '${name}', which cannot appear here (expected an expression over ${ctx.variables.join(', ')} and parameters)`);
    }
  });
}

function expandLaplacian(f: FunctionNode, field: string, ctx: ExprContext, symbols: Set<string>): MathNode {
  const arg = f.args[0];
  if (f.args.length !== 1 || arg === undefined || arg.type !== 'SymbolNode' || !ctx.unknowns.includes((arg as SymbolNode).name)) {
    throw new KanpinnInputError(`${field}: lap() expects one unknown (${ctx.unknowns.join(', ')}), got lap(${f.args.map((a) => a.toString()).join(', ')})`);
  }
  if (!ctx.allowUnknowns) throw new KanpinnInputError(`${field}: 'lap(${(arg as SymbolNode).name})' cannot appear here (expected an expression over ${ctx.variables.join(', ')} and parameters)`);
  const unknown = (arg as SymbolNode).name;
  const terms = ctx.spatial.map((v) => {
    const name = `${unknown}_${v}${v}`;
    symbols.add(parseDerivativeName(name, ctx.variables, ctx.unknowns)?.canonical ?? name);
    return new SymbolNode(name) as MathNode;
  });
  const sum = terms.reduce((a, b) => new OperatorNode('+', 'add', [a, b]));
  return new ParenthesisNode(sum);
}
