/**
 * The training settings a sweep file may set (the `SolveOptions` names of `solve --json`), checked
 * one field at a time so that an error names the field the user wrote: `models[1].width: …`.
 */
import { KanpinnInputError, parseSchedule } from '../../src/index.js';
import type { SolveOptions } from '../solve.js';

/** How each settable field is checked; `seed` is not here (seeds are their own axis). */
const FIELD_KINDS = {
  model: ['enum', ['kan', 'mlp']],
  width: ['ints', 1],
  grid: ['int', 1],
  k: ['int', 1],
  grids: ['ints', 1],
  activation: ['enum', ['tanh', 'sin', 'silu']],
  optimizer: ['enum', ['lbfgs', 'adam', 'adam+lbfgs']],
  steps: ['int', 0],
  adamSteps: ['int', 0],
  lbfgsHistory: ['int', 1],
  gridUpdateEvery: ['int', 0],
  gridUpdateUntil: ['int', 0],
  lr: ['positive'],
  lrSchedule: ['schedule'],
  points: ['int', 1],
  boundaryPoints: ['int', 0],
  sampling: ['enum', ['random', 'sobol', 'halton', 'mesh']],
  resampleEvery: ['int', 0],
  refineEvery: ['int', 0],
  refineAdd: ['int', 1],
  weights: ['weights'],
  annealEvery: ['int', 0],
  causal: ['nonnegative'],
  causalBins: ['int', 2],
  evalEvery: ['int', 0],
} as const satisfies Record<string, readonly [string, ...unknown[]]>;

/** Field names a sweep file may set, in the order the error message lists them. */
export const SETTING_FIELDS = Object.keys(FIELD_KINDS) as (keyof typeof FIELD_KINDS)[];

/** Settings of one run as written in a sweep file (before the problem's defaults are applied). */
export type RunSettings = Partial<Omit<SolveOptions, 'seed'>>;

const isRecord = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
const show = (v: unknown): string => JSON.stringify(v) ?? String(v);

function integer(value: unknown, field: string, min: number): number {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < min) throw new KanpinnInputError(`${field}: expected an integer >= ${min}, got ${show(value)}`);
  return value;
}

function integers(value: unknown, field: string, min: number): number[] {
  if (!Array.isArray(value) || value.length === 0) throw new KanpinnInputError(`${field}: expected a non-empty array of integers >= ${min}, got ${show(value)}`);
  return value.map((v, i) => integer(v, `${field}[${i}]`, min));
}

/** Checks the settings object at `field` (e.g. `models[0]`); keys outside `allowExtra` must be setting fields. */
export function parseSettings(value: unknown, field: string, allowExtra: readonly string[] = []): RunSettings {
  if (!isRecord(value)) throw new KanpinnInputError(`${field}: expected an object of settings, got ${show(value)}`);
  const out: Record<string, unknown> = {};
  for (const [key, raw] of Object.entries(value)) {
    if (allowExtra.includes(key)) continue;
    const path = `${field}.${key}`;
    if (key === 'seed') throw new KanpinnInputError(`${path}: seeds are set by the top-level "seeds" field, not per entry`);
    const kind = (FIELD_KINDS as Record<string, readonly [string, ...unknown[]]>)[key];
    if (!kind) throw new KanpinnInputError(`${path}: unknown setting (expected one of ${[...allowExtra, ...SETTING_FIELDS].join(', ')})`);
    switch (kind[0]) {
      case 'enum': {
        const choices = kind[1] as readonly string[];
        if (typeof raw !== 'string' || !choices.includes(raw)) throw new KanpinnInputError(`${path}: expected one of ${choices.join(', ')}, got ${show(raw)}`);
        out[key] = raw;
        break;
      }
      case 'int':
        out[key] = integer(raw, path, kind[1] as number);
        break;
      case 'ints':
        out[key] = integers(raw, path, kind[1] as number);
        break;
      case 'positive':
      case 'nonnegative':
        if (typeof raw !== 'number' || !Number.isFinite(raw) || raw < 0 || (kind[0] === 'positive' && raw === 0)) {
          throw new KanpinnInputError(`${path}: expected a ${kind[0] === 'positive' ? 'positive number' : 'number >= 0'}, got ${show(raw)}`);
        }
        out[key] = raw;
        break;
      case 'schedule':
        if (typeof raw !== 'string') throw new KanpinnInputError(`${path}: expected a schedule string such as "exp:0.999" or "cosine", got ${show(raw)}`);
        out.schedule = parseSchedule(raw, path);
        break;
      case 'weights': {
        if (!isRecord(raw)) throw new KanpinnInputError(`${path}: expected an object of term weights such as {"pde": 0.01}, got ${show(raw)}`);
        const weights: Record<string, number> = {};
        for (const [term, w] of Object.entries(raw)) {
          if (typeof w !== 'number' || !Number.isFinite(w) || w < 0) throw new KanpinnInputError(`${path}.${term}: expected a number >= 0, got ${show(w)}`);
          weights[term] = w;
        }
        out[key] = weights;
        break;
      }
      default:
        throw new KanpinnInputError(`${path}: unsupported setting kind ${kind[0]}`);
    }
  }
  // `grid` alone means one stage, as `solve --grid` does.
  if (out.grid !== undefined && out.grids === undefined) out.grids = [out.grid];
  return out as RunSettings;
}
