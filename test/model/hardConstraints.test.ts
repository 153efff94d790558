/**
 * Hard constraints (src/model/hardConstraints.ts): u = A + B·N satisfies the imposed conditions
 * exactly at boundary and initial points; its jets (orders 1 to 4, mixed) are each the central
 * difference of the order below, for a KAN and an MLP; what is safe and what is refused, with why.
 */
import { describe, expect, it } from 'vitest';
import { createModel } from '../../src/createModel.js';
import { hardConstraintsSafe, hardFor, planHardConstraints } from '../../src/architecture/hardPlan.js';
import { defineProblem } from '../../src/problem/define.js';

const wave = defineProblem({
  name: 'wave',
  variables: ['x'],
  time: [0, 1],
  params: { c: 2 },
  domain: { type: 'interval', min: 0, max: 1 },
  pde: 'u_tt - c^2*u_xx',
  conditions: [
    { type: 'dirichlet', on: 'boundary', value: '0' },
    { type: 'initial', value: 'sin(pi*x)', rate: 'c*pi*sin(2*pi*x)' },
  ],
});

const poisson = defineProblem({
  name: 'poisson',
  variables: ['x', 'y'],
  domain: { type: 'rectangle', min: [-1, 0], max: [1, 2] },
  pde: 'u_xx + u_yy',
  conditions: [
    { type: 'dirichlet', on: 'x == -1 or x == 1', value: 'exp(x)*cos(y) + y' },
    { type: 'neumann', on: 'y == 0', value: '0' },
    { type: 'dirichlet', on: 'y == 2', value: 'exp(x)*cos(y) + 2' },
  ],
});

