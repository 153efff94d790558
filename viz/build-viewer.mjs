// Bundles the browser viewer (viz/browser/viewer.ts, three.js included) into one minified IIFE,
// dist/viz/viewer.bundle.js, which renderReport inlines into every report so it opens from file://.
// Usage: node viz/build-viewer.mjs [outfile]. Needs esbuild (a devDependency); no network.
import { build } from 'esbuild';
import { mkdirSync, renameSync, writeFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const outfile = resolve(process.argv[2] ?? resolve(root, 'dist/viz/viewer.bundle.js'));

const result = await build({
  entryPoints: [resolve(root, 'viz/browser/viewer.ts')],
  bundle: true,
  format: 'iife',
  platform: 'browser',
  target: 'es2020',
  minify: true,
  legalComments: 'none',
  write: false,
  logLevel: 'error',
  define: { 'process.env.NODE_ENV': '"production"' },
});
const code = result.outputFiles[0]?.text;
if (!code) throw new Error('build-viewer: esbuild produced no output');
mkdirSync(dirname(outfile), { recursive: true });
// Temp file + rename: parallel test workers may build at once, and none may read half a file.
const temp = `${outfile}.${process.pid}.tmp`;
writeFileSync(temp, code);
renameSync(temp, outfile);
