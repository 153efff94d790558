/**
 * The library's one file-system wrapper (Node only): reads of problem, data and model files, and
 * writes that a reader sees whole or not at all. Node's `fs` and `path` are reached through
 * `process.getBuiltinModule`, never a static `node:` import, so the library still bundles and runs
 * in a browser; there these functions throw a one-line error.
 *
 * Writes: each file goes to a temp file `.NAME.PID.TIME.tmp` in the same folder, then is renamed
 * over NAME. A set of files (a run's outputs) is committed together: all temp files are written
 * first, then a journal `.kanpinn-commit.PID.TIME.json` names the renames, then the renames run
 * back to back and the journal is removed. A process killed during the renames leaves the journal;
 * the next write to the folder finishes those renames (so the folder returns to one complete set)
 * and deletes temp files whose process is gone.
 */
import { KanpinnInputError } from '../errors.js';

interface Stats {
  isDirectory(): boolean;
}
interface NodeFs {
  readFileSync(path: string, encoding: 'utf8'): string;
  writeFileSync(path: string, data: string | Uint8Array): void;
  existsSync(path: string): boolean;
  readdirSync(path: string): string[];
  statSync(path: string, options: { throwIfNoEntry: false }): Stats | undefined;
  mkdirSync(path: string): void;
  openSync(path: string, flags: string): number;
  writeSync(fd: number, data: string): number;
  closeSync(fd: number): void;
  renameSync(from: string, to: string): void;
  unlinkSync(path: string): void;
}
interface NodePath {
  resolve(...parts: string[]): string;
  dirname(path: string): string;
  basename(path: string): string;
  isAbsolute(path: string): boolean;
  join(...parts: string[]): string;
}
interface NodeProcess {
  pid: number;
  kill(pid: number, signal: number): boolean;
  getBuiltinModule?: (name: string) => unknown;
}

function nodeProcess(): NodeProcess | undefined {
  return (globalThis as { process?: NodeProcess }).process;
}

function builtin<T>(name: string): T {
  const loader = nodeProcess()?.getBuiltinModule;
  if (!loader) throw new KanpinnInputError(`files: reading and writing files needs Node.js >= 20.16 (no ${name} here)`);
  return loader(name) as T;
}

/** Node's `fs` (synchronous calls only). */
export function nodeFs(): NodeFs {
  return builtin<NodeFs>('node:fs');
}

/** Node's `path`. */
export function nodePath(): NodePath {
  return builtin<NodePath>('node:path');
}

/** The reason of a Node file error in words, for one-line messages. */
function reason(error: unknown): string {
  const code = (error as { code?: string }).code;
  switch (code) {
    case 'ENOENT':
      return 'no such file';
    case 'EISDIR':
      return 'it is a directory';
    case 'ENOTDIR':
      return 'a part of the path is a file';
    case 'EACCES':
    case 'EPERM':
      return 'permission denied';
    case 'EROFS':
      return 'read-only file system';
    case 'ENOSPC':
      return 'no space left on the device';
    default:
      return code ?? (error as Error).message.split('\n')[0]!;
  }
}

/** Reads a UTF-8 file for `field`; a failure names the field and the path. */
export function readText(path: string, field: string): string {
  try {
    return nodeFs().readFileSync(path, 'utf8');
  } catch (error) {
    if (error instanceof KanpinnInputError) throw error;
    throw new KanpinnInputError(`${field}: cannot read "${path}" (${reason(error)})`);
  }
}

/** `path` resolved against `baseDir` (or the working directory) unless absolute. */
export function resolvePath(path: string, baseDir?: string): string {
  const p = nodePath();
  return p.isAbsolute(path) ? path : p.resolve(baseDir ?? '.', path);
}

/**
 * Makes folder `dir` and its missing parents, one level at a time. Node's recursive `mkdir` loops
 * forever where a file system answers ENOENT for a child of an existing folder (`/proc/nope`);
 * here that is an error naming `field`.
 */
