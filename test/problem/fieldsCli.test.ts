import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { main } from '../../solvers/cli.js';
import { capture } from '../cli/capture.js';

afterEach(() => {
  vi.restoreAllMocks();
  process.exitCode = undefined;
});

const dir = mkdtempSync(join(tmpdir(), 'kanpinn-fields-cli-'));
// A 21 × 21 grid of k = 1 + x y next to the problem files (paths are relative to the problem file).
const rows: string[] = ['% x y k'];
for (let i = 0; i <= 20; i++) for (let j = 0; j <= 20; j++) rows.push(`${i / 20} ${j / 20} ${1 + (i / 20) * (j / 20)}`);
writeFileSync(join(dir, 'k.dat'), rows.join('\n'));
writeFileSync(join(dir, 'ragged.dat'), '0 0 1\n0 1\n');
writeFileSync(join(dir, 'words.dat'), '# x y k\n0 0 1\n0 1 NaN\n');
writeFileSync(join(dir, 'one.dat'), '0.5 0.5 1\n');
writeFileSync(join(dir, 'narrow.dat'), '0 1\n1 2\n');

const base = {
  name: 'p',
  variables: ['x', 'y'],
  domain: { type: 'rectangle', min: [0, 0], max: [1, 1] },
  fields: { k: { file: 'k.dat', interpolate: 'linear' } },
  pde: 'div(k*grad(u)) - (y^2 + x^2)*exp(x*y) - (1 + x*y)*(y^2 + x^2)*exp(x*y)',
  exact: 'exp(x*y)',
  conditions: [{ type: 'dirichlet', on: 'boundary', value: 'exp(x*y)' }],
};

async function check(spec: Record<string, unknown>, name: string): Promise<{ code: number; out: string; err: string }> {
  const path = join(dir, `${name}.json`);
  writeFileSync(path, JSON.stringify(spec));
  const io = capture();
  const code = await main(['check', path]);
  return { code, out: io.out(), err: io.err() };
}

describe('kanpinn check with a tabulated field', () => {
  it('reads the field file next to the problem file; the exact solution passes check (k = 1 + xy is bilinear, so exact on the grid)', async () => {
    const { code, out } = await check(base, 'good');
    expect(code).toBe(0);
    expect(out).toMatch(/ok|pass/i);
  });

  const cases: [string, Record<string, unknown>, string][] = [
    ['a missing field file', { ...base, fields: { k: { file: 'missing.dat' } } }, `fields.k.file: cannot read "${join(dir, 'missing.dat')}" (no such file)`],
    ['an unknown interpolation', { ...base, fields: { k: { file: 'k.dat', interpolate: 'spline' } } }, 'fields.k.interpolate: expected one of nearest, linear, got "spline"'],
    ['ragged rows', { ...base, fields: { k: { file: 'ragged.dat' } } }, 'fields.k.file: expected 3 columns (x y k) per row, line 2 has 2'],
    ['a value that is not a number', { ...base, fields: { k: { file: 'words.dat' } } }, 'fields.k.file: line 3: "NaN" is not a finite number'],
    ['too few points', { ...base, fields: { k: { file: 'one.dat' } } }, 'fields.k.file: expected at least 2 data points, got 1'],
    ['the wrong column count', { ...base, fields: { k: { file: 'narrow.dat' } } }, 'fields.k.file: expected 3 columns (x y k) per row for variables x, y, the first row has 2'],
    ['a field named like a variable', { ...base, fields: { y: { file: 'k.dat' } } }, "fields.y: 'y' is already a variable; a field needs a name of its own"],
  ];
  it.each(cases)('refuses %s with one line, exit 2', async (what, spec, message) => {
    const { code, err } = await check(spec, what.replace(/\W+/g, '-'));
    expect(code).toBe(2);
    expect(err.trim()).toBe(`kanpinn: ${message}`);
  });
});
