/**
 * `defineProblem(spec)`: validates a problem spec (JSON-shaped, TypeScript functions allowed) and
 * builds the `Problem` the trainer consumes. Every refusal is one line naming the field.
 */
import type { MathNode } from 'mathjs';
import { KanpinnInputError, describe } from '../errors.js';
import { buildGeometry, finiteBound } from './geometry/build.js';
import { createPoint } from './geometry/point.js';
import type { Geometry } from './geometry/types.js';
import { createDomain } from './domain.js';
import type { Domain } from './domain.js';
import type { ExprContext } from './expr/parse.js';
import { parseExpression } from './expr/parse.js';
import { CONSTANTS, FUNCTION_NAMES } from './expr/functions.js';
import { buildPdeTerms } from './pdeTerms.js';
import { buildConditionTerm } from './conditionTerms.js';
import { finiteDifferenceExact, symbolicExact } from './exact.js';
import type { ExactEvaluator } from './exact.js';
import { readText, resolvePath } from '../io/files.js';
import { REFERENCE_FORMATS, parseReferenceFile } from './reference.js';
import type { ReferenceFormat } from './reference.js';
import { SPEC_FIELDS } from './spec.js';
import { inferWarnings, parseInfer } from './infer.js';
import { parseFields } from './fields.js';
import type { ProblemSpec } from './spec.js';
import { meshTestSet, referenceTestSet } from './testSet.js';
import type { Problem, SamplingMethod, SolverHint } from './types.js';
import { checkFields, isRecord } from './validate.js';
import { checkDataInDomain, checkSelectors, checkSpecShape, checkTestMeshSize, orderDefines } from './inputChecks.js';
import { HINT_FIELDS, SAMPLING_METHODS, parseSolverHint } from '../options/training.js';

/** Options of `defineProblem`. */
export interface DefineOptions {
  /** Folder that relative `reference` and data `file` paths are resolved against (default: the working directory). */
  baseDir?: string;
}

/** Default interior / boundary point counts by the number of variables (space + time), small enough for a 2-core CPU. */
export const DEFAULT_POINTS: Readonly<Record<number, { interiorPoints: number; boundaryPoints: number }>> = {
  1: { interiorPoints: 64, boundaryPoints: 2 },
  2: { interiorPoints: 400, boundaryPoints: 100 },
  3: { interiorPoints: 1000, boundaryPoints: 300 },
  4: { interiorPoints: 2000, boundaryPoints: 600 },
};

const IDENTIFIER = /^[A-Za-z][A-Za-z0-9]*$/;

