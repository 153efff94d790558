/**
 * A run's flags as a file: `--config run.json` reads them (yargs' config support, wired in cli.ts;
 * flags on the command line win) and `--out` writes the effective ones as config.json, so that
 * `kanpinn solve --config runs/x/config.json` repeats the run.
 */
import type { OutputFile } from '../src/internal.js';

/** Flags that say where and how to print, not what to compute: left out of config.json. */
const NOT_CONFIG = new Set(['_', '$0', 'config', 'out', 'json', 'quiet', 'help', 'version', 'h', 'resume']);

/**
 * The flags of a parsed command line (after `--config` and defaults are applied) as a config object:
 * the kebab-case flag names (yargs also adds camelCase copies, dropped here) with defined values.
 */
export function effectiveConfig(args: Readonly<Record<string, unknown>>): Record<string, unknown> {
  const config: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(args)) {
    if (NOT_CONFIG.has(key) || /[A-Z]/.test(key) || value === undefined) continue;
    config[key] = value;
  }
  return config;
}

/** config.json as one file of a run's output set (committed with the others, see writeFileSet). */
export function runConfigFile(args: Readonly<Record<string, unknown>>): OutputFile {
  return { name: 'config.json', contents: `${JSON.stringify(effectiveConfig(args), null, 2)}\n` };
}
