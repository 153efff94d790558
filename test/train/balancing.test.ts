import * as tf from '../../src/tf.js';
import { beforeAll, describe, expect, it } from 'vitest';
import { setBackend } from '../../src/backend.js';
import { createKan } from '../../src/kan/model.js';
import { createRng } from '../../src/random.js';
import { balanceTargets, balanceWeights, geomeanWeights, gradNormWeights, termGradientNorms, termTraces } from '../../src/train/balancing.js';
import { autoRecipe } from '../../src/train/recipe.js';
import { resolveProblem } from '../../problems/index.js';
import { flattenGrads } from '../../src/train/params.js';
import { buildTermData, disposeTermData, termLosses, termScope, type TermData } from '../../src/train/termData.js';
import type { ModelBase } from '../../src/model/types.js';
import type { Scope } from '../../src/problem/types.js';
import { train } from '../../src/train/trainer.js';
import { poissonFixture } from './poissonFixture.js';

/** A term's residual at all its points (inside a tidy). */
const termResidual = (model: ModelBase, d: TermData): tf.Tensor1D => d.term.residual(termScope(model, d));

beforeAll(async () => {
  await setBackend('wasm');
});

describe('loss balancing: the expert\'s guide update on NTK traces (Wang et al. 2023, 2022)', () => {
  it('follows λ̂_i = Σ_j g_j / g_i and λ ← α λ + (1 − α) λ̂ on a two-term toy, by hand', () => {
    // g = (3, 1): Σ = 4, λ̂ = (4/3, 4); from λ = (1, 1) with α = 0.9: (0.9 + 0.4/3, 0.9 + 0.4).
    const next = gradNormWeights([3, 1], [1, 1], 0.9);
    expect(next[0]).toBeCloseTo(0.9 + 0.4 / 3, 12);
    expect(next[1]).toBeCloseTo(1.3, 12);
    // α = 0 takes λ̂ itself; a second update averages with the first.
    expect(gradNormWeights([3, 1], [1, 1], 0)).toEqual([4 / 3, 4]);
    const twice = gradNormWeights([2, 6], next, 0.9);
    expect(twice[0]).toBeCloseTo(0.9 * next[0]! + 0.1 * (8 / 2), 12);
    expect(twice[1]).toBeCloseTo(0.9 * next[1]! + 0.1 * (8 / 6), 12);
  });

  it('keeps the weight of a term whose gradient vanishes or is not finite', () => {
    expect(gradNormWeights([0, 2], [5, 1], 0.5)).toEqual([5, 0.5 * 1 + 0.5 * (2 / 2)]);
    expect(gradNormWeights([Number.NaN, 0], [5, 7], 0.5)).toEqual([5, 7]);
  });

  it('weighs two conditions of one operator alike, however well each holds now (the Poisson 2d-C holes)', () => {
    // u = 0 and u = 3 on the same points: the residuals differ (the first nearly holds at
    // initialisation), their gradients per point do not. Gradient norms ‖∇L_i‖ (the expert's guide)
    // would give the term that holds the larger weight; the NTK traces are equal, and so are the weights.
    const fixture = poissonFixture();
    const zero = fixture.terms[1]!;
    const three = { ...zero, name: 'conditions[1].dirichlet', residual: ({ u }: Scope) => tf.sub(u!, 3) as tf.Tensor1D };
    const problem = { ...fixture, terms: [zero, three] };
    const model = createKan({ width: [2, 3, 1], grid: 4, seed: 1 });
    const data = problem.terms.map((term) => buildTermData(problem, model, term, term.sample(40, createRng(3), 'random')));
    const traces = termTraces(model, data);
    expect(traces[0]! > 0).toBe(true);
    expect(traces[1]! / traces[0]!).toBeCloseTo(1, 6);
    const weights = balanceWeights(model, data, [1, 1], 0, 'trace');
    expect(weights[0]!).toBeCloseTo(2, 5);
    expect(weights[1]!).toBeCloseTo(2, 5);
    // The residual sizes differ by far, so a rule that read them could not give equal weights.
    const losses = tf.tidy(() => Array.from(termLosses(model, data, [1, 1]).terms.dataSync()));
    expect(losses[1]! / losses[0]!).toBeGreaterThan(10);
    // The gradient norm does read them: the condition that nearly holds gets the larger weight.
    const byNorm = balanceWeights(model, data, [1, 1], 0, 'gradnorm');
    const norms = termGradientNorms(model, data);
    expect(norms[1]! / norms[0]!).toBeGreaterThan(3);
    expect(byNorm[0]! / byNorm[1]!).toBeCloseTo(norms[1]! / norms[0]!, 4);
    // The geometric mean (the default) reads them at half strength: the ratio is the square root.
    const byGeomean = balanceWeights(model, data, [1, 1], 0);
    expect(byGeomean[0]! / byGeomean[1]!).toBeCloseTo(Math.sqrt(norms[1]! / norms[0]!), 4);
    data.forEach(disposeTermData);
    model.dispose();
  });

  it('gives the term the parameters move more the smaller weight, so weighted traces are equal (α = 0)', () => {
    const problem = poissonFixture();
    const model = createKan({ width: [2, 3, 1], grid: 4, seed: 1 });
    const rng = createRng(3);
    const data = problem.terms.map((term) => buildTermData(problem, model, term, term.sample(term.region === 'interior' ? 60 : 40, rng, 'random')));
    const traces = termTraces(model, data);
    expect(traces.every((t) => t > 0)).toBe(true);
    // Second derivatives move more per parameter than values.
    expect(traces[0]!).toBeGreaterThan(traces[1]!);
    const weights = balanceWeights(model, data, [1, 1], 0, 'trace');
    expect(weights[0]!).toBeLessThan(weights[1]!);
    expect((weights[0]! * traces[0]!) / (weights[1]! * traces[1]!)).toBeCloseTo(1, 6);
    // A 16-point trace of a term with fewer points is the exact mean over all of them.
    const few = buildTermData(problem, model, problem.terms[1]!, problem.terms[1]!.sample(8, rng, 'random'));
    const perPoint = Array.from({ length: 8 }, (_, n) => {
      const { value, grads } = tf.variableGrads(() => tf.tidy(() => tf.sum(tf.slice(termResidual(model, few), [n], [1])) as tf.Scalar), model.variables());
      const flat = flattenGrads(model, grads);
      tf.dispose([value, ...Object.values(grads)]);
      return flat.reduce((s, v) => s + v * v, 0);
    });
    expect(termTraces(model, [few])[0]! / (perPoint.reduce((s, v) => s + v, 0) / 8)).toBeCloseTo(1, 5);
    disposeTermData(few);
    data.forEach(disposeTermData);
    model.dispose();
  });

  it('geomean: λ̂ = √(λ̂_norm · λ̂_trace) and the same moving average, on a two-term toy by hand', () => {
    // norms (3, 1): λ̂_norm = (4/3, 4); traces (8, 2): λ̂_trace = (10/8, 5); λ̂ = (√(5/3), √20).
    expect(balanceTargets([3, 1])).toEqual([4 / 3, 4]);
    const next = geomeanWeights([3, 1], [8, 2], [1, 1], 0.9);
    expect(next[0]).toBeCloseTo(0.9 + 0.1 * Math.sqrt(5 / 3), 12);
    expect(next[1]).toBeCloseTo(0.9 + 0.1 * Math.sqrt(20), 12);
    // The mix's ends are the two rules.
    expect(geomeanWeights([3, 1], [8, 2], [1, 1], 0, 0)).toEqual(gradNormWeights([3, 1], [1, 1], 0));
    expect(geomeanWeights([3, 1], [8, 2], [1, 1], 0, 1)[1]).toBeCloseTo(gradNormWeights([8, 2], [1, 1], 0)[1]!, 12);
    // Scale-free: a residual multiplied by c has its norm and trace multiplied by c², and its weight
    // relative to the other term divided by c², so the weighted loss c²·L keeps its share.
    const c = 7;
    const scaled = geomeanWeights([3 * c * c, 1], [8 * c * c, 2], [1, 1], 0);
    const plain = geomeanWeights([3, 1], [8, 2], [1, 1], 0);
    expect(scaled[0]! / scaled[1]! / (plain[0]! / plain[1]!)).toBeCloseTo(1 / (c * c), 10);
    // A term that one measure cannot balance keeps its weight; the others are balanced among themselves.
    const three = geomeanWeights([3, 0, 1], [8, 5, 2], [1, 6, 1], 0);
    expect(three[0]).toBeCloseTo(Math.sqrt((4 / 3) * (15 / 8)), 12);
    expect(three[1]).toBe(6);
    expect(three[2]).toBeCloseTo(Math.sqrt(4 * (15 / 2)), 12);
  });

  it('the automatic recipe balances steady problems by geomean, time-dependent ones by the gradient norm; the user\'s rule wins', () => {
    const steady = resolveProblem('poisson2d');
    const timed = resolveProblem('heat1d');
    expect(autoRecipe(steady, {}).options).toMatchObject({ balanceEvery: 10, balanceRule: 'geomean' });
    expect(autoRecipe(steady, {}).decisions.find((d) => d.option === 'balanceEvery')?.why).toMatch(/geometric mean/);
    expect(autoRecipe(timed, {}).options).toMatchObject({ balanceEvery: 10, balanceRule: 'gradnorm' });
    expect(autoRecipe(steady, { balanceRule: 'trace' }).options.balanceRule).toBeUndefined();
    // Balancing asked for without a rule: the rule is decided and reported; balancing off: no rule.
    const asked = autoRecipe(steady, { balanceEvery: 5 });
    expect(asked.options.balanceRule).toBe('geomean');
    expect(asked.decisions.map((d) => d.option)).toContain('balanceRule');
    expect(autoRecipe(steady, { balanceEvery: 0 }).options.balanceRule).toBeUndefined();
    expect(autoRecipe(steady, { weights: { pde: 1 } }).options.balanceRule).toBeUndefined();
  });

  it('train() balances before the first step and every balanceEvery steps, deterministically', async () => {
    const run = async (balanceEvery: number): Promise<Record<string, number>> => {
      const model = createKan({ width: [2, 3, 1], grid: 4, seed: 2 });
      const r = await train(poissonFixture(), model, { steps: 4, seed: 0, evalEvery: 0, balanceEvery, points: 80, boundaryPoints: 40 });
      model.dispose();
      return r.weights;
    };
    const off = await run(0);
    expect(Object.values(off)).toEqual(poissonFixture().terms.map((t) => t.weight));
    const on = await run(2);
    expect(Object.values(on).some((w, i) => Math.abs(w / Object.values(off)[i]! - 1) > 1e-3)).toBe(true);
    expect(await run(2)).toEqual(on);
  }, 60_000);
});
