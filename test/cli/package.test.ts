/** The package as a dependency: what it declares, what starts without tensors, and require(). */
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { BACKEND_HELP, COMMANDS } from '../../solvers/cli.js';
import { BACKEND_NAMES } from '../../src/backend.js';
import { BUILT } from './spawn.js';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const pkg = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as {
  dependencies: Record<string, string>;
  devDependencies: Record<string, string>;
  peerDependencies: Record<string, string>;
  peerDependenciesMeta: Record<string, { optional?: boolean }>;
  exports: Record<string, string | Record<string, string>>;
  keywords: string[];
  files: string[];
};

/** Every .ts/.js/.mjs file under `dir`, recursively. */
function sources(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return name === 'node_modules' ? [] : sources(path);
    return /\.(ts|js|mjs)$/.test(name) ? [path] : [];
  });
}

/**
 * Runs the built CLI's `main(argv)` in a child Node with a module-resolution hook and returns every
 * module URL it resolved (yargs' process.exit after --help is caught).
 */
function resolvedBy(argv: string[]): string[] {
  const hooks = `let port; export function initialize(d) { port = d.port; } export async function resolve(s, c, next) { const r = await next(s, c); port.postMessage(r.url); return r; }`;
  const script = `
    import { register } from 'node:module';
    import { MessageChannel } from 'node:worker_threads';
    const { port1, port2 } = new MessageChannel();
    const seen = [];
    port1.on('message', (u) => seen.push(u));
    register('data:text/javascript,' + encodeURIComponent(${JSON.stringify(hooks)}), { data: { port: port2 }, transferList: [port2] });
    process.exit = () => undefined;
    process.stdout.write = () => true;
    const { main } = await import(${JSON.stringify(new URL('../../dist/solvers/cli.js', import.meta.url).href)});
    await main(${JSON.stringify(argv)});
    await new Promise((r) => setTimeout(r, 200));
    port1.close();
    process.stderr.write(JSON.stringify(seen));`;
  const run = spawnSync(process.execPath, ['--input-type=module', '-e', script], { cwd: ROOT, encoding: 'utf8', timeout: 60_000 });
  expect(run.status, run.stderr).toBe(0);
  return JSON.parse(run.stderr.slice(run.stderr.lastIndexOf('['))) as string[];
}

describe('the package', () => {
  it('declares caret ranges for runtime dependencies, three at build time only, optional peer backends', () => {
    for (const [name, range] of Object.entries(pkg.dependencies)) expect(range, name).toMatch(/^\^\d/);
    expect(pkg.dependencies).not.toHaveProperty('three');
    expect(pkg.devDependencies).toHaveProperty('three');
    // tfjs-core and the backends it ships with, not the whole @tensorflow/tfjs bundle (issue 16, item 7).
    expect(pkg.dependencies).not.toHaveProperty('@tensorflow/tfjs');
    for (const name of ['@tensorflow/tfjs-core', '@tensorflow/tfjs-backend-cpu', '@tensorflow/tfjs-backend-wasm']) expect(pkg.dependencies, name).toHaveProperty(name);
    for (const name of ['@tensorflow/tfjs-node', '@tensorflow/tfjs-node-gpu', '@tensorflow/tfjs-backend-webgl', '@tensorflow/tfjs-backend-webgpu']) {
      expect(pkg.peerDependencies, name).toHaveProperty(name);
      expect(pkg.peerDependenciesMeta[name]?.optional, name).toBe(true);
    }
    for (const [path, entry] of Object.entries(pkg.exports)) if (typeof entry === 'object') expect(entry.default, path).toBe(entry.import);
    expect(pkg.keywords.length).toBeGreaterThan(3);
    for (const file of ['LICENSE', 'CHANGELOG.md']) expect(existsSync(join(ROOT, file)), file).toBe(true);
    expect(readFileSync(join(ROOT, 'LICENSE'), 'utf8')).toMatch(/^MIT License/);
  });

  it('imports three only in the browser viewer, which is bundled at build time (and left out of the package)', () => {
    const importers = ['src', 'solvers', 'problems', 'viz', 'bin']
      .flatMap((dir) => sources(join(ROOT, dir)))
      .filter((file) => /from 'three'|import\('three'\)|require\('three'\)/.test(readFileSync(file, 'utf8')))
      .map((file) => file.slice(ROOT.length).replace(/\\/g, '/'));
    expect(importers.length).toBeGreaterThan(0);
    for (const file of importers) expect(file).toMatch(/^viz\/browser\//);
    expect(pkg.files).toContain('!dist/viz/browser');
  });

  it('--backend help names every backend, the optional packages and KANPINN_BACKEND', () => {
    for (const name of [...BACKEND_NAMES, 'KANPINN_BACKEND', '@tensorflow/tfjs-node', '@tensorflow/tfjs-node-gpu', '@tensorflow/tfjs-backend-webgl', '@tensorflow/tfjs-backend-webgpu']) expect(BACKEND_HELP).toContain(name);
  });

  it("the built 'kanpinn/tf' has gradients and chained ops in plain Node (tfjs-core's Node build registers neither)", () => {
    const script = [
      "const tf = await import('kanpinn/tf');",
      "await tf.setBackend('cpu');",
      'const x = tf.tensor1d([0.5, 1, 2]);',
      'const g = tf.grad((a) => tf.sum(tf.mul(tf.sin(a), a.square())))(x);',
      'console.log(JSON.stringify(Array.from(g.dataSync())));',
    ].join('\n');
    const out = execFileSync(process.execPath, ['--input-type=module', '-e', script], { cwd: ROOT, encoding: 'utf8' });
    const got = JSON.parse(out) as number[];
    // d/dx sin(x)·x² = cos(x)·x² + 2x·sin(x)
    [0.5, 1, 2].forEach((v, i) => expect(got[i]).toBeCloseTo(Math.cos(v) * v * v + 2 * v * Math.sin(v), 4));
  });

  it('every command of the top-level help matches its module (name, positionals, description)', async () => {
    for (const entry of COMMANDS) {
      const module = await entry.load();
      expect(module.command, entry.command).toBe(entry.command);
      expect(module.describe, entry.command).toBe(entry.describe);
    }
  });

  it.skipIf(!BUILT)('--help and --version load neither tfjs nor mathjs', () => {
    for (const argv of [['--help'], ['--version']]) {
      const urls = resolvedBy(argv);
      expect(urls.some((u) => u.includes('/yargs/')), argv.join(' ')).toBe(true);
      expect(urls.filter((u) => /@tensorflow|mathjs/.test(u)), argv.join(' ')).toEqual([]);
    }
    // The hook sees the heavy modules when a command needs them.
    expect(resolvedBy(['predict', '--help']).some((u) => u.includes('@tensorflow'))).toBe(true);
  });

  it.skipIf(!BUILT || !(process as { features?: { require_module?: boolean } }).features?.require_module)("require('kanpinn') works (the exports' default condition)", () => {
    const run = spawnSync(process.execPath, ['-e', "const k = require('kanpinn'); process.stdout.write(typeof k.createKan + ' ' + typeof require('kanpinn/problems').resolveProblem)"], { cwd: ROOT, encoding: 'utf8', timeout: 60_000 });
    expect(run.stdout, run.stderr).toBe('function function');
  });
});
