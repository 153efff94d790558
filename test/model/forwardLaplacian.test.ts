/**
 * The automatic forward Laplacian (src/train/forwardLaplacian.ts): which residuals it recognises as
 * reading their pure second derivatives through one constant-coefficient sum (expressions and
 * TypeScript functions alike), which it leaves on the plain plan (varying or nonlinear
 * coefficients, |u_xx| + |u_yy|, mixed derivatives, different sums per unknown, hard constraints,
 * inverse problems, `jet: 'plain'`), and that the loss, its terms and its gradient are those of
 * the plain plan to float rounding, for a KAN and an MLP, with an input embedding and scaling too,
 * and over a short training run.
 */
import * as tf from '../../src/tf.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { setBackend } from '../../src/backend.js';
import { createModel, type Model } from '../../src/createModel.js';
import { hardFor } from '../../src/architecture/hardPlan.js';
import { embeddingFor } from '../../src/architecture/suggestEmbedding.js';
import { scalingFor } from '../../src/architecture/scalingPlan.js';
import { defineProblem } from '../../src/problem/define.js';
import { resolveProblem } from '../../problems/index.js';
import type { Problem, TermPoints } from '../../src/problem/types.js';
import type { ProblemSpec } from '../../src/problem/spec.js';
import { createRng } from '../../src/random.js';
import { jetChoice, setJetChoice } from '../../src/train/forwardLaplacian.js';
import { buildTermData, disposeTermData, termLosses } from '../../src/train/termData.js';
import { train } from '../../src/train/trainer.js';
import { EVAL_PLANS, evalCaseFlops, mlpFlops } from '../../solvers/bench/evalFlops.js';
import { runEvalCase } from '../../solvers/bench/evalSuite.js';

beforeAll(async () => {
  await setBackend('wasm');
});
afterAll(() => {
  setJetChoice('auto');
});

const square = { type: 'rectangle', min: [-1, -1], max: [1, 1] } as const;
const dirichlet = [{ type: 'dirichlet', on: 'boundary', value: '0' }];

function problem2d(pde: ProblemSpec['pde'], extra: Partial<ProblemSpec> = {}): Problem {
  return defineProblem({ name: 'p', variables: ['x', 'y'], domain: square, pde, conditions: dirichlet, ...extra } as ProblemSpec);
}

function modelFor(problem: Problem, kind: 'kan' | 'mlp', extra: Record<string, unknown> = {}): Model {
  const d = problem.variables.length;
  const width = kind === 'kan' ? [d, 4, problem.unknowns.length] : [d, 10, 10, problem.unknowns.length];
  return createModel({ kind, width, seed: 3, inputs: problem.variables, outputs: problem.unknowns, ...extra } as Parameters<typeof createModel>[0]);
}

function pointsOf(problem: Problem, count: number): TermPoints[] {
  const rng = createRng(17);
  return problem.terms.map((t) => t.sample(t.region === 'interior' ? count : Math.ceil(count / 4), rng, 'random'));
}

/** Per term: the plan's channel count and Laplacian coefficients (null: plain), under `choice`. */
function plans(problem: Problem, model: Model, choice: 'auto' | 'plain' = 'auto'): { channels: number; laplacian: number[] | null }[] {
  const previous = setJetChoice(choice);
  try {
    return pointsOf(problem, 64).map((p, i) => {
      const data = buildTermData(problem, model, problem.terms[i]!, p);
      const out = { channels: data.named.plan.channels.length, laplacian: data.named.plan.combined?.coefficients ?? null };
      disposeTermData(data);
      return out;
    });
  } finally {
    setJetChoice(previous);
  }
}

