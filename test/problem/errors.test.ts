import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as tf from '../../src/tf.js';
import { describe, expect, it, vi } from 'vitest';
import { KanpinnInputError, checkProblem, defineProblem, loadProblem, resolveProblem } from '../../src/index.js';
import type { LossTerm } from '../../src/index.js';
import { main } from '../../solvers/cli.js';
import { capture } from '../cli/capture.js';

const base = {
  name: 'p',
  variables: ['x', 'y'],
  domain: { type: 'rectangle', min: [0, 0], max: [1, 1] },
  pde: 'u_xx + u_yy',
  conditions: [{ type: 'dirichlet', on: 'boundary', value: '0' }],
};

function refused(spec: Record<string, unknown>, options = {}): string {
  try {
    defineProblem(spec, options);
  } catch (error) {
    expect(error).toBeInstanceOf(KanpinnInputError);
    return (error as Error).message;
  }
  throw new Error('the problem was accepted');
}

const dir = mkdtempSync(join(tmpdir(), 'kanpinn-errors-'));

const cases: [string, Record<string, unknown>, string][] = [
  ['a missing pde', { ...base, pde: undefined }, 'pde: missing (expected a residual expression such as "u_xx + u_yy - f")'],
  ['a misspelt top-level field', { ...base, conditons: [] }, 'conditons: unknown field (did you mean "conditions"?); expected one of name, description, variables, time, params, infer, define, fields, domain, unknowns, pde, conditions, exact, reference, weights, points, solver, test, $schema'],
  ['a misspelt condition field', { ...base, conditions: [{ type: 'dirichlet', vaule: '0' }] }, 'conditions[0].vaule: unknown field (did you mean "value"?); expected one of type, on, value, unknown, weight'],
  ['an unknown condition type', { ...base, conditions: [{ type: 'dirichlett', value: 0 }] }, 'conditions[0].type: expected one of dirichlet, neumann, robin, periodic, initial, data, got "dirichlett" (did you mean "dirichlet"?)'],
  ['an unknown variable in on', { ...base, conditions: [{ type: 'dirichlet', on: 'z == 1', value: 0 }] }, "conditions[0].on: unknown variable 'z' (variables are x, y)"],
  ['an unknown derivative', { ...base, pde: 'u_xx + u_q' }, "pde: unknown derivative 'u_q': 'q' is not a variable (variables are x, y)"],
  ['an unknown function', { ...base, pde: 'u_xx + sinn(x)' }, "pde: unknown function 'sinn' (did you mean \"sin\"?)"],
  ['an unsupported fifth derivative', { ...base, pde: 'u_xxyyx' }, "pde: unsupported derivative 'u_xxyyx': order 5, at most 4 is supported"],
  ['an inverted domain', { ...base, domain: { type: 'rectangle', min: [0, 1], max: [1, 0] } }, 'domain: expected min[1] < max[1], got 1 and 0'],
  ['an empty CSG domain', { ...base, domain: { type: 'intersection', of: [{ type: 'disk', center: [0, 0], radius: 1 }, { type: 'disk', center: [5, 0], radius: 1 }] } }, 'domain: the intersection is empty (no interior point found)'],
  ['a domain of the wrong dimension', { ...base, domain: { type: 'interval', min: 0, max: 1 } }, 'domain: expected a 2-D domain (one axis per spatial variable), got a 1-D interval'],
  ['an on that selects no boundary point', { ...base, conditions: [{ type: 'dirichlet', on: 'x == 2', value: 0 }] }, 'conditions[0].on: selects no boundary point ("x == 2"; the boundary spans x in [0, 1], y in [0, 1])'],
  ['a non-finite parameter', { ...base, params: { k: Number.NaN } }, 'params.k: expected a finite number, got NaN'],
  ['an unknown in a Robin coefficient', { ...base, conditions: [{ type: 'robin', alpha: 'u + 1', beta: 1, value: 0 }] }, "conditions[0].alpha: 'u' cannot appear here (expected an expression over x, y and parameters)"],
  ['an expression that does not parse', { ...base, pde: 'u_xx + (u_yy' }, 'pde: cannot parse "u_xx + (u_yy": Parenthesis ) expected (char 13)'],
  ['a wrong number of exact expressions', { ...base, exact: ['x', 'y'] }, 'exact: expected 1 expressions (one per unknown: u), got 2'],
  ['an initial condition without time', { ...base, conditions: [{ type: 'initial', value: 0 }] }, 'conditions[0]: an initial condition needs "time": [t0, t1] in the problem'],
  ['an inverted time interval', { ...base, time: [1, 0] }, 'time: expected t0 < t1, got [1, 0]'],
  ['a periodic axis that is not a variable', { ...base, conditions: [{ type: 'periodic', axis: 'z' }] }, 'conditions[0].axis: expected one of the spatial variables x, y, got "z"'],
  ['a negative disk radius', { ...base, domain: { type: 'disk', center: [0, 0], radius: -1 } }, 'domain.radius: expected a positive number, got -1'],
  ['a residual without unknowns', { ...base, pde: 'x + y' }, 'pde: the residual uses none of the unknowns (u) or their derivatives'],
  ['a zero L-BFGS history in the solver hint', { ...base, solver: { lbfgsHistory: 0 } }, 'solver.lbfgsHistory: expected an integer >= 1, got 0'],
  ['a fractional grid-update bound in the solver hint', { ...base, solver: { gridUpdateUntil: 2.5 } }, 'solver.gridUpdateUntil: expected an integer >= 0, got 2.5'],
  ['an unknown solver hint', { ...base, solver: { history: 5 } }, 'solver.history: unknown field; expected one of grids, kanWidth, steps, lbfgsHistory, gridUpdateEvery, gridUpdateUntil, adamSteps, resampleEvery, causalBins, optimizer, lr, lrSchedule, causal'],
  ['an unknown optimizer in the solver hint', { ...base, solver: { optimizer: 'sgd' } }, 'solver.optimizer: expected one of lbfgs, adam, adam+lbfgs, got "sgd"'],
  ['a bad schedule in the solver hint', { ...base, solver: { lrSchedule: 'cosine:2' } }, 'solver.lrSchedule: cosine MIN_FACTOR must be a number in [0, 1], found "2"'],
  ['too few causal bins in the solver hint', { ...base, solver: { causalBins: 1 } }, 'solver.causalBins: expected an integer >= 2, got 1'],
  ['a self-intersecting polygon', { ...base, domain: { type: 'polygon', vertices: [[0, 0], [2, 0], [2, 2], [1, -1], [0, 2]] } }, 'domain.vertices: the polygon is self-intersecting (edge 0 ([0, 0] to [2, 0]) meets edge 2 ([2, 2] to [1, -1])); list the vertices in order along the boundary'],
  ['a bow-tie polygon', { ...base, domain: { type: 'polygon', vertices: [[0, 0], [1, 1], [1, 0], [0, 1]] } }, 'domain.vertices: the polygon is self-intersecting (edge 0 ([0, 0] to [1, 1]) meets edge 2 ([1, 0] to [0, 1])); list the vertices in order along the boundary'],
  ['a polygon whose edge folds back', { ...base, domain: { type: 'polygon', vertices: [[0, 0], [2, 0], [1, 0], [1, 1]] } }, 'domain.vertices: the polygon is self-intersecting (edge 1 ([2, 0] to [1, 0]) folds back along edge 0 ([0, 0] to [2, 0])); list the vertices in order along the boundary'],
  ['a polygon touching itself at a vertex', { ...base, domain: { type: 'polygon', vertices: [[0, 0], [2, 0], [2, 2], [1, 0], [0, 2]] } }, 'domain.vertices: the polygon is self-intersecting (edge 0 ([0, 0] to [2, 0]) meets edge 2 ([2, 2] to [1, 0])); list the vertices in order along the boundary'],
  ['a polygon with a repeated vertex', { ...base, domain: { type: 'polygon', vertices: [[0, 0], [1, 0], [1, 0], [0, 1]] } }, 'domain.vertices: vertices 1 and 2 coincide at [1, 0]; list each corner once'],
  ['a polygon on one line', { ...base, domain: { type: 'polygon', vertices: [[0, 0], [1, 0], [2, 0]] } }, 'domain.vertices: the polygon is self-intersecting (edge 2 ([2, 0] to [0, 0]) folds back along edge 1 ([1, 0] to [2, 0])); list the vertices in order along the boundary'],
  ['an on selector that is a number, not a condition', { ...base, conditions: [{ type: 'dirichlet', on: 'x + 1', value: 0 }] }, 'conditions[0].on: expected "boundary" or a condition such as "x == 0" or "y > 0.5 and x < 1", got the number-valued "x + 1"'],
  ['an on selector that is a number', { ...base, conditions: [{ type: 'dirichlet', on: 1, value: 0 }] }, 'conditions[0].on: expected "boundary" or a condition such as "x == 0", got 1'],
  ['a null field', { ...base, conditions: null }, 'conditions: null is not a value here; leave the field out or give a value'],
  ['a null deep inside', { ...base, domain: { type: 'rectangle', min: [0, null], max: [1, 1] } }, 'domain.min[1]: null is not a value here; leave the field out or give a value'],
  ['a test mesh too large to build', { ...base, test: { mesh: [1e7, 1e7] } }, 'test.mesh: 10000000 × 10000000 = 1.00e+14 points; at most 4000000 (fewer points per axis)'],
  ['an expression with a line break', { ...base, pde: 'u_xx;\nu_yy' }, "pde: 'u_xx;\\nu_yy' is not allowed in an expression (BlockNode)"],
  ['a field name with a line break', { ...base, 'desc\n': 1 }, 'desc\\n: unknown field; expected one of name, description, variables, time, params, infer, define, fields, domain, unknowns, pde, conditions, exact, reference, weights, points, solver, test, $schema'],
  ['a $schema that is not a string', { ...base, $schema: [] }, '$schema: expected a string (the path or URL of problem.schema.json), got []'],
  ['a data point outside the domain', { ...base, conditions: [base.conditions[0], { type: 'data', points: [[0.5, 0.5], [1.5, 0.2], [2, 2]], values: [0, 0, 0] }] }, "conditions[1].points[1] lies outside the domain (x = 1.5, y = 0.2; 2 of 3 points do; the domain's bounding box is x in [0, 1], y in [0, 1])"],
  ['defines that use each other in a circle', { ...base, define: { a: 'b + x', b: '2 * a' } }, 'define.a: circular definition (a uses b uses a)'],
  ['a define that uses itself', { ...base, define: { f: 'f + 1' } }, 'define.f: circular definition (f uses f)'],
  ['an unreadable reference file', { ...base, reference: 'missing.dat' }, `reference: cannot read "${join(dir, 'missing.dat')}" (no such file)`],
];

