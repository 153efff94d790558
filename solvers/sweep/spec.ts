/**
 * Sweep files: problems × models × optimizer settings × seeds, plus fixed settings, read from JSON
 * and checked field by field (one-line errors naming the field, as problem files).
 */
import { readFileSync } from 'node:fs';
import { dirname, isAbsolute, resolve } from 'node:path';
import { builtinNames, KanpinnInputError } from '../../src/index.js';
import { parseSettings, type RunSettings } from './settings.js';

/** One axis entry: a label and the settings it contributes. */
export interface SweepEntry {
  name: string | null;
  settings: RunSettings;
}

/** A problem of the sweep: a built-in name or an absolute path to a JSON problem file. */
export interface SweepProblem {
  problem: string;
  settings: RunSettings;
}

/** A checked sweep file. */
export interface SweepSpec {
  name: string;
  problems: SweepProblem[];
  models: SweepEntry[];
  optimizers: SweepEntry[];
  seeds: number[];
  fixed: RunSettings;
  /** Tries per run before it is reported failed (BullMQ `attempts`; the local pool retries a crashed process). */
  attempts: number;
  /** Seconds a run may take before it is stopped and counted as a failed try; null: no limit. */
  timeout: number | null;
}

/** Defaults of the optional sweep fields. */
export const SWEEP_DEFAULTS = { attempts: 2, timeout: null, seeds: [0] } as const;

const TOP_FIELDS = ['name', 'problems', 'models', 'optimizers', 'seeds', 'fixed', 'attempts', 'timeout'];

const isRecord = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
const show = (v: unknown): string => JSON.stringify(v) ?? String(v);

function entries(value: unknown, field: string): SweepEntry[] {
  if (!Array.isArray(value) || value.length === 0) throw new KanpinnInputError(`${field}: expected a non-empty array of settings objects, got ${show(value)}`);
  return value.map((entry, i) => {
    const settings = parseSettings(entry, `${field}[${i}]`, ['name']);
    const name = (entry as Record<string, unknown>).name;
    if (name !== undefined && typeof name !== 'string') throw new KanpinnInputError(`${field}[${i}].name: expected a string, got ${show(name)}`);
    return { name: name ?? null, settings };
  });
}

/** A problem entry: a name or path, or `{ "problem": NAME_OR_PATH, …settings }`; paths are relative to the sweep file. */
function problemEntry(value: unknown, field: string, baseDir: string): SweepProblem {
  const raw = isRecord(value) ? value.problem : value;
  if (typeof raw !== 'string' || raw === '') throw new KanpinnInputError(`${field}: expected a built-in problem name or a path to a .json problem file, got ${show(raw)}`);
  const settings = isRecord(value) ? parseSettings(value, field, ['problem']) : {};
  // Like `solve`: a built-in name, else a path (relative to the sweep file); anything else stays a name, refused later with the list of built-ins.
  const isPath = !builtinNames().includes(raw) && (raw.endsWith('.json') || raw.includes('/') || raw.includes('\\'));
  return { problem: isPath && !isAbsolute(raw) ? resolve(baseDir, raw) : raw, settings };
}

function seedsOf(value: unknown): number[] {
  if (value === undefined) return [...SWEEP_DEFAULTS.seeds];
  if (typeof value === 'number') {
    if (!Number.isInteger(value) || value < 1) throw new KanpinnInputError(`seeds: expected a count >= 1 (seeds 0…N−1) or an array of integers >= 0, got ${show(value)}`);
    return Array.from({ length: value }, (_, i) => i);
  }
  if (!Array.isArray(value) || value.length === 0 || value.some((s) => typeof s !== 'number' || !Number.isInteger(s) || s < 0)) {
    throw new KanpinnInputError(`seeds: expected a count >= 1 (seeds 0…N−1) or an array of integers >= 0, got ${show(value)}`);
  }
  const seeds = value as number[];
  if (new Set(seeds).size !== seeds.length) throw new KanpinnInputError(`seeds: expected distinct seeds, got ${show(value)}`);
  return seeds;
}

/** Checks a parsed sweep object; `baseDir` resolves relative problem paths. */
export function parseSweep(json: unknown, baseDir: string, fallbackName = 'sweep'): SweepSpec {
  if (!isRecord(json)) throw new KanpinnInputError(`sweep: expected a JSON object with "problems" and "models", got ${show(json)}`);
  for (const key of Object.keys(json)) {
    if (!TOP_FIELDS.includes(key)) throw new KanpinnInputError(`${key}: unknown sweep field (expected one of ${TOP_FIELDS.join(', ')})`);
  }
  if (json.name !== undefined && typeof json.name !== 'string') throw new KanpinnInputError(`name: expected a string, got ${show(json.name)}`);
  const problems = json.problems;
  if (!Array.isArray(problems) || problems.length === 0) throw new KanpinnInputError(`problems: expected a non-empty array of problem names or paths, got ${show(problems)}`);
  const attempts = json.attempts ?? SWEEP_DEFAULTS.attempts;
  if (typeof attempts !== 'number' || !Number.isInteger(attempts) || attempts < 1) throw new KanpinnInputError(`attempts: expected an integer >= 1, got ${show(attempts)}`);
  const timeout = json.timeout ?? SWEEP_DEFAULTS.timeout;
  if (timeout !== null && (typeof timeout !== 'number' || !(timeout > 0) || !Number.isFinite(timeout))) throw new KanpinnInputError(`timeout: expected seconds > 0 or null, got ${show(timeout)}`);
  return {
    name: (json.name as string | undefined) ?? fallbackName,
    problems: problems.map((p, i) => problemEntry(p, `problems[${i}]`, baseDir)),
    models: json.models === undefined ? [{ name: null, settings: {} }] : entries(json.models, 'models'),
    optimizers: json.optimizers === undefined ? [{ name: null, settings: {} }] : entries(json.optimizers, 'optimizers'),
    seeds: seedsOf(json.seeds),
    fixed: json.fixed === undefined ? {} : parseSettings(json.fixed, 'fixed'),
    attempts,
    timeout: timeout as number | null,
  };
}

/** Reads and checks a sweep file. */
export function loadSweep(path: string): SweepSpec {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch {
    throw new KanpinnInputError(`sweep: cannot read "${path}"`);
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    throw new KanpinnInputError(`sweep: "${path}" is not valid JSON (${(error as Error).message})`);
  }
  const base = path.replace(/^.*[\\/]/, '').replace(/\.json$/, '');
  return parseSweep(json, dirname(resolve(path)), base);
}
