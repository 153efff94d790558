/**
 * The JSON Schema (draft 2020-12) of a problem file, generated from the tables the validator
 * itself checks fields against: `SPEC_FIELDS`, `CONDITION_TYPES`/`CONDITION_FIELDS`,
 * `DOMAIN_TYPES`/`FIELDS` and, for the `"solver"` hint, `HINT_OPTIONS`/`OPTION_SPECS`. A field added
 * to one of those tables appears in the schema without an edit here (with a permissive type until
 * it gets a fragment below). `problems/schema/problem.schema.json` is this function's output; a test keeps the two
 * equal and checks that the validator and the schema agree on fuzzed specs.
 */
import { HINT_OPTIONS, OPTION_SPECS, SAMPLING_METHODS } from '../options/training.js';
import type { OptionKind } from '../options/training.js';
import { DOMAIN_TYPES, FIELDS as DOMAIN_FIELDS } from './geometry/build.js';
import { CONDITION_FIELDS, CONDITION_TYPES, SPEC_FIELDS } from './spec.js';
import { FIELD_INTERPOLATIONS } from './expr/fieldNode.js';

/** A JSON Schema object. */
export type JsonSchema = { readonly [keyword: string]: unknown };

const ref = (name: string): JsonSchema => ({ $ref: `#/$defs/${name}` });
const arrayOf = (items: JsonSchema, minItems = 1): JsonSchema => ({ type: 'array', items, minItems });
const names: JsonSchema = { type: 'array', items: { type: 'string', pattern: '^[A-Za-z][A-Za-z0-9]*$' }, minItems: 1, uniqueItems: true };
const positiveInteger: JsonSchema = { type: 'integer', minimum: 1 };

/** Shared definitions referenced by the fragments below. */
const DEFS: Record<string, JsonSchema> = {
  expression: { type: ['string', 'number'], description: 'a mathjs expression over the variables, params, defines, pi and e (or a number)' },
  number: { type: ['number', 'string'], description: 'a finite number, or an expression over pi, e and params such as "2*pi"' },
  numbers: { type: 'array', items: { $ref: '#/$defs/number' }, minItems: 1 },
  expressions: { anyOf: [{ $ref: '#/$defs/expression' }, { type: 'array', items: { $ref: '#/$defs/expression' }, minItems: 1 }] },
};

/** Top-level fields; keyed by `SPEC_FIELDS`, so a new field without a schema fails to compile. */
const TOP: Record<(typeof SPEC_FIELDS)[number], JsonSchema> = {
  name: { type: 'string', minLength: 1, pattern: '\\S' },
  description: { type: 'string' },
  variables: { ...names, minItems: 0, description: 'spatial variables; t is added when "time" is given ([] with "time" and no "domain": a time-only problem, an ODE)' },
  time: { type: 'array', items: ref('number'), minItems: 2, maxItems: 2 },
  params: { type: 'object', additionalProperties: { type: 'number' } },
  infer: {
    type: 'object',
    description: 'unknown scalar parameters learned with the network (inverse problems): usable in the PDE, condition values and defines like params',
    propertyNames: { pattern: '^[A-Za-z][A-Za-z0-9]*$' },
    additionalProperties: {
      type: 'object',
      properties: {
        initial: { type: 'number', description: 'the starting value (strictly inside the bounds)' },
        min: { type: 'number', description: 'lower bound (min + softplus reparametrization; with max: a sigmoid)' },
        max: { type: 'number', description: 'upper bound' },
        truth: { type: 'number', description: 'the true value, when known: the result reports the relative error against it' },
      },
      required: ['initial'],
      additionalProperties: false,
    },
  },
  define: { type: 'object', additionalProperties: ref('expression') },
  fields: {
    type: 'object',
    description: 'coefficients given as data, usable by name in every expression (see README, "Fields")',
    propertyNames: { pattern: '^[A-Za-z][A-Za-z0-9]*$' },
    additionalProperties: {
      type: 'object',
      properties: {
        file: { type: 'string', minLength: 1, description: 'data rows "x y … [t] value" (whitespace or commas, % or # comment lines), relative to the problem file' },
        rows: { type: 'array', items: { type: 'array', items: { type: 'number' }, minItems: 2 }, minItems: 2 },
        interpolate: { enum: [...FIELD_INTERPOLATIONS], description: 'linear (default; multilinear on a grid) or nearest' },
      },
      oneOf: [{ required: ['file'] }, { required: ['rows'] }],
      additionalProperties: false,
    },
  },
  domain: ref('domain'),
  unknowns: names,
  pde: ref('expressions'),
  conditions: { type: 'array', items: ref('condition') },
  exact: ref('expressions'),
  reference: {
    anyOf: [
      { type: 'string', description: 'path of a data file of rows "x y … u", relative to the problem file' },
      { type: 'object', properties: { rows: { type: 'array', items: { type: 'array', items: { type: 'number' } }, minItems: 1 }, source: { type: 'string' } }, required: ['rows'] },
      {
        type: 'object',
        properties: { file: { type: 'string', minLength: 1 }, format: { enum: ['rows', 'comsol-grid-time'], description: 'rows "x … [t] u …", or a COMSOL grid export with one column per time (auto-detected when absent)' } },
        required: ['file'],
        additionalProperties: false,
      },
    ],
  },
  weights: { type: 'object', properties: { pde: { anyOf: [{ type: 'number', minimum: 0 }, { type: 'array', items: { type: 'number', minimum: 0 } }] } }, additionalProperties: false },
  points: {
    type: 'object',
    properties: { interior: positiveInteger, boundary: positiveInteger, method: { enum: [...SAMPLING_METHODS] } },
    additionalProperties: false,
  },
  solver: ref('solver'),
  test: { type: 'object', properties: { mesh: arrayOf({ type: 'integer', minimum: 2 }) }, additionalProperties: false },
  $schema: { type: 'string' },
};

