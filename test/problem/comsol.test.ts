import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { KanpinnInputError, defineProblem } from '../../src/index.js';
import { parseReferenceFile } from '../../src/problem/reference.js';

/** PINNacle's upstream COMSOL export, as it is (../shared/benchmarks/pinnacle/raw/burgers1d.dat). */
const RAW = join(import.meta.dirname, 'fixtures');
const burgersRaw = join(RAW, 'burgers1d.dat');
const dir = mkdtempSync(join(tmpdir(), 'kanpinn-comsol-'));

const burgers = (reference: unknown) => ({
  name: 'burgers',
  variables: ['x'],
  time: [0, 1] as [number, number],
  params: { nu: 0.01 / Math.PI },
  domain: { type: 'interval', min: -1, max: 1 },
  pde: 'u_t + u*u_x - nu*u_xx',
  conditions: [{ type: 'dirichlet', value: 0 }, { type: 'initial', value: '-sin(pi*x)' }],
  reference,
});

/** A two-output grid export: x, then (u, v) at t = 0 and t = 0.5, as COMSOL writes them. */
const twoOutputs = [
  '% Model:              toy.mph',
  '% X                       u @ t=0     v @ t=0     u @ t=0.5     v @ t=0.5',
  '0    1  2  3  4',
  '0.5  5  6  7  8',
].join('\n');

describe('COMSOL reference exports', () => {
  it('a grid with one column per time becomes rows x t u (PINNacle burgers1d.dat, 101 x 11 times)', () => {
    for (const reference of [{ file: burgersRaw, format: 'comsol-grid-time' }, burgersRaw]) {
      const problem = defineProblem(burgers(reference));
      const test = problem.testSet?.();
      expect(test?.count).toBe(101 * 11);
      expect(problem.referenceSource).toBe('burgers1d.dat');
      // The initial slice is the initial condition -sin(pi x); the ends are 0 at every time.
      let checked = 0;
      for (let i = 0; i < (test?.count ?? 0); i++) {
        const [x, t] = [test!.coords[2 * i] as number, test!.coords[2 * i + 1] as number];
        const u = test!.values[i] as number;
        if (t === 0) {
          expect(u).toBeCloseTo(-Math.sin(Math.PI * x), 5);
          checked++;
        }
        if (Math.abs(x) === 1) expect(Math.abs(u)).toBeLessThan(1e-6);
        expect(t >= 0 && t <= 1).toBe(true);
      }
      expect(checked).toBe(101);
    }
  });

  it('several outputs are interleaved within each time', () => {
    const rows = parseReferenceFile(twoOutputs, 1, true, ['x', 't', 'u', 'v'], 2, 'reference');
    expect(rows).toEqual([
      [0, 0, 1, 2],
      [0, 0.5, 3, 4],
      [0.5, 0, 5, 6],
      [0.5, 0.5, 7, 8],
    ]);
  });

  it('rows stay rows: a file whose columns are x t u is not mistaken for a grid', () => {
    const text = '% x t u\n0 0 1\n0.5 0 2\n';
    expect(parseReferenceFile(text, 1, true, ['x', 't', 'u'], 1, 'reference')).toEqual([[0, 0, 1], [0.5, 0, 2]]);
  });

  it('refuses a bad format, a grid format without time and a grid without time header, naming the field', () => {
    const refused = (spec: Record<string, unknown>): string => {
      try {
        defineProblem(spec);
      } catch (error) {
        expect(error).toBeInstanceOf(KanpinnInputError);
        return (error as Error).message;
      }
      throw new Error('accepted');
    };
    expect(refused(burgers({ file: burgersRaw, format: 'comsol' }))).toBe('reference.format: expected one of rows, comsol-grid-time, got "comsol"');
    expect(refused(burgers({ file: burgersRaw, fromat: 'rows' }))).toMatch(/^reference\.fromat: unknown field \(did you mean "format"\?\)/);
    const steady = { ...burgers({ file: burgersRaw, format: 'comsol-grid-time' }), time: undefined, pde: 'u*u_x - nu*u_xx', conditions: [{ type: 'dirichlet', value: 0 }] };
    expect(refused(steady)).toBe('reference.format: "comsol-grid-time" needs a time-dependent problem ("time": [t0, t1])');
    const plain = join(dir, 'plain.dat');
    writeFileSync(plain, '% x u0 u1\n0 1 2\n');
    expect(refused(burgers({ file: plain, format: 'comsol-grid-time' }))).toBe('reference: no COMSOL header line with the times ("% X  u @ t=0  u @ t=0.1 …") found');
  });
});