/** Validates `spec` and builds the problem (see the JSON format in DESIGN.md). */
export function defineProblem(spec: ProblemSpec | Record<string, unknown>, options: DefineOptions = {}): Problem {
  if (!isRecord(spec)) throw new KanpinnInputError(`problem: expected an object, got ${describe(spec)}`);
  checkFields(spec, SPEC_FIELDS, '');
  checkSpecShape(spec);
  const name = spec.name;
  if (typeof name !== 'string' || name.trim() === '') throw new KanpinnInputError(`name: expected a non-empty string, got ${describe(name)}`);
  const description = spec.description ?? '';
  if (typeof description !== 'string') throw new KanpinnInputError(`description: expected a string, got ${describe(description)}`);
  const timed = spec.time !== undefined;
  // A time-only problem (an ODE) lists no spatial variable.
  const spatial = timed && Array.isArray(spec.variables) && spec.variables.length === 0 ? [] : names(spec.variables, 'variables', ['x']);
  if (timed && spatial.includes('t')) throw new KanpinnInputError(`variables: 't' is the time variable; list only the spatial variables when "time" is given`);
  const variables = timed ? [...spatial, 't'] : spatial;
  const unknowns = spec.unknowns === undefined ? ['u'] : names(spec.unknowns, 'unknowns', ['u']);
  unknowns.forEach((u, i) => {
    if (variables.includes(u)) throw new KanpinnInputError(`unknowns[${i}]: '${u}' is also a variable`);
  });
  const params = parseParams(spec.params, [...variables, ...unknowns]);
  const time = parseTime(spec.time, params);
  const defineNames = isRecord(spec.define) ? Object.keys(spec.define) : [];
  const fields = parseFields(spec.fields, { variables, spatial, baseDir: options.baseDir, taken: { variable: variables, unknown: unknowns, parameter: Object.keys(params), define: defineNames } });
  const inferred = parseInfer(spec.infer, { variables, unknowns, params: Object.keys(params), defines: defineNames, fields: [...fields.keys()] });
  const inferNames = inferred.map((p) => p.name);
  const base: ExprContext = { variables, spatial, unknowns, params, defines: new Map(), allowUnknowns: true, fields, ...(inferNames.length ? { inferred: inferNames } : {}) };
  const defines = parseDefines(spec.define, base, [...variables, ...unknowns, ...Object.keys(params), ...fields.keys(), ...inferNames]);
  // The parameters the terms read (a define counts where a term uses it).
  const inferredUsed = new Set<string>();
  const ctx: ExprContext = { ...base, defines, inferredUsed };

  const domain = createDomain(parseSpace(spec.domain, spatial, params), spatial, time);
  const weights = spec.weights;
  if (weights !== undefined) {
    if (!isRecord(weights)) throw new KanpinnInputError(`weights: expected an object like { "pde": 0.01 }, got ${describe(weights)}`);
    checkFields(weights, ['pde'], 'weights');
  }
  const terms = buildPdeTerms(spec.pde, isRecord(weights) ? weights.pde : undefined, domain, ctx);
  const conditions = spec.conditions ?? [];
  if (!Array.isArray(conditions)) throw new KanpinnInputError(`conditions: expected an array, got ${describe(conditions)}`);
  conditions.forEach((condition, i) => terms.push(buildConditionTerm(condition, i, domain, ctx, options.baseDir)));
  checkSelectors(conditions, ctx);
  checkDataInDomain(conditions, terms, domain);

  const exact = parseExact(spec.exact, ctx, domain);
  const reference = parseReference(spec.reference, variables, spatial.length, unknowns, options.baseDir);
  const defaults = parsePoints(spec.points, variables.length);
  const solver = parseSolver(spec.solver);
  if (solver) defaults.solver = solver;
  const mesh = parseTestMesh(spec.test, variables);
  const problem: Problem = {
    name,
    description,
    variables,
    spatial,
    ...(time ? { time } : {}),
    unknowns,
    bounds: { min: [...domain.bounds.min], max: [...domain.bounds.max] },
    terms,
    defaults,
    contains: (coords, count) => domain.contains(coords, count),
    source: { spec, ctx, domain },
  };
  if (inferred.length > 0) {
    const hasData = conditions.some((c) => isRecord(c) && c.type === 'data');
    problem.inferred = { parameters: inferred, warnings: inferWarnings(inferred, inferredUsed, hasData) };
  }
  if (exact) {
    problem.exact = (coords, count) => {
      const c64 = Float64Array.from(coords.subarray(0, count * variables.length));
      const out = new Float32Array(count * unknowns.length);
      unknowns.forEach((u, k) => exact.derivative(u, c64, count).forEach((v, i) => (out[i * unknowns.length + k] = v)));
      return out;
    };
    problem.exactDerivative = (n, coords, count) => exact.derivative(n, coords, count);
    problem.exactMethod = exact.method;
  }
  if (reference) {
    problem.referenceSource = reference.source;
    problem.testSet = () => referenceTestSet(reference.rows, variables.length, unknowns.length, reference.source);
  } else if (exact) {
    const evaluate = problem.exact as NonNullable<Problem['exact']>;
    problem.testSet = () => meshTestSet(domain, mesh, evaluate, unknowns.length);
  }
  return problem;
}

/** The spatial domain; a time-only problem has none (the 0-D point). */
function parseSpace(value: unknown, spatial: string[], params: Record<string, number>): Geometry {
  if (spatial.length === 0) {
    if (value !== undefined) throw new KanpinnInputError('domain: a time-only problem ("variables": []) has no spatial domain; remove "domain"');
    return createPoint();
  }
  if (value === undefined) throw new KanpinnInputError('domain: missing (expected e.g. { "type": "rectangle", "min": [0, 0], "max": [1, 1] })');
  return buildGeometry(value, 'domain', spatial.length, params);
}

function parseTime(value: unknown, params: Record<string, number>): [number, number] | undefined {
  if (value === undefined) return undefined;
  if (!Array.isArray(value) || value.length !== 2) {
    throw new KanpinnInputError(`time: expected [t0, t1] with finite numbers, got ${describe(value)}`);
  }
  const [t0, t1] = value.map((v, i) => finiteBound(v, `time[${i}]`, params)) as [number, number];
  if (!(t1 > t0)) throw new KanpinnInputError(`time: expected t0 < t1, got [${t0}, ${t1}]`);
  return [t0, t1];
}

