/**
 * The symbolic candidate library: one-variable functions f that a KAN edge can be snapped to as
 * y = c·f(a·x + b) + d. Each entry carries f, f', f'' (and f''' for the built-ins) in closed form for
 * the engine's forward derivative jets, a mathjs template for formulas, pykan's complexity, and a
 * domain test for the fitter. A registry holds the entries; users add their own with validation.
 */
import { parse } from 'mathjs';
import { KanpinnInputError, describe } from '../errors.js';
import { BUILTIN_SYMBOLIC_FUNCTIONS } from './builtins.js';

/** The affine wrapping of an edge: y = c·f(a·x + b) + d. */
export interface AffineParams {
  readonly a: number;
  readonly b: number;
  readonly c: number;
  readonly d: number;
}

/** A scalar function of one float64 argument. */
export type ScalarFunction = (z: number) => number;

/** What a user supplies to `addSymbolicFunction`. */
export interface SymbolicFunctionSpec {
  /** Unique name, e.g. 'sinh'. */
  readonly name: string;
  /** f(z); must be finite for every finite z (guard singular points yourself). */
  readonly f: ScalarFunction;
  /** f'(z), closed form, finite everywhere. */
  readonly df: ScalarFunction;
  /** f''(z), closed form, finite everywhere. */
  readonly d2f: ScalarFunction;
  /** f'''(z), optional; the engine needs it only for third-order derivative jets. */
  readonly d3f?: ScalarFunction;
  /** mathjs expression over the placeholder X, e.g. 'sinh(X)'. */
  readonly template: string;
  /** Complexity used in ranking (pykan scale: x = 1, sin = 2, arcsin = 4). */
  readonly complexity: number;
  /**
   * True when, for every z in the closed interval [lo, hi], f(z) equals the closed form of the
   * template (no guard active, no pole crossed); the fitter rejects (a, b) otherwise. Default: always.
   */
  readonly domain?: (lo: number, hi: number) => boolean;
  /** An equivalent (a, b, c, d) in a canonical form for display (e.g. a = 1 for powers). */
  readonly canonicalize?: (params: AffineParams) => AffineParams;
  /** f(−z) = ±f(z) + constant (odd, even or mirrored): the fitter then searches a > 0 only. */
  readonly symmetric?: boolean;
}

/** A registered library entry: a spec with its defaults filled in and its LaTeX template. */
export interface SymbolicFunction extends SymbolicFunctionSpec {
  readonly domain: (lo: number, hi: number) => boolean;
  /** LaTeX of the template (with X as the placeholder), from mathjs `toTex`. */
  readonly latex: string;
}

/** A set of named symbolic functions. */
export interface SymbolicLibrary {
  /** Validates and registers `spec`; throws a KanpinnInputError naming the bad field. */
  add(spec: SymbolicFunctionSpec): SymbolicFunction;
  /** The entry called `name`, or undefined. */
  get(name: string): SymbolicFunction | undefined;
  /** The entry called `name`; throws a KanpinnInputError that starts with `where` otherwise. */
  require(name: string, where: string): SymbolicFunction;
  /** Names in registration order (built-ins first, in pykan's order). */
  names(): string[];
}

/** The arguments at which a new function (and its derivatives) must be finite: 201 points on [-10, 10]. */
const TEST_ARGUMENTS = Array.from({ length: 201 }, (_, i) => -10 + i * 0.1);

function checkFunctionField(spec: SymbolicFunctionSpec, field: 'f' | 'df' | 'd2f' | 'd3f', optional: boolean): void {
  const fn: unknown = spec[field];
  if (fn === undefined && optional) return;
  if (typeof fn !== 'function') {
    throw new KanpinnInputError(`addSymbolicFunction: ${field}: expected a function (z: number) => number, found ${describe(fn)}`);
  }
  for (const z of TEST_ARGUMENTS) {
    const value: unknown = (fn as (z: number) => unknown)(z);
    if (typeof value !== 'number' || !Number.isFinite(value)) {
      throw new KanpinnInputError(
        `addSymbolicFunction: ${field}(${Number(z.toFixed(10))}) of "${spec.name}" is ${describe(value)}; ` +
          'it must be finite on [-10, 10] (guard singular points)',
      );
    }
  }
}

