/**
 * fast-check generators for the fuzz tests: problem specs made by mutating valid ones (a template,
 * then a few fields replaced, deleted or added with hostile values), expressions from a token soup,
 * and CLI argument lists mixing valid small values with garbage.
 */
import { appendFileSync, readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';

/** Number of runs: `FUZZ_RUNS` when set (the long run), else `fallback` (npm test). */
export function fuzzRuns(fallback: number): number {
  const env = Number(process.env.FUZZ_RUNS);
  return Number.isInteger(env) && env > 0 ? env : fallback;
}

/** Long runs: appends `line` to the file named by `FUZZ_LOG` (progress survives a run cut short). */
export function fuzzLog(line: string): void {
  if (process.env.FUZZ_LOG) appendFileSync(process.env.FUZZ_LOG, `${new Date().toISOString()} ${line}\n`);
}

/** Time limit of a fuzz test: generous for the long run, bounded in npm test. */
export const FUZZ_TIMEOUT_MS = process.env.FUZZ_RUNS ? 4 * 3600_000 : 180_000;

/** Fixed seed so that `npm test` is deterministic; `FUZZ_SEED` varies it for the long run. */
export const FUZZ_SEED = Number.isInteger(Number(process.env.FUZZ_SEED)) && process.env.FUZZ_SEED ? Number(process.env.FUZZ_SEED) : 20261129;

export const ROOT = join(import.meta.dirname, '..', '..');
export const PROBLEMS_DIR = join(ROOT, 'problems');

const rect = { type: 'rectangle', min: [0, 0], max: [1, 1] };

/** Valid specs covering every domain and condition type (the JSON built-ins are added below). */
const HAND_WRITTEN: Record<string, unknown>[] = [
  { name: 'p2', variables: ['x', 'y'], domain: rect, pde: 'u_xx + u_yy + 2*pi^2*sin(pi*x)*sin(pi*y)', conditions: [{ type: 'dirichlet', on: 'boundary', value: 0 }], exact: 'sin(pi*x)*sin(pi*y)' },
  {
    name: 'disk',
    variables: ['x', 'y'],
    params: { k: 2 },
    define: { g: 'x^2 + y^2', h: 'k*g' },
    domain: { type: 'disk', center: [0, 0], radius: 1 },
    pde: 'lap(u) - 4',
    conditions: [
      { type: 'neumann', on: 'x > 0', value: '2*x*x + 2*y*y' },
      { type: 'robin', on: 'x <= 0', alpha: 1, beta: 0, value: 'g' },
    ],
    exact: 'g',
  },
  {
    name: 'poly',
    variables: ['x', 'y'],
    domain: { type: 'polygon', vertices: [[0, 0], [2, 0], [2, 1], [1, 1], [1, 2], [0, 2]] },
    pde: 'u_xx + u_yy',
    conditions: [
      { type: 'dirichlet', value: 'x' },
      { type: 'data', points: [[0.5, 0.5], [1.5, 0.5]], values: [0.5, 1.5], weight: 2 },
    ],
    points: { interior: 50, boundary: 20, method: 'halton' },
  },
  {
    name: 'csg',
    variables: ['x', 'y'],
    domain: { type: 'difference', of: rect, minus: [{ type: 'disk', center: [0.5, 0.5], radius: 0.2 }] },
    pde: ['u_xx + u_yy - v', 'v'],
    unknowns: ['u', 'v'],
    conditions: [{ type: 'dirichlet', value: 0 }, { type: 'dirichlet', unknown: 'v', value: 0 }],
    weights: { pde: [1, 0.5] },
    test: { mesh: [5, 5] },
  },
  {
    name: 'wave',
    variables: ['x'],
    time: [0, 1],
    domain: { type: 'interval', min: 0, max: 1 },
    pde: 'u_tt - u_xx',
    conditions: [{ type: 'periodic', axis: 'x', derivative: true }, { type: 'initial', value: 'sin(2*pi*x)', rate: 0 }],
    exact: 'sin(2*pi*x)*cos(2*pi*t)',
    solver: { grids: [3], steps: 1, optimizer: 'adam', lr: 0.01 },
  },
];

/** The JSON built-ins (read at import) and the hand-written specs. */
export const TEMPLATES: Record<string, unknown>[] = [
  ...readdirSync(PROBLEMS_DIR)
    .filter((f) => f.endsWith('.json'))
    .map((f) => JSON.parse(readFileSync(join(PROBLEMS_DIR, f), 'utf8')) as Record<string, unknown>),
  ...HAND_WRITTEN,
];

const TOKENS = ['x', 'y', 't', 'u', 'v', 'k', 'g', 'u_x', 'u_xx', 'u_yy', 'u_t', 'u_xxxx', 'u_q', 'lap(u)', '+', '-', '*', '/', '^', '(', ')', '1', '0', '2.5', '1e308', 'pi', 'e', 'sin(', 'exp(', 'log(', 'sqrt(', 'abs(', '==', '<', '>=', 'and', 'or', 'not', '?', ':', ',', '[', ']', '"', '=', ';', '!', 'f(x)', 'import', 'evaluate', '__proto__'];

/** Expression-like strings: mostly garbage, sometimes valid. */
export const expression = fc.array(fc.constantFrom(...TOKENS), { minLength: 1, maxLength: 7 }).map((tokens) => tokens.join(' '));

const SPECIAL_STRINGS = ['boundary', 'x == 0', 'x + 1', '1/0', 'log(x)', 'sin(pi*x)', 'u', 't', 'lap(u)', 'x ==', '((', '', ' ', 'NaN', 'Infinity', '-1', '1e400', 'dirichlet', 'data', 'rectangle', 'disk', 'polygon', 'interval', 'adam', 'sobol', 'cosine:1e-4', 'x', 'y', 'constructor', '__proto__', 'toString', 'missing.dat', '../../etc/passwd', '/dev/zero', 'é', '\u0000', '\n'];

/** Leaf values: numbers near and far from valid ones (NaN and ±Infinity included), strings, booleans, null. */
const leaf = fc.oneof(
  fc.constant(undefined),
  fc.constant(null),
  fc.boolean(),
  fc.integer({ min: -3, max: 12 }),
  fc.double(),
  fc.constantFrom(0, -1, 1, 2, 0.5, 2.5, 1e-300, 1e30, -1e30, 2 ** 53, 4096, 1e7),
  fc.string({ maxLength: 6 }),
  fc.constantFrom(...SPECIAL_STRINGS),
  expression,
);

const KEYS = ['type', 'min', 'max', 'center', 'radius', 'vertices', 'of', 'minus', 'on', 'value', 'rate', 'alpha', 'beta', 'axis', 'unknown', 'weight', 'points', 'values', 'file', 'interior', 'boundary', 'method', 'mesh', 'pde', 'grids', 'steps', '__proto__', 'constructor', 'x'];

/** Any JSON-ish value, a few levels deep. */
export const anyValue: fc.Arbitrary<unknown> = fc.letrec<{ value: unknown }>((tie) => ({
  value: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    leaf,
    fc.array(tie('value'), { maxLength: 4 }),
    fc.dictionary(fc.constantFrom(...KEYS), tie('value'), { maxKeys: 3 }),
  ),
})).value;

