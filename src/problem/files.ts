/**
 * File access for problem definitions (Node only): synchronous reads through Node's built-in
 * `fs`, reached without a static import so that the library still bundles for a browser.
 */
import { KanpinnInputError } from '../errors.js';

interface NodeFs {
  readFileSync(path: string, encoding: 'utf8'): string;
  existsSync(path: string): boolean;
  readdirSync(path: string): string[];
}
interface NodePath {
  resolve(...parts: string[]): string;
  dirname(path: string): string;
  isAbsolute(path: string): boolean;
  join(...parts: string[]): string;
}

type BuiltinLoader = (name: string) => unknown;

function builtin<T>(name: string): T {
  const loader = (globalThis as { process?: { getBuiltinModule?: BuiltinLoader } }).process?.getBuiltinModule;
  if (!loader) throw new KanpinnInputError(`files: reading problem files needs Node.js >= 20.16 (no ${name} here)`);
  return loader(name) as T;
}

/** Node's `fs`. */
export function nodeFs(): NodeFs {
  return builtin<NodeFs>('node:fs');
}

/** Node's `path`. */
export function nodePath(): NodePath {
  return builtin<NodePath>('node:path');
}

/** Reads a UTF-8 file for `field`; a failure names the field and the path. */
export function readText(path: string, field: string): string {
  try {
    return nodeFs().readFileSync(path, 'utf8');
  } catch (error) {
    if (error instanceof KanpinnInputError) throw error;
    const code = (error as { code?: string }).code;
    const reason = code === 'ENOENT' ? 'no such file' : code === 'EISDIR' ? 'it is a directory' : (error as Error).message.split('\n')[0];
    throw new KanpinnInputError(`${field}: cannot read "${path}" (${reason})`);
  }
}

/** `path` resolved against `baseDir` (or the working directory) unless absolute. */
export function resolvePath(path: string, baseDir?: string): string {
  const p = nodePath();
  return p.isAbsolute(path) ? path : p.resolve(baseDir ?? '.', path);
}
