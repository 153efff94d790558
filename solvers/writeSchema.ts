/**
 * Writes `problems/schema/problem.schema.json` from `problemSchema()` (`npm run schema`). The file is generated,
 * never edited: test/problem/schema.test.ts fails while it differs from the generator's output.
 */
import { writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { problemSchema } from '../src/internal.js';

/** The text of `problems/schema/problem.schema.json`. */
export function schemaText(): string {
  return `${JSON.stringify(problemSchema(), null, 2)}\n`;
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const path = new URL('../../problems/schema/problem.schema.json', import.meta.url);
  writeFileSync(path, schemaText());
  process.stdout.write(`wrote ${fileURLToPath(path)}\n`);
}
