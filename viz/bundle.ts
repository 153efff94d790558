/**
 * Finds the viewer bundle (dist/viz/viewer.bundle.js) from this module's own location, both as
 * source (viz/bundle.ts under vitest or tsx) and compiled (dist/viz/bundle.js). Where the repo's
 * sources are present and newer than the bundle (or it is missing), it rebuilds it with
 * viz/build-viewer.mjs (esbuild, a devDependency) first. Node-only.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { VizDataError } from './errors.js';

interface BundlePaths { bundle: string; sources: string; script: string }

/** Where the bundle and the sources are, seen from this file. */
export function bundlePaths(moduleUrl: string = import.meta.url): BundlePaths {
  const file = fileURLToPath(moduleUrl);
  const dir = dirname(file);
  const fromSource = file.endsWith('.ts');
  const root = fromSource ? resolve(dir, '..') : resolve(dir, '..', '..');
  return {
    bundle: fromSource ? join(root, 'dist', 'viz', 'viewer.bundle.js') : join(dir, 'viewer.bundle.js'),
    sources: join(root, 'viz'),
    script: join(root, 'viz', 'build-viewer.mjs'),
  };
}

function newestSource(folder: string): number {
  let newest = 0;
  for (const entry of readdirSync(folder, { withFileTypes: true })) {
    const path = join(folder, entry.name);
    if (entry.isDirectory()) newest = Math.max(newest, newestSource(path));
    else if (/\.(ts|mjs)$/.test(entry.name)) newest = Math.max(newest, statSync(path).mtimeMs);
  }
  return newest;
}

let cached: { path: string; mtimeMs: number; code: string } | undefined;

/** The minified viewer script; rebuilt first when the sources are here and newer. */
export function loadViewerBundle(): string {
  const paths = bundlePaths();
  const haveSources = existsSync(paths.script);
  const builtAt = existsSync(paths.bundle) ? statSync(paths.bundle).mtimeMs : -1;
  if (haveSources && builtAt < newestSource(paths.sources)) {
    try {
      execFileSync(process.execPath, [paths.script, paths.bundle], { stdio: ['ignore', 'ignore', 'pipe'] });
    } catch (error) {
      if (builtAt < 0) {
        const detail = error instanceof Error ? error.message.split('\n')[0] : String(error);
        throw new VizDataError(`kanpinn viz: the viewer bundle is missing (${paths.bundle}) and building it failed: ${detail}`);
      }
    }
  }
  if (!existsSync(paths.bundle)) {
    throw new VizDataError(`kanpinn viz: the viewer bundle is missing (${paths.bundle}); run \`npm run build\``);
  }
  const mtimeMs = statSync(paths.bundle).mtimeMs;
  if (!cached || cached.path !== paths.bundle || cached.mtimeMs !== mtimeMs) {
    cached = { path: paths.bundle, mtimeMs, code: readFileSync(paths.bundle, 'utf8') };
  }
  return cached.code;
}