function names(value: unknown, field: string, example: string[]): string[] {
  if (field === 'variables' && Array.isArray(value) && value.length === 0) {
    throw new KanpinnInputError('variables: expected at least one spatial variable, or "time": [t0, t1] for a time-only problem (ODE)');
  }
  if (!Array.isArray(value) || value.length === 0) throw new KanpinnInputError(`${field}: expected a non-empty array of names like ${JSON.stringify(example)}, got ${describe(value)}`);
  const seen = new Set<string>();
  return value.map((v, i) => {
    if (typeof v !== 'string' || !IDENTIFIER.test(v)) throw new KanpinnInputError(`${field}[${i}]: expected a name (letters and digits), got ${describe(v)}`);
    if (v in CONSTANTS || FUNCTION_NAMES.includes(v)) throw new KanpinnInputError(`${field}[${i}]: '${v}' is reserved (a constant or a function)`);
    if (seen.has(v)) throw new KanpinnInputError(`${field}[${i}]: '${v}' appears twice`);
    if (v.includes('_')) throw new KanpinnInputError(`${field}[${i}]: '${v}' must not contain '_'`);
    seen.add(v);
    return v;
  });
}

function parseParams(value: unknown, taken: string[]): Record<string, number> {
  if (value === undefined) return {};
  if (!isRecord(value)) throw new KanpinnInputError(`params: expected an object of numbers like { "k": 4 }, got ${describe(value)}`);
  const params: Record<string, number> = {};
  for (const [key, v] of Object.entries(value)) {
    if (!IDENTIFIER.test(key) || key in CONSTANTS || FUNCTION_NAMES.includes(key)) throw new KanpinnInputError(`params.${key}: expected a name that is not a constant or a function`);
    if (taken.includes(key)) throw new KanpinnInputError(`params.${key}: '${key}' is already a variable or an unknown`);
    if (typeof v !== 'number' || !Number.isFinite(v)) throw new KanpinnInputError(`params.${key}: expected a finite number, got ${describe(v)}`);
    params[key] = v;
  }
  return params;
}

function parseDefines(value: unknown, ctx: ExprContext, taken: string[]): Map<string, MathNode> {
  const defines = new Map<string, MathNode>();
  if (value === undefined) return defines;
  if (!isRecord(value)) throw new KanpinnInputError(`define: expected an object of expressions like { "f": "sin(pi*x)" }, got ${describe(value)}`);
  for (const [key, source] of orderDefines(value)) {
    if (!IDENTIFIER.test(key) || key in CONSTANTS || FUNCTION_NAMES.includes(key)) throw new KanpinnInputError(`define.${key}: expected a name that is not a constant or a function`);
    if (taken.includes(key)) throw new KanpinnInputError(`define.${key}: '${key}' is already a variable, an unknown or a parameter`);
    // orderDefines puts every define after those it uses, so each sees what it needs.
    defines.set(key, parseExpression(source, `define.${key}`, { ...ctx, defines }).node);
  }
  return defines;
}

function parseExact(value: unknown, ctx: ExprContext, domain: Domain): ExactEvaluator | undefined {
  if (value === undefined) return undefined;
  if (typeof value === 'function') {
    const extent = domain.bounds.max.map((m, d) => m - (domain.bounds.min[d] as number));
    return finiteDifferenceExact(value as (p: Readonly<Record<string, number>>) => number | number[], ctx.variables, ctx.unknowns, extent);
  }
  const list = Array.isArray(value) ? value : [value];
  if (list.length !== ctx.unknowns.length) throw new KanpinnInputError(`exact: expected ${ctx.unknowns.length} expressions (one per unknown: ${ctx.unknowns.join(', ')}), got ${list.length}`);
  const nodes = list.map((source, i) => parseExpression(source, Array.isArray(value) ? `exact[${i}]` : 'exact', { ...ctx, allowUnknowns: false }).node);
  return symbolicExact(nodes, ctx.variables, ctx.unknowns);
}

