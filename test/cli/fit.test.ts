import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { main } from '../../solvers/cli.js';
import { capture } from './capture.js';
import { createKan, fixSymbolic, saveModel } from '../../src/index.js';

afterEach(() => {
  vi.restoreAllMocks();
  process.exitCode = undefined;
});

const dir = mkdtempSync(join(tmpdir(), 'kanpinn-fit-'));
const file = (name: string, text: string): string => {
  const path = join(dir, name);
  writeFileSync(path, text);
  return path;
};

/** y = sin(πa) + b² on a 12 × 12 grid. */
const table = ['a,b,y', ...Array.from({ length: 144 }, (_, n) => {
  const [a, b] = [-1 + (2 * (n % 12)) / 11, -1 + (2 * Math.floor(n / 12)) / 11];
  return `${a},${b},${Math.sin(Math.PI * a) + b * b}`;
})].join('\n');

describe('kanpinn fit', () => {
  it('--json prints the test RMSE, the formula and the parameter count', async () => {
    const io = capture();
    const code = await main(['fit', file('sum.csv', table), '--json', '--width', '2,1', '--grids', '5,8', '--steps', '15', '--symbolic', '--candidates', 'x,x^2,sin', '--digits', '3']);
    expect(code).toBe(0);
    const result = JSON.parse(io.out()) as { rmse: number; numericRmse: number; formulaRmse: number; warnings: string[]; formula: string | null; params: number; rows: { train: number; test: number } };
    expect(result.rows).toEqual({ train: 115, test: 29 });
    expect(result.rmse).toBeLessThan(0.05);
    expect(result.formula).toMatch(/sin\(3\.14 \* a\)/);
    expect(result.params).toBeGreaterThan(0);
    // The printed formula, with its 3 digits, is evaluated on the test rows: close to, not equal to, the model's error.
    expect(result.formulaRmse).toBeLessThan(0.05);
    expect(result.numericRmse).toBeLessThan(0.05);
    expect(result.warnings).toEqual([]);
  });

  it('reports both errors and says so when the formula is worse than the numeric model', async () => {
    const io = capture();
    // Only x among the candidates: sin(πa) becomes a straight line, far from the spline it replaces.
    const code = await main(['fit', file('worse.csv', table), '--width', '2,1', '--grids', '5', '--steps', '10', '--no-prune', '--symbolic', '--candidates', 'x', '--quiet']);
    expect(code).toBe(0);
    const lines = io.out().split('\n');
    const errors = lines.find((l) => l.includes('of the printed formula'));
    const [numeric, formula] = [...(errors ?? '').matchAll(/(\d\.\d+e[-+]\d+)/g)].map((m) => Number(m[1]));
    expect(formula).toBeGreaterThan(10 * (numeric as number));
    expect(lines.find((l) => l.startsWith('  warning: '))).toMatch(/^  warning: the formula's test RMSE \S+ is worse than the numeric model's \S+; try another --seed or fewer --candidates, or keep the numeric model \(no --symbolic\)$/);
  });

  it('refuses a CSV with too few rows to fit, naming the file and the count', async () => {
    const io = capture();
    const path = file('two.csv', 'a,b,y\n1,2,3\n4,5,6\n');
    expect(await main(['fit', path])).toBe(2);
    expect(io.err()).toBe(`kanpinn: ${path}: 2 data rows; a fit needs at least 10 (some are held out for the test RMSE)\n`);
  });

  const bad: [string, string, string[], string][] = [
    ['a missing value', 'a,b,y\n1,2,3\n4,,6\n', [], 'kanpinn: row 3, column "b": empty cell\n'],
    ['a non-numeric cell', 'a,b,y\n1,2,3\n4,x5,6\n', [], 'kanpinn: row 3, column "b": not a number: "x5"\n'],
    ['a single row', 'a,b,y\n1,2,3\n', [], 'kanpinn: parseCsv: need at least 2 data rows below the header to fit, found 1\n'],
    ['a constant target', 'a,b,y\n1,2,3\n4,5,3\n', [], 'kanpinn: parseCsv: target column "y" is constant (every row is 3); a fit needs a target that varies\n'],
    ['an unknown target', 'a,b,y\n1,2,3\n4,5,6\n', ['--target', 'z'], `kanpinn: --target: "z" is not a column of ${join(dir, 'bad-anunknowntarget.csv')} (columns: a, b, y)\n`],
    ['unreadable steps', 'a,b,y\n1,2,3\n4,5,6\n', ['--steps', 'abc'], 'kanpinn: --steps: expected an integer >= 0, got "abc"\n'],
    ['a fractional seed', 'a,b,y\n1,2,3\n4,5,6\n', ['--seed', '1e30'], 'kanpinn: --seed: expected an integer from 0 to 4294967295, got 1e30\n'],
    ['zero digits', 'a,b,y\n1,2,3\n4,5,6\n', ['--digits', '0'], 'kanpinn: --digits: expected an integer from 2 to 17, got 0\n'],
    ['an unreadable weight', 'a,b,y\n1,2,3\n4,5,6\n', ['--lamb', 'x'], 'kanpinn: --lamb: expected a number >= 0, got "x"\n'],
    ['an out-of-range threshold', 'a,b,y\n1,2,3\n4,5,6\n', ['--r2-threshold', '2'], 'kanpinn: --r2-threshold: expected a number in [0, 1], got 2\n'],
    ['a flag given twice', 'a,b,y\n1,2,3\n4,5,6\n', ['--candidates', 'x', '--candidates', 'sin'], 'kanpinn: --candidates: given 2 times; give it once\n'],
    ['an unknown candidate', 'a,b,y\n1,2,3\n4,5,6\n7,8,1\n6,5,4\n', ['--symbolic', '--candidates', 'sinh', '--steps', '1', '--grids', '3', '--no-prune'], ''],
  ];
  for (const [what, text, flags, message] of bad) {
    it(`refuses ${what} with one line`, async () => {
      const io = capture();
      const code = await main(['fit', file(`bad-${what.replace(/\W/g, '')}.csv`, text), ...flags]);
      expect(code).toBe(2);
      if (message) expect(io.err()).toBe(message);
      else expect(io.err()).toMatch(/^kanpinn: --candidates: unknown symbolic function "sinh" \(known: .*\)\n$/);
    });
  }
});

