#!/usr/bin/env node
// Entry point of the `kanpinn` command: runs the compiled CLI (built by `npm install` via `prepare`).
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const cli = new URL('../dist/solvers/cli.js', import.meta.url);
if (!existsSync(fileURLToPath(cli))) {
  process.stderr.write('kanpinn: the compiled CLI is missing (dist/solvers/cli.js); run `npm run build` in the package folder\n');
  process.exit(1);
}
// A reader that stops early (`kanpinn ... --json | head`) closes stdout: end quietly, as Unix tools do.
process.stdout.on('error', (error) => {
  if (error.code === 'EPIPE') process.exit(0);
  throw error;
});
const { main } = await import(cli.href);
process.exitCode = await main(process.argv.slice(2));
