/** Runs the built CLI (`node bin/kanpinn.js`, needs `npm run build`) as a child process, for tests that send it signals. */
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
export const CLI = fileURLToPath(new URL('../../bin/kanpinn.js', import.meta.url));
/** Whether dist/ holds the compiled CLI (`npm ci` and `npm run build` make it). */
export const BUILT = existsSync(fileURLToPath(new URL('../../dist/solvers/cli.js', import.meta.url)));

/** How a child process ended. */
export interface Ended {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
  seconds: number;
}

/** A running CLI and the promise of its end. */
export interface Running {
  child: ChildProcess;
  ended: Promise<Ended>;
  /** What it wrote to stderr so far. */
  stderr(): string;
}

/** Starts `kanpinn ...argv` with stdio piped (stderr is not a terminal, as under a job scheduler). */
export function startCli(argv: string[]): Running {
  const start = performance.now();
  const child = spawn(process.execPath, [CLI, ...argv], { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout!.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
  child.stderr!.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const ended = new Promise<Ended>((resolve) => {
    child.on('close', (code, signal) => resolve({ code, signal, stdout, stderr, seconds: (performance.now() - start) / 1000 }));
  });
  return { child, ended, stderr: () => stderr };
}

/** Resolves once `check()` holds, polling every 20 ms; rejects after `seconds`. */
export async function waitFor(check: () => boolean, seconds: number, what: string): Promise<void> {
  const deadline = performance.now() + seconds * 1000;
  while (!check()) {
    if (performance.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}
