/**
 * `--embed` and `--hard` end to end: the flags (bad input is one line naming the flag, exit 2), a
 * solve that drops the imposed terms from the loss, model.json round trips (same outputs and
 * derivatives after reload, `predict` reads it), and a model file with a bad embedding is refused
 * naming the field.
 */
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { main } from '../../solvers/cli.js';
import { loadModel, modelFromJson, modelToJson } from '../../src/io/modelFile.js';
import { capture } from '../cli/capture.js';

afterEach(() => {
  vi.restoreAllMocks();
  process.exitCode = undefined;
});

const TINY = ['--steps', '2', '--grids', '3', '--points', '40', '--boundary-points', '16', '--quiet'];

describe('--embed and --hard', () => {
  it('refuse bad input with one line naming the flag, exit code 2', async () => {
    const cases: [string[], RegExp][] = [
      [['solve', 'poisson2d', '--embed', 'gauss:2'], /^kanpinn: --embed: unknown embedding 'gauss'; expected none, auto, fourier:SIGMA\[:M\]/],
      [['solve', 'poisson2d', '--embed', 'fourier:0'], /^kanpinn: --embed: SIGMA must be a positive number, got '0'/],
      [['solve', 'poisson2d', '--embed', 'periodic:q'], /^kanpinn: --embed: 'q' is not an input \(inputs are x, y\)$/],
      [['solve', 'poisson2d', '--hard', 'neumann'], /^kanpinn: --hard: expected none, auto, or a comma-separated list of dirichlet, initial, got "neumann"$/],
      [['solve', 'poisson2d', '--hard', 'initial'], /^kanpinn: --hard: cannot impose initial on poisson2d: the problem is not time-dependent$/],
    ];
    for (const [argv, message] of cases) {
      const io = capture();
      expect(await main(argv), argv.join(' ')).toBe(2);
      expect(io.err().trim(), argv.join(' ')).toMatch(message);
      expect(io.err().trim().split('\n').length).toBe(1);
      vi.restoreAllMocks();
    }
  });

  for (const kind of ['kan', 'mlp']) {
    it(`${kind}: a solve with both drops the Dirichlet terms, and model.json rebuilds the same model`, async () => {
      const dir = mkdtempSync(join(tmpdir(), 'kanpinn-embed-'));
      const io = capture();
      expect(await main(['solve', 'poisson2d', '--model', kind, '--embed', 'fourier:1:4', '--hard', 'dirichlet', ...TINY, '--json', '--out', dir])).toBe(0);
      const summary = JSON.parse(io.out()) as { terms: Record<string, number>; width: number[] };
      expect(Object.keys(summary.terms).some((name) => name.includes('dirichlet'))).toBe(false);
      expect(summary.width[0]).toBe(8);
      vi.restoreAllMocks();
      const model = await loadModel(join(dir, 'model.json'));
      expect(model.options.embedding?.frequencies).toBe(4);
      expect(model.options.hard?.imposes.length).toBeGreaterThan(0);
      const again = modelFromJson(JSON.parse(JSON.stringify(modelToJson(model))));
      const points = [[0.1, 0.2], [0.5, 0.9], [0.77, 0.33]];
      const names = ['u', 'u_x', 'u_yy', 'u_xxy'];
      const a = model.evaluate(points, { derivatives: names });
      const b = again.evaluate(points, { derivatives: names });
      for (const name of names) expect(Array.from(b[name]!)).toEqual(Array.from(a[name]!));
      expect(readFileSync(join(dir, 'report.html'), 'utf8')).toMatch(/input embedding/);
      const p = capture();
      expect(await main(['predict', join(dir, 'model.json'), '--grid', '3x3'])).toBe(0);
      expect(p.out().trim().split('\n').length).toBeGreaterThan(3);
      model.dispose();
      again.dispose();
    });
  }

  it('a model file with a bad embedding or hard constraint is refused naming the field', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'kanpinn-embed-bad-'));
    capture();
    expect(await main(['solve', 'poisson2d', '--model', 'mlp', '--embed', 'fourier:1:2', '--hard', 'dirichlet', ...TINY, '--out', dir])).toBe(0);
    vi.restoreAllMocks();
    const json = JSON.parse(readFileSync(join(dir, 'model.json'), 'utf8')) as { config: { embedding: { weights: number[] }; hard: { outputs: { lift: string }[] } } };
    const badWeights = structuredClone(json);
    badWeights.config.embedding.weights.pop();
    expect(() => modelFromJson(badWeights)).toThrow(/^model file: config\.embedding: weights: expected 4 finite numbers$/);
    const badLift = structuredClone(json);
    badLift.config.hard.outputs[0]!.lift = 'u + 1';
    expect(() => modelFromJson(badLift)).toThrow(/^model file: config\.hard: outputs\[0\]\.lift: 'u' is not an input \(x, y\)$/);
  });
});
