/**
 * The generated MLP activation kernel (activationCodegen.ts) against the loop kernel
 * (activationKernel.ts with generated kernels off): forward jets, dL/dZ and dL/dbias agree to
 * rounding for every activation and several jet plans, including 4th order (tanh's generic path).
 */
import { afterAll, describe, expect, it } from 'vitest';
import { createJetPlan } from '../../src/jet/plan.js';
import { activationKernelSource, generatedActivationBackward, generatedActivationForward } from '../../src/mlp/activationCodegen.js';
import { activationBackward, activationForward, useGeneratedActivationKernels, type KernelActivation } from '../../src/mlp/activationKernel.js';
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

  it('shows the generated source, with the jet factors inlined as locals (no dS array)', () => {
    const source = activationKernelSource(plans.mixed2d, 'tanh', 'backward');
    expect(source).toContain('Math.tanh(z)');
    expect(source).toMatch(/dZ\[\d+ \* stride \+ base\] \+= ds\d+/);
    expect(source).not.toContain('dS[');
  });
});
