/**
 * The training settings a sweep file may set: the `SolveOptions` names (as in `solve --json`),
 * checked with the library's option schema so that an error names the field the user wrote:
 * `models[1].width: …`.
 */
import { checkOptions, KanpinnInputError, OPTION_SPECS, type SolveOptions } from '../../src/internal.js';

/** Field names a sweep file may set (`seed` is not one: seeds are their own axis). */
export const SETTING_FIELDS = (Object.keys(OPTION_SPECS) as (keyof SolveOptions)[]).filter((k) => k !== 'seed');

/** Settings of one run as written in a sweep file (before the problem's defaults are applied). */
export type RunSettings = Partial<Omit<SolveOptions, 'seed'>>;

const isRecord = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
const show = (v: unknown): string => JSON.stringify(v) ?? String(v);

/** Checks the settings object at `field` (e.g. `models[0]`); keys outside `allowExtra` must be setting fields. */
export function parseSettings(value: unknown, field: string, allowExtra: readonly string[] = []): RunSettings {
  if (!isRecord(value)) throw new KanpinnInputError(`${field}: expected an object of settings, got ${show(value)}`);
  const raw: Record<string, unknown> = {};
  for (const [key, v] of Object.entries(value)) {
    if (allowExtra.includes(key)) continue;
    if (key === 'seed') throw new KanpinnInputError(`${field}.seed: seeds are set by the top-level "seeds" field, not per entry`);
    // `lrSchedule` is the flag's and the problem hint's name for `schedule`.
    const name = key === 'lrSchedule' ? 'schedule' : key;
    if (!(SETTING_FIELDS as string[]).includes(name)) throw new KanpinnInputError(`${field}.${key}: unknown setting (expected one of ${[...allowExtra, ...SETTING_FIELDS].join(', ')})`);
    if (v === null) throw new KanpinnInputError(`${field}.${key}: leave the field out for the default instead of null`);
    raw[name] = v;
  }
  const out = checkOptions(raw as RunSettings, `${field}.`);
  // `grid` alone means one stage, as `solve --grid` does.
  if (out.grid !== undefined && out.grid !== null && out.grids === undefined) out.grids = [out.grid];
  return out;
}
