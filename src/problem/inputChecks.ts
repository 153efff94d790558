/**
 * Checks of a problem spec that need more than one field at a time: `define`s in dependency order,
 * `on` selectors that are conditions (not numbers), and data points that lie in the domain.
 */
import { FunctionNode, SymbolNode, parse } from 'mathjs';
import type { MathNode } from 'mathjs';
import { KanpinnInputError, describe } from '../errors.js';
import { createRng } from '../random.js';
import type { Domain } from './domain.js';
import type { ExprContext } from './expr/parse.js';
import { parseExpression } from './expr/parse.js';
import type { LossTerm } from './types.js';
import { isRecord } from './validate.js';

/**
 * Refuses `null` anywhere in a spec: no field takes it, and treating it as "absent" in some places
 * and as a wrong type in others made the loader lenient where the JSON Schema is not.
 */
export function refuseNulls(value: unknown, path = ''): void {
  if (value === null) throw new KanpinnInputError(`${path || 'problem'}: null is not a value here; leave the field out or give a value`);
  if (Array.isArray(value)) value.forEach((v, i) => refuseNulls(v, `${path}[${i}]`));
  else if (isRecord(value) && Object.getPrototypeOf(value) === Object.prototype) {
    for (const [key, v] of Object.entries(value)) refuseNulls(v, path ? `${path}.${key}` : key);
  }
}

/** Checks of the whole spec before its fields are read: no nulls, and `$schema` (otherwise ignored) is a string. */
export function checkSpecShape(spec: Record<string, unknown>): void {
  refuseNulls(spec);
  if (spec.$schema !== undefined && typeof spec.$schema !== 'string') {
    throw new KanpinnInputError(`$schema: expected a string (the path or URL of problem.schema.json), got ${describe(spec.$schema)}`);
  }
}

/** Names a source refers to as symbols (not as functions); empty when it does not parse (the parser says why later). */
function referencedNames(source: unknown): Set<string> {
  const names = new Set<string>();
  if (typeof source !== 'string') return names;
  let tree: MathNode;
  try {
    tree = parse(source);
  } catch {
    return names;
  }
  tree.traverse((node, path, parent) => {
    if (node instanceof SymbolNode && !(parent instanceof FunctionNode && path === 'fn')) names.add(node.name);
  });
  return names;
}

/**
 * The entries of a `define` object in dependency order: a define may use any other, written
 * before or after it (JSON objects carry no meaningful order for a reader). Among independent
 * defines the written order is kept. A cycle is refused, naming it.
 */
export function orderDefines(defines: Record<string, unknown>): [string, unknown][] {
  const keys = Object.keys(defines);
  const uses = new Map(keys.map((key) => [key, [...referencedNames(defines[key])].filter((name) => name in defines)]));
  const ordered: [string, unknown][] = [];
  const done = new Set<string>();
  while (ordered.length < keys.length) {
    const next = keys.find((key) => !done.has(key) && (uses.get(key) ?? []).every((name) => done.has(name)));
    if (next === undefined) {
      const cycle = findCycle(keys.filter((key) => !done.has(key)), uses);
      throw new KanpinnInputError(`define.${cycle[0]}: circular definition (${cycle.join(' uses ')})`);
    }
    done.add(next);
    ordered.push([next, defines[next]]);
  }
  return ordered;
}

/** A cycle among `pending` (each uses at least one other pending name), as [a, b, …, a]. */
function findCycle(pending: string[], uses: Map<string, string[]>): string[] {
  const path: string[] = [];
  let current = pending[0] as string;
  while (!path.includes(current)) {
    path.push(current);
    current = (uses.get(current) ?? []).find((name) => pending.includes(name)) as string;
  }
  return [...path.slice(path.indexOf(current)), current];
}

const COMPARISONS = new Set(['equal', 'unequal', 'smaller', 'smallerEq', 'larger', 'largerEq', 'and', 'or', 'not', 'xor']);

/** Whether a parsed `on` expression yields a truth value (a comparison, a logical combination, or `c ? p : q` of those). */
function isCondition(node: MathNode): boolean {
  switch (node.type) {
    case 'ParenthesisNode':
      return isCondition((node as unknown as { content: MathNode }).content);
    case 'OperatorNode':
      return COMPARISONS.has((node as unknown as { fn: string }).fn);
    case 'ConditionalNode': {
      const c = node as unknown as { trueExpr: MathNode; falseExpr: MathNode };
      return isCondition(c.trueExpr) && isCondition(c.falseExpr);
    }
    default:
      return false;
  }
}

/** Refuses an `on` selector that is a number rather than a condition (`"x + 1"` would select every boundary point). */
export function checkSelectors(conditions: readonly unknown[], ctx: ExprContext): void {
  conditions.forEach((condition, i) => {
    if (!isRecord(condition) || condition.on === undefined || condition.on === 'boundary') return;
    const field = `conditions[${i}].on`;
    if (typeof condition.on !== 'string') throw new KanpinnInputError(`${field}: expected "boundary" or a condition such as "x == 0", got ${describe(condition.on)}`);
    const { node } = parseExpression(condition.on, field, { ...ctx, allowUnknowns: false, boolean: true });
    if (!isCondition(node)) {
      throw new KanpinnInputError(`${field}: expected "boundary" or a condition such as "x == 0" or "y > 0.5 and x < 1", got the number-valued ${describe(condition.on)}`);
    }
  });
}

/** Refuses data terms with points outside the closed domain (a unit or column-order mistake, and the network is not trained there). */
export function checkDataInDomain(conditions: readonly unknown[], terms: readonly LossTerm[], domain: Domain): void {
  conditions.forEach((condition, i) => {
    if (!isRecord(condition) || condition.type !== 'data') return;
    const term = terms.find((t) => t.kind === 'data' && t.name.startsWith(`conditions[${i}].`));
    if (!term) return;
    const points = term.sample(0, createRng(0), 'random'); // data terms return their fixed points
    const inside = domain.contains(points.coords, points.count);
    const outside = inside.reduce((n, v) => n + (v ? 0 : 1), 0);
    if (outside === 0) return;
    const first = inside.indexOf(0);
    const dim = domain.variables.length;
    const at = domain.variables.map((v, d) => `${v} = ${Number((points.coords[first * dim + d] as number).toPrecision(6))}`).join(', ');
    const where = condition.file !== undefined ? `.file: data row ${first + 1} (counting from 1)` : `.points[${first}]`;
    const spans = domain.variables.map((v, d) => `${v} in [${domain.bounds.min[d]}, ${domain.bounds.max[d]}]`).join(', ');
    throw new KanpinnInputError(
      `conditions[${i}]${where} lies outside the domain (${at}; ${outside} of ${points.count} points do; the domain's bounding box is ${spans})`,
    );
  });
}

/** Most test-mesh points a problem may ask for: the mesh is built in memory and the model evaluated on all of it. */
export const MAX_TEST_POINTS = 4_000_000;

/** Refuses a `test.mesh` whose point count (the product) exceeds MAX_TEST_POINTS (1e7 × 1e7 used to fail with "Invalid typed array length"). */
export function checkTestMeshSize(mesh: readonly number[]): void {
  const total = mesh.reduce((p, n) => p * n, 1);
  if (total > MAX_TEST_POINTS) {
    throw new KanpinnInputError(`test.mesh: ${mesh.join(' × ')} = ${total.toPrecision(3)} points; at most ${MAX_TEST_POINTS} (fewer points per axis)`);
  }
}