/** Every path (list of keys and indices) into a JSON value, the root included. */
function paths(value: unknown, prefix: (string | number)[] = [], out: (string | number)[][] = []): (string | number)[][] {
  out.push(prefix);
  if (Array.isArray(value)) value.forEach((v, i) => paths(v, [...prefix, i], out));
  else if (value !== null && typeof value === 'object') for (const [k, v] of Object.entries(value)) paths(v, [...prefix, k], out);
  return out;
}

/** One mutation: at the `at`-th path (modulo the count), replace, delete, or add a key with `value`. */
export interface Mutation {
  at: number;
  action: 'replace' | 'delete' | 'add';
  key: string;
  value: unknown;
}

const mutation: fc.Arbitrary<Mutation> = fc.record({
  at: fc.nat(),
  action: fc.constantFrom('replace' as const, 'replace' as const, 'delete' as const, 'add' as const),
  key: fc.constantFrom(...KEYS, 'name', 'variables', 'time', 'params', 'define', 'domain', 'unknowns', 'conditions', 'exact', 'reference', 'weights', 'solver', 'test', '$schema'),
  value: anyValue,
});

/** Applies `mutations` to a deep copy of `template`. */
export function mutate(template: unknown, mutations: readonly Mutation[]): unknown {
  let root: unknown = structuredClone(template);
  for (const m of mutations) {
    const all = paths(root);
    const path = all[m.at % all.length] as (string | number)[];
    if (path.length === 0) {
      if (m.action === 'replace') root = m.value;
      else if (m.action === 'add' && root !== null && typeof root === 'object' && !Array.isArray(root)) Object.defineProperty(root, m.key, { value: m.value, enumerable: true, writable: true, configurable: true });
      continue;
    }
    let parent = root as Record<string | number, unknown>;
    for (const key of path.slice(0, -1)) parent = parent[key] as Record<string | number, unknown>;
    const last = path[path.length - 1] as string | number;
    if (m.action === 'delete') {
      if (Array.isArray(parent)) parent.splice(last as number, 1);
      else delete parent[last];
    } else if (m.action === 'add' && parent[last] !== null && typeof parent[last] === 'object' && !Array.isArray(parent[last])) {
      // defineProperty: a key named __proto__ becomes an own field, as JSON.parse makes it.
      Object.defineProperty(parent[last] as object, m.key, { value: m.value, enumerable: true, writable: true, configurable: true });
    } else {
      parent[last] = m.value;
    }
  }
  return root;
}

/** A template index and up to three mutations. */
export const mutatedSpec = fc.record({ template: fc.nat({ max: TEMPLATES.length - 1 }), mutations: fc.array(mutation, { minLength: 0, maxLength: 3 }) }).map(({ template, mutations }) => ({
  spec: mutate(TEMPLATES[template], mutations),
  template: (TEMPLATES[template] as { name: string }).name,
  mutations,
}));