describe('bad problem definitions are refused with one line naming the field', () => {
  it.each(cases)('%s', (_what, spec, message) => {
    expect(refused(spec, { baseDir: dir })).toBe(message);
  });

  it('simple polygons are accepted: concave, either orientation, with collinear vertices', () => {
    const lShape = [[0, 0], [2, 0], [2, 1], [1, 1], [1, 2], [0, 2]];
    const straight = [[0, 0], [1, 0], [2, 0], [2, 2], [0, 2]];
    for (const vertices of [lShape, [...lShape].reverse(), straight]) {
      expect(defineProblem({ ...base, domain: { type: 'polygon', vertices } }).variables).toEqual(['x', 'y']);
    }
  });

  it('a data file with a point outside the domain names the file row', () => {
    writeFileSync(join(dir, 'outside.dat'), '# x y u\n0.5 0.5 1\n0.5 -3 1\n');
    const spec = { ...base, conditions: [{ type: 'data', file: 'outside.dat' }] };
    expect(refused(spec, { baseDir: dir })).toBe("conditions[0].file: data row 2 (counting from 1) lies outside the domain (x = 0.5, y = -3; 1 of 2 points do; the domain's bounding box is x in [0, 1], y in [0, 1])");
  });

  it('data points on the boundary and in a time interval are accepted', () => {
    const spec = { ...base, variables: ['x'], time: [0, 1], domain: { type: 'interval', min: 0, max: 1 }, pde: 'u_t - u_xx', conditions: [{ type: 'data', points: [[0, 0], [1, 1], [0.3, 0.5]], values: [1, 2, 3] }] };
    expect(defineProblem(spec).terms.map((t) => t.kind)).toEqual(['pde', 'data']);
  });

  it('on selectors that are conditions are accepted: comparisons, and/or/not, parentheses, c ? p : q', () => {
    for (const on of ['x == 0', '(x == 0 or y == 1)', 'not (x > 0.5)', 'x < 0.5 ? y == 0 : y == 1']) {
      expect(defineProblem({ ...base, conditions: [{ type: 'dirichlet', on, value: 0 }] }).terms).toHaveLength(2);
    }
  });

  it('a define may use another written after it (dependency order, not file order)', () => {
    const pde = (problem: ReturnType<typeof defineProblem>): tf.Tensor => {
      const scope = { x: tf.tensor1d([0.25, 0.5]), y: tf.tensor1d([0.1, 0.2]), u_xx: tf.tensor1d([0, 0]), u_yy: tf.tensor1d([0, 0]) };
      return (problem.terms[0] as LossTerm).residual(scope);
    };
    const later = defineProblem({ ...base, define: { g: '2 * f + h', f: 'sin(pi * x)', h: 'y' }, pde: 'u_xx + u_yy - g' });
    const inOrder = defineProblem({ ...base, define: { h: 'y', f: 'sin(pi * x)', g: '2 * f + h' }, pde: 'u_xx + u_yy - g' });
    expect(Array.from(pde(later).dataSync())).toEqual(Array.from(pde(inOrder).dataSync()));
    expect(pde(later).dataSync()[0]).toBeCloseTo(-(2 * Math.sin(Math.PI / 4) + 0.1), 5);
  });

  it('check fails on a residual that is not finite, naming the term', () => {
    const report = checkProblem(defineProblem({ ...base, pde: 'u_xx + u_yy + 1/0' }));
    expect(report.ok).toBe(false);
    expect(report.nonFinite).toHaveLength(1);
    expect(report.nonFinite[0]).toMatch(/^pde: the residual with the unknowns set to 0 is Infinity at 400 of 400 values \(first at x = [\d.]+, y = [\d.]+\)$/);
    const value = checkProblem(defineProblem({ ...base, conditions: [{ type: 'dirichlet', value: 'log(x)' }] }));
    expect(value.ok).toBe(false);
    expect(value.nonFinite[0]).toMatch(/^conditions\[0\]\.dirichlet: the residual with the unknowns set to 0 is -?Infinity at \d+ of \d+ values/);
    expect(checkProblem(defineProblem(base)).nonFinite).toEqual([]);
  });

  it('kanpinn check exits 1 and prints the non-finite term', async () => {
    const path = join(dir, 'infinite.json');
    writeFileSync(path, JSON.stringify({ ...base, pde: 'u_xx + 1/0' }));
    const io = capture();
    expect(await main(['check', path])).toBe(1);
    expect(io.out()).toContain('problem p: FAILED');
    expect(io.out()).toMatch(/not finite: pde: the residual with the unknowns set to 0 is Infinity at 400 of 400 values/);
    vi.restoreAllMocks();
    process.exitCode = undefined;
  });

  it('kanpinn check refuses a bad or repeated --seed with one line', async () => {
    for (const [flags, message] of [
      [['--seed', 'abc'], /^kanpinn: --seed: .*"abc".*\n$/],
      [['--seed', '1.5'], /^kanpinn: --seed: .*1\.5.*\n$/],
      [['--seed', '1', '--seed', '2'], /^kanpinn: --seed: given 2 times; give it once\n$/],
    ] as const) {
      const io = capture();
      expect(await main(['check', 'poisson1d', ...flags])).toBe(2);
      expect(io.err()).toMatch(message);
      vi.restoreAllMocks();
    }
  });

  it('a reference file with the wrong column count', () => {
    writeFileSync(join(dir, 'two.dat'), '% x y u\n0 0 1\n0.5 0.5\n');
    expect(refused({ ...base, reference: 'two.dat' }, { baseDir: dir })).toBe('reference: expected 3 columns (x y u) per row, line 3 has 2');
  });

  it('a reference file with a non-number', () => {
    writeFileSync(join(dir, 'nan.dat'), '# x y u\n0 0 abc\n');
    expect(refused({ ...base, reference: 'nan.dat' }, { baseDir: dir })).toBe('reference: line 2: "abc" is not a finite number');
  });

  it('a JSON file that does not parse', () => {
    const path = join(dir, 'broken.json');
    writeFileSync(path, '{ "name": ');
    expect(() => loadProblem(path)).toThrow(`problem: "${path}" is not valid JSON`);
  });

  it('a multi-line JSON file that does not parse gives one line', () => {
    const path = join(dir, 'broken-lines.json');
    writeFileSync(path, ':{\n  "name": "p",\n  "variables": ["x"]\n}\n');
    expect(() => loadProblem(path)).toThrow(/^problem: ".*broken-lines\.json" is not valid JSON \([^\n]*\)$/);
  });

  it('an unknown built-in name suggests the closest one', () => {
    expect(() => resolveProblem('poisson3')).toThrow('problem: unknown problem "poisson3"');
  });

  it('every message is a single line', () => {
    for (const [, spec] of cases) expect(refused(spec, { baseDir: dir })).not.toContain('\n');
  });
});