describe('kanpinn symbolic / plot', () => {
  it('prints the formula of a saved symbolic model and names numeric edges otherwise', async () => {
    const model = createKan({ width: [2, 1], seed: 0 });
    fixSymbolic(model, 0, 0, 0, 'sin', { params: { a: 2, b: 0, c: 1, d: 0 } });
    const partial = join(dir, 'partial.json');
    await saveModel(model, partial);
    fixSymbolic(model, 0, 1, 0, 'x^2', { params: { a: 1, b: 0, c: 3, d: 0 } });
    const full = join(dir, 'full.json');
    await saveModel(model, full);
    let io = capture();
    expect(await main(['symbolic', full])).toBe(0);
    expect(io.out()).toBe('u = sin(2 * x) + 3 * y ^ 2\n');
    vi.restoreAllMocks();
    io = capture();
    expect(await main(['symbolic', partial])).toBe(2);
    expect(io.err()).toBe('kanpinn: symbolicFormula: edges still numeric: (0,1,0); fix them with fixSymbolic or autoSymbolic first\n');
    vi.restoreAllMocks();
    io = capture();
    const svg = join(dir, 'kan.svg');
    expect(await main(['plot', full, '--out', svg])).toBe(0);
    const text = readFileSync(svg, 'utf8');
    expect(text.match(/<g class="edge"/g)).toHaveLength(2);
    expect(text).toContain('sin(2 * x)');
    vi.restoreAllMocks();
    io = capture();
    expect(await main(['plot', full, '--out', join(dir, 'kan.png')])).toBe(2);
    expect(io.err()).toBe(`kanpinn: --out: expected a file name ending in .svg or .html, got "${join(dir, 'kan.png')}"\n`);
    model.dispose();
  });
});
