/**
 * Input embeddings (src/model/embedding.ts): jets through the Fourier and periodic features, checked
 * against the closed form (every order up to 4, mixed) and, through a whole KAN and MLP, each order
 * against a central difference of the order below; periodicity; the text forms and their errors;
 * the frequency estimate behind `--embed auto`.
 */
import * as tf from '../../src/tf.js';
import { describe, expect, it } from 'vitest';
import { createModel } from '../../src/createModel.js';
import { createJetPlan, inputJet } from '../../src/jet/plan.js';
import { buildEmbedding, embedJet, embedValues, featureWidth } from '../../src/model/embedding.js';
import { embeddingFor, estimateCycles, periodicVariables, suggestEmbedding } from '../../src/architecture/suggestEmbedding.js';
import { parseEmbedText, type EmbedSpec } from '../../src/options/architecture.js';
import { symbolicFormula } from '../../src/interpret/symbolic.js';
import type { KanModel } from '../../src/kan/model.js';
import { defineProblem } from '../../src/problem/define.js';
import { train } from '../../src/train/trainer.js';

const bounds = { min: [0, -1], max: [1, 2] };
const spec = (text: string): EmbedSpec => parseEmbedText(text, '--embed') as EmbedSpec;

describe('embedding jets', () => {
  it('match the closed form of cos/sin of a linear map at every order up to 4', () => {
    const config = buildEmbedding(spec('fourier:2:3'), ['x', 'y'], bounds, 7);
    expect(featureWidth(config)).toBe(6);
    const requested = [[0], [1], [0, 0], [0, 1], [1, 1, 1], [0, 0, 1], [0, 0, 0, 0], [0, 0, 1, 1], [0, 1, 1, 1]];
    const plan = createJetPlan(requested, 2);
    const points = Float32Array.from([0.1, 0.3, 0.7, -0.4, 0.5, 1.5]);
    const N = 3;
    const jet = tf.tidy(() => embedJet(config, plan, tf.tensor3d(inputJet(plan, points, N), [plan.channels.length, N, 2])).arraySync());
    const m = config.frequencies;
    plan.channels.forEach((axes, c) => {
      for (let n = 0; n < N; n++) {
        for (let j = 0; j < m; j++) {
          const w = [config.weights[j]!, config.weights[m + j]!];
          const z = config.offset[j]! + points[2 * n]! * w[0]! + points[2 * n + 1]! * w[1]!;
          const factor = axes.reduce((p, a) => p * w[a]!, 1);
          const shift = (axes.length * Math.PI) / 2;
          const scale = Math.max(1, Math.abs(factor));
          expect(Math.abs(jet[c]![n]![j]! - factor * Math.cos(z + shift)) / scale).toBeLessThan(2e-5);
          expect(Math.abs(jet[c]![n]![m + j]! - factor * Math.sin(z + shift)) / scale).toBeLessThan(2e-5);
        }
      }
    });
  });

  it('passes non-embedded inputs through and makes periodic ones exactly periodic', () => {
    const config = buildEmbedding(spec('periodic:x'), ['x', 'y'], bounds, 0);
    expect(config.passthrough).toEqual([1]);
    const v = embedValues(config, Float32Array.from([0, 0.3, 1, 0.3]), 2, 2);
    expect(v[0]).toBeCloseTo(0.3, 6);
    for (let f = 0; f < 3; f++) expect(v[f]).toBeCloseTo(v[3 + f]!, 6);
  });

  it('harmonic:x=C gives cos and sin of exactly C cycles along x over its extent, x and y passed through', () => {
    const config = buildEmbedding(spec('harmonic:x=3'), ['x', 'y'], bounds, 0);
    expect(config.passthrough).toEqual([0, 1]);
    expect(config.frequencies).toBe(1);
    expect(featureWidth(config)).toBe(4);
    // x from 0 to 1 (the extent): the features go round 3 times, starting at cos 1, sin 0; a quarter cycle is 1/12.
    const v = embedValues(config, Float32Array.from([0, 0.5, 1 / 12, 0.5, 1, 0.5]), 3, 2);
    expect([...v.slice(0, 4)].map((a) => Number(a.toFixed(5)))).toEqual([0, 0.5, 1, 0]);
    expect(v[6]!).toBeCloseTo(0, 5);
    expect(v[7]!).toBeCloseTo(1, 5);
    expect(v[10]!).toBeCloseTo(1, 5);
    expect(v[11]!).toBeCloseTo(0, 4);
    // On y's extent [-1, 2]: 2 cycles, so the features repeat every 1.5.
    const onY = buildEmbedding(spec('harmonic:y=2+fourier:x=1:2'), ['x', 'y'], bounds, 5);
    expect(onY.passthrough).toEqual([1]);
    expect(onY.frequencies).toBe(3);
    const w = embedValues(onY, Float32Array.from([0.2, -0.3, 0.2, 1.2]), 2, 2);
    for (let f = 0; f < 7; f++) expect(w[f]! - (f === 0 ? 0 : w[7 + f]!)).toBeCloseTo(f === 0 ? -0.3 : 0, 5);
  });

  for (const kind of ['kan', 'mlp'] as const) {
    it(`a ${kind} with Fourier features: each derivative order is the central difference of the one below (1 to 4, mixed)`, () => {
      const embedding = buildEmbedding(spec('fourier:x=1,y=0.5:4'), ['x', 'y'], bounds, 3);
      const model = createModel({ kind, width: [2, 5, 1], seed: 2, embedding, ...(kind === 'kan' ? { gridRange: [-1, 1] as [number, number] } : {}) });
      expect(model.width[0]).toBe(8);
      const names = ['u', 'u_x', 'u_y', 'u_xx', 'u_xy', 'u_xxy', 'u_xxx', 'u_xxxy', 'u_xxxx'];
      const at = (x: number, y: number): Record<string, Float32Array> => model.evaluate([[x, y]], { derivatives: names });
      const h = 2e-3;
      const [x, y] = [0.37, 0.21];
      const pairs: [string, string, 0 | 1][] = [['u', 'u_x', 0], ['u', 'u_y', 1], ['u_x', 'u_xx', 0], ['u_x', 'u_xy', 1], ['u_xy', 'u_xxy', 0], ['u_xx', 'u_xxx', 0], ['u_xxx', 'u_xxxy', 1], ['u_xxx', 'u_xxxx', 0]];
      const centre = at(x, y);
      for (const [lower, higher, axis] of pairs) {
        const plus = at(x + (axis === 0 ? h : 0), y + (axis === 1 ? h : 0))[lower]![0]!;
        const minus = at(x - (axis === 0 ? h : 0), y - (axis === 1 ? h : 0))[lower]![0]!;
        const fd = (plus - minus) / (2 * h);
        const exact = centre[higher]![0]!;
        expect(Math.abs(fd - exact), `${higher}: jet ${exact}, difference ${fd}`).toBeLessThan(2e-3 * Math.max(1, Math.abs(exact)));
      }
      model.dispose();
    });
  }
});