describe('which residuals get the forward Laplacian', () => {
  const model2d = (p: Problem): Model => modelFor(p, 'mlp');

  it('recognises u_xx + u_yy (Poisson, lap), a u_xx + b u_yy and g(u_xx + u_yy), for expressions and functions', () => {
    const cases: [Problem, number[]][] = [
      [resolveProblem('poisson2d'), [1, 1]],
      [problem2d('0.3*u_xx + 2*u_yy - sin(x)'), [0.15, 1]],
      [problem2d('-5*u_xx - 5*u_yy + u'), [1, 1]],
      [problem2d('sin(u_xx + u_yy) - x*y'), [1, 1]],
      [problem2d((s: Record<string, tf.Tensor1D>) => tf.add(s.u_xx!, tf.mul(s.u_yy!, 3)) as tf.Tensor1D), [0.3333333, 1]],
    ];
    for (const [p, coefficients] of cases) {
      const model = model2d(p);
      const [pde, ...conditions] = plans(p, model);
      expect(pde, p.terms[0]!.name).toEqual({ channels: 4, laplacian: coefficients });
      for (const c of conditions) expect(c.laplacian).toBeNull();
      model.dispose();
    }
  });

  it('keeps the plain plan where the second derivatives are not one constant-coefficient sum', () => {
    const pdes: ProblemSpec['pde'][] = [
      'u_xx + x*u_yy', // varying coefficient
      'u_xx^2 + u_yy', // nonlinear in one of them
      'abs(u_xx) + abs(u_yy)', // a sum of functions, equal to |u_xx + u_yy| for one sign only
      'u_xx + u_yy + u_xy', // a mixed derivative
      'u_xx + u_yy + u_xxx', // a third derivative
      (s: Record<string, tf.Tensor1D>) => tf.add(s.u_xx!, tf.mul(s.u_yy!, s.u_yy!)) as tf.Tensor1D,
    ];
    for (const pde of pdes) {
      const p = problem2d(pde);
      const model = model2d(p);
      const [plain] = plans(p, model, 'plain');
      expect(plans(p, model)[0], String(pde)).toEqual({ channels: plain!.channels, laplacian: null });
      model.dispose();
    }
  });

  it('folds a system only where every unknown reads the same sum (NS 2d-C: the 2 momentum equations, 5 -> 4 channels each)', () => {
    const ns = resolveProblem('pinnacle-ns-2d-c');
    const model = modelFor(ns, 'mlp');
    const [momentumU, momentumV, continuity] = plans(ns, model);
    const [plainU] = plans(ns, model, 'plain');
    expect(momentumU).toEqual({ channels: plainU!.channels - 1, laplacian: [1, 1] });
    expect(momentumV).toEqual({ channels: plainU!.channels - 1, laplacian: [1, 1] });
    expect(continuity!.laplacian).toBeNull();
    model.dispose();
    const mixed = defineProblem({ name: 'm', variables: ['x', 'y'], unknowns: ['u', 'v'], domain: square, pde: ['u_xx + u_yy + v_xx + 2*v_yy', 'u_xx + u_yy + v_xx'], conditions: [{ type: 'dirichlet', unknown: 'u', on: 'boundary', value: '0' }] } as unknown as ProblemSpec);
    const m = modelFor(mixed, 'mlp');
    expect(plans(mixed, m).map((t) => t.laplacian)).toEqual([null, null, null]);
    m.dispose();
  });

  it('folds over time-independent axes and over time alike (heat: 6 -> 5 channels; wave u_tt - 4 u_xx: 5 -> 4)', () => {
    const heat = problem2d('u_t - 0.1*(u_xx + u_yy)', { time: [0, 1], conditions: [{ type: 'initial', value: 'sin(x)' }] } as Partial<ProblemSpec>);
    const model = modelFor(heat, 'kan');
    expect(plans(heat, model)[0]).toEqual({ channels: 5, laplacian: [1, 1, 0] });
    model.dispose();
    const wave = defineProblem({ name: 'w', variables: ['x'], time: [0, 1], domain: { type: 'interval', min: 0, max: 1 }, pde: 'u_tt - 4*u_xx', conditions: [{ type: 'dirichlet', value: 0 }] } as ProblemSpec);
    const w = modelFor(wave, 'mlp');
    expect(plans(wave, w)[0]).toEqual({ channels: 4, laplacian: [1, -0.25] });
    w.dispose();
  });

  it('keeps the plain plan under hard constraints (the output transform carries multisets) and with jet = plain', () => {
    const p = resolveProblem('poisson2d');
    const { config } = hardFor(p, 'dirichlet');
    expect(config).not.toBeNull();
    for (const kind of ['kan', 'mlp'] as const) {
      const model = modelFor(p, kind, { hard: config });
      expect(plans(p, model)[0]).toEqual({ channels: 5, laplacian: null });
      model.dispose();
    }
    const model = model2d(p);
    expect(plans(p, model, 'plain')[0]).toEqual({ channels: 5, laplacian: null });
    model.dispose();
    expect(jetChoice()).toBe('auto');
    expect(() => setJetChoice('fast' as 'auto')).toThrow(/jet: expected one of auto, plain/);
  });

  it('keeps the plain plan for an inverse problem (a trained coefficient could change the sum)', async () => {
    const inverse = problem2d('u_xx + k*u_yy + 1', { infer: { k: { initial: 1, min: 0 } } } as Partial<ProblemSpec>);
    const model = modelFor(inverse, 'mlp');
    const result = await train(inverse, model, { steps: 1, points: 32, boundaryPoints: 16, evalEvery: 0, threads: 1 });
    expect(result.jet).toBe('plain');
    model.dispose();
  });
});