export function ensureDirectory(dir: string, field = 'folder'): void {
  const fs = nodeFs();
  const path = nodePath();
  const missing: string[] = [];
  let at = path.resolve(dir);
  for (;;) {
    const stats = statOrNull(at);
    if (stats) {
      if (!stats.isDirectory()) throw new KanpinnInputError(`${field}: "${at}" is a file, expected a folder`);
      break;
    }
    missing.push(at);
    const parent = path.dirname(at);
    if (parent === at) break;
    at = parent;
  }
  for (const folder of missing.reverse()) {
    try {
      fs.mkdirSync(folder);
    } catch (error) {
      if ((error as { code?: string }).code === 'EEXIST' && statOrNull(folder)?.isDirectory()) continue;
      // ENOENT although the parent exists: a file system that takes no new folders (/proc, /sys).
      const why = (error as { code?: string }).code === 'ENOENT' ? 'the file system there takes no new folders' : reason(error);
      throw new KanpinnInputError(`${field}: cannot create folder "${folder}" (${why})`);
    }
  }
}

/** The stats of `path`, or null when it does not exist or a part of it is a file (ENOTDIR). */
function statOrNull(path: string): Stats | null {
  try {
    return nodeFs().statSync(path, { throwIfNoEntry: false }) ?? null;
  } catch (error) {
    if ((error as { code?: string }).code === 'ENOTDIR') return null;
    throw error;
  }
}

const TEMP = /^\..+\.(\d+)\.\d+\.tmp$/;
const JOURNAL = /^\.kanpinn-commit\.(\d+)\.\d+\.json$/;

let lastStamp = 0;
/** A temp name unique within this process even for two writes in the same millisecond. */
function tempName(name: string): string {
  lastStamp = Math.max(lastStamp + 1, Date.now());
  return `.${name}.${nodeProcess()!.pid}.${lastStamp}.tmp`;
}

/** Whether process `pid` still runs (EPERM: it runs under another user). */
function alive(pid: number): boolean {
  if (pid === nodeProcess()?.pid) return true;
  try {
    nodeProcess()!.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as { code?: string }).code === 'EPERM';
  }
}

/**
 * Repairs folder `dir` after a writer was killed: finishes the renames of a commit journal left by
 * a dead process, then deletes temp files of dead processes. Returns the names it removed or
 * renamed. Runs before every write into the folder; live writers' files are left alone.
 */
export function repairFolder(dir: string): string[] {
  const fs = nodeFs();
  const path = nodePath();
  const touched: string[] = [];
  let names: string[];
  try {
    names = fs.readdirSync(dir);
  } catch {
    return touched;
  }
  for (const name of names) {
    const match = JOURNAL.exec(name);
    if (!match || alive(Number(match[1]))) continue;
    try {
      const renames = JSON.parse(fs.readFileSync(path.join(dir, name), 'utf8')) as [string, string][];
      for (const [from, to] of renames) {
        // A name with a separator cannot come from writeFileSet; skip it rather than follow it out of the folder.
        if (from.includes('/') || to.includes('/') || from.includes('\\') || to.includes('\\')) continue;
        if (fs.existsSync(path.join(dir, from))) {
          fs.renameSync(path.join(dir, from), path.join(dir, to));
          touched.push(to);
        }
      }
    } catch {
      // An unreadable journal was cut short before its renames began: nothing to finish.
    }
    fs.unlinkSync(path.join(dir, name));
    touched.push(name);
  }
  for (const name of fs.readdirSync(dir)) {
    const match = TEMP.exec(name);
    if (!match || alive(Number(match[1]))) continue;
    try {
      fs.unlinkSync(path.join(dir, name));
      touched.push(name);
    } catch {
      // Gone already (another process cleaned it).
    }
  }
  return touched;
}

/**
 * Checks before any work that `dir` can receive output files: creates it (and its parents) and
 * writes and removes a probe file there; each of `names` must not be a folder. Errors name `field`.
 */
