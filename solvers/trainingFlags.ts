/**
 * The training flags shared by `solve` and `compare`, generated from the options schema
 * (`OPTION_SPECS`): one flag per option, its help line, and its parsing into `SolveOptions`.
 */
import type { Argv } from 'yargs';
import { KanpinnInputError, OPTION_SPECS, parseOptionText, SOLVE_DEFAULTS, type SolveOptions } from '../src/internal.js';

/** A flag's value as yargs gives it (camel-cased name): text, or a number from a test or a script. */
type FlagValue = string | number | readonly (string | number)[] | undefined;

/** The training flags by camel-cased flag name (`lbfgsHistory` for `--lbfgs-history`). */
export type TrainingArgs = { [flag: string]: unknown };

const camel = (flag: string): string => flag.replace(/-([a-z])/g, (_, c: string) => c.toUpperCase());
const OPTIONS = Object.keys(OPTION_SPECS) as (keyof SolveOptions)[];

/** The default as `--help` shows it. */
function defaultText(name: keyof SolveOptions): string {
  const spec = OPTION_SPECS[name];
  if (spec.defaultText) return spec.defaultText;
  const value = SOLVE_DEFAULTS[name];
  const plain = Array.isArray(value) ? value.join(',') : typeof value === 'object' && value !== null ? ('kind' in value ? String(value.kind) : '') : String(value);
  return spec.hint ? `the problem's, else ${plain}` : plain;
}

/** Registers every training flag on `y` (values are read as text, so that a bad one can be quoted back). */
export function trainingFlags<T>(y: Argv<T>): Argv<T> {
  let out = y;
  for (const name of OPTIONS) {
    const spec = OPTION_SPECS[name];
    out = out.option(spec.flag, { type: 'string', describe: `${spec.help} (default: ${defaultText(name)})` }) as Argv<T>;
  }
  return out;
}

/** One flag's text; a flag given twice is refused rather than resolved silently. */
function flagText(value: FlagValue, flag: string): string | undefined {
  if (value === undefined) return undefined;
  if (Array.isArray(value)) {
    if (value.length === 1) return String(value[0]);
    throw new KanpinnInputError(`--${flag}: given ${value.length} times; give it once`);
  }
  return String(value);
}

/**
 * The options the user chose with flags (absent ones stay absent, so that the problem's hint and the
 * defaults fill them). Refuses bad values and conflicting flags, naming the flags.
 */
export function solveOptionsFromArgs(args: TrainingArgs): Partial<SolveOptions> {
  const options: Partial<SolveOptions> = {};
  for (const name of OPTIONS) {
    const flag = OPTION_SPECS[name].flag;
    const text = flagText(args[camel(flag)] as FlagValue, flag);
    if (text !== undefined) (options as Record<string, unknown>)[name] = parseOptionText(name, text);
  }
  if (options.grid !== undefined && options.grids !== undefined) {
    throw new KanpinnInputError('--grid: conflicts with --grids; give --grid N for one stage or --grids A,B,C for a schedule, not both');
  }
  if (options.model === 'mlp') {
    for (const [flag, given] of [['k', options.k], ['grid', options.grid]] as const) {
      if (given !== undefined) throw new KanpinnInputError(`--${flag}: applies to a KAN only; --model mlp has no spline grid (drop --${flag} or use --model kan)`);
    }
  }
  return options;
}
