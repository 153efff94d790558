/** Builds a geometry from its JSON description, refusing malformed input with one-line messages. */
import { KanpinnInputError, describe } from '../../errors.js';
import { checkFields, isRecord, suggestion } from '../validate.js';
import { parseExpression } from '../expr/parse.js';
import { compileNumeric } from '../expr/numeric.js';
import type { Geometry } from './types.js';
import { createBox } from './box.js';
import { createDisk } from './disk.js';
import { createBall } from './ball.js';
import { assertSimplePolygon, createPolygon } from './polygon.js';
import { createCsg } from './csg.js';

/** A number, or an expression over constants and the problem's params such as "-pi" or "2*L". */
export type Bound = number | string;

/** JSON description of a spatial domain. */
export type DomainSpec =
  | { type: 'interval'; min: Bound; max: Bound }
  | { type: 'rectangle' | 'box'; min: Bound[]; max: Bound[] }
  | { type: 'disk'; center: [Bound, Bound]; radius: Bound }
  | { type: 'ball'; center: Bound[]; radius: Bound }
  | { type: 'polygon'; vertices: [number, number][] }
  | { type: 'union' | 'intersection'; of: DomainSpec[] }
  | { type: 'difference'; of: DomainSpec; minus: DomainSpec[] };

/** The domain types accepted in `domain.type`. */
export const DOMAIN_TYPES = ['interval', 'rectangle', 'box', 'disk', 'ball', 'polygon', 'union', 'intersection', 'difference'] as const;

/** Fields allowed on each domain type (also the source of the JSON Schema's domain properties). */
export const FIELDS: Record<(typeof DOMAIN_TYPES)[number], string[]> = {
  interval: ['type', 'min', 'max'],
  rectangle: ['type', 'min', 'max'],
  box: ['type', 'min', 'max'],
  disk: ['type', 'center', 'radius'],
  ball: ['type', 'center', 'radius'],
  polygon: ['type', 'vertices'],
  union: ['type', 'of'],
  intersection: ['type', 'of'],
  difference: ['type', 'of', 'minus'],
};

/**
 * A finite number at `field`: a number, or an expression over `pi`, `e` and `params` (e.g. "-pi",
 * "2*pi/k"), evaluated once.
 */
export function finiteBound(value: unknown, field: string, params: Readonly<Record<string, number>> = {}): number {
  if (typeof value === 'string') {
    const parsed = parseExpression(value, field, { variables: [], spatial: [], unknowns: [], params, defines: new Map(), allowUnknowns: false });
    const result = compileNumeric(parsed.node, [])([]);
    if (!Number.isFinite(result)) throw new KanpinnInputError(`${field}: ${describe(value)} evaluates to ${result}, expected a finite number`);
    return result;
  }
  if (typeof value !== 'number' || !Number.isFinite(value)) throw new KanpinnInputError(`${field}: expected a finite number or an expression such as "-pi", got ${describe(value)}`);
  return value;
}

function vector(value: unknown, field: string, params: Readonly<Record<string, number>>, length?: number, hint = ''): number[] {
  if (!Array.isArray(value) || value.length === 0) throw new KanpinnInputError(`${field}: expected an array of numbers, got ${describe(value)}`);
  if (length !== undefined && value.length !== length) throw new KanpinnInputError(`${field}: expected ${length} numbers, got ${value.length}${hint}`);
  return value.map((v, i) => finiteBound(v, `${field}[${i}]`, params));
}

/**
 * Parses `spec` at `field` (e.g. `domain`, `domain.of[1]`) into a geometry of dimension `dim` when
 * given; bounds may be expressions over constants and `params`.
 */
export function buildGeometry(spec: unknown, field: string, dim?: number, params: Readonly<Record<string, number>> = {}): Geometry {
  if (!isRecord(spec)) throw new KanpinnInputError(`${field}: expected an object with a "type", got ${describe(spec)}`);
  const type = spec.type;
  if (type === 'sphere') {
    throw new KanpinnInputError(`${field}.type: a domain is a solid region; use "ball" (its boundary is the sphere, where boundary conditions apply)`);
  }
  if (typeof type !== 'string' || !(DOMAIN_TYPES as readonly string[]).includes(type)) {
    const hint = typeof type === 'string' ? suggestion(type, DOMAIN_TYPES) : '';
    throw new KanpinnInputError(`${field}.type: expected one of ${DOMAIN_TYPES.join(', ')}, got ${describe(type)}${hint}`);
  }
  const kind = type as (typeof DOMAIN_TYPES)[number];
  checkFields(spec, FIELDS[kind], field);
  const geometry = buildKind(kind, spec, field, dim, params);
  if (dim !== undefined && geometry.dim !== dim) {
    throw new KanpinnInputError(`${field}: expected a ${dim}-D domain (one axis per spatial variable), got a ${geometry.dim}-D ${kind}`);
  }
  return geometry;
}

