/**
 * The tfjs-ops path of a KAN layer (src/kan/kanOps.ts, the GPU path) against the JS kernels on the
 * `cpu` backend: jets and the gradients of every parameter (and of the input jets of a hidden
 * layer) agree to float32 rounding, for every jet plan, k = 1..5, non-uniform grids, pruned edges,
 * points beyond the grid, and symbolic edges (test/kan/opsAgreement.ts has the cases).
 */
import * as tf from '../../src/tf.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { setBackend } from '../../src/backend.js';
import { kanKernel, setKanKernel, usesOpsKernels } from '../../src/computePath.js';
import { createJetPlan } from '../../src/jet/plan.js';
import { kanLayerEdges } from '../../src/kan/kanLayer.js';
import { kanLayerOpsSupported } from '../../src/kan/kanOps.js';
import { createKan } from '../../src/kan/model.js';
import { setSymbolicEdge } from '../../src/kan/symbolicState.js';
import { defaultSymbolicLibrary } from '../../src/symbolic/library.js';
import { OPTION_SPECS } from '../../src/options/training.js';
import { resolveProblem } from '../../src/problem/registry.js';
import { train } from '../../src/train/trainer.js';
import { agreementCases, runAgreementCase } from './opsAgreement.js';

const TOLERANCE = 2e-4;

beforeAll(async () => {
  await setBackend('cpu');
});

afterAll(() => {
  setKanKernel('auto');
});

describe('KAN layer: tfjs ops against the JS kernels (cpu backend)', () => {
  it.each(agreementCases())('$name', (c) => {
    const before = tf.memory().numTensors;
    const { errors } = runAgreementCase(c);
    for (const [quantity, error] of Object.entries(errors)) expect(error, quantity).toBeLessThan(TOLERANCE);
    expect(Object.keys(errors)).toContain('dCoef');
    expect(tf.memory().numTensors).toBe(before);
  });
});

describe('per-edge values (the sparsification regulariser)', () => {
  it('kanLayerEdges: ops agree with the JS kernel, values and gradients, symbolic edge included', () => {
    const model = createKan({ width: [3, 4, 2], seed: 7 });
    const layer = model.layers[1]!;
    setSymbolicEdge(layer, 2, 1, defaultSymbolicLibrary.require('x^2', 'test'), { a: 0.7, b: 0.2, c: 1.1, d: -0.3 });
    const N = 21;
    const x = tf.variable(tf.randomUniform([N, 4], -1.3, 1.3, 'float32', 11));
    const weights = tf.randomUniform([N, 4, 2], -1, 1, 'float32', 12);
    const vars = [x, layer.coef, layer.scaleBase, layer.scaleSp, layer.symbolic!.affine];
    const run = (mode: 'ops' | 'js'): Float32Array[] => {
      setKanKernel(mode);
      try {
        return tf.tidy(() => {
          const edges = kanLayerEdges(layer, x, N, true).dataSync() as Float32Array;
          const { grads } = tf.variableGrads(() => tf.sum(tf.mul(tf.abs(kanLayerEdges(layer, x, N, true)), weights)) as tf.Scalar, vars);
          return [edges, ...vars.map((v) => grads[v.name]!.dataSync() as Float32Array)];
        });
      } finally {
        setKanKernel('auto');
      }
    };
    const js = run('js');
    const ops = run('ops');
    js.forEach((values, q) => {
      const scale = Math.max(1e-6, ...values.map(Math.abs));
      const diff = Math.max(...values.map((v, i) => Math.abs(v - ops[q]![i]!)));
      expect(diff / scale, `quantity ${q}`).toBeLessThan(2e-4);
    });
    tf.dispose([x, weights]);
    model.dispose();
  });
});

describe('the ops path stays on the device', () => {
  it('reads no tensor back (no dataSync) in a whole-model loss and gradient, symbolic edge included', () => {
    const model = createKan({ width: [2, 4, 1], seed: 3 });
    setSymbolicEdge(model.layers[0]!, 1, 2, defaultSymbolicLibrary.require('sin', 'test'), { a: 2, b: 0.1, c: 0.5, d: 0 });
    const plan = createJetPlan([[0, 0], [1, 1]], 2);
    const N = 16;
    const points = tf.randomUniform([N, 2], -1, 1, 'float32', 5);
    const input = tf.tidy(() => {
      const ex = tf.concat([tf.zeros([N, 1]), tf.ones([N, 1])], 1);
      return tf.stack([points, tf.reverse(ex, 1), ex, tf.zeros([N, 2]), tf.zeros([N, 2])]) as tf.Tensor3D;
    });
    // dataSync calls during one loss + gradient on the given path
    const readsOn = (path: 'ops' | 'js'): number => {
      const original = tf.Tensor.prototype.dataSync;
      let reads = 0;
      tf.Tensor.prototype.dataSync = function (this: tf.Tensor) {
        reads++;
        return original.call(this);
      } as typeof original;
      setKanKernel(path);
      try {
        tf.tidy(() => {
          tf.variableGrads(() => tf.sum(tf.square(model.jetForward(plan, input, N))) as tf.Scalar, model.variables());
        });
      } finally {
        tf.Tensor.prototype.dataSync = original;
        setKanKernel('auto');
      }
      return reads;
    };
    expect(readsOn('ops')).toBe(0);
    // the control: the JS kernels read the tensors back
    expect(readsOn('js')).toBeGreaterThan(0);
    tf.dispose([points, input]);
    model.dispose();
  });

  it('keeps the JS kernel for a symbolic function without a tensor form at that order (arcsin in a 4th-order jet)', () => {
    const model = createKan({ width: [1, 2, 1] });
    const layer = model.layers[0]!;
    expect(kanLayerOpsSupported(layer, 4)).toBe(true);
    setSymbolicEdge(layer, 0, 1, defaultSymbolicLibrary.require('arcsin', 'test'), { a: 0.5, b: 0, c: 1, d: 0 });
    expect(kanLayerOpsSupported(layer, 3)).toBe(true);
    expect(kanLayerOpsSupported(layer, 4)).toBe(false);
    model.dispose();
  });
});

describe('kernel choice', () => {
  it('auto takes the JS kernels on cpu and the ops on a device backend name; ops/js force one', () => {
    expect(kanKernel()).toBe('auto');
    expect(usesOpsKernels()).toBe(false);
    setKanKernel('ops');
    expect(usesOpsKernels()).toBe(true);
    expect(setKanKernel('js')).toBe('ops');
    expect(usesOpsKernels()).toBe(false);
    setKanKernel('auto');
  });

  it('train() takes it as the kanKernel option (--kan-kernel) and runs the ops path then', async () => {
    const problem = resolveProblem('poisson2d');
    const model = createKan({ width: [2, 3, 1] });
    const result = await train(problem, model, { kanKernel: 'ops', optimizer: 'adam', steps: 2, points: 30, boundaryPoints: 8, evalEvery: 0 });
    expect(kanKernel()).toBe('ops');
    expect(result.status).toBe('completed');
    expect(Number.isFinite(result.loss)).toBe(true);
    setKanKernel('auto');
    model.dispose();
    expect(OPTION_SPECS.kanKernel.flag).toBe('kan-kernel');
  });

  it('refuses an unknown choice naming the valid ones', () => {
    expect(() => setKanKernel('gpu' as 'ops')).toThrow('kanKernel: expected one of auto, ops, js, got "gpu"');
  });
});