function parseReference(value: unknown, variables: string[], spatial: number, unknowns: string[], baseDir?: string): { rows: number[][]; source: string } | undefined {
  if (value === undefined) return undefined;
  const columns = variables.length + unknowns.length;
  const labels = [...variables, ...unknowns];
  const timed = variables.length > spatial;
  const fromFile = (file: string, format?: ReferenceFormat): { rows: number[][]; source: string } => {
    const path = resolvePath(file, baseDir);
    const rows = parseReferenceFile(readText(path, 'reference'), spatial, timed, labels, unknowns.length, 'reference', format);
    return { rows, source: file.split(/[\\/]/).pop() ?? file };
  };
  if (typeof value === 'string') return fromFile(value);
  if (isRecord(value) && value.file !== undefined) {
    checkFields(value, ['file', 'format'], 'reference');
    if (typeof value.file !== 'string' || value.file === '') throw new KanpinnInputError(`reference.file: expected a path to a data file, got ${describe(value.file)}`);
    const format = value.format;
    if (format !== undefined && !(REFERENCE_FORMATS as readonly unknown[]).includes(format)) {
      throw new KanpinnInputError(`reference.format: expected one of ${REFERENCE_FORMATS.join(', ')}, got ${describe(format)}`);
    }
    return fromFile(value.file, format as ReferenceFormat | undefined);
  }
  if (isRecord(value) && Array.isArray(value.rows)) {
    const rows = value.rows.map((row, i) => {
      if (!Array.isArray(row) || row.length !== columns || !row.every((v) => typeof v === 'number' && Number.isFinite(v))) {
        throw new KanpinnInputError(`reference.rows[${i}]: expected ${columns} finite numbers (${labels.join(' ')}), got ${describe(row)}`);
      }
      return row as number[];
    });
    if (rows.length === 0) throw new KanpinnInputError('reference.rows: expected at least one row');
    return { rows, source: typeof value.source === 'string' ? value.source : 'reference' };
  }
  throw new KanpinnInputError(`reference: expected a path to a data file, { "file": …, "format": … } or { "rows": [...] }, got ${describe(value)}`);
}

/** The optional `"solver": { "grids": [5, 10], "steps": 75, "optimizer": "adam", … }` hint, checked by the training options' own rules. */
function parseSolver(value: unknown): SolverHint | undefined {
  if (isRecord(value)) checkFields(value, [...HINT_FIELDS], 'solver');
  return parseSolverHint(value);
}

function parsePoints(value: unknown, dims: number): Problem['defaults'] {
  const base = { ...(DEFAULT_POINTS[Math.min(dims, 4)] as { interiorPoints: number; boundaryPoints: number }) };
  if (value === undefined) return base;
  if (!isRecord(value)) throw new KanpinnInputError(`points: expected { "interior": N, "boundary": N }, got ${describe(value)}`);
  checkFields(value, ['interior', 'boundary', 'method'], 'points');
  const count = (v: unknown, field: string, fallback: number): number => {
    if (v === undefined) return fallback;
    if (typeof v !== 'number' || !Number.isInteger(v) || v < 1) throw new KanpinnInputError(`${field}: expected a positive integer, got ${describe(v)}`);
    return v;
  };
  const defaults: Problem['defaults'] = {
    interiorPoints: count(value.interior, 'points.interior', base.interiorPoints),
    boundaryPoints: count(value.boundary, 'points.boundary', base.boundaryPoints),
  };
  if (value.method !== undefined) {
    if (typeof value.method !== 'string' || !(SAMPLING_METHODS as readonly string[]).includes(value.method)) {
      throw new KanpinnInputError(`points.method: expected one of ${SAMPLING_METHODS.join(', ')}, got ${describe(value.method)}`);
    }
    defaults.method = value.method as SamplingMethod;
  }
  return defaults;
}

function parseTestMesh(value: unknown, variables: string[]): number[] | undefined {
  if (value === undefined) return undefined;
  if (!isRecord(value)) throw new KanpinnInputError(`test: expected { "mesh": [n, …] }, got ${describe(value)}`);
  checkFields(value, ['mesh'], 'test');
  const mesh = value.mesh;
  if (!Array.isArray(mesh) || mesh.length !== variables.length || !mesh.every((n) => typeof n === 'number' && Number.isInteger(n) && n >= 2)) {
    throw new KanpinnInputError(`test.mesh: expected ${variables.length} integers >= 2 (points along ${variables.join(', ')}), got ${describe(mesh)}`);
  }
  checkTestMeshSize(mesh as number[]);
  return mesh as number[];
}