/** Loss, its terms and its gradient at these points under `choice`. */
function lossAt(problem: Problem, model: Model, choice: 'auto' | 'plain', points: TermPoints[]): { total: number; terms: Float32Array; grads: Float32Array[]; channels: number[] } {
  const previous = setJetChoice(choice);
  try {
    const data = problem.terms.map((t, i) => buildTermData(problem, model, t, points[i]!));
    const weights = problem.terms.map((t) => t.weight);
    const vars = model.variables();
    const out = tf.tidy(() => {
      let terms = new Float32Array();
      const { value, grads } = tf.variableGrads(() => {
        const losses = termLosses(model, data, weights);
        terms = Float32Array.from(losses.terms.dataSync());
        return losses.total;
      }, vars);
      return { total: value.dataSync()[0]!, terms, grads: vars.map((v) => Float32Array.from(grads[v.name]!.dataSync())), channels: data.map((d) => d.named.plan.channels.length) };
    });
    data.forEach(disposeTermData);
    return out;
  } finally {
    setJetChoice(previous);
  }
}

function expectClose(a: ArrayLike<number>, b: ArrayLike<number>, what: string, tol = 1e-4): void {
  let scale = 1e-12;
  let worst = 0;
  for (let i = 0; i < b.length; i++) {
    scale = Math.max(scale, Math.abs(b[i]!));
    worst = Math.max(worst, Math.abs(a[i]! - b[i]!));
  }
  expect(worst / scale, what).toBeLessThan(tol);
}

describe('the decision is made once per term and model', () => {
  it('probes the residual on the first point set of at least 256 points and keeps the plan for later sets', () => {
    const p = resolveProblem('poisson2d');
    const model = modelFor(p, 'kan');
    const term = p.terms[0]!;
    let calls = 0;
    const counted = { ...term, residual: (s: Parameters<typeof term.residual>[0]) => (calls++, term.residual(s)) };
    const build = (count: number, seed: number): number => {
      const data = buildTermData(p, model, counted, term.sample(count, createRng(seed), 'random'));
      const channels = data.named.plan.channels.length;
      disposeTermData(data);
      return channels;
    };
    expect(build(64, 1)).toBe(4);
    const small = calls;
    expect(small).toBeGreaterThan(0);
    expect(build(64, 2)).toBe(4);
    expect(calls).toBe(2 * small); // below 256 points: probed again
    expect(build(300, 3)).toBe(4);
    const kept = calls;
    expect(build(5000, 4)).toBe(4);
    expect(calls).toBe(kept); // kept: no probe
    model.dispose();
  });
});

