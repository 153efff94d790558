/**
 * The generated straight-line layer kernel (layerCodegen.ts) against the loop kernel it replaces
 * (layerKernel.ts with generated kernels off): forward jets, parameter gradients and input-jet
 * gradients must agree to rounding, for constant input factors (the network input) and for
 * general hidden-layer jets, over degrees, jet plans, pruned edges and points outside the grid.
 */
import { afterAll, describe, expect, it } from 'vitest';
import { createJetPlan, type JetPlan } from '../../src/jet/plan.js';
import { constantFactors, generatedBackward, generatedForward, kernelSource } from '../../src/kan/layerCodegen.js';
import { edgePolynomials, kanLayerBackward, kanLayerForward, useGeneratedKernels, type PreludeCache, type LayerGeometry, type LayerParams } from '../../src/kan/layerKernel.js';
import { extendKnots, uniformKnots } from '../../src/kan/spline.js';
import { splineTable } from '../../src/kan/splineTables.js';
import { createRng } from '../../src/random.js';
import type { BaseFunction } from '../../src/jet/baseFunctions.js';
import { expectClose } from './reference.js';

afterAll(() => {
  useGeneratedKernels(true);
});

interface Case {
  name: string;
  plan: JetPlan;
  nIn: number;
  nOut: number;
  k: number;
  /** Input jets constant per channel (the network input) or random (a hidden layer). */
  coordinates: boolean;
  uniform: boolean;
  /** The edges' base function (default SiLU, whose derivatives the kernel inlines up to third order). */
  base?: BaseFunction;
}

function layer(c: Case, seed: number): { geo: LayerGeometry; params: LayerParams; X: Float32Array; dY: Float32Array; N: number } {
  const rng = createRng(seed);
  const grid = 7;
  const knots = Array.from({ length: c.nIn }, () => {
    if (c.uniform) return uniformKnots(grid, c.k, -1, 1);
    const breaks = [-1, ...Array.from({ length: grid - 1 }, () => rng.next() * 2 - 1).sort((a, b) => a - b), 1];
    return extendKnots(breaks, c.k);
  });
  const geo: LayerGeometry = { nIn: c.nIn, nOut: c.nOut, k: c.k, nBasis: grid + c.k, base: c.base ?? 'silu', tables: knots.map((t) => splineTable(t, c.k)) };
  const edges = c.nIn * c.nOut;
  const mask = Float32Array.from({ length: edges }, (_, e) => (e % 5 === 3 ? 0 : 1));
  const params: LayerParams = {
    coef: Float32Array.from({ length: edges * geo.nBasis }, () => rng.next() * 2 - 1),
    scaleBase: Float32Array.from({ length: edges }, () => rng.next() * 2 - 1),
    scaleSp: Float32Array.from({ length: edges }, () => rng.next() + 0.5),
    mask,
  };
  const N = 37;
  const C = c.plan.channels.length;
  const X = new Float32Array(C * N * c.nIn);
  for (let n = 0; n < N; n++) {
    for (let i = 0; i < c.nIn; i++) {
      // a few points beyond the knots (no spline part there)
      X[n * c.nIn + i] = n % 11 === 5 ? 1.3 : rng.next() * 2 - 1;
      for (let ch = 1; ch < C; ch++) {
        const axes = c.plan.channels[ch]!;
        const value = c.coordinates ? (axes.length === 1 && axes[0] === i ? 1 : 0) : rng.next() * 2 - 1;
        X[(ch * N + n) * c.nIn + i] = value;
      }
    }
  }
  const dY = Float32Array.from({ length: C * N * c.nOut }, () => rng.next() * 2 - 1);
  return { geo, params, X, dY, N };
}


const plans = {
  poisson2d: createJetPlan([[0, 0], [1, 1]], 2),
  mixed2d: createJetPlan([[0], [1], [0, 1], [0, 0]], 2),
  beam1d: createJetPlan([[0, 0, 0, 0]], 1),
  heat3d: createJetPlan([[2], [0, 0], [1, 1]], 3),
  value: createJetPlan([], 2),
};

