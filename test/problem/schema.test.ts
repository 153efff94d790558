import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { Ajv2020 } from 'ajv/dist/2020.js';
import { describe, expect, it } from 'vitest';
import { KanpinnInputError, defineProblem } from '../../src/index.js';
import { problemSchema } from '../../src/problem/schema.js';
import { schemaText } from '../../solvers/writeSchema.js';

const root = join(import.meta.dirname, '..', '..');
const schemaPath = join(root, 'problems', 'schema', 'problem.schema.json');
const validate = new Ajv2020({ allErrors: true, allowUnionTypes: true }).compile(JSON.parse(readFileSync(schemaPath, 'utf8')) as object);

/** The validator's message for `spec`, or null when it accepts it. */
function loaderError(spec: Record<string, unknown>): string | null {
  try {
    defineProblem(spec);
    return null;
  } catch (error) {
    if (!(error instanceof KanpinnInputError)) throw error;
    return error.message;
  }
}

const base = {
  name: 'p',
  variables: ['x', 'y'],
  domain: { type: 'rectangle', min: [0, 0], max: [1, 1] },
  pde: 'u_xx + u_yy',
  conditions: [{ type: 'dirichlet', on: 'boundary', value: '0' }],
};

describe('the JSON Schema of problem files', () => {
  it('problems/schema/problem.schema.json is the generator output (regenerate with npm run schema)', () => {
    expect(readFileSync(schemaPath, 'utf8'), 'problems/schema/problem.schema.json is stale: run npm run schema').toBe(schemaText());
  });

  const builtins = readdirSync(join(root, 'problems')).filter((file) => file.endsWith('.json'));
  it('covers at least the five JSON built-ins', () => expect(builtins.length).toBeGreaterThanOrEqual(5));
  it.each(builtins)('the built-in %s validates against it', (file) => {
    const ok = validate(JSON.parse(readFileSync(join(root, 'problems', file), 'utf8')));
    expect(validate.errors ?? []).toEqual([]);
    expect(ok).toBe(true);
  });

  it('accepts what the problem language gained: balls, expression bounds, piecewise terms, time-only problems', () => {
    const good: Record<string, unknown>[] = [
      { ...base, variables: ['x', 'y', 'z'], domain: { type: 'difference', of: { type: 'box', min: [0, 0, 0], max: [1, 1, 1] }, minus: [{ type: 'ball', center: [0.5, 0.5, 0.5], radius: 0.2 }] }, pde: 'lap(lap(u)) + (x < 0.5 ? 1 : 2)' },
      { ...base, domain: { type: 'rectangle', min: ['-pi', 0], max: ['pi', 1] }, pde: 'div((1 + x^2)*grad(u)) + erf(x) + besselj(1, y)' },
      { name: 'ode', variables: [], time: [0, 1], pde: 'u_t + u', conditions: [{ type: 'initial', value: 1 }] },
      { ...base, fields: { k: { rows: [[0, 0, 1], [0, 1, 1], [1, 0, 2], [1, 1, 2]], interpolate: 'nearest' } }, pde: 'div(k*grad(u))' },
    ];
    for (const spec of good) {
      expect(loaderError(spec), JSON.stringify(spec)).toBeNull();
      expect(validate(spec), JSON.stringify(validate.errors)).toBe(true);
    }
    const bad: Record<string, unknown>[] = [
      { name: 'ode', variables: [], time: [0, 1], domain: { type: 'interval', min: 0, max: 1 }, pde: 'u_t + u' },
      { name: 'ode', variables: [], pde: 'u_t + u' },
      { ...base, fields: { k: { rows: [[0, 0, 1], [1, 1, 2]], interpolate: 'cubic' } } },
      { ...base, fields: { k: { interpolate: 'nearest' } } },
      { ...base, fields: { k_x: { rows: [[0, 0, 1], [1, 1, 2]] } } },
    ];
    for (const spec of bad) {
      expect(loaderError(spec), JSON.stringify(spec)).not.toBeNull();
      expect(validate(spec), JSON.stringify(spec)).toBe(false);
    }
  });

  it('refuses what the loader refuses as unknown or missing fields', () => {
    const bad: Record<string, unknown>[] = [
      { ...base, conditons: [] },
      { ...base, points: { interior: 10, inner: 3 } },
      { ...base, solver: { history: 5 } },
      { ...base, conditions: [{ type: 'dirichlet', vaule: 0 }] },
      { ...base, conditions: [{ type: 'dirichlett', value: 0 }] },
      { ...base, domain: { type: 'disk', center: [0, 0], radius: 1, r: 2 } },
      { ...base, pde: undefined },
      { ...base, solver: { optimizer: 'sgd' } },
      { ...base, points: { method: 'grid' } },
    ];
    for (const spec of bad) {
      const json = JSON.parse(JSON.stringify(spec)) as Record<string, unknown>;
      expect(loaderError(json), JSON.stringify(json)).not.toBeNull();
      expect(validate(json), JSON.stringify(json)).toBe(false);
    }
  });

  it('lists exactly the fields the loader accepts at each level', () => {
    const schema = problemSchema() as { properties: Record<string, unknown>; $defs: Record<string, { properties?: Record<string, unknown>; oneOf?: { properties: Record<string, { const?: string }> }[] }> };
    const fieldsOf = (s: { properties?: Record<string, unknown> } | undefined): string[] => Object.keys(s?.properties ?? {});
    // For each object, every listed field is known to the loader and a made-up one is not.
    const probe = (where: string, make: (field: string) => Record<string, unknown>, fields: string[]): void => {
      for (const field of fields) expect(loaderError(make(field)) ?? '', `${where}.${field}`).not.toMatch(new RegExp(`${field.replace('$', '\\$')}: unknown field`));
      expect(loaderError(make('zzz')), `${where}.zzz`).toMatch(/zzz: unknown field/);
    };
    probe('top', (f) => ({ ...base, [f]: base[f as keyof typeof base] ?? {} }), fieldsOf(schema));
    const top = schema.properties as Record<string, { properties?: Record<string, unknown> }>;
    probe('points', (f) => ({ ...base, points: { [f]: 1 } }), fieldsOf(top.points));
    probe('test', (f) => ({ ...base, test: { [f]: [3, 3] } }), fieldsOf(top.test));
    probe('weights', (f) => ({ ...base, weights: { [f]: 1 } }), fieldsOf(top.weights));
    probe('solver', (f) => ({ ...base, solver: { [f]: 1 } }), fieldsOf(schema.$defs.solver));
    for (const variant of schema.$defs.condition?.oneOf ?? []) {
      const type = variant.properties.type?.const as string;
      probe(`conditions[${type}]`, (f) => ({ ...base, conditions: [{ type, [f]: f === 'type' ? type : 0 }] }), fieldsOf(variant));
    }
    for (const variant of schema.$defs.domain?.oneOf ?? []) {
      const type = variant.properties.type?.const as string;
      probe(`domain[${type}]`, (f) => ({ ...base, domain: { type, [f]: f === 'type' ? type : 0 } }), fieldsOf(variant));
    }
  });
});