/** Fields of the top level the validator requires. */
const TOP_REQUIRED = ['name', 'variables', 'pde'];

/** "domain" is required unless the problem is time-only ("variables": [] with "time", and no domain). */
const TIME_ONLY: JsonSchema = {
  if: { properties: { variables: { type: 'array', maxItems: 0 } }, required: ['variables'] },
  then: { required: ['time'], not: { required: ['domain'] } },
  else: { required: ['domain'] },
};

/** Condition fields by name (the same meaning on every condition type). */
const CONDITION_PROPERTIES: Record<string, JsonSchema> = {
  type: { type: 'string' },
  on: { type: 'string', description: '"boundary" or a condition over the variables, such as "x == 0"' },
  value: ref('expression'),
  rate: ref('expression'),
  alpha: ref('expression'),
  beta: ref('expression'),
  axis: { type: 'string' },
  derivative: { type: 'boolean' },
  unknown: { type: 'string' },
  weight: { type: 'number', minimum: 0 },
  points: { type: 'array', items: { type: 'array', items: { type: 'number' } }, minItems: 1 },
  values: { type: 'array', items: { type: 'number' }, minItems: 1 },
  file: { type: 'string', description: 'data rows "x y … u", relative to the problem file' },
};

/** Fields each condition type requires. */
const CONDITION_REQUIRED: Partial<Record<(typeof CONDITION_TYPES)[number], string[]>> = {
  dirichlet: ['value'],
  neumann: ['value'],
  robin: ['alpha', 'beta', 'value'],
  periodic: ['axis'],
};

/** Domain fields by `type.field`, then by field. */
const DOMAIN_PROPERTIES: Record<string, JsonSchema> = {
  'interval.min': ref('number'),
  'interval.max': ref('number'),
  min: ref('numbers'),
  max: ref('numbers'),
  center: ref('numbers'),
  radius: ref('number'),
  vertices: { type: 'array', items: { type: 'array', items: ref('number'), minItems: 2, maxItems: 2 }, minItems: 3 },
  'difference.of': ref('domain'),
  of: arrayOf(ref('domain')),
  minus: arrayOf(ref('domain')),
};

/** The schema of one solver-hint option, from its validator kind. */
function optionSchema(kind: OptionKind): JsonSchema {
  switch (kind.type) {
    case 'integer':
      return { type: 'integer', minimum: kind.min, ...(kind.max !== undefined ? { maximum: kind.max } : {}) };
    case 'number':
      return { type: 'number', ...(kind.exclusiveMin ? { exclusiveMinimum: kind.min } : { minimum: kind.min }), ...(kind.max !== undefined ? { maximum: kind.max } : {}) };
    case 'choice':
      return { enum: [...kind.choices] };
    case 'intList':
      return arrayOf({ type: 'integer', minimum: kind.min });
    case 'schedule':
      return { type: 'string', description: 'a learning-rate schedule such as "cosine:1e-4"' };
    case 'weights':
      return { type: 'string' };
    case 'embed':
    case 'hard':
      return { type: 'string', description: kind.type === 'embed' ? 'an input embedding such as "fourier:8" or "periodic:x"' : 'hard constraints such as "dirichlet,initial"' };
    default: {
      const never: never = kind;
      throw new Error(`optionSchema: unknown kind ${JSON.stringify(never)}`);
    }
  }
}

/** `{ type: "object", properties, additionalProperties: false }` over `fields`, each from `lookup` (or any value). */
function closedObject(fields: readonly string[], lookup: (field: string) => JsonSchema | undefined, required: readonly string[] = []): JsonSchema {
  const properties = Object.fromEntries(fields.map((field) => [field, lookup(field) ?? {}]));
  return { type: 'object', properties, ...(required.length ? { required: [...required] } : {}), additionalProperties: false };
}

/** The JSON Schema of a problem file (see the module comment). */
export function problemSchema(): JsonSchema {
  const conditions = CONDITION_TYPES.map((type) => {
    const schema = closedObject(CONDITION_FIELDS[type], (field) => CONDITION_PROPERTIES[field], ['type', ...(CONDITION_REQUIRED[type] ?? [])]);
    return { ...schema, properties: { ...(schema.properties as object), type: { const: type } } };
  });
  const domains = DOMAIN_TYPES.map((type) => {
    const fields = DOMAIN_FIELDS[type];
    const schema = closedObject(fields, (field) => DOMAIN_PROPERTIES[`${type}.${field}`] ?? DOMAIN_PROPERTIES[field], fields);
    return { ...schema, properties: { ...(schema.properties as object), type: { const: type } } };
  });
  const hints = HINT_OPTIONS.map((name) => [OPTION_SPECS[name].hint as string, { ...optionSchema(OPTION_SPECS[name].kind), description: OPTION_SPECS[name].help }] as const);
  return {
    $schema: 'https://json-schema.org/draft/2020-12/schema',
    title: 'kanpinn problem file',
    description: 'A PDE problem for kanpinn (see README, "Problems as JSON"). Generated from the loader\'s field tables by problemSchema().',
    ...closedObject(SPEC_FIELDS, (field) => TOP[field as (typeof SPEC_FIELDS)[number]], TOP_REQUIRED),
    ...TIME_ONLY,
    $defs: {
      ...DEFS,
      domain: { oneOf: domains },
      condition: { oneOf: conditions },
      solver: closedObject(
        hints.map(([field]) => field),
        (field) => hints.find(([name]) => name === field)?.[1],
      ),
    },
  };
}
