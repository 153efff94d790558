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

const dir = mkdtempSync(join(tmpdir(), 'kanpinn-lang-'));

const base = {
  name: 'p',
  variables: ['x', 'y', 'z'],
  domain: { type: 'ball', center: [0, 0, 0], radius: 1 },
  pde: 'lap(u)',
  conditions: [{ type: 'dirichlet', value: 0 }],
};

/** Bad input for each field the problem language gained: `kanpinn check` exits 2 with one line naming the field. */
const cases: [string, Record<string, unknown>, string][] = [
  ['a sphere domain', { ...base, domain: { type: 'sphere', center: [0, 0, 0], radius: 1 } }, 'domain.type: a domain is a solid region; use "ball" (its boundary is the sphere, where boundary conditions apply)'],
  ['a ball centre of the wrong dimension', { ...base, domain: { type: 'ball', center: [0, 0], radius: 1 } }, 'domain.center: expected 3 numbers, got 2'],
  ['a ball radius that is not positive', { ...base, domain: { type: 'ball', center: [0, 0, 0], radius: 0 } }, 'domain.radius: expected a positive number, got 0'],
  ['a ball radius that is not a number', { ...base, domain: { type: 'ball', center: [0, 0, 0], radius: [1] } }, 'domain.radius: expected a finite number or an expression such as "-pi", got [1]'],
  ['a ball hole of the wrong dimension', { ...base, domain: { type: 'difference', of: { type: 'box', min: [0, 0, 0], max: [1, 1, 1] }, minus: [{ type: 'disk', center: [0.5, 0.5, 0.5], radius: 0.2 }] } }, 'domain.minus[0].center: expected 2 numbers, got 3 (use "ball" for 3 or more dimensions)'],
  ['a bound expression with an unknown name', { ...base, domain: { type: 'box', min: ['-L', 0, 0], max: [1, 1, 1] } }, "domain.min[0]: unknown variable 'L' (only numbers, pi, e and params may appear here)"],
  ['a time bound expression that is not finite', { ...base, time: [0, '1/0'] }, 'time[1]: "1/0" evaluates to Infinity, expected a finite number'],
  ['a chained comparison', { ...base, pde: 'lap(u) + (0 < x < 1 ? 1 : 0)' }, 'pde: chained comparisons such as a < b < c are not allowed; write (a < b) and (b < c)'],
  ['a Bessel order that is not an integer', { ...base, pde: 'lap(u) + besselj(x, 1)' }, "pde: besselj(n, x) needs an integer constant order n, got 'x'"],
  ['an unknown inside erf in an exact solution', { ...base, exact: 'erf(u)' }, "exact: 'u' cannot appear here (expected an expression over x, y, z and parameters)"],
  ['a derivative as the unknown of a neumann condition', { ...base, conditions: [{ type: 'neumann', unknown: 'u_x', value: 0 }] }, "conditions[0].unknown: a neumann condition takes an unknown (u); a derivative such as 'u_x' is allowed for dirichlet and data conditions"],
  ['an unknown that is not an output', { ...base, conditions: [{ type: 'dirichlet', unknown: 'w_x', value: 0 }] }, 'conditions[0].unknown: expected one of u or a derivative such as u_x, got "w_x"'],
  ['a derivative unknown of order 5', { ...base, conditions: [{ type: 'data', unknown: 'u_xxxyy', points: [[0, 0, 0]], values: [1] }] }, "conditions[0].unknown: unsupported derivative 'u_xxxyy': order 5, at most 4 is supported"],
  ['grad outside div', { ...base, pde: 'lap(u) + grad(u)' }, 'pde: grad() is allowed only inside div(), e.g. div(k*grad(u))'],
  ['div without grad', { ...base, pde: 'div(u)' }, 'pde: div() expects a flux written with grad(), e.g. div(k*grad(u))'],
  ['a derivative of order 5', { ...base, pde: 'lap(u_xxx)' }, "pde: unsupported derivative 'u_xxxxx': order 5, at most 4 is supported"],
  ['a time-only problem with a domain', { name: 'ode', variables: [], time: [0, 1], domain: { type: 'interval', min: 0, max: 1 }, pde: 'u_t + u' }, 'domain: a time-only problem ("variables": []) has no spatial domain; remove "domain"'],
  ['a time-only problem with a boundary condition', { name: 'ode', variables: [], time: [0, 1], pde: 'u_t + u', conditions: [{ type: 'neumann', value: 0 }] }, 'conditions[0].type: a time-only problem has no spatial boundary; use "initial" or "data" conditions, got "neumann"'],
  ['no variables without time', { name: 'ode', variables: [], pde: 'u + 1' }, 'variables: expected at least one spatial variable, or "time": [t0, t1] for a time-only problem (ODE)'],
  ['an unknown reference format', { ...base, reference: { file: 'ref.dat', format: 'comsol' } }, 'reference.format: expected one of rows, comsol-grid-time, got "comsol"'],
  ['a reference file that is not a string', { ...base, reference: { file: 3 } }, 'reference.file: expected a path to a data file, got 3'],
];

describe('kanpinn check refuses bad new fields with one line, exit 2', () => {
  it.each(cases)('%s', async (what, spec, message) => {
    const path = join(dir, `${what.replace(/\W+/g, '-')}.json`);
    writeFileSync(path, JSON.stringify(spec));
    const io = capture();
    expect(await main(['check', path])).toBe(2);
    expect(io.err().trim()).toBe(`kanpinn: ${message}`);
  });
});

describe('kanpinn check accepts problems on balls', () => {
  it('u = |x|² on a cube minus a ball, Neumann on the hole, in time: the exact solution passes check', async () => {
    const path = join(dir, 'cube-minus-ball.json');
    writeFileSync(
      path,
      JSON.stringify({
        name: 'cube-minus-ball',
        variables: ['x', 'y', 'z'],
        time: [0, 1],
        domain: { type: 'difference', of: { type: 'box', min: [-1, -1, -1], max: [1, 1, 1] }, minus: [{ type: 'ball', center: [0, 0, 0], radius: 0.5 }] },
        pde: 'u_t - lap(u) + 6',
        conditions: [
          { type: 'dirichlet', on: 'abs(x) == 1 or abs(y) == 1 or abs(z) == 1', value: 'x^2 + y^2 + z^2' },
          // On the hole the outward normal points to the centre: du/dn = -2r = -1.
          { type: 'neumann', on: 'x^2 + y^2 + z^2 < 0.3', value: -1 },
          { type: 'initial', value: 'x^2 + y^2 + z^2' },
        ],
        exact: 'x^2 + y^2 + z^2',
      }),
    );
    const io = capture();
    expect(await main(['check', path, '--json'])).toBe(0);
    const report = JSON.parse(io.out()) as { ok: boolean; maxConditionError: number };
    expect(report.ok).toBe(true);
    expect(report.maxConditionError).toBeLessThan(1e-5);
  });
});