describe('hard constraints', () => {
  it('impose Dirichlet and initial data exactly on a wave (value and rate at t0)', () => {
    const { config } = hardFor(wave, 'dirichlet,initial');
    expect(config?.imposes).toEqual(['conditions[0].dirichlet', 'conditions[1].initial']);
    for (const kind of ['kan', 'mlp'] as const) {
      const model = createModel({ kind, width: [2, 6, 1], seed: 4, inputs: ['x', 't'], hard: config!, ...(kind === 'kan' ? { gridRange: [0, 1] as [number, number] } : {}) });
      const boundary = model.evaluate([[0, 0.3], [1, 0.7], [0, 1], [1, 0.05]], { derivatives: ['u', 'u_t', 'u_tt'] });
      for (const v of boundary.u!) expect(Math.abs(v)).toBeLessThan(1e-6);
      for (const v of boundary.u_tt!) expect(Math.abs(v)).toBeLessThan(1e-5);
      const xs = [0.1, 0.35, 0.5, 0.8];
      const initial = model.evaluate(xs.map((x) => [x, 0]), { derivatives: ['u', 'u_t'] });
      xs.forEach((x, i) => {
        expect(initial.u![i]).toBeCloseTo(Math.sin(Math.PI * x), 5);
        expect(initial.u_t![i]).toBeCloseTo(2 * Math.PI * Math.sin(2 * Math.PI * x), 4);
      });
      // The network still matters inside.
      expect(Math.abs(model.evaluate([[0.5, 0.5]]).u![0]! - Math.sin(Math.PI * 0.5) - 0.5 * 2 * Math.PI * Math.sin(Math.PI))).toBeGreaterThan(1e-4);
      model.dispose();
    }
  });

  for (const kind of ['kan', 'mlp'] as const) {
    it(`${kind}: each derivative order of u = A + φ·N is the central difference of the one below (1 to 4, mixed)`, () => {
      const { config } = hardFor(poisson, 'dirichlet');
      expect(config?.outputs[0]?.factor).toMatch(/\(x - \(-1\)\) \* \(1 - x\)/);
      const model = createModel({ kind, width: [2, 5, 1], seed: 1, inputs: ['x', 'y'], hard: config!, ...(kind === 'kan' ? { gridRange: [[-1, 1], [0, 2]] as [number, number][] } : {}) });
      const names = ['u', 'u_x', 'u_y', 'u_xx', 'u_xy', 'u_xyy', 'u_yyy', 'u_xyyy', 'u_yyyy'];
      const at = (x: number, y: number): Record<string, Float32Array> => model.evaluate([[x, y]], { derivatives: names });
      const h = 2e-3;
      const [x, y] = [0.23, 0.61];
      const centre = at(x, y);
      const pairs: [string, string, 0 | 1][] = [['u', 'u_x', 0], ['u', 'u_y', 1], ['u_x', 'u_xx', 0], ['u_x', 'u_xy', 1], ['u_xy', 'u_xyy', 1], ['u_yy' as string, 'u_yyy', 1], ['u_xyy', 'u_xyyy', 1], ['u_yyy', 'u_yyyy', 1]];
      const withYy = (px: number, py: number): Record<string, Float32Array> => model.evaluate([[px, py]], { derivatives: [...names, 'u_yy'] });
      for (const [lower, higher, axis] of pairs) {
        const plus = withYy(x + (axis === 0 ? h : 0), y + (axis === 1 ? h : 0))[lower]![0]!;
        const minus = withYy(x - (axis === 0 ? h : 0), y - (axis === 1 ? h : 0))[lower]![0]!;
        const fd = (plus - minus) / (2 * h);
        const exact = centre[higher]![0]!;
        expect(Math.abs(fd - exact), `${higher}: jet ${exact}, difference ${fd}`).toBeLessThan(3e-3 * Math.max(1, Math.abs(exact)));
      }
      // Exact on the Dirichlet faces (x = ±1 and y = 2), free on the Neumann face y = 0.
      const g = (px: number, py: number): number => Math.exp(px) * Math.cos(py) + py;
      const faces = [[-1, 0.4], [1, 1.3], [0.2, 2], [-0.7, 2]];
      model.evaluate(faces).u!.forEach((v, i) => expect(v).toBeCloseTo(g(faces[i]![0]!, faces[i]![1]!), 5));
      expect(Math.abs(model.evaluate([[0.3, 0]]).u![0]! - g(0.3, 0))).toBeGreaterThan(1e-4);
      model.dispose();
    });
  }

  it('say when they are safe, and refuse what they cannot impose with a reason', () => {
    expect(hardConstraintsSafe(wave)).toMatchObject({ safe: true, kinds: ['dirichlet', 'initial'] });
    const partial = defineProblem({
      name: 'partial',
      variables: ['x', 'y'],
      domain: { type: 'rectangle', min: [0, 0], max: [1, 1] },
      pde: 'u_xx + u_yy',
      conditions: [{ type: 'dirichlet', on: 'x == 0 and y < 0.5', value: '0' }],
    });
    expect(hardConstraintsSafe(partial).safe).toBe(false);
    expect(hardConstraintsSafe(partial).why).toMatch(/covers part of the face x = 0/);
    expect(() => hardFor(partial, 'dirichlet')).toThrow(/^--hard: cannot impose dirichlet on partial: .*part of the face/);
    const clash = defineProblem({
      name: 'clash',
      variables: ['x'],
      time: [0, 1],
      domain: { type: 'interval', min: 0, max: 1 },
      pde: 'u_t - u_xx',
      conditions: [{ type: 'dirichlet', on: 'boundary', value: '1' }, { type: 'initial', value: 'sin(pi*x)' }],
    });
    const plan = planHardConstraints(clash, ['dirichlet', 'initial']);
    expect(plan.kinds).toEqual(['dirichlet']);
    expect(plan.why).toMatch(/disagree with the Dirichlet value at t0/);
    const operator = defineProblem({ name: 'op', variables: ['x'], domain: { type: 'interval', min: 0, max: 1 }, pde: 'u_xx', conditions: [{ type: 'dirichlet', on: 'boundary', value: 'u_x' }] });
    expect(hardConstraintsSafe(operator).why).toMatch(/operator value/);
    const hole = defineProblem({
      name: 'hole',
      variables: ['x', 'y'],
      domain: { type: 'difference', of: { type: 'rectangle', min: [0, 0], max: [1, 1] }, minus: [{ type: 'disk', center: [0.5, 0.5], radius: 0.2 }] },
      pde: 'u_xx + u_yy',
      conditions: [{ type: 'dirichlet', on: 'boundary', value: '0' }],
    });
    expect(hardConstraintsSafe(hole)).toMatchObject({ safe: false });
    expect(hardConstraintsSafe(hole).why).toMatch(/domain is a difference/);
    expect(() => hardFor(poisson, 'initial')).toThrow(/--hard: cannot impose initial on poisson: the problem is not time-dependent/);
    expect(() => hardFor(poisson, 'dirichlet,neumann')).toThrow(/^--hard: expected none, auto, or a comma-separated list of dirichlet, initial, got "dirichlet,neumann"$/);
  });

  it('a hand-written transform with constant subexpressions compiles and holds', () => {
    const hard = { spec: 'dirichlet', outputs: [{ lift: 'exp(0) + sin(pi/2)*x^2', factor: 'x*(1 - x)' }], imposes: [] };
    const model = createModel({ kind: 'mlp', width: [1, 3, 1], hard });
    const out = model.evaluate([[0], [1]], { derivatives: ['u', 'u_xx'] });
    expect(out.u![0]).toBeCloseTo(1, 6);
    expect(out.u![1]).toBeCloseTo(2, 6);
    expect(() => createModel({ kind: 'mlp', width: [1, 3, 1], hard: { ...hard, outputs: [{ lift: 'erf(x)', factor: 'x' }] } })).toThrow(/^hard: outputs\[0\]\.lift: function 'erf' is not allowed/);
    model.dispose();
  });

  it('a disk: the whole circle by (r² − |x − c|²)/r²', () => {
    const disk = defineProblem({ name: 'disk', variables: ['x', 'y'], domain: { type: 'disk', center: [1, 0], radius: 2 }, pde: 'u_xx + u_yy', conditions: [{ type: 'dirichlet', on: 'boundary', value: 'x*y' }] });
    const { config } = hardFor(disk, 'auto');
    const model = createModel({ kind: 'mlp', width: [2, 4, 1], seed: 0, hard: config!, inputs: ['x', 'y'] });
    const angles = [0.1, 1.7, 3.3, 5];
    const u = model.evaluate(angles.map((a) => [1 + 2 * Math.cos(a), 2 * Math.sin(a)])).u!;
    angles.forEach((a, i) => expect(u[i]).toBeCloseTo((1 + 2 * Math.cos(a)) * 2 * Math.sin(a), 4));
    model.dispose();
  });
});
