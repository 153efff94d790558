/**
 * The package entry (`import … from 'kanpinn'`, resolved to ../../index.ts by vitest.config.ts
 * as Node resolves it to dist/index.js through package.json) is the small library API of
 * DESIGN.md: built-in problems found without a side-effect import, no optimizer or kernel internals.
 */
import { readFileSync } from 'node:fs';
import * as api from 'kanpinn';
import { resolveProblem } from 'kanpinn';
import { describe, expect, it } from 'vitest';

describe('the package entry', () => {
  it('resolves the TypeScript built-ins without importing problems/ first', () => {
    const problem = resolveProblem('poisson2d-paper');
    expect(problem.name).toBe('poisson2d-paper');
    expect(api.builtinNames()).toEqual(expect.arrayContaining(['poisson2d-paper', 'diffusion1d', 'poisson2d']));
  });

  it('is what package.json exports as "."', () => {
    const pkg = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { exports: Record<string, { import: string; types: string }> };
    expect(pkg.exports['.']).toMatchObject({ types: './dist/index.d.ts', import: './dist/index.js' });
  });

  it('exports the library API of DESIGN.md', () => {
    for (const name of ['createModel', 'defineProblem', 'loadProblem', 'train', 'prune', 'refine', 'suggestSymbolic', 'autoSymbolic', 'fixSymbolic', 'symbolicFormula', 'saveModel', 'loadModel']) {
      expect(api, name).toHaveProperty(name);
    }
  });

  it('keeps internals out', () => {
    for (const name of ['strongWolfe', 'lbfgsDirection', 'planFor', 'jetTensors', 'Lbfgs', 'Adam', 'buildTermData', 'OPTION_SPECS', 'parseOptionText', 'createJetPlan', 'kernelSource']) {
      expect(api, name).not.toHaveProperty(name);
    }
    expect(Object.keys(api).length).toBeLessThan(90);
  });
});
