/** Builds a geometry from its JSON description, refusing malformed input with one-line messages. */
import { KanpinnInputError, describe } from '../../errors.js';
import { checkFields, isRecord } from '../validate.js';
import type { Geometry } from './types.js';
import { createBox } from './box.js';
import { createDisk } from './disk.js';
import { assertSimplePolygon, createPolygon } from './polygon.js';
import { createCsg } from './csg.js';

/** JSON description of a spatial domain. */
export type DomainSpec =
  | { type: 'interval'; min: number; max: number }
  | { type: 'rectangle' | 'box'; min: number[]; max: number[] }
  | { type: 'disk'; center: [number, number]; radius: number }
  | { type: 'polygon'; vertices: [number, number][] }
  | { type: 'union' | 'intersection'; of: DomainSpec[] }
  | { type: 'difference'; of: DomainSpec; minus: DomainSpec[] };

/** The domain types accepted in `domain.type`. */
export const DOMAIN_TYPES = ['interval', 'rectangle', 'box', 'disk', 'polygon', 'union', 'intersection', 'difference'] as const;

const FIELDS: Record<(typeof DOMAIN_TYPES)[number], string[]> = {
  interval: ['type', 'min', 'max'],
  rectangle: ['type', 'min', 'max'],
  box: ['type', 'min', 'max'],
  disk: ['type', 'center', 'radius'],
  polygon: ['type', 'vertices'],
  union: ['type', 'of'],
  intersection: ['type', 'of'],
  difference: ['type', 'of', 'minus'],
};

function finite(value: unknown, field: string): number {
  if (typeof value !== 'number' || !Number.isFinite(value)) throw new KanpinnInputError(`${field}: expected a finite number, got ${describe(value)}`);
  return value;
}

function vector(value: unknown, field: string, length?: number): number[] {
  if (!Array.isArray(value) || value.length === 0) throw new KanpinnInputError(`${field}: expected an array of numbers, got ${describe(value)}`);
  if (length !== undefined && value.length !== length) throw new KanpinnInputError(`${field}: expected ${length} numbers, got ${value.length}`);
  return value.map((v, i) => finite(v, `${field}[${i}]`));
}

/** Parses `spec` at `field` (e.g. `domain`, `domain.of[1]`) into a geometry of dimension `dim` when given. */
export function buildGeometry(spec: unknown, field: string, dim?: number): Geometry {
  if (!isRecord(spec)) throw new KanpinnInputError(`${field}: expected an object with a "type", got ${describe(spec)}`);
  const type = spec.type;
  if (typeof type !== 'string' || !(DOMAIN_TYPES as readonly string[]).includes(type)) {
    throw new KanpinnInputError(`${field}.type: expected one of ${DOMAIN_TYPES.join(', ')}, got ${describe(type)}`);
  }
  const kind = type as (typeof DOMAIN_TYPES)[number];
  checkFields(spec, FIELDS[kind], field);
  const geometry = buildKind(kind, spec, field, dim);
  if (dim !== undefined && geometry.dim !== dim) {
    throw new KanpinnInputError(`${field}: expected a ${dim}-D domain (one axis per spatial variable), got a ${geometry.dim}-D ${kind}`);
  }
  return geometry;
}

function buildKind(kind: (typeof DOMAIN_TYPES)[number], spec: Record<string, unknown>, field: string, dim: number | undefined): Geometry {
  switch (kind) {
    case 'interval': {
      const min = finite(spec.min, `${field}.min`);
      const max = finite(spec.max, `${field}.max`);
      if (!(max > min)) throw new KanpinnInputError(`${field}: expected min < max, got min ${min}, max ${max}`);
      return createBox([min], [max], 'interval');
    }
    case 'rectangle':
    case 'box': {
      const min = vector(spec.min, `${field}.min`, kind === 'rectangle' ? 2 : undefined);
      const max = vector(spec.max, `${field}.max`, min.length);
      min.forEach((a, i) => {
        if (!((max[i] as number) > a)) throw new KanpinnInputError(`${field}: expected min[${i}] < max[${i}], got ${a} and ${max[i]}`);
      });
      return createBox(min, max, kind);
    }
    case 'disk': {
      const center = vector(spec.center, `${field}.center`, 2);
      const radius = finite(spec.radius, `${field}.radius`);
      if (!(radius > 0)) throw new KanpinnInputError(`${field}.radius: expected a positive number, got ${radius}`);
      return createDisk([center[0] as number, center[1] as number], radius);
    }
    case 'polygon': {
      const raw = spec.vertices;
      if (!Array.isArray(raw) || raw.length < 3) throw new KanpinnInputError(`${field}.vertices: expected at least 3 [x, y] pairs, got ${describe(raw)}`);
      const vertices = raw.map((v, i) => vector(v, `${field}.vertices[${i}]`, 2) as [number, number]);
      assertSimplePolygon(vertices, `${field}.vertices`);
      return createPolygon(vertices);
    }
    case 'union':
    case 'intersection': {
      const of = spec.of;
      if (!Array.isArray(of) || of.length < 1) throw new KanpinnInputError(`${field}.of: expected a non-empty array of domains, got ${describe(of)}`);
      const parts = of.map((part, i) => buildGeometry(part, `${field}.of[${i}]`, dim));
      const first = parts[0] as Geometry;
      parts.forEach((part, i) => {
        if (part.dim !== first.dim) throw new KanpinnInputError(`${field}.of[${i}]: expected a ${first.dim}-D domain like of[0], got ${part.dim}-D`);
      });
      return nonEmpty(createCsg(kind, parts), field);
    }
    case 'difference': {
      const base = buildGeometry(spec.of, `${field}.of`, dim);
      const minus = spec.minus;
      if (!Array.isArray(minus) || minus.length < 1) throw new KanpinnInputError(`${field}.minus: expected a non-empty array of domains, got ${describe(minus)}`);
      const holes = minus.map((part, i) => buildGeometry(part, `${field}.minus[${i}]`, base.dim));
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
