/**
 * The library still bundles for a browser (issue 12, item 4): its one file wrapper, src/io/files.ts,
 * reaches Node's modules only at call time, so no `node:` import reaches the bundle, and in a
 * context without Node its functions end in a one-line error instead of a crash at load.
 */
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';
import { describe, expect, it } from 'vitest';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));

describe('the library in a browser', () => {
  it('bundles for platform browser with no Node module', async () => {
    // esbuild refuses a `node:` import for platform 'browser', so a static one anywhere in src/ fails here.
    const bundle = await build({ entryPoints: [`${ROOT}src/index.ts`], bundle: true, write: false, format: 'esm', platform: 'browser', logLevel: 'silent', metafile: true });
    const inputs = Object.keys(bundle.metafile.inputs);
    expect(inputs.some((f) => f.startsWith('node:'))).toBe(false);
    expect(inputs).toContain('src/io/files.ts');
  }, 60_000);

  it('refuses file access with one line where there is no Node', async () => {
    const bundle = await build({
      stdin: {
        contents: "import { readText } from './src/io/files.ts'; try { readText('x.json', 'problem'); } catch (e) { globalThis.result = e.message; }",
        resolveDir: ROOT,
        loader: 'ts',
      },
      bundle: true,
      write: false,
      format: 'iife',
      platform: 'browser',
      logLevel: 'silent',
    });
    // Run the bundle where `process` does not exist, as in a page.
    const scope: { result?: string; process?: undefined } = { process: undefined };
    new Function('globalThis', 'process', bundle.outputFiles[0]!.text)(scope, undefined);
    expect(scope.result).toBe('files: reading and writing files needs Node.js >= 20.16 (no node:fs here)');
  });
});