describe('embedding text and options', () => {
  it('parses the forms and refuses bad ones naming the flag', () => {
    expect(parseEmbedText('none', '--embed')).toBeNull();
    expect(parseEmbedText('auto', '--embed')).toBe('auto');
    expect(parseEmbedText('periodic:x+fourier:t=10:8', '--embed')).toEqual({ periodic: ['x'], fourier: { sigma: { t: 10 }, features: 8 } });
    expect(parseEmbedText('harmonic:x=10', '--embed')).toEqual({ periodic: [], harmonic: { x: 10 } });
    expect(parseEmbedText('periodic:y+harmonic:x=4,t=2', '--embed')).toEqual({ periodic: ['y'], harmonic: { x: 4, t: 2 } });
    expect(() => parseEmbedText('harmonic:x=0', '--embed')).toThrow(/^--embed: CYCLES must be a positive number, got '0'/);
    expect(() => buildEmbedding(spec('periodic:x+harmonic:x=2'), ['x', 'y'], bounds, 0)).toThrow(/^--embed: 'x' is both periodic and given harmonics/);
    for (const bad of ['fourier', 'fourier:-1', 'fourier:2:0', 'gauss:2', 'periodic:', 'fourier:x=:4', 'harmonic:3', 'harmonic:x=2:4', 'harmonic:x=1+harmonic:y=1']) {
      expect(() => parseEmbedText(bad, '--embed')).toThrow(/^--embed: /);
    }
    expect(() => buildEmbedding(spec('periodic:q'), ['x', 'y'], bounds, 0)).toThrow(/--embed: 'q' is not an input/);
  });

  it('a symbolic formula of an embedded KAN is refused, not assembled in the features', () => {
    const model = createModel({ kind: 'kan', width: [2, 2, 1], embedding: buildEmbedding(spec('periodic:x'), ['x', 'y'], bounds, 0) }) as KanModel;
    expect(() => symbolicFormula(model)).toThrow(/^symbolic: the model has an input embedding \(periodic:x\)/);
    model.dispose();
  });
});

