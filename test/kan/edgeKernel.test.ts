/**
 * The per-edge kernel (edgeKernel.ts) and the layer kernel compute the same φ: summed over the
 * inputs, the edge values are the layer's value channel, and the edge kernel's input gradient is
 * the layer kernel's for the value-only plan.
 */
import { describe, expect, it } from 'vitest';
import { createJetPlan } from '../../src/jet/plan.js';
import { kanEdgeBackward, kanEdgeForward } from '../../src/kan/edgeKernel.js';
import { kanLayerBackward, kanLayerForward } from '../../src/kan/layerKernel.js';
import { createRng } from '../../src/random.js';
import { layerFixture } from '../jet/layerFixture.js';
import { expectClose } from './reference.js';

describe('edge kernel', () => {
  it('sums to the layer kernel and has its gradients', () => {
    const plan = createJetPlan([], 2);
    const { geo, params, X, N } = layerFixture(plan);
    params.mask[1] = 0;
    const { nIn, nOut } = geo;
    const E = kanEdgeForward(geo, X, N, params);
    const summed = new Float32Array(N * nOut);
    for (let n = 0; n < N; n++) for (let i = 0; i < nIn; i++) for (let j = 0; j < nOut; j++) summed[n * nOut + j]! += E[(n * nIn + i) * nOut + j]!;
    expectClose(summed, kanLayerForward(geo, plan, X, N, params), 'sum of edges vs layer');
    expect(E[1]).toBe(0);
    // dL/dE[n, i, j] = dY[n, j] for every i: the edge kernel's gradients equal the layer kernel's
    const rng = createRng(2);
    const dY = Float32Array.from({ length: N * nOut }, () => rng.next() - 0.5);
    const dE = Float32Array.from({ length: N * nIn * nOut }, (_, idx) => dY[Math.floor(idx / (nIn * nOut)) * nOut + (idx % nOut)]!);
    const edge = kanEdgeBackward(geo, X, N, params, dE, true);
    const layer = kanLayerBackward(geo, plan, X, N, params, dY, true);
    expectClose(edge.dX, layer.dX, 'dX');
    expectClose(edge.dCoef, layer.dCoef, 'dCoef');
    expectClose(edge.dScaleBase, layer.dScaleBase, 'dScaleBase');
    expectClose(edge.dScaleSp, layer.dScaleSp, 'dScaleSp');
  });
});
