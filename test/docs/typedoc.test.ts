/**
 * The public entry (src/index.ts) is documented: TypeDoc (typedoc.json) validates that every
 * exported function, class, constant, interface and type has a TSDoc comment and that every type an
 * export mentions is itself exported, with warnings as errors. `npm run docs` writes the HTML.
 */
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

describe('API documentation', () => {
  it('TypeDoc finds no undocumented or unexported public API', () => {
    const bin = fileURLToPath(new URL('../../node_modules/typedoc/bin/typedoc', import.meta.url));
    const run = spawnSync(process.execPath, [bin, '--emit', 'none'], { encoding: 'utf8', timeout: 170_000, cwd: fileURLToPath(new URL('../..', import.meta.url)) });
    const output = `${run.stdout}${run.stderr}`;
    expect(output).not.toMatch(/warning|error/i);
    expect(run.status, output).toBe(0);
  }, 180_000);
});
