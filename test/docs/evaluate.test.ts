/** `model.evaluate` returns what the README's Library section says it does. */
import { describe, expect, it } from 'vitest';
import { createModel, KanpinnInputError, setBackend } from '../../src/index.js';

describe('model.evaluate as documented', () => {
  it('returns one Float32Array per requested name, any derivative up to total order 4 (mixed too), the outputs by default', async () => {
    await setBackend('cpu');
    const model = createModel({ kind: 'kan', width: [2, 3, 1], grid: 5, inputs: ['x', 'y'] });
    const points = [[0.1, 0.2], [-0.3, 0.4], [0.5, -0.6]];
    const { u, u_xx, u_xy, u_xxyy } = model.evaluate(points, { derivatives: ['u', 'u_xx', 'u_xy', 'u_xxyy'] });
    for (const column of [u, u_xx, u_xy, u_xxyy]) {
      expect(column).toBeInstanceOf(Float32Array);
      expect(column!.length).toBe(points.length);
    }
    expect(Object.keys(model.evaluate(points))).toEqual(['u']);
    // u_xy against a central difference of u_x in y: the names mean what they say.
    const h = 1e-2;
    const ux = (y: number): number => model.evaluate([[0.1, y]], { derivatives: ['u_x'] }).u_x![0]!;
    expect(u_xy![0]).toBeCloseTo((ux(0.2 + h) - ux(0.2 - h)) / (2 * h), 2);
    expect(() => model.evaluate(points, { derivatives: ['u_xxxxy'] })).toThrow(KanpinnInputError);
    model.dispose();
  });
});
