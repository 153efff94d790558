/**
 * Scaling from a problem (src/architecture/scalingPlan.ts), the automatic recipe's decision and
 * `--scale`: output scales from the stated Dirichlet, initial and data values (never the exact
 * solution), the rule, the flag's errors, and a solve that builds, reports and saves the scaling.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { setBackend } from '../../src/backend.js';
import { defineProblem } from '../../src/problem/define.js';
import { outputScales, scalingFor, scalingNeeded } from '../../src/architecture/scalingPlan.js';
import { autoRecipe } from '../../src/train/recipe.js';
import { parseOptionText } from '../../src/options/training.js';
import { loadModel } from '../../src/io/modelFile.js';
import { resolveProblem } from '../../src/index.js';
import { resolveSolveOptions, solveProblem } from '../../solvers/solve.js';
import { runSettings } from '../../solvers/commands/solve.js';
import { main } from '../../solvers/cli.js';
import { capture } from '../cli/capture.js';

beforeAll(async () => {
  await setBackend('wasm');
});

afterEach(() => {
  vi.restoreAllMocks();
  process.exitCode = undefined;
});

/** Heat on x in [0, 10], t in [0, 50]: u(x, 0) = 30 sin(πx/10) (rate-free), u = 0 at the ends, 2 observations of 45. */
const far = defineProblem({
  name: 'far',
  variables: ['x'],
  time: [0, 50],
  domain: { type: 'interval', min: 0, max: 10 },
  pde: 'u_t - 0.1*u_xx',
  conditions: [
    { type: 'dirichlet', on: 'boundary', value: '0' },
    { type: 'initial', value: '30*sin(pi*x/10)' },
    { type: 'data', points: [[5, 1], [4, 2]], values: [45, -12] },
  ],
  exact: '1000*x',
});

/** A wave on [-1, 1] x [-1, 1] (t from -1): u(x, -1) = 0.8 sin(πx), u_t(x, -1) = 50 sin(πx) (a rate, not a value of u). */
const near = defineProblem({
  name: 'near',
  variables: ['x'],
  time: [-1, 1],
  domain: { type: 'interval', min: -1, max: 1 },
  pde: 'u_tt - u_xx',
  conditions: [
    { type: 'dirichlet', on: 'boundary', value: '0' },
    { type: 'initial', value: '0.8*sin(pi*x)', rate: '50*sin(pi*x)' },
  ],
});

