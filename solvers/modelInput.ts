/** Reading a model file for the CLI: the model and the provenance `solve` wrote with it (its problem). */
import { readFile } from 'node:fs/promises';
import { KanpinnInputError, modelFromJson, resolveProblem, type Model, type Problem } from '../src/index.js';

/** A loaded model with the problem name its file records (`meta.problem`), null when none. */
export interface LoadedModel {
  model: Model;
  problemName: string | null;
  meta: Record<string, unknown>;
}

/** Reads and validates a model file; errors name the file and are one line. */
export async function readModelFile(path: string): Promise<LoadedModel> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    throw new KanpinnInputError(`model file: cannot read ${path}: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`);
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (error) {
    throw new KanpinnInputError(`model file: ${path} is not valid JSON (${(error as Error).message})`);
  }
  const model = modelFromJson(parsed);
  const raw = (parsed as { meta?: unknown }).meta;
  const meta = raw !== null && typeof raw === 'object' && !Array.isArray(raw) ? (raw as Record<string, unknown>) : {};
  return { model, problemName: typeof meta.problem === 'string' ? meta.problem : null, meta };
}

/**
 * The problem of a model: `flag` (a built-in name or a problem file, the user's `--problem`) wins,
 * else the name the model file records. Null when neither names a problem this install knows.
 */
export function problemOf(loaded: LoadedModel, flag: string | undefined): Problem | null {
  if (flag !== undefined) {
    try {
      return resolveProblem(flag);
    } catch (error) {
      throw new KanpinnInputError(`--problem: ${error instanceof Error ? error.message : String(error)}`);
    }
  }
  if (loaded.problemName === null) return null;
  try {
    return resolveProblem(loaded.problemName);
  } catch {
    // A model trained on a user's problem file records only the problem's name; the user can say where it is.
    return null;
  }
}

/** Checks that the problem's variables and unknowns are the model's inputs and outputs (same order). */
export function checkModelFits(model: Model, problem: Problem, flag: string): void {
  const same = (a: readonly string[], b: readonly string[]): boolean => a.length === b.length && a.every((v, i) => v === b[i]);
  if (!same(model.inputs, problem.variables) || !same(model.outputs, problem.unknowns)) {
    throw new KanpinnInputError(
      `${flag}: problem ${problem.name} has inputs (${problem.variables.join(', ')}) and outputs (${problem.unknowns.join(', ')}); the model has (${model.inputs.join(', ')}) and (${model.outputs.join(', ')})`,
    );
  }
  // An inverse problem's residual reads the parameters the model learned (model.json keeps them).
  const inferred = problem.inferred?.parameters.map((p) => p.name) ?? [];
  const held = model.inferred?.declared.map((p) => p.name) ?? [];
  if (inferred.length > 0 && !same(inferred, held)) {
    throw new KanpinnInputError(`${flag}: problem ${problem.name} infers the parameters (${inferred.join(', ')}); the model file holds ${held.length ? `(${held.join(', ')})` : 'none'}`);
  }
}