const cases: Case[] = [];
for (const [name, plan] of Object.entries(plans)) {
  for (const k of [1, 2, 3, 5]) {
    for (const coordinates of [true, false]) {
      cases.push({ name: `${name} k=${k} ${coordinates ? 'input layer' : 'hidden layer'}`, plan, nIn: plan.inputDim, nOut: 4, k, coordinates, uniform: k !== 2 });
    }
  }
}
for (const base of ['identity', 'zero'] as const) {
  cases.push({ name: `mixed2d k=3 hidden layer, base ${base}`, plan: plans.mixed2d, nIn: 2, nOut: 4, k: 3, coordinates: false, uniform: true, base });
}
cases.push({ name: 'poisson2d k=3 hidden 6→3', plan: createJetPlan([[0, 0], [1, 1]], 2), nIn: 6, nOut: 3, k: 3, coordinates: false, uniform: true });
// one output: the inputs-outside loop form (layerCodegen.ts `loops`)
for (const k of [1, 3]) {
  cases.push({ name: `poisson2d k=${k} hidden 6→1`, plan: plans.poisson2d, nIn: 6, nOut: 1, k, coordinates: false, uniform: k !== 1 });
  cases.push({ name: `mixed2d k=${k} input layer 2→1`, plan: plans.mixed2d, nIn: 2, nOut: 1, k, coordinates: true, uniform: true });
}

