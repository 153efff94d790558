/**
 * Learning-rate schedules: the step size at step k (from 0) as a function of the base rate lr,
 * and the parser for their CLI spelling (`constant`, `exp:0.9:1000`, `cosine`, `step:0.5:500`).
 */
import { KanpinnInputError } from '../errors.js';

/** A learning-rate schedule (plain data, so it can be saved with a run). */
export type Schedule =
  | { kind: 'constant' }
  /** lr·γ^(k/every): smooth exponential decay by γ every `every` steps. */
  | { kind: 'exponential'; gamma: number; every: number }
  /** lr·(f + (1 − f)·½(1 + cos(π·min(k, K)/K))) over K total steps, from lr down to f·lr. */
  | { kind: 'cosine'; minFactor: number }
  /** lr·γ^⌊k/every⌋: piecewise-constant decay by γ every `every` steps. */
  | { kind: 'step'; gamma: number; every: number };

/** The forms `parseSchedule` accepts, for messages and `--help`. */
export const SCHEDULE_FORMS = 'constant, exp:GAMMA[:EVERY], cosine[:MIN_FACTOR] or step:GAMMA:EVERY';

/** The step size at step k ≥ 0 of a run of `totalSteps` steps (only cosine uses `totalSteps`). */
export function learningRateAt(schedule: Schedule, lr: number, step: number, totalSteps: number): number {
  switch (schedule.kind) {
    case 'constant':
      return lr;
    case 'exponential':
      return lr * schedule.gamma ** (step / schedule.every);
    case 'cosine': {
      const progress = totalSteps > 0 ? Math.min(Math.max(step, 0), totalSteps) / totalSteps : 1;
      return lr * (schedule.minFactor + (1 - schedule.minFactor) * 0.5 * (1 + Math.cos(Math.PI * progress)));
    }
    case 'step':
      return lr * schedule.gamma ** Math.floor(step / schedule.every);
    default: {
      const never: never = schedule;
      return never;
    }
  }
}

/** The CLI spelling of a schedule; `parseSchedule(formatSchedule(s))` equals s. */
export function formatSchedule(schedule: Schedule): string {
  switch (schedule.kind) {
    case 'constant':
      return 'constant';
    case 'exponential':
      return `exp:${schedule.gamma}:${schedule.every}`;
    case 'cosine':
      return schedule.minFactor === 0 ? 'cosine' : `cosine:${schedule.minFactor}`;
    case 'step':
      return `step:${schedule.gamma}:${schedule.every}`;
    default: {
      const never: never = schedule;
      return never;
    }
  }
}

/**
 * Parses a schedule from its CLI spelling: `constant`, `exp:GAMMA[:EVERY]` (EVERY defaults to 1),
 * `cosine[:MIN_FACTOR]` (MIN_FACTOR defaults to 0), `step:GAMMA:EVERY`, with 0 < GAMMA ≤ 1,
 * EVERY a positive integer, 0 ≤ MIN_FACTOR ≤ 1. Throws `KanpinnInputError` naming `flag`.
 */
export function parseSchedule(text: string, flag = '--lr-schedule'): Schedule {
  const parts = text.trim().split(':');
  const name = (parts[0] ?? '').toLowerCase();
  const args = parts.slice(1);
  const refuse = (): never => {
    throw new KanpinnInputError(`${flag}: expected ${SCHEDULE_FORMS}, found ${JSON.stringify(text)}`);
  };
  const number = (index: number, what: string, ok: (v: number) => boolean, expected: string): number => {
    const raw = args[index];
    const value = raw === undefined || raw.trim() === '' ? Number.NaN : Number(raw);
    if (!ok(value)) throw new KanpinnInputError(`${flag}: ${name} ${what} must be ${expected}, found ${JSON.stringify(raw ?? '')}`);
    return value;
  };
  const gamma = (): number => number(0, 'GAMMA', (v) => v > 0 && v <= 1, 'a number in (0, 1]');
  const every = (): number => number(1, 'EVERY', (v) => Number.isInteger(v) && v > 0, 'a positive integer');
  switch (name) {
    case 'constant':
      if (args.length > 0) refuse();
      return { kind: 'constant' };
    case 'exp':
      if (args.length < 1 || args.length > 2) refuse();
      return { kind: 'exponential', gamma: gamma(), every: args.length === 2 ? every() : 1 };
    case 'cosine':
      if (args.length > 1) refuse();
      return { kind: 'cosine', minFactor: args.length === 1 ? number(0, 'MIN_FACTOR', (v) => v >= 0 && v <= 1, 'a number in [0, 1]') : 0 };
    case 'step':
      if (args.length !== 2) refuse();
      return { kind: 'step', gamma: gamma(), every: every() };
    default:
      return refuse();
  }
}