const wave = defineProblem({
  name: 'wave-hf',
  variables: ['x'],
  time: [0, 1],
  params: { c: 10 },
  domain: { type: 'interval', min: 0, max: 1 },
  pde: 'u_tt - c^2*u_xx',
  conditions: [
    { type: 'dirichlet', on: 'boundary', value: '0' },
    { type: 'initial', value: 'sin(pi*x)', rate: 'c*pi*sin(2*pi*x)' },
  ],
});

describe('suggestEmbedding', () => {
  it('finds the temporal frequency of a fast wave from its dispersion relation', () => {
    const cycles = estimateCycles(wave);
    expect(cycles.x).toBeLessThan(2);
    // u_tt = 100 u_xx with the data's one cycle along x: ω = c k = 20π, 10 cycles over t ∈ [0, 1].
    expect(cycles.t).toBeGreaterThan(9);
    expect(cycles.t).toBeLessThan(11);
    const s = suggestEmbedding(wave);
    expect(s.embed).toMatch(/^fourier:x=1,t=1[01]:16$/);
    expect(s.why).toMatch(/high frequency/);
  });

  it('finds a slower wave whose root falls between scan steps (PINNacle Wave 1d-C: 2 cycles in x, c = 2 gives 4 in t)', () => {
    const p = defineProblem({
      name: 'w',
      variables: ['x'],
      time: [0, 1],
      domain: { type: 'interval', min: 0, max: 1 },
      pde: 'u_tt - 4*u_xx',
      conditions: [{ type: 'dirichlet', on: 'boundary', value: '0' }, { type: 'initial', value: 'sin(pi*x) + 0.5*sin(4*pi*x)', rate: '0' }],
    });
    const cycles = estimateCycles(p);
    expect(cycles.t).toBeGreaterThan(3.9);
    expect(cycles.t).toBeLessThan(4.1);
  });

  it('proposes nothing for a smooth problem and periodic features for a periodic one, whose term leaves the loss', async () => {
    const heat = defineProblem({
      name: 'heat',
      variables: ['x'],
      time: [0, 1],
      domain: { type: 'interval', min: 0, max: 1 },
      pde: 'u_t - 0.1*u_xx',
      conditions: [{ type: 'initial', value: 'sin(pi*x)' }, { type: 'periodic', axis: 'x' }],
    });
    expect(periodicVariables(heat)).toEqual([{ variable: 'x', term: 'conditions[1].periodic' }]);
    const s = suggestEmbedding(heat);
    expect(s.embed).toBe('periodic:x');
    const built = embeddingFor(heat, 'auto', 0);
    expect(built.config?.imposes).toEqual(['conditions[1].periodic']);
    const model = createModel({ kind: 'mlp', width: [2, 6, 1], inputs: ['x', 't'], embedding: built.config! });
    const result = await train(heat, model, { steps: 2, points: 30, boundaryPoints: 8, optimizer: 'adam', evalEvery: 0 });
    // The periodic term is exact, so it is not in the loss; the model is periodic in value and slope.
    expect(Object.keys(result.terms)).toEqual(['pde', 'conditions[0].initial']);
    const ends = model.evaluate([[0, 0.4], [1, 0.4]], { derivatives: ['u', 'u_x', 'u_xx'] });
    for (const name of ['u', 'u_x', 'u_xx']) expect(ends[name]![0]).toBeCloseTo(ends[name]![1]!, 4);
    model.dispose();
    const poisson = defineProblem({ name: 'p', variables: ['x'], domain: { type: 'interval', min: 0, max: 1 }, pde: 'u_xx + pi^2*sin(pi*x)', conditions: [{ type: 'dirichlet', on: 'boundary', value: '0' }] });
    expect(suggestEmbedding(poisson).embed).toBeNull();
  });

  it('sees a high-frequency source', () => {
    const p = defineProblem({ name: 'p', variables: ['x'], domain: { type: 'interval', min: 0, max: 2 }, pde: 'u_xx + sin(8*pi*x)', conditions: [{ type: 'dirichlet', on: 'boundary', value: '0' }] });
    const cycles = estimateCycles(p);
    expect(cycles.x).toBeGreaterThanOrEqual(7);
    expect(cycles.x).toBeLessThanOrEqual(9);
    expect(suggestEmbedding(p).embed).toBe('fourier:x=8:16');
  });
});
