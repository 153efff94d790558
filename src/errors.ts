/**
 * The library's error classes. Every message names the function or field, what was expected and
 * what was found, on one line, so the CLI can print it as is.
 */

/** Bad input from a user: an option, a problem definition, a file. The CLI prints `message` alone. */
export class KanpinnInputError extends Error {
  override readonly name = 'KanpinnInputError';

  constructor(message: string, options?: ErrorOptions) {
    // Messages quote what the user wrote (a key, an expression, a parser's excerpt), which may hold
    // line breaks; the one-line promise is kept here, once, with the breaks shown as \n.
    super(message.replace(/\r?\n/g, '\\n'), options);
  }
}

/** A backend that was asked for is not installed or could not start. */
export class BackendError extends Error {
  override readonly name = 'BackendError';
}

/**
 * An optimizer step could not be taken (`Adam.step` met a non-finite gradient and left the
 * parameters unchanged). It carries only its message; the trainer reports a non-finite loss or a
 * cancelled run through the result's `status` instead of throwing.
 */
export class TrainingError extends Error {
  override readonly name = 'TrainingError';
}

/** Throws a `KanpinnInputError` with `message` unless `condition` holds. */
export function require(condition: unknown, message: string): asserts condition {
  if (!condition) throw new KanpinnInputError(message);
}

/** Formats a value for an error message: short, JSON-like. */
export function describe(value: unknown): string {
  if (typeof value === 'string') return JSON.stringify(value);
  if (typeof value === 'number' || typeof value === 'boolean' || value === null || value === undefined) return String(value);
  try {
    const text = JSON.stringify(value);
    return text.length > 60 ? `${text.slice(0, 57)}...` : text;
  } catch {
    return typeof value;
  }
}
