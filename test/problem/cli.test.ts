import { afterEach, describe, expect, it, vi } from 'vitest';
import { main } from '../../solvers/cli.js';
import { capture } from '../cli/capture.js';

afterEach(() => {
  vi.restoreAllMocks();
  process.exitCode = undefined;
});

describe('kanpinn problems / check', () => {
  it('problems --json lists the built-ins', async () => {
    const io = capture();
    expect(await main(['problems', '--json'])).toBe(0);
    const parsed = JSON.parse(io.out()) as { problems: { name: string; dimension: number; hasExact: boolean; hasReference: boolean }[] };
    const poisson = parsed.problems.find((p) => p.name === 'poisson2d');
    expect(poisson).toMatchObject({ dimension: 2, hasExact: true, hasReference: false });
  });

  it('problems prints a table with a header', async () => {
    const io = capture();
    expect(await main(['problems'])).toBe(0);
    expect(io.out().split('\n')[0]).toMatch(/^name\s+dim\s+variables\s+exact\s+reference\s+description$/);
    expect(io.out()).toContain('pinnacle-poisson-2d-c');
  });

  it('check --json prints one object with the residuals', async () => {
    const io = capture();
    expect(await main(['check', 'heat1d', '--json'])).toBe(0);
    const report = JSON.parse(io.out()) as { problem: string; ok: boolean; maxResidual: number; maxConditionError: number };
    expect(report.problem).toBe('heat1d');
    expect(report.ok).toBe(true);
    expect(report.maxResidual).toBeLessThan(1e-3);
    expect(report.maxConditionError).toBeLessThan(1e-5);
  });

  it('check prints readable lines', async () => {
    const io = capture();
    expect(await main(['check', 'poisson1d'])).toBe(0);
    expect(io.out()).toContain('problem poisson1d: ok');
    expect(io.out()).toContain('conditions[0].dirichlet');
  });

  it('a bad problem exits 2 with one line on stderr', async () => {
    const io = capture();
    expect(await main(['check', 'poison2d'])).toBe(2);
    expect(io.err()).toMatch(/^kanpinn: problem: unknown problem "poison2d" \(did you mean "poisson2d"\?\)/);
    expect(io.err().trim().split('\n')).toHaveLength(1);
  });
});