function latexOf(template: string): string {
  return parse(template).toTex();
}

function validate(spec: SymbolicFunctionSpec, taken: ReadonlyMap<string, SymbolicFunction>): SymbolicFunction {
  if (typeof spec !== 'object' || spec === null) {
    throw new KanpinnInputError(`addSymbolicFunction: expected an object { name, f, df, d2f, template, complexity }, found ${describe(spec)}`);
  }
  if (typeof spec.name !== 'string' || spec.name.trim() === '') {
    throw new KanpinnInputError(`addSymbolicFunction: name: expected a non-empty string, found ${describe(spec.name)}`);
  }
  if (taken.has(spec.name)) throw new KanpinnInputError(`addSymbolicFunction: name: "${spec.name}" is already taken`);
  if (typeof spec.template !== 'string' || !/\bX\b/.test(spec.template)) {
    if (spec.template !== '0') {
      throw new KanpinnInputError(
        `addSymbolicFunction: template: expected a mathjs expression over the placeholder X (e.g. "sinh(X)"), found ${describe(spec.template)}`,
      );
    }
  }
  let latex: string;
  try {
    latex = latexOf(spec.template);
  } catch (error) {
    throw new KanpinnInputError(`addSymbolicFunction: template: mathjs cannot parse ${describe(spec.template)} (${(error as Error).message})`);
  }
  if (typeof spec.complexity !== 'number' || !Number.isFinite(spec.complexity) || spec.complexity < 0) {
    throw new KanpinnInputError(`addSymbolicFunction: complexity: expected a finite number >= 0, found ${describe(spec.complexity)}`);
  }
  if (spec.domain !== undefined && typeof spec.domain !== 'function') {
    throw new KanpinnInputError(`addSymbolicFunction: domain: expected a function (lo, hi) => boolean, found ${describe(spec.domain)}`);
  }
  if (spec.canonicalize !== undefined && typeof spec.canonicalize !== 'function') {
    throw new KanpinnInputError(`addSymbolicFunction: canonicalize: expected a function, found ${describe(spec.canonicalize)}`);
  }
  if (spec.symmetric !== undefined && typeof spec.symmetric !== 'boolean') {
    throw new KanpinnInputError(`addSymbolicFunction: symmetric: expected a boolean, found ${describe(spec.symmetric)}`);
  }
  checkFunctionField(spec, 'f', false);
  checkFunctionField(spec, 'df', false);
  checkFunctionField(spec, 'd2f', false);
  checkFunctionField(spec, 'd3f', true);
  return { ...spec, domain: spec.domain ?? (() => true), latex };
}

/** Creates a library holding `specs` (default: the built-ins, pykan's SYMBOLIC_LIB in its order). */
export function createSymbolicLibrary(specs: readonly SymbolicFunctionSpec[] = BUILTIN_SYMBOLIC_FUNCTIONS): SymbolicLibrary {
  const entries = new Map<string, SymbolicFunction>();
  const library: SymbolicLibrary = {
    add(spec) {
      const entry = validate(spec, entries);
      entries.set(entry.name, entry);
      return entry;
    },
    get: (name) => entries.get(name),
    require(name, where) {
      const entry = entries.get(name);
      if (entry === undefined) {
        throw new KanpinnInputError(`${where}: unknown symbolic function ${describe(name)} (known: ${[...entries.keys()].join(', ')})`);
      }
      return entry;
    },
    names: () => [...entries.keys()],
  };
  for (const spec of specs) library.add(spec);
  return library;
}

/** The process-wide default library that `rankSymbolicCandidates` and `buildSymbolicFormula` use unless given another. */
export const defaultSymbolicLibrary: SymbolicLibrary = createSymbolicLibrary();

/** Adds a user function to the default library (validated: name free, f, f', f'' finite on [-10, 10]). */
export function addSymbolicFunction(spec: SymbolicFunctionSpec): SymbolicFunction {
  return defaultSymbolicLibrary.add(spec);
}

/** The default library's entry called `name`, or undefined. */
export function getSymbolicFunction(name: string): SymbolicFunction | undefined {
  return defaultSymbolicLibrary.get(name);
}
