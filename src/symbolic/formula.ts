/**
 * Formula assembly: a KAN whose every edge is symbolic (or zero) is a composition of sums,
 * node_j^(l+1) = Σ_i c·f(a·node_i^(l) + b) + d (+ an optional node bias). This builds that expression
 * in mathjs per output, folds constants, drops negligible terms, simplifies, and rounds the printed
 * numbers to a number of significant digits.
 */
import * as math from 'mathjs';
import type { MathNode } from 'mathjs';
import { KanpinnInputError, describe } from '../errors.js';
import { defaultSymbolicLibrary } from './library.js';
import type { SymbolicLibrary } from './library.js';
import { buildLinearCombination, roundConstants, snapPi, substituteArgument, tidySigns } from './nodes.js';
import { combineTrigProducts } from './trig.js';
import type { Term } from './nodes.js';

/** One edge (layer l, input i, output j): symbolic y = c·f(a·x + b) + d, pruned/zero, or still a spline. */
export type FormulaEdge =
  | { readonly kind: 'symbolic'; readonly name: string; readonly a: number; readonly b: number; readonly c: number; readonly d: number }
  | { readonly kind: 'zero' }
  | { readonly kind: 'numeric' };

/** The network: edges[l][i][j] with shapes [layers][width_l][width_(l+1)]; bias[l][j] is added to node j of layer l+1. */
export interface FormulaNetwork {
  readonly edges: ReadonlyArray<ReadonlyArray<ReadonlyArray<FormulaEdge>>>;
  readonly bias?: ReadonlyArray<ReadonlyArray<number>>;
}

/** Options of `buildSymbolicFormula`. */
export interface FormulaOptions {
  /** Names of the inputs (mathjs symbols, not mathjs functions or constants); default x1, x2, …. */
  readonly inputNames: readonly string[] | undefined;
  /** Significant digits of the printed numbers. */
  readonly significantDigits: number;
  /** Coefficients c, a and additive constants with |value| below this are dropped (treated as 0). */
  readonly dropBelow: number;
  /** Run mathjs `simplify` (constant folding, 1·x → x); turn off for very large networks. */
  readonly simplify: boolean;
  /** Where edge names are looked up. */
  readonly library: SymbolicLibrary;
  /** Print numbers that read as a simple multiple of π to the digits shown as that multiple (`pi`, `pi / 2`); see `snapPi`. */
  readonly snapPi: boolean;
  /** Print two sines or cosines whose weights print the same as a product when that is shorter (sum-to-product; see trig.ts). */
  readonly trigProducts: boolean;
}

/** Defaults: 5 significant digits, drop below 1e−6, simplify on, the default library, numbers printed as digits (no π), sums left as sums. */
export const FORMULA_DEFAULTS: FormulaOptions = {
  inputNames: undefined,
  significantDigits: 5,
  dropBelow: 1e-6,
  simplify: true,
  library: defaultSymbolicLibrary,
  snapPi: false,
  trigProducts: false,
};

/** The formula of one output. */
export interface SymbolicFormula {
  /** The printed expression (numbers rounded to `significantDigits`). */
  readonly expression: MathNode;
  /** `expression.toString()`, e.g. `exp(sin(3.1416 * x) + y ^ 2)`. */
  readonly text: string;
  /** `expression.toTex()`. */
  readonly latex: string;
  /** Evaluates the unrounded expression at a point given by input name; NaN outside its real domain. */
  evaluate(point: Readonly<Record<string, number>>): number;
}

/** A node value while assembling: an expression, or a known number when it has no variables. */
type NodeValue = { readonly kind: 'expression'; readonly node: MathNode } | { readonly kind: 'constant'; readonly value: number };

const SIMPLIFY_OPTIONS = { exactFractions: false };
const NAME_PATTERN = /^[A-Za-z_][A-Za-z0-9_]*$/;

function checkInputNames(names: readonly string[], width: number): void {
  if (names.length !== width) throw new KanpinnInputError(`symbolicFormula: inputNames: expected ${width} names (the network's inputs), found ${names.length}`);
  names.forEach((name, i) => {
    if (typeof name !== 'string' || !NAME_PATTERN.test(name)) {
      throw new KanpinnInputError(`symbolicFormula: inputNames[${i}]: expected a name of letters, digits and _ (not starting with a digit), found ${describe(name)}`);
    }
    if (name in math) throw new KanpinnInputError(`symbolicFormula: inputNames[${i}]: ${describe(name)} is a mathjs function or constant; choose another name`);
    if (names.indexOf(name) !== i) throw new KanpinnInputError(`symbolicFormula: inputNames[${i}]: ${describe(name)} is used twice`);
  });
}

