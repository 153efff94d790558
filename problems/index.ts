/**
 * The built-in problems. JSON built-ins (`problems/*.json`) are found by the library itself;
 * importing this module also registers the TypeScript built-ins, so `resolveProblem` and
 * `listProblems` re-exported here see all of them.
 */
import { registerProblem } from '../src/index.js';
import type { BuiltinProblem } from '../src/index.js';
import { diffusion1d } from './diffusion1d.js';
import { pinnacleHeat2dMs } from './pinnacle-heat-2d-ms.js';
import { poisson2dPaper } from './poisson2d-paper.js';
import { wave1d } from './wave1d.js';

/** The TypeScript built-ins. */
export const TYPESCRIPT_PROBLEMS: readonly BuiltinProblem[] = [
  { name: 'poisson2d-paper', description: "The KAN paper's Poisson problem", build: poisson2dPaper },
  { name: 'diffusion1d', description: "DeepXDE's diffusion example", build: diffusion1d },
  { name: 'wave1d', description: '1-D wave equation', build: wave1d },
  { name: 'pinnacle-heat-2d-ms', description: 'PINNacle Heat 2d-MS', build: pinnacleHeat2dMs },
];

for (const entry of TYPESCRIPT_PROBLEMS) registerProblem(entry);

export { resolveProblem, listProblems, builtinNames } from '../src/index.js';
