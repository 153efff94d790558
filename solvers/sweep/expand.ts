/**
 * Expands a sweep into its runs. Each run has a stable id: a hash of its effective settings (the
 * problem, the settings after the problem's defaults and `SOLVE_DEFAULTS`, the seed and the
 * backend), so the same run is recognised across reruns, machines and sweeps and never done twice.
 */
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { resolveProblem } from '../../problems/index.js';
import { KanpinnInputError, type BackendName, type Problem } from '../../src/index.js';
import { resolveSolveOptions, widthFor, type SolveOptions } from '../solve.js';
import type { RunSettings } from './settings.js';
import type { SweepSpec } from './spec.js';

/** One run of a sweep: what a worker needs to do it, and how to report it. */
export interface RunSpec {
  /** Hash of the effective settings including the seed (12 hex digits). */
  id: string;
  /** Hash of the effective settings without the seed: the runs of one configuration share it. */
  config: string;
  /** "poisson2d KAN [2,10,1] G5→10→20 lbfgs" (no seed). */
  configLabel: string;
  /** Built-in name or absolute path of a JSON problem file (workers must see the same path). */
  problem: string;
  /** The problem's own name (from its definition). */
  problemName: string;
  seed: number;
  /** The settings as the sweep file gave them (widths made full); `solveProblem` applies the defaults. */
  settings: RunSettings;
  backend: BackendName;
  /** Seconds a try may take; null: no limit. */
  timeout: number | null;
  attempts: number;
}

/** JSON with object keys sorted at every level, so equal settings hash equally. */
export function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (value !== null && typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>).filter(([, v]) => v !== undefined).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(',')}}`;
  }
  return JSON.stringify(value) ?? 'null';
}

const hash = (value: unknown): string => createHash('sha256').update(canonicalJson(value)).digest('hex').slice(0, 12);

/** Identity of a problem for the hash: a built-in by name, a file by its content. */
export function problemIdentity(key: string, problem: Problem): string {
  if (!key.includes('/') && !key.includes('\\') && !key.endsWith('.json')) return `builtin:${problem.name}`;
  return `file:${createHash('sha256').update(readFileSync(key)).digest('hex')}`;
}

/** Full widths [inputs, hidden…, outputs]: as given when they fit the problem's ends, else taken as hidden widths. */
export function fullWidth(problem: Problem, given: number[], field: string): number[] {
  const d = problem.variables.length;
  const o = problem.unknowns.length;
  if (given.length >= 3 && given[0] === d && given[given.length - 1] === o) return given;
  if (given.length >= 2 && given[0] === d && given[given.length - 1] === o) {
    throw new KanpinnInputError(`${field}: [${given.join(',')}] has no hidden layer; give hidden widths such as [10] or full widths such as [${d},10,${o}]`);
  }
  return [d, ...given, o];
}

/**
 * The settings a run trains with, written one way: full widths, the grid stages `solveProblem`
 * will use, and no settings of the other model kind (an MLP ignores k and grid updates; a KAN,
 * activations).
 */
export function effectiveSettings(problem: Problem, settings: RunSettings): Omit<SolveOptions, 'seed'> {
  const { seed: _seed, ...options } = resolveSolveOptions(problem, { ...settings, seed: 0 });
  options.width = widthFor(problem, { ...options, seed: 0 });
  if (options.grid !== null && settings.grids === undefined) options.grids = [options.grid];
  // An MLP trains steps × grids.length steps in one stage, so its grids stay; the KAN-only settings go.
  if (options.model === 'mlp') return { ...options, grid: null, k: 0, gridUpdateEvery: 0, gridUpdateUntil: 0 };
  return { ...options, activation: 'tanh' };
}

/** The problem of a sweep entry; a problem that cannot be loaded is reported under the sweep field. */
function loadProblemOf(key: string, field: string): Problem {
  try {
    return resolveProblem(key);
  } catch (error) {
    if (error instanceof KanpinnInputError) throw new KanpinnInputError(`${field}: ${error.message.replace(/^problem: /, '')}`);
    throw error;
  }
}

const modelText = (model: string, width: number[], grids: number[] | null): string =>
  `${model.toUpperCase()} [${width.join(',')}]${grids ? ` G${grids.join('→')}` : ''}`;

/** Where a configuration's runs come from: its problem (key, loaded problem, identity for the hash) and settings. */
export interface ConfigurationSource {
  /** Built-in name or absolute path (what workers resolve). */
  key: string;
  problem: Problem;
  /** `problemIdentity` of the problem. */
  identity: string;
  settings: RunSettings;
  /** Label without the problem name; null: "KAN [2,10,1] G5→10→20". */
  name: string | null;
}

/** The runs of one configuration, one per seed, with their ids (hash of the effective settings with the seed). */
export function configurationRuns(source: ConfigurationSource, seeds: readonly number[], backend: BackendName, limits: { timeout: number | null; attempts: number }): RunSpec[] {
  const { problem, identity, settings } = source;
  const effective = effectiveSettings(problem, settings);
  const grids = effective.model === 'kan' ? effective.grids : null;
  const configLabel = `${problem.name} ${source.name ?? modelText(effective.model, effective.width as number[], grids)}`;
  const config = hash({ problem: identity, settings: effective, backend });
  return seeds.map((seed) => ({
    id: hash({ problem: identity, settings: { ...effective, seed }, backend }),
    config,
    configLabel,
    problem: source.key,
    problemName: problem.name,
    seed,
    settings,
    backend,
    ...limits,
  }));
}

/** Every run of the sweep, problems × models × optimizers × seeds (seeds innermost), on `backend`. */
export function expandSweep(spec: SweepSpec, backend: BackendName): RunSpec[] {
  const runs: RunSpec[] = [];
  spec.problems.forEach((entry, p) => {
    const problem = loadProblemOf(entry.problem, `problems[${p}]`);
    const identity = problemIdentity(entry.problem, problem);
    spec.models.forEach((model, m) => {
      spec.optimizers.forEach((optimizer, o) => {
        const settings: RunSettings = { ...spec.fixed, ...entry.settings, ...optimizer.settings, ...model.settings };
        if (settings.width) settings.width = fullWidth(problem, settings.width, model.settings.width ? `models[${m}].width` : 'width');
        const effective = effectiveSettings(problem, settings);
        const modelName = model.name ?? modelText(effective.model, effective.width as number[], effective.model === 'kan' ? effective.grids : null);
        const name = optimizer.name || spec.optimizers.length > 1 ? `${modelName} ${optimizer.name ?? `${effective.optimizer} #${o}`}` : modelName;
        runs.push(...configurationRuns({ key: entry.problem, problem, identity, settings, name }, spec.seeds, backend, { timeout: spec.timeout, attempts: spec.attempts }));
      });
    });
  });
  const seen = new Map<string, RunSpec>();
  for (const run of runs) {
    const twin = seen.get(run.id);
    if (twin) throw new KanpinnInputError(`sweep: "${run.configLabel}" seed ${run.seed} and "${twin.configLabel}" seed ${twin.seed} have the same effective settings; remove one`);
    seen.set(run.id, run);
  }
  return runs;
}
