import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';
// @ts-expect-error a plain ES module script without types
import { vendor } from './tools/vendor-tfjs.mjs';

// src/tf.ts imports the generated tfjs registrations; write them when missing or stale.
await vendor();

/**
 * Test files that run for long (2,000-step training, a headless browser, the CLI comparison, the
 * benchmark suites' own checks, the built CLI killed by signals, the library bundled for a browser,
 * sweeps over worker processes and Redis, a threaded CLI's exit, the PDE-to-formula workflow, the GPU path in Chromium). `npx vitest --project unit` leaves them out for a fast loop;
 * `npm test` runs both projects.
 */
const LONG = ['test/train/longRun.test.ts', 'test/viz/browser.test.ts', 'test/cli/compare.test.ts', 'test/bench-suites/**/*.test.ts', 'test/cli/faultInjection.test.ts', 'test/cli/signals.test.ts', 'test/io/browserBundle.test.ts', 'test/docs/typedoc.test.ts', 'test/cli/resumeKill.test.ts', 'test/sweep/sweep.test.ts', 'test/engine/exit.test.ts', 'test/interpret/pde.test.ts', 'test/cli/pdeFormula.test.ts', 'test/gpu/**/*.test.ts'];

export default defineConfig({
  // `import … from 'kanpinn'` in tests reads the package entry's source (Node reads its build, dist/index.js)
  resolve: { alias: [{ find: /^kanpinn$/, replacement: fileURLToPath(new URL('./index.ts', import.meta.url)) }] },
  test: {
    exclude: ['node_modules/**', 'dist/**'],
    testTimeout: 60_000,
    hookTimeout: 60_000,
    // tfjs keeps one global engine per process; files in separate forks keep backends apart.
    pool: 'forks',
    projects: [
      { extends: true, test: { name: 'unit', include: ['test/**/*.test.ts'], exclude: ['node_modules/**', 'dist/**', ...LONG] } },
      { extends: true, test: { name: 'long', include: LONG } },
    ],
  },
});
