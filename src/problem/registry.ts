/**
 * Built-in problems and name resolution. JSON built-ins are data files in the package's
 * `problems/` folder, found by walking up from this module to the `package.json` named `kanpinn`
 * (works from the TypeScript sources and from `dist/`). TypeScript built-ins live in
 * `problems/*.ts` and register themselves here when `problems/index.js` is imported (the CLI does),
 * so nothing in `src/` imports from `problems/`.
 */
import { KanpinnInputError } from '../errors.js';
import { nodeFs, nodePath, readText } from '../io/files.js';
import { defineProblem } from './define.js';
import type { Problem } from './types.js';
import { isRecord, suggestion } from './validate.js';

/** A registered built-in: a name, a one-line description and a builder. */
export interface BuiltinProblem {
  name: string;
  description: string;
  /** Builds the problem. */
  build: () => Problem;
}

/** One line of `listProblems()`. */
export interface ProblemInfo {
  name: string;
  dimension: number;
  variables: string[];
  time: [number, number] | null;
  hasExact: boolean;
  hasReference: boolean;
  description: string;
}

const registered = new Map<string, BuiltinProblem>();

/** Registers a TypeScript built-in (a later registration of the same name replaces it). */
export function registerProblem(entry: BuiltinProblem): void {
  registered.set(entry.name, entry);
}

let root: string | null | undefined;

/** The package root (folder of the `package.json` named `kanpinn`), or null outside Node or the package. */
export function packageRoot(): string | null {
  if (root !== undefined) return root;
  root = null;
  try {
    const fs = nodeFs();
    const path = nodePath();
    let dir = path.dirname(decodeURIComponent(new URL(import.meta.url).pathname));
    for (let i = 0; i < 8; i++) {
      const candidate = path.join(dir, 'package.json');
      if (fs.existsSync(candidate)) {
        const json: unknown = JSON.parse(fs.readFileSync(candidate, 'utf8'));
        if (isRecord(json) && json.name === 'kanpinn') {
          root = dir;
          break;
        }
      }
      const parent = path.dirname(dir);
      if (parent === dir) break;
      dir = parent;
    }
  } catch {
    root = null;
  }
  return root;
}

/** Names of the JSON built-ins in `<package>/problems/*.json`. */
function jsonBuiltins(): Map<string, string> {
  const out = new Map<string, string>();
  const base = packageRoot();
  if (!base) return out;
  const path = nodePath();
  const folder = path.join(base, 'problems');
  const fs = nodeFs();
  if (!fs.existsSync(folder)) return out;
  for (const file of fs.readdirSync(folder).sort()) if (file.endsWith('.json')) out.set(file.slice(0, -5), path.join(folder, file));
  return out;
}

/** Reads a JSON problem file; `reference` and data `file` paths are relative to it. */
export function loadProblem(path: string): Problem {
  const text = readText(path, 'problem');
  let spec: unknown;
  try {
    spec = JSON.parse(text);
  } catch (error) {
    // V8 quotes the text near the error, newlines included; the message must stay on one line.
    throw new KanpinnInputError(`problem: "${path}" is not valid JSON (${(error as Error).message.replace(/\s+/g, ' ')})`);
  }
  if (!isRecord(spec)) throw new KanpinnInputError(`problem: "${path}" must hold a JSON object`);
  return defineProblem(spec, { baseDir: nodePath().dirname(nodePath().resolve(path)) });
}

/** Every built-in name (registered TypeScript ones and JSON files), sorted. */
export function builtinNames(): string[] {
  return [...new Set([...registered.keys(), ...jsonBuiltins().keys()])].sort();
}

/** A built-in by name, else a JSON problem file by path. */
export function resolveProblem(nameOrPath: string): Problem {
  const entry = registered.get(nameOrPath);
  if (entry) return entry.build();
  const json = jsonBuiltins().get(nameOrPath);
  if (json) return loadProblem(json);
  if (nameOrPath.endsWith('.json') || nameOrPath.includes('/') || nameOrPath.includes('\\')) return loadProblem(nameOrPath);
  const known = builtinNames();
  throw new KanpinnInputError(
    `problem: unknown problem "${nameOrPath}"${suggestion(nameOrPath, known)}; expected a built-in (${known.join(', ')}) or a path to a .json file`,
  );
}

/** The built-ins with their dimension and whether they have an exact solution or reference data. */
export function listProblems(): ProblemInfo[] {
  return builtinNames().map((name) => {
    const problem = resolveProblem(name);
    return {
      name,
      dimension: problem.variables.length,
      variables: [...problem.variables],
      time: problem.time ? [...problem.time] : null,
      hasExact: problem.exactDerivative !== undefined || problem.exact !== undefined,
      hasReference: problem.referenceSource !== undefined,
      description: problem.description,
    };
  });
}