function buildKind(kind: (typeof DOMAIN_TYPES)[number], spec: Record<string, unknown>, field: string, dim: number | undefined, params: Readonly<Record<string, number>>): Geometry {
  switch (kind) {
    case 'interval': {
      const min = finiteBound(spec.min, `${field}.min`, params);
      const max = finiteBound(spec.max, `${field}.max`, params);
      if (!(max > min)) throw new KanpinnInputError(`${field}: expected min < max, got min ${min}, max ${max}`);
      return createBox([min], [max], 'interval');
    }
    case 'rectangle':
    case 'box': {
      const min = vector(spec.min, `${field}.min`, params, kind === 'rectangle' ? 2 : undefined);
      const max = vector(spec.max, `${field}.max`, params, min.length);
      min.forEach((a, i) => {
        if (!((max[i] as number) > a)) throw new KanpinnInputError(`${field}: expected min[${i}] < max[${i}], got ${a} and ${max[i]}`);
      });
      return createBox(min, max, kind);
    }
    case 'disk': {
      const center = vector(spec.center, `${field}.center`, params, 2, ' (use "ball" for 3 or more dimensions)');
      const radius = finiteBound(spec.radius, `${field}.radius`, params);
      if (!(radius > 0)) throw new KanpinnInputError(`${field}.radius: expected a positive number, got ${radius}`);
      return createDisk([center[0] as number, center[1] as number], radius);
    }
    case 'ball': {
      const center = vector(spec.center, `${field}.center`, params, dim);
      const radius = finiteBound(spec.radius, `${field}.radius`, params);
      if (!(radius > 0)) throw new KanpinnInputError(`${field}.radius: expected a positive number, got ${radius}`);
      if (center.length === 1) return createBox([(center[0] as number) - radius], [(center[0] as number) + radius], 'interval');
      if (center.length === 2) return createDisk([center[0] as number, center[1] as number], radius);
      return createBall(center, radius);
    }
    case 'polygon': {
      const raw = spec.vertices;
      if (!Array.isArray(raw) || raw.length < 3) throw new KanpinnInputError(`${field}.vertices: expected at least 3 [x, y] pairs, got ${describe(raw)}`);
      const vertices = raw.map((v, i) => vector(v, `${field}.vertices[${i}]`, params, 2) as [number, number]);
      assertSimplePolygon(vertices, `${field}.vertices`);
      return createPolygon(vertices);
    }
    case 'union':
    case 'intersection': {
      const of = spec.of;
      if (!Array.isArray(of) || of.length < 1) throw new KanpinnInputError(`${field}.of: expected a non-empty array of domains, got ${describe(of)}`);
      const parts = of.map((part, i) => buildGeometry(part, `${field}.of[${i}]`, dim, params));
      const first = parts[0] as Geometry;
      parts.forEach((part, i) => {
        if (part.dim !== first.dim) throw new KanpinnInputError(`${field}.of[${i}]: expected a ${first.dim}-D domain like of[0], got ${part.dim}-D`);
      });
      return nonEmpty(createCsg(kind, parts), field);
    }
    case 'difference': {
      const base = buildGeometry(spec.of, `${field}.of`, dim, params);
      const minus = spec.minus;
      if (!Array.isArray(minus) || minus.length < 1) throw new KanpinnInputError(`${field}.minus: expected a non-empty array of domains, got ${describe(minus)}`);
      const holes = minus.map((part, i) => buildGeometry(part, `${field}.minus[${i}]`, base.dim, params));
      return nonEmpty(createCsg('difference', [base, ...holes]), field);
    }
    default: {
      const never: never = kind;
      throw new KanpinnInputError(`${field}.type: unknown ${String(never)}`);
    }
  }
}

function nonEmpty(geometry: Geometry, field: string): Geometry {
  if (!(geometry.volume > 0)) throw new KanpinnInputError(`${field}: the ${geometry.kind} is empty (no interior point found)`);
  return geometry;
}
