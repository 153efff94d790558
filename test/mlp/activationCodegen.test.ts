/**
 * The generated MLP activation kernel (activationCodegen.ts) against the loop kernel
 * (activationKernel.ts with generated kernels off): forward jets, dL/dZ and dL/dbias agree to
 * rounding for every activation and several jet plans, including 4th order (tanh's generic path).
 */
import { afterAll, describe, expect, it } from 'vitest';
import { createJetPlan } from '../../src/jet/plan.js';
import { activationKernelSource, GRADIENT_BLOCK, generatedActivationBackward, generatedActivationForward } from '../../src/mlp/activationCodegen.js';
import { activationBackward, activationBackwardTransposed, activationForward, tanhDerivatives, useGeneratedActivationKernels, type KernelActivation } from '../../src/mlp/activationKernel.js';
import { baseDerivatives } from '../../src/jet/baseFunctions.js';
import { createRng } from '../../src/random.js';
import { expectClose } from '../kan/reference.js';

afterAll(() => {
  useGeneratedActivationKernels(true);
});


const plans = {
  value: createJetPlan([], 2),
  poisson2d: createJetPlan([[0, 0], [1, 1]], 2),
  mixed2d: createJetPlan([[0], [1], [0, 1]], 2),
  heat3d: createJetPlan([[2], [0, 0], [1, 1]], 3),
  beam1d: createJetPlan([[0, 0, 0, 0]], 1),
};
const activations: KernelActivation[] = ['tanh', 'sin', 'silu', 'identity'];
const cases = Object.entries(plans).flatMap(([name, plan]) => activations.map((activation) => ({ name: `${name} ${activation}`, plan, activation })));

