import { beforeAll, describe, expect, it } from 'vitest';
import { setBackend } from '../../src/backend.js';
import { defineProblem } from '../../src/index.js';
import { resolveTermWeights } from '../../src/problem/weights.js';
import { createMlp } from '../../src/mlp/mlp.js';
import { train } from '../../src/train/trainer.js';

beforeAll(async () => {
  await setBackend('wasm');
});

const system = defineProblem({
  name: 'system',
  variables: ['x'],
  unknowns: ['u', 'v'],
  domain: { type: 'interval', min: 0, max: 1 },
  pde: ['u_xx - v', 'v - 1'],
  weights: { pde: [1, 3] },
  conditions: [{ type: 'dirichlet', value: 0 }, { type: 'dirichlet', unknown: 'v', value: 1, weight: 5 }],
});

describe('loss-weight keys', () => {
  it('"pde" sets every PDE term of a system; a term\'s own name wins', () => {
    expect(system.terms.map((t) => t.name)).toEqual(['pde[0]', 'pde[1]', 'conditions[0].dirichlet', 'conditions[1].dirichlet']);
    expect(resolveTermWeights(system.terms, {})).toEqual([1, 3, 1, 5]);
    expect(resolveTermWeights(system.terms, { pde: 0.1 })).toEqual([0.1, 0.1, 1, 5]);
    expect(resolveTermWeights(system.terms, { pde: 0.1, 'pde[1]': 2, 'conditions[0].dirichlet': 7 })).toEqual([0.1, 2, 7, 5]);
  });

  it('an unknown key is refused naming the terms', () => {
    expect(() => resolveTermWeights(system.terms, { pdf: 1 })).toThrow('weights: unknown term "pdf" (terms are pde[0], pde[1], conditions[0].dirichlet, conditions[1].dirichlet; "pde" sets every PDE term)');
  });

  it('training takes --weights pde=… on a system', async () => {
    const model = createMlp({ width: [1, 4, 2], seed: 1, inputs: ['x'], outputs: ['u', 'v'] });
    const result = await train(system, model, { steps: 1, weights: { pde: 0.25 }, evalEvery: 0 });
    expect(result.weights).toEqual({ 'pde[0]': 0.25, 'pde[1]': 0.25, 'conditions[0].dirichlet': 1, 'conditions[1].dirichlet': 5 });
    model.dispose();
  });
});
