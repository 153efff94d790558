import * as tf from '../../src/tf.js';
import { beforeAll, describe, expect, it } from 'vitest';
import { setBackend } from '../../src/backend.js';
import { attribute } from '../../src/interpret/attribution.js';
import { prune, pruneInputs, removeEdge, removeNode } from '../../src/interpret/prune.js';
import { refine } from '../../src/interpret/refine.js';
import { fixSymbolic } from '../../src/interpret/symbolic.js';
import { modelView } from '../../src/interpret/view.js';
import { createKan, type KanModel } from '../../src/kan/model.js';
import { createRng } from '../../src/random.js';
import { renderNetworkSvg } from '../../viz/index.js';

beforeAll(async () => {
  await setBackend('wasm');
});

/** O(1) random splines, then the edges in `dead` ([layer, i, j]) set to φ ≡ 0. */
function planted(width: number[], dead: [number, number, number][]): KanModel {
  const model = createKan({ width, seed: 4 });
  const rng = createRng(8);
  model.layers.forEach((layer, l) => {
    const coef = Float32Array.from({ length: layer.coef.size }, () => rng.normal() * 0.6);
    const sb = Float32Array.from({ length: layer.scaleBase.size }, () => 0.5 + rng.next());
    const nBasis = layer.grid + layer.k;
    for (const [dl, i, j] of dead) {
      if (dl !== l) continue;
      const e = i * layer.nOut + j;
      coef.fill(0, e * nBasis, (e + 1) * nBasis);
      sb[e] = 0;
    }
    tf.tidy(() => {
      layer.coef.assign(tf.tensor(coef, layer.coef.shape));
      layer.scaleBase.assign(tf.tensor(sb, layer.scaleBase.shape));
    });
  });
  return model;
}

const rng = createRng(1);
const points = Float32Array.from({ length: 2 * 400 }, () => rng.next() * 2 - 1);
const points3 = Float32Array.from({ length: 3 * 400 }, () => rng.next() * 2 - 1);

describe('attribution and pruning', () => {
  it('removes a planted dead hidden node and masks a planted dead edge, keeping the function', () => {
    // Node 2 of the hidden layer: nothing in, nothing out. Edge (0: 1 → 0): φ ≡ 0.
    const model = planted([2, 3, 1], [[0, 0, 2], [0, 1, 2], [1, 2, 0], [0, 1, 0]]);
    const scores = attribute(model, points);
    expect(scores.nodes[1]![2]).toBe(0);
    expect(scores.edges[0]![1 * 3 + 0]).toBe(0);
    const pruned = prune(model, points);
    expect(pruned.width).toEqual([2, 2, 1]);
    expect(Array.from(pruned.layers[0]!.mask)).toEqual([1, 1, 0, 1]);
    expect(Array.from(pruned.layers[1]!.mask)).toEqual([1, 1]);
    const a = model.evaluate(points).u!;
    const b = pruned.evaluate(points).u!;
    a.forEach((v, n) => expect(b[n]!).toBeCloseTo(v, 5));
    expect(pruned.paramCount()).toBeLessThan(model.paramCount());
    model.dispose();
    pruned.dispose();
  });

  it('prunes an unused input and keeps the names of the others', () => {
    const model = planted([3, 2, 1], [[0, 2, 0], [0, 2, 1]]);
    const pruned = pruneInputs(model, points3);
    expect(pruned.width).toEqual([2, 2, 1]);
    expect(pruned.inputs).toEqual(['x', 'y']);
    model.dispose();
    pruned.dispose();
  });

  it('masks edges and nodes in place, and refuses bad thresholds and indices', () => {
    const model = planted([2, 3, 1], []);
    removeEdge(model, 0, 0, 1);
    expect(model.layers[0]!.mask[1]).toBe(0);
    removeNode(model, 1, 2);
    expect(Array.from(model.layers[0]!.mask)).toEqual([1, 0, 0, 1, 1, 0]);
    expect(Array.from(model.layers[1]!.mask)).toEqual([1, 1, 0]);
    expect(() => prune(model, points, { edgeThreshold: -1 })).toThrow('prune: edgeThreshold: expected a finite number >= 0, found -1');
    expect(() => removeNode(model, 2, 0)).toThrow('removeNode: layer 2 is not an input or hidden node layer (0..1)');
    expect(() => removeEdge(model, 0, 0, 3)).toThrow('removeEdge: output 3 does not exist in layer 0 (outputs 0..2)');
    model.dispose();
  });

  it('refine returns a finer copy with the same function and leaves the original alone', () => {
    const model = planted([2, 3, 1], []);
    const { model: fine } = refine(model, 12, points);
    expect(fine.layers.map((l) => l.grid)).toEqual([12, 12]);
    expect(model.layers[0]!.grid).toBe(5);
    const a = model.evaluate(points).u!;
    const b = fine.evaluate(points).u!;
    let err = 0;
    let scale = 0;
    a.forEach((v, n) => {
      err = Math.max(err, Math.abs(b[n]! - v));
      scale = Math.max(scale, Math.abs(v));
    });
    expect(err / scale).toBeLessThan(2e-2);
    expect(() => refine(model, 0, points)).toThrow('refine: newGrid: expected an integer >= 1, found 0');
    model.dispose();
    fine.dispose();
  });
});

describe('the network diagram', () => {
  it('has one edge element per unmasked edge, symbolic edges labelled with their formula', () => {
    const model = planted([2, 3, 1], []);
    removeEdge(model, 0, 1, 1);
    removeEdge(model, 1, 0, 0);
    fixSymbolic(model, 0, 0, 0, 'sin', { params: { a: 2, b: 0, c: 1, d: 0 } });
    const view = modelView(model, points);
    expect(view.edges).toHaveLength(9);
    expect(view.edges.filter((e) => e.state === 'pruned')).toHaveLength(2);
    const symbolic = view.edges.filter((e) => e.state === 'symbolic');
    expect(symbolic.map((e) => e.formula)).toEqual(['sin(2 * x)']);
    expect(view.edges.find((e) => e.layer === 1 && e.i === 0)!.importance).toBe(0);
    const svg = renderNetworkSvg(view);
    expect(svg.match(/<g class="edge"/g)).toHaveLength(7);
    expect(svg).toContain('sin(2 * x)');
    model.dispose();
  });
});
