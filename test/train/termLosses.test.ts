/**
 * termLosses on host-memory backends runs the weighted mean squares of all terms as one op with a
 * hand-written gradient (fusedTermLosses): it must give what the plain tfjs formulation gives,
 * Σ_t w_t·mean(r_t²), its term means and its gradient in every parameter, up to float rounding.
 */
import * as tf from '../../src/tf.js';
import { beforeAll, describe, expect, it } from 'vitest';
import { setBackend } from '../../src/backend.js';
import { createKan } from '../../src/kan/model.js';
import { buildTermData, disposeTermData, termLosses, termScope, type TermData } from '../../src/train/termData.js';
import { createRng } from '../../src/random.js';
import { poissonFixture } from './poissonFixture.js';

beforeAll(async () => {
  await setBackend('wasm');
});

describe('termLosses', () => {
  it('equal the plain tfjs formulation in value, term means and gradients (with an empty term and a zero weight)', () => {
    const problem = poissonFixture();
    const model = createKan({ width: [2, 4, 1], grid: 4, seed: 5 });
    const rng = createRng(3);
    const data: TermData[] = problem.terms.map((term, t) => buildTermData(problem, model, term, term.sample(t === 0 ? 60 : 24, rng, 'random')));
    // a third term without points: counted as 0, no gradient
    data.push(buildTermData(problem, model, problem.terms[1]!, { coords: new Float32Array(0), count: 0 }));
    for (const weights of [
      [0.01, 1, 3],
      [0, 2.5, 1],
    ]) {
      const fused = tf.tidy(() => {
        let terms: Float32Array = new Float32Array(0);
        const { value, grads } = tf.variableGrads(() => {
          const out = termLosses(model, data, weights);
          terms = out.terms.dataSync() as Float32Array;
          return out.total;
        }, model.variables());
        return { value: value.dataSync()[0]!, terms, grads: model.variables().map((v) => grads[v.name]!.dataSync() as Float32Array) };
      });
      const plain = tf.tidy(() => {
        const means: number[] = [];
        const { value, grads } = tf.variableGrads(() => {
          let total = tf.scalar(0);
          data.forEach((d, t) => {
            if (d.points.count === 0) return means.push(0);
            const mean = tf.mean(tf.square(d.term.residual(termScope(model, d)))) as tf.Scalar;
            means.push(mean.dataSync()[0]!);
            total = tf.add(total, tf.mul(mean, weights[t]!));
          });
          return total;
        }, model.variables());
        return { value: value.dataSync()[0]!, terms: means, grads: model.variables().map((v) => grads[v.name]!.dataSync() as Float32Array) };
      });
      expect(fused.value).toBeCloseTo(plain.value, 5);
      expect(Math.abs(fused.value - plain.value) / plain.value).toBeLessThan(1e-5);
      fused.terms.forEach((m, t) => expect(Math.abs(m - plain.terms[t]!)).toBeLessThanOrEqual(1e-5 * Math.max(1, plain.terms[t]!)));
      fused.grads.forEach((g, i) => {
        const p = plain.grads[i]!;
        const scale = Math.max(1e-3, ...Array.from(p, Math.abs));
        g.forEach((v, j) => expect(Math.abs(v - p[j]!) / scale, `variable ${i} entry ${j}`).toBeLessThan(1e-4));
      });
      expect(fused.grads.some((g) => g.some((v) => v !== 0))).toBe(true);
    }
    data.forEach(disposeTermData);
    model.dispose();
  });
});