describe('generated activation kernel', () => {
  it.each(cases)('matches the loop kernel: $name', ({ plan, activation }) => {
    const rng = createRng(5);
    const N = 23;
    const n = 7;
    const C = plan.channels.length;
    const Z = Float32Array.from({ length: C * N * n }, () => rng.next() * 4 - 2);
    const bias = Float32Array.from({ length: n }, () => rng.next() - 0.5);
    const dY = Float32Array.from({ length: C * N * n }, () => rng.next() * 2 - 1);
    useGeneratedActivationKernels(false);
    const yLoop = activationForward(activation, plan, Z, bias, N, n);
    const gLoop = activationBackward(activation, plan, Z, bias, N, n, dY);
    useGeneratedActivationKernels(true);
    const yGen = activationForward(activation, plan, Z, bias, N, n);
    const gGen = activationBackward(activation, plan, Z, bias, N, n, dY);
    expectClose(yGen, yLoop, 'forward');
    expectClose(gGen.dZ, gLoop.dZ, 'dZ');
    expectClose(gGen.dBias, gLoop.dBias, 'dBias');
    // the comparison is generated against loop only if the generated kernel exists (code generation is allowed in Node)
    const deriv = (): void => undefined;
    expect(generatedActivationForward(plan, activation, deriv)).toBeTypeOf('function');
    expect(generatedActivationBackward(plan, activation, deriv)).toBeTypeOf('function');
  });

  it.each(cases)('backward variants agree with the plain pass: $name', ({ plan, activation }) => {
    const rng = createRng(7);
    const N = 19;
    const n = 37; // three column blocks: 16, 16, 5
    const d = 3;
    const C = plan.channels.length;
    const Z = Float32Array.from({ length: C * N * n }, () => rng.next() * 4 - 2);
    const bias = Float32Array.from({ length: n }, () => rng.next() - 0.5);
    const dY = Float32Array.from({ length: C * N * n }, () => rng.next() * 2 - 1);
    const X = Float32Array.from({ length: C * N * d }, () => rng.next() * 2 - 1);
    // σ^{(m)} for the orders without closed forms (beam1d's 5th): what activationKernel.ts passes
    const deriv = (z: number, order: number, out: Float64Array): void =>
      activation === 'tanh' ? tanhDerivatives(z, order, out) : activation === 'sin' ? undefined : baseDerivatives(activation, z, order, out);
    // plain: dZ written over garbage (the caller no longer zeroes it)
    const dZ = new Float32Array(C * N * n).fill(Number.NaN);
    const dBias = new Float64Array(n);
    generatedActivationBackward(plan, activation, deriv)!(Z, bias, N, n, dY, dZ, dBias);
    expect(dZ.every(Number.isFinite)).toBe(true);
    // blocks: the same dZ, and its columns again in blocks [C·N, ≤ 16]
    const widths = [16, 16, 5];
    const blocks = widths.map((w) => new Float32Array(C * N * w).fill(Number.NaN));
    const dZb = new Float32Array(C * N * n).fill(Number.NaN);
    const dBiasB = new Float64Array(n);
    generatedActivationBackward(plan, activation, deriv, 'blocks')!(Z, bias, N, n, dY, dZb, dBiasB, blocks, null, null);
    expect(Array.from(dZb)).toEqual(Array.from(dZ));
    expect(Array.from(dBiasB)).toEqual(Array.from(dBias));
    for (let row = 0; row < C * N; row++) {
      for (let j = 0; j < n; j++) {
        const b = Math.floor(j / GRADIENT_BLOCK);
        expect(blocks[b]![row * widths[b]! + (j % GRADIENT_BLOCK)]).toBe(dZ[row * n + j]);
      }
    }
    // inputs3: no dZ, dW = Xᵀ·dZ added into
    const dW = new Float64Array(d * n).fill(0.5);
    const dBiasI = new Float64Array(n);
    generatedActivationBackward(plan, activation, deriv, 'inputs3')!(Z, bias, N, n, dY, null, dBiasI, null, X, dW);
    expect(Array.from(dBiasI)).toEqual(Array.from(dBias));
    const want = new Float32Array(d * n).fill(0.5);
    for (let row = 0; row < C * N; row++) {
      for (let i = 0; i < d; i++) for (let j = 0; j < n; j++) want[i * n + j] = want[i * n + j]! + X[row * d + i]! * dZ[row * n + j]!;
    }
    expectClose(Float32Array.from(dW), want, 'dW');
    // transposed: the same dZ, and dZᵀ [n, C·N]
    const dZt = new Float32Array(C * N * n).fill(Number.NaN);
    const dZT = new Float32Array(C * N * n).fill(Number.NaN);
    const dBiasT = new Float64Array(n);
    generatedActivationBackward(plan, activation, deriv, 'transposed')!(Z, bias, N, n, dY, dZt, dBiasT, [dZT], null, null);
    expect(Array.from(dZt)).toEqual(Array.from(dZ));
    expect(Array.from(dBiasT)).toEqual(Array.from(dBias));
    for (let row = 0; row < C * N; row++) for (let j = 0; j < n; j++) expect(dZT[j * C * N + row]).toBe(dZ[row * n + j]);
  });

  it.each([true, false])('activationBackwardTransposed writes dZ and dZᵀ with and without generated kernels (generated: %s)', (generated) => {
    const plan = plans.poisson2d;
    const rng = createRng(3);
    const N = 11;
    const n = 6;
    const C = plan.channels.length;
    const Z = Float32Array.from({ length: C * N * n }, () => rng.next() * 4 - 2);
    const bias = Float32Array.from({ length: n }, () => rng.next() - 0.5);
    const dY = Float32Array.from({ length: C * N * n }, () => rng.next() * 2 - 1);
    const want = activationBackward('tanh', plan, Z, bias, N, n, dY);
    const previous = useGeneratedActivationKernels(generated);
    try {
      const dZ = new Float32Array(C * N * n).fill(Number.NaN);
      const dZT = new Float32Array(C * N * n).fill(Number.NaN);
      const dBias = new Float64Array(n);
      activationBackwardTransposed('tanh', plan, Z, bias, N, n, dY, dZ, dZT, dBias);
      expectClose(dZ, want.dZ, 'dZ');
      expectClose(Float32Array.from(dBias), want.dBias, 'dBias');
      for (let row = 0; row < C * N; row++) for (let j = 0; j < n; j++) expect(dZT[j * C * N + row]).toBe(dZ[row * n + j]);
    } finally {
      useGeneratedActivationKernels(previous);
    }
  });

  it('shows the generated source, with the jet factors inlined as locals (no dS array)', () => {
    const source = activationKernelSource(plans.mixed2d, 'tanh', 'backward');
    // tanh by arithmetic (no Math.tanh/Math.exp: the slowest part of the pass); its accuracy is the test below
    expect(source).not.toMatch(/Math\.(tanh|exp)/);
    // dL/dZ is written (the caller does not zero it first), each channel once, from the ds locals
    expect(source).toMatch(/const v\d+ = ds\d+/);
    expect(source).toMatch(/dZ\[\d+ \* stride \+ base\] = v\d+;/);
    expect(source).not.toMatch(/dZ\[[^\]]*\] \+=/);
    expect(source).not.toContain('dS[');
  });

  it('computes tanh and its derivatives as exactly as Math.tanh in float64 (the arithmetic tanh of the generated code)', () => {
    const plan = createJetPlan([[0], [0, 0], [0, 0, 0]], 1);
    const forward = generatedActivationForward(plan, 'tanh', () => undefined)!;
    // orders ≤ 3 are the arithmetic closed forms; the backward pass needs order M + 1, so M = 2 there
    const backward = generatedActivationBackward(createJetPlan([[0], [0, 0]], 1), 'tanh', () => undefined)!;
    const zs = [0, 1e-30, -1e-12, 3e-8, -0.01, 0.17, -0.35, 0.5, -1, 2.5, -4, 7.9, -12, 19.5, -19.99, 20, 25, -60, 1e30];
    const N = zs.length;
    // channel 1 = 1 (x' = 1), channels 2, 3 = 0: the outputs are tanh, tanh', tanh'', tanh'''
    const Z = new Float32Array(4 * N);
    Z.set(zs, 0);
    Z.fill(1, N, 2 * N);
    const Y = new Float32Array(4 * N);
    forward(Z, new Float32Array(1), N, 1, Y);
    zs.forEach((zRaw, p) => {
      const z = Math.fround(zRaw);
      const t = Math.tanh(z);
      const d1 = 1 / Math.cosh(z) ** 2; // 1 − t² would cancel for large |z|
      const want = [t, d1, -2 * t * d1, d1 * (6 * t * t - 2)];
      want.forEach((w, c) => {
        const got = Y[c * N + p]!;
        // float32 rounding of the exact value (relative), or 1e-30 absolute where the value is 0 or below float32's range
        expect(Math.abs(got - w), `z=${z} channel ${c}`).toBeLessThanOrEqual(Math.max(Math.abs(w) * 1.2e-7, 1e-30 + (Math.abs(z) >= 19 ? 1e-15 : 0)));
      });
    });
    // the backward pass uses the same derivatives: dL/dz for dL/dY0 = 1 is tanh'(z)
    const dY = new Float32Array(3 * N);
    dY.fill(1, 0, N);
    const dZ = new Float32Array(3 * N);
    backward(Z.subarray(0, 3 * N), new Float32Array(1), N, 1, dY, dZ, new Float64Array(1));
    zs.forEach((zRaw, p) => {
      const d1 = 1 / Math.cosh(Math.fround(zRaw)) ** 2;
      expect(Math.abs(dZ[p]! - d1), `dZ z=${zRaw}`).toBeLessThanOrEqual(Math.max(d1 * 1.2e-7, 1e-15));
    });
  });
});