describe('scaling from a problem', () => {
  it('takes the output scale from the stated values only: Dirichlet, initial values and data (not rates, not the exact solution)', () => {
    const f = outputScales(far);
    expect(f.scales).toEqual([45]);
    expect(f.source).toBe('u: 45 (max |value| of conditions[1].initial, conditions[2].data)');
    // 0.8, not the rate's 50.
    expect(outputScales(near).scales[0]).toBeCloseTo(0.8, 3);
    const zero = defineProblem({ name: 'z', variables: ['x'], domain: { type: 'interval', min: 0, max: 1 }, pde: 'u_xx + 1', conditions: [{ type: 'dirichlet', on: 'boundary', value: '0' }] });
    expect(outputScales(zero)).toEqual({ scales: [1], source: 'u: 1 (no nonzero Dirichlet, initial, data, Neumann or Robin value)' });
    // helmholtz2d's boundary values sin(πx) sin(4πy) are zero up to rounding (1e-16): no scale, not a scale of 1e-16.
    const helmholtz = resolveProblem('helmholtz2d');
    expect(outputScales(helmholtz).scales).toEqual([1]);
    expect(scalingNeeded(helmholtz).on).toBe(false);
  });

  it('maps the bounding box to [-1, 1]; the rule turns it on only far from unit', () => {
    const on = scalingFor(far, 'on');
    expect(on.config).toMatchObject({ center: [5, 25], halfWidth: [5, 25], outputScale: [45] });
    expect(scalingFor(far, 'off')).toEqual({ config: null, why: 'off' });
    expect(scalingNeeded(far).on).toBe(true);
    expect(scalingNeeded(far).why).toBe('x in [0, 10], t in [0, 50], u of scale 45: not unit, so inputs to [−1, 1] and outputs to unit scale inside the model');
    expect(scalingNeeded(near).why).toBe('every input in [−1, 1] and every output scale within [1/2, 2]: already unit');
    expect(scalingNeeded(near).on).toBe(false);
    expect(scalingFor(near, 'auto').config).toBeNull();
    expect(scalingFor(far, 'auto').why).toMatch(/^auto: on \(x in \[0, 10\]/);
  });
});

describe('the recipe decision and --scale', () => {
  it('autoRecipe turns scaling on far from unit, with the reason; the user\'s --scale wins', () => {
    const decision = autoRecipe(far, {}).decisions.find((d) => d.option === 'scale');
    expect(decision?.value).toBe('on');
    expect(decision?.why).toMatch(/: not unit, so inputs to \[−1, 1\]/);
    // Unit ranges in [0, 1] are not unit form: heat1d is scaled (x, t in [0, 1]); poisson1d on [-1, 1] with u = 0 is not.
    expect(autoRecipe(resolveProblem('heat1d'), {}).options.scale).toBe('on');
    expect(autoRecipe(resolveProblem('poisson1d'), {}).options.scale).toBeUndefined();
    expect(autoRecipe(far, {}).options.scale).toBe('on');
    expect(autoRecipe(far, { scale: 'off' }).options.scale).toBeUndefined();
    expect(autoRecipe(near, {}).options.scale).toBeUndefined();
    expect(resolveSolveOptions(far, {}).scale).toBe('on');
    expect(resolveSolveOptions(far, { recipe: 'tuned' }).scale).toBe('off');
    expect(resolveSolveOptions(far, { scale: 'off' }).scale).toBe('off');
  });

  it('refuses a bad --scale with one line naming the flag, exit code 2', async () => {
    expect(parseOptionText('scale', 'auto')).toBe('auto');
    expect(() => parseOptionText('scale', 'yes')).toThrow(/^--scale: expected one of auto, on, off, got "yes"$/);
    const io = capture();
    expect(await main(['solve', 'poisson2d', '--scale', 'maybe'])).toBe(2);
    expect(io.err().trim()).toBe('kanpinn: --scale: expected one of auto, on, off, got "maybe"');
  });

  it('a solve with --scale on builds, reports and saves the scaling; model.json predicts in original units', async () => {
    const problem = resolveProblem('poisson1d');
    const tiny = { steps: 2, grids: [3], points: 20, boundaryPoints: 2, seed: 0 };
    const run = await solveProblem(problem, { ...tiny, model: 'mlp', scale: 'on' });
    expect(run.model.options.scaling).toMatchObject({ center: [0], halfWidth: [1], outputScale: [1] });
    expect(runSettings(problem, run.summary, run.options, run.recipe).scaling).toMatch(/^on \(on; output scale u: 1 \(no nonzero Dirichlet/);
    run.model.dispose();
    const dir = mkdtempSync(join(tmpdir(), 'kanpinn-scale-'));
    const io = capture();
    expect(await main(['solve', 'heat1d', '--scale', 'on', '--steps', '1', '--grids', '3', '--points', '30', '--boundary-points', '8', '--quiet', '--json', '--out', dir])).toBe(0);
    const summary = JSON.parse(io.out()) as { relL2: number };
    vi.restoreAllMocks();
    const model = await loadModel(join(dir, 'model.json'));
    expect(model.options.scaling).toMatchObject({ center: [0.5, 0.5], halfWidth: [0.5, 0.5] });
    // The loaded model's error on the test set is the solve's: it predicts in the problem's units.
    const test = resolveProblem('heat1d').testSet!();
    const u = model.evaluate(test.coords).u!;
    let num = 0;
    let den = 0;
    u.forEach((v, n) => {
      num += (v - test.values[n]!) ** 2;
      den += test.values[n]! ** 2;
    });
    expect(Math.sqrt(num / den)).toBeCloseTo(summary.relL2, 4);
    // --resume keeps the file's scaling, whatever --scale says now, and the report says whose it is.
    const resumed = await solveProblem(resolveProblem('heat1d'), { steps: 1, points: 30, boundaryPoints: 8, scale: 'off' }, { resume: { model, state: null } });
    expect(resumed.model.options.scaling).toEqual(model.options.scaling);
    expect(resumed.recipe.scale?.why).toMatch(/^the resumed model's \(output scale u: 1 \(max \|value\| of conditions\[1\]\.initial\)\)$/);
    model.dispose();
  }, 60_000);
});