/** Checks shapes and that no edge is still numeric; returns the layer widths. */
function checkNetwork(network: FormulaNetwork, library: SymbolicLibrary): number[] {
  const { edges } = network;
  if (!Array.isArray(edges as unknown) || edges.length === 0) throw new KanpinnInputError(`symbolicFormula: edges: expected [layers][inputs][outputs], found ${describe(edges)}`);
  const widths: number[] = [];
  const numeric: string[] = [];
  edges.forEach((layer, l) => {
    const rows = layer.length;
    if (l > 0 && rows !== widths[l]) throw new KanpinnInputError(`symbolicFormula: edges[${l}]: expected ${widths[l]} rows (the outputs of layer ${l - 1}), found ${rows}`);
    if (l === 0) widths.push(rows);
    const outputs = layer[0]?.length ?? 0;
    if (rows === 0 || outputs === 0) throw new KanpinnInputError(`symbolicFormula: edges[${l}]: expected a non-empty [inputs][outputs] array`);
    widths.push(outputs);
    layer.forEach((row, i) => {
      if (row.length !== outputs) throw new KanpinnInputError(`symbolicFormula: edges[${l}][${i}]: expected ${outputs} edges, found ${row.length}`);
      row.forEach((edge, j) => {
        if (edge.kind === 'numeric') numeric.push(`(${l},${i},${j})`);
        else if (edge.kind === 'symbolic') {
          library.require(edge.name, `symbolicFormula: edges[${l}][${i}][${j}].name`);
          for (const key of ['a', 'b', 'c', 'd'] as const) {
            if (!Number.isFinite(edge[key])) throw new KanpinnInputError(`symbolicFormula: edges[${l}][${i}][${j}].${key}: expected a finite number, found ${describe(edge[key])}`);
          }
        }
      });
    });
    const bias = network.bias?.[l];
    if (bias !== undefined && (bias.length !== outputs || !bias.every(Number.isFinite))) {
      throw new KanpinnInputError(`symbolicFormula: bias[${l}]: expected ${outputs} finite numbers, found ${describe(bias)}`);
    }
  });
  if (numeric.length > 0) {
    throw new KanpinnInputError(`symbolicFormula: edges still numeric: ${numeric.join(', ')}; fix them with fixSymbolic or autoSymbolic first`);
  }
  return widths;
}

/** The value of one output node of layer l + 1 from its inputs (full precision, negligible parts dropped). */
function assembleNode(network: FormulaNetwork, l: number, j: number, inputs: readonly NodeValue[], o: FormulaOptions): NodeValue {
  const layer = network.edges[l] ?? [];
  const drop = (v: number): number => (Math.abs(v) < o.dropBelow ? 0 : v);
  let constant = network.bias?.[l]?.[j] ?? 0;
  const terms: Term[] = [];
  layer.forEach((row, i) => {
    const edge = row[j];
    const input = inputs[i];
    if (edge === undefined || edge.kind !== 'symbolic' || input === undefined) return;
    const fn = o.library.require(edge.name, 'symbolicFormula');
    const [a, b, c] = [drop(edge.a), drop(edge.b), drop(edge.c)];
    constant += edge.d;
    if (c === 0 || fn.name === '0') return;
    if (input.kind === 'constant' || a === 0) {
      constant += c * fn.f(input.kind === 'constant' ? a * input.value + b : b);
      return;
    }
    const argument = buildLinearCombination([{ coefficient: a, node: input.node }], b);
    terms.push({ coefficient: c, node: substituteArgument(fn.template, argument) });
  });
  constant = drop(constant);
  if (terms.length === 0) return { kind: 'constant', value: constant };
  return { kind: 'expression', node: buildLinearCombination(terms, constant) };
}

function tidy(node: MathNode, o: FormulaOptions): MathNode {
  if (!o.simplify) return node;
  try {
    return tidySigns(math.simplify(node, {}, SIMPLIFY_OPTIONS));
  } catch {
    return node; // simplification is cosmetic: a formula mathjs cannot simplify is still the right formula
  }
}

/** Builds the formula of every output of a fully symbolic network (edges[l][i][j]) over the input names. */
export function buildSymbolicFormula(network: FormulaNetwork, options: Partial<FormulaOptions> = {}): SymbolicFormula[] {
  const o: FormulaOptions = { ...FORMULA_DEFAULTS, ...options };
  if (!Number.isInteger(o.significantDigits) || o.significantDigits < 2 || o.significantDigits > 17) {
    throw new KanpinnInputError(`symbolicFormula: significantDigits: expected an integer in [2, 17], found ${describe(o.significantDigits)}`);
  }
  if (!(o.dropBelow >= 0)) throw new KanpinnInputError(`symbolicFormula: dropBelow: expected a number >= 0, found ${describe(o.dropBelow)}`);
  const widths = checkNetwork(network, o.library);
  const inputNames = o.inputNames ?? Array.from({ length: widths[0] ?? 0 }, (_, i) => `x${i + 1}`);
  checkInputNames(inputNames, widths[0] ?? 0);
  let values: NodeValue[] = inputNames.map((name) => ({ kind: 'expression', node: new math.SymbolNode(name) }));
  for (let l = 0; l < network.edges.length; l++) {
    const width = widths[l + 1] ?? 0;
    values = Array.from({ length: width }, (_, j) => assembleNode(network, l, j, values, o));
  }
  return values.map((value) => {
    const exact = tidy(value.kind === 'constant' ? new math.ConstantNode(value.value) : value.node, o);
    const rounded = roundConstants(tidy(roundConstants(exact, o.significantDigits), o), o.significantDigits);
    const combined = o.trigProducts ? tidySigns(combineTrigProducts(rounded, o.significantDigits)) : rounded;
    const expression = o.snapPi ? tidySigns(snapPi(combined, o.significantDigits)) : combined;
    const compiled = exact.compile();
    return {
      expression,
      text: expression.toString(),
      latex: expression.toTex(),
      evaluate(point) {
        for (const name of inputNames) {
          const v = point[name];
          if (typeof v !== 'number' || !Number.isFinite(v)) throw new KanpinnInputError(`symbolicFormula.evaluate: point.${name}: expected a finite number, found ${describe(v)}`);
        }
        const result: unknown = compiled.evaluate({ ...point });
        return typeof result === 'number' ? result : NaN;
      },
    };
  });
}