describe('generated layer kernel', () => {
  it('recognises constant input factors only where every point has the same derivative channels', () => {
    const input = layer({ name: '', plan: plans.poisson2d, nIn: 2, nOut: 2, k: 3, coordinates: true, uniform: true }, 1);
    expect(constantFactors(plans.poisson2d, input.X, input.N, 2)).not.toBeNull();
    const hidden = layer({ name: '', plan: plans.poisson2d, nIn: 2, nOut: 2, k: 3, coordinates: false, uniform: true }, 1);
    expect(constantFactors(plans.poisson2d, hidden.X, hidden.N, 2)).toBeNull();
  });

  it.each(cases)('matches the loop kernel: $name', (c) => {
    const { geo, params, X, dY, N } = layer(c, 7);
    for (const needInputGrad of [false, true]) {
      useGeneratedKernels(false);
      const yLoop = kanLayerForward(geo, c.plan, X, N, params);
      const gLoop = kanLayerBackward(geo, c.plan, X, N, params, dY, needInputGrad);
      useGeneratedKernels(true);
      const yGen = kanLayerForward(geo, c.plan, X, N, params);
      const gGen = kanLayerBackward(geo, c.plan, X, N, params, dY, needInputGrad);
      expectClose(yGen, yLoop, 'forward');
      expectClose(gGen.dCoef, gLoop.dCoef, 'dCoef');
      expectClose(gGen.dScaleBase, gLoop.dScaleBase, 'dScaleBase');
      expectClose(gGen.dScaleSp, gLoop.dScaleSp, 'dScaleSp');
      expectClose(gGen.dX, gLoop.dX, `dX (input gradient ${needInputGrad})`);
    }
    // generated against loop only if the generated kernels exist (code generation is allowed in Node)
    const constS = constantFactors(c.plan, X, N, c.nIn);
    expect(generatedForward(c.plan, c.k, constS)).toBeTypeOf('function');
    expect(generatedBackward(c.plan, c.k, constS, false)).toBeTypeOf('function');
    expect(generatedBackward(c.plan, c.k, null, true)).toBeTypeOf('function');
  });

  it.each(cases.filter((c) => c.nOut === 1))('gives the same bits with inputs or points as the outer loop: $name', (c) => {
    const { geo, params, X, dY, N } = layer(c, 11);
    const raw = edgePolynomials(geo, params.coef);
    const constS = constantFactors(c.plan, X, N, c.nIn);
    const args = { nIn: c.nIn, nOut: c.nOut, base: geo.base, tables: geo.tables, X, N, raw, scaleBase: params.scaleBase, scaleSp: params.scaleSp, mask: params.mask };
    const C = c.plan.channels.length;
    const runs = [false, true].map((single) => {
      const Y = new Float32Array(C * N);
      generatedForward(c.plan, c.k, constS, single)!(args, Y);
      const passes = [false, true].map((needInputGrad) => {
        const dRaw = new Float64Array(raw.length);
        const dSb = new Float64Array(c.nIn);
        const dX = needInputGrad ? new Float32Array(X.length) : null;
        generatedBackward(c.plan, c.k, needInputGrad ? null : constS, needInputGrad, single)!(args, dY, dRaw, dSb, dX);
        return { dRaw: Array.from(dRaw), dSb: Array.from(dSb), dX: dX && Array.from(dX) };
      });
      return { Y: Array.from(Y), passes };
    });
    expect(runs[1]).toEqual(runs[0]);
    expect(kernelSource(c.plan, c.k, 'forward', constS, true)).toContain('if (mk !== 0) {');
  });

  it.each(cases)('gives the same bits when the backward pass replays the spans and sigmoids its forward pass recorded: $name', (c) => {
    const { geo, params, X, dY, N } = layer(c, 13);
    const raw = edgePolynomials(geo, params.coef);
    for (const needInputGrad of [false, true]) {
      const runs = [false, true].map((cached) => {
        const cache: PreludeCache | undefined = cached ? { spans: new Int32Array(N * c.nIn).fill(-7), sigmoids: new Float64Array(N * c.nIn).fill(NaN), filled: false } : undefined;
        const Y = kanLayerForward(geo, c.plan, X, N, params, raw, undefined, undefined, cache);
        if (cache) expect(cache.filled).toBe(true);
        const g = kanLayerBackward(geo, c.plan, X, N, params, dY, needInputGrad, raw, { cache });
        return [Y, g.dX, g.dCoef, g.dScaleBase, g.dScaleSp].map((a) => (a ? Array.from(a) : null));
      });
      expect(runs[1]).toEqual(runs[0]);
    }
  });

  it('replays only what a forward pass recorded', () => {
    const c = cases.find((x) => x.name === 'poisson2d k=3 hidden 6→3')!;
    const { geo, params, X, dY, N } = layer(c, 5);
    const plain = kanLayerBackward(geo, c.plan, X, N, params, dY, true);
    // an unfilled cache full of nonsense is not read
    const cache: PreludeCache = { spans: new Int32Array(N * c.nIn).fill(0), sigmoids: new Float64Array(N * c.nIn).fill(0.5), filled: false };
    expect(Array.from(kanLayerBackward(geo, c.plan, X, N, params, dY, true, undefined, { cache }).dCoef)).toEqual(Array.from(plain.dCoef));
    // a filled one is: the kernel really reads it (a wrong σ changes the gradient)
    kanLayerForward(geo, c.plan, X, N, params, undefined, undefined, undefined, cache);
    cache.sigmoids.fill(0.5);
    expect(Array.from(kanLayerBackward(geo, c.plan, X, N, params, dY, true, undefined, { cache }).dScaleBase)).not.toEqual(Array.from(plain.dScaleBase));
    expect(kernelSource(c.plan, 3, 'backward-input', null, false, 'replay')).toContain('const sg = sigmoids[ni];');
    expect(kernelSource(c.plan, 3, 'backward-input', null, false, 'replay')).not.toContain('Math.floor');
  });

  it('shows the generated source: unrolled powers of the local coordinate, the factors of the input layer as literals', () => {
    const plan = plans.poisson2d;
    const input = layer({ name: '', plan, nIn: 2, nOut: 2, k: 3, coordinates: true, uniform: true }, 1);
    const source = kernelSource(plan, 3, 'forward', constantFactors(plan, input.X, input.N, 2));
    expect(source).toContain('u3 = u2 * u;');
    expect(source).not.toContain('H.factors');
    // a hidden layer's factors inlined from the plan's straight-line source, SiLU and the span too
    const hidden = kernelSource(plan, 3, 'forward');
    expect(hidden).toContain('const s3_2 = 1 * x1 * x1;');
    expect(hidden).not.toContain('H.factors');
    expect(hidden).toContain('const sg = 1 / (1 + ex);');
    expect(hidden).not.toContain('Math.exp');
    expect(kernelSource(plan, 3, 'backward-input')).toContain('dX[1 * stride + ni] += ds1_1 * 1 + ds3_2 * 1 * x1 + ds3_2 * 1 * x1;');
    expect(kernelSource(plan, 3, 'backward-input')).toContain('dX[ni] += dx;');
  });
});
