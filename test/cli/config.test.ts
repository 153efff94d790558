import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { main } from '../../solvers/cli.js';
import { effectiveConfig } from '../../solvers/runConfig.js';
import { capture } from './capture.js';

afterEach(() => {
  vi.restoreAllMocks();
  process.exitCode = undefined;
});

const dir = mkdtempSync(join(tmpdir(), 'kanpinn-config-'));
const file = (name: string, text: string): string => {
  const path = join(dir, name);
  writeFileSync(path, text);
  return path;
};

const TINY = { problem: 'poisson2d', steps: 2, grids: '3,4', points: 40, 'boundary-points': 16, quiet: true };

async function run(argv: string[]): Promise<{ code: number; out: string; err: string }> {
  const io = capture();
  const code = await main(argv);
  const result = { code, out: io.out(), err: io.err() };
  vi.restoreAllMocks();
  return result;
}

describe('--config FILE', () => {
  it('holds solve flags (kebab or camel case) and the problem; flags on the command line win', async () => {
    const config = file('run.json', JSON.stringify({ ...TINY, gridUpdateEvery: 0 }));
    const fromFile = await run(['solve', '--config', config, '--json']);
    expect(fromFile.code, fromFile.err).toBe(0);
    const a = JSON.parse(fromFile.out) as { problem: string; steps: number; grids: number[] };
    expect(a.problem).toBe('poisson2d');
    expect(a.grids).toEqual([3, 4]);
    expect(a.steps).toBe(4);
    const overridden = await run(['solve', '--config', config, '--steps', '1', '--json']);
    expect(overridden.code, overridden.err).toBe(0);
    expect((JSON.parse(overridden.out) as { steps: number }).steps).toBe(2);
  });

  it('solve --out writes config.json with the effective flags; --config on it repeats the run', async () => {
    const out = join(dir, 'run1');
    const first = await run(['solve', 'poisson2d', '--steps', '2', '--grids', '3,4', '--points', '40', '--boundary-points', '16', '--seed', '3', '--quiet', '--json', '--out', out]);
    expect(first.code, first.err).toBe(0);
    const written = JSON.parse(readFileSync(join(out, 'config.json'), 'utf8')) as Record<string, unknown>;
    // Values as yargs gives them (the training flags are read as text).
    expect(written).toMatchObject({ problem: 'poisson2d', steps: '2', grids: '3,4', points: '40', 'boundary-points': '16', seed: '3' });
    for (const key of ['out', 'json', 'quiet', 'config', '_', '$0', 'boundaryPoints']) expect(written, key).not.toHaveProperty(key);
    expect(readFileSync(join(out, 'report.html'), 'utf8')).toMatch(/&quot;boundary-points&quot;:&quot;16&quot;|&#34;boundary-points&#34;:&#34;16&#34;/);
    const again = await run(['solve', '--config', join(out, 'config.json'), '--json']);
    expect(again.code, again.err).toBe(0);
    const [r1, r2] = [JSON.parse(first.out), JSON.parse(again.out)] as { relL2: number; loss: number; seed: number }[];
    expect(r2!.seed).toBe(3);
    expect(r2!.loss).toBe(r1!.loss);
    expect(r2!.relL2).toBe(r1!.relL2);
  });

  it('compare takes --config and writes config.json', async () => {
    const out = join(dir, 'cmp');
    const config = file('cmp.json', JSON.stringify({ problem: 'poisson1d', steps: 2, points: 30, 'boundary-points': 2, quiet: true, kan: ['3'], mlp: ['4'] }));
    const r = await run(['compare', '--config', config, '--json', '--out', out]);
    expect(r.code, r.err).toBe(0);
    expect(JSON.parse(readFileSync(join(out, 'config.json'), 'utf8'))).toMatchObject({ problem: 'poisson1d', steps: 2, kan: ['3'], mlp: ['4'] });
  });

  it('effectiveConfig keeps the kebab-case flags with values and drops output-only ones', () => {
    expect(effectiveConfig({ _: ['solve'], $0: 'kanpinn', problem: 'p', 'grid-update-every': 3, gridUpdateEvery: 3, out: 'd', json: true, width: undefined })).toEqual({ problem: 'p', 'grid-update-every': 3 });
  });

  it('refuses a bad config with one line naming --config (or the key), exit code 2', async () => {
    const cases: [string[], string][] = [
      [['solve', '--config', join(dir, 'none.json')], 'kanpinn: --config: cannot read'],
      [['solve', '--config', file('bad.json', '{steps: 2')], 'kanpinn: --config: '],
      [['solve', '--config', file('list.json', '[1, 2]')], 'kanpinn: --config: '],
      [['solve', '--config', file('noproblem.json', '{"steps": 2}')], 'kanpinn: problem: name a problem'],
      [['solve', '--config', file('typo.json', '{"problem": "poisson2d", "stepz": 2}')], 'kanpinn: Unknown argument: stepz'],
      [['solve', '--config', file('badsteps.json', '{"problem": "poisson2d", "optimizer": "sgd"}')], 'kanpinn: --optimizer: expected one of'],
    ];
    for (const [argv, message] of cases) {
      const r = await run(argv);
      expect(r.code, argv.join(' ')).toBe(2);
      expect(r.err.startsWith(message), `${argv.join(' ')}: ${r.err}`).toBe(true);
      expect(r.err.trim().split('\n').length).toBe(1);
    }
  });
});