describe('the loss under the forward Laplacian is the plain loss', () => {
  const problems: [string, () => Problem, number][] = [
    ['poisson2d', () => resolveProblem('poisson2d'), 2],
    ['heat 2d-MS', () => resolveProblem('pinnacle-heat-2d-ms'), 3],
    ['NS 2d-C', () => resolveProblem('pinnacle-ns-2d-c'), 2],
    ['PNd (5-D)', () => resolveProblem('pinnacle-pnd'), 5],
  ];
  for (const [name, make] of problems) {
    for (const kind of ['kan', 'mlp'] as const) {
      it(`${name}, ${kind}: total, terms and gradient`, () => {
        const p = make();
        const model = modelFor(p, kind);
        const points = pointsOf(p, 40);
        const plain = lossAt(p, model, 'plain', points);
        const auto = lossAt(p, model, 'auto', points);
        expect(auto.channels.some((c, i) => c < plain.channels[i]!), 'some term folded').toBe(true);
        expectClose([auto.total], [plain.total], 'total');
        expectClose(auto.terms, plain.terms, 'terms');
        auto.grads.forEach((g, v) => expectClose(g, plain.grads[v]!, `gradient ${v}`));
        model.dispose();
      });
    }
  }

  it('with an input embedding and scaling (their jets are verified on the combined channel)', () => {
    const p = resolveProblem('poisson2d');
    const embedding = embeddingFor(p, 'fourier:2:2', 5).config;
    const scaling = scalingFor(p, 'on').config;
    for (const kind of ['kan', 'mlp'] as const) {
      const model = modelFor(p, kind, { embedding, scaling });
      const points = pointsOf(p, 40);
      const plain = lossAt(p, model, 'plain', points);
      const auto = lossAt(p, model, 'auto', points);
      expect(auto.channels[0]).toBe(4);
      expectClose([auto.total], [plain.total], 'total');
      auto.grads.forEach((g, v) => expectClose(g, plain.grads[v]!, `gradient ${v}`));
      model.dispose();
    }
  });
});

describe('training', () => {
  // Adam: the trajectories agree to float rounding. (L-BFGS's first step, 20 inner iterations with
  // line searches, moves as much under a 1e-7 change of one parameter as under this switch: on
  // poisson2d's KAN [2,4,1] 0.274 plain, 0.324 forward Laplacian, 0.324 plain with one weight × (1 + 1e-7).)
  it('a short Adam run follows the plain run step by step and says which jets it used', async () => {
    const p = resolveProblem('poisson2d');
    const run = async (jet: 'auto' | 'plain') => {
      const model = modelFor(p, 'kan');
      const result = await train(p, model, { optimizer: 'adam', lr: 0.01, steps: 6, jet, seed: 2, evalEvery: 0, threads: 1, grids: [5] });
      model.dispose();
      return result;
    };
    const plain = await run('plain');
    const auto = await run('auto');
    expect(plain.jet).toBe('plain');
    expect(auto.jet).toBe('forward Laplacian on pde (5 -> 4 channels)');
    const loss = (r: typeof plain): number[] => r.history.rows.map((row) => row[r.history.columns.indexOf('loss')]!);
    expect(loss(plain)).toHaveLength(6);
    expectClose(loss(auto), loss(plain), 'loss history', 1e-5);
    expect(auto.loss).toBeLessThan(loss(plain)[0]!);
    setJetChoice('auto');
  });
});

describe('the eval suite', () => {
  it('evaluates with the plan a solve would choose and counts the operations of that plan', () => {
    const c = { name: 'tiny', model: { kind: 'kan' as const, width: [2, 3, 1], grid: 5, seed: 0 }, interior: 40, boundary: 12 };
    const auto = runEvalCase(c, 1, 0);
    expect(auto.flops).toBe(evalCaseFlops(c, EVAL_PLANS.laplacian));
    expect(EVAL_PLANS.laplacian.channels).toHaveLength(4);
    setJetChoice('plain');
    try {
      expect(runEvalCase(c, 1, 0).flops).toBe(evalCaseFlops(c, EVAL_PLANS.interior));
    } finally {
      setJetChoice('auto');
    }
    // The wide MLP's matrix products carry 4 channels instead of 5.
    const width = [2, 100, 100, 100, 1];
    const ratio = mlpFlops(EVAL_PLANS.laplacian, width, 1) / mlpFlops(EVAL_PLANS.interior, width, 1);
    expect(ratio).toBeGreaterThan(0.78);
    expect(ratio).toBeLessThan(0.82);
  });
});