export function prepareOutputFolder(dir: string, field: string, names: readonly string[] = []): void {
  ensureDirectory(dir, field);
  const fs = nodeFs();
  const path = nodePath();
  for (const name of names) {
    if (statOrNull(path.join(dir, name))?.isDirectory()) {
      throw new KanpinnInputError(`${field}: "${path.join(dir, name)}" is a folder; the output file ${name} cannot replace it`);
    }
  }
  const probe = path.join(dir, tempName('kanpinn-probe'));
  try {
    fs.writeFileSync(probe, '');
    fs.unlinkSync(probe);
  } catch (error) {
    throw new KanpinnInputError(`${field}: cannot write into folder "${dir}" (${reason(error)})`);
  }
}

/** One file of a set written by `writeFileSet`: its name inside the folder and its contents. */
export interface OutputFile {
  name: string;
  contents: string | Uint8Array;
}

/**
 * Writes `files` into folder `dir` as one set: a reader (or a later run after a kill) finds either
 * the previous files or all the new ones. Returns the paths written.
 */
export async function writeFileSet(dir: string, files: readonly OutputFile[]): Promise<string[]> {
  const fs = nodeFs();
  const path = nodePath();
  ensureDirectory(dir, 'output folder');
  repairFolder(dir);
  const renames: [string, string][] = [];
  try {
    for (const file of files) {
      if (file.name.includes('/') || file.name.includes('\\')) throw new KanpinnInputError(`writeFileSet: "${file.name}" must be a plain file name`);
      const temp = tempName(file.name);
      fs.writeFileSync(path.join(dir, temp), file.contents);
      renames.push([temp, file.name]);
    }
  } catch (error) {
    for (const [temp] of renames) unlinkQuietly(path.join(dir, temp));
    if (error instanceof KanpinnInputError) throw error;
    throw new KanpinnInputError(`output folder: cannot write into "${dir}" (${reason(error)})`);
  }
  const journal = renames.length > 1 ? path.join(dir, `.kanpinn-commit.${nodeProcess()!.pid}.${Date.now()}.json`) : null;
  if (journal) {
    const temp = path.join(dir, tempName('kanpinn-commit'));
    fs.writeFileSync(temp, JSON.stringify(renames));
    fs.renameSync(temp, journal);
  }
  // Synchronous, back to back: a signal handler cannot run between two renames.
  for (const [temp, name] of renames) fs.renameSync(path.join(dir, temp), path.join(dir, name));
  if (journal) fs.unlinkSync(journal);
  return renames.map(([, name]) => path.join(dir, name));
}

function unlinkQuietly(file: string): void {
  try {
    nodeFs().unlinkSync(file);
  } catch {
    // Never written or already gone.
  }
}

/** A file written in pieces (rows streamed out of a long computation); see `openAtomicWriter`. */
export interface AtomicWriter {
  write(text: string): void;
  /** Renames the finished temp file over the target. */
  close(): void;
  /** Deletes the temp file; the target keeps its old contents. */
  abort(): void;
}

/**
 * Opens `path` for writing in pieces so that readers see the old file or the whole new one: the
 * pieces go to a temp file in the same folder (cleaned by `repairFolder` if the process is killed),
 * `close` renames it over `path`. The folder is repaired first, as by every write.
 */
export function openAtomicWriter(path: string): AtomicWriter {
  const fs = nodeFs();
  const p = nodePath();
  const dir = p.dirname(path);
  ensureDirectory(dir, 'output folder');
  repairFolder(dir);
  const temp = p.join(dir, tempName(p.basename(path)));
  let fd: number | null = fs.openSync(temp, 'w');
  const closeFd = (): void => {
    if (fd !== null) fs.closeSync(fd);
    fd = null;
  };
  return {
    write(text) {
      if (fd === null) throw new Error(`openAtomicWriter: ${path} is already closed`);
      fs.writeSync(fd, text);
    },
    close() {
      closeFd();
      fs.renameSync(temp, path);
    },
    abort() {
      closeFd();
      unlinkQuietly(temp);
    },
  };
}

/** Writes `text` to `path` so that readers see the old file or the whole new one, never a part. */
export async function writeFileAtomic(path: string, text: string | Uint8Array): Promise<void> {
  const p = nodePath();
  await writeFileSet(p.dirname(path), [{ name: p.basename(path), contents: text }]);
}
