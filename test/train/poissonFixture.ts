/**
 * A hand-written Poisson problem implementing the Problem contract directly (no DSL), so the
 * trainer is tested on its own: ∇²u = −2π² sin πx sin πy on [−1,1]², u = 0 on the boundary.
 */
import * as tf from '../../src/tf.js';
import type { Problem, TermPoints } from '../../src/problem/types.js';
import type { Rng } from '../../src/random.js';

const exact = (x: number, y: number): number => Math.sin(Math.PI * x) * Math.sin(Math.PI * y);

export function poissonFixture(options: { poisonAfter?: number } = {}): Problem {
  let calls = 0;
  const interior = (count: number, rng: Rng): TermPoints => ({ coords: Float32Array.from({ length: 2 * count }, () => rng.next() * 2 - 1), count });
  const boundary = (count: number): TermPoints => {
    const coords = new Float32Array(2 * count);
    for (let n = 0; n < count; n++) {
      const s = (4 * n) / count;
      const side = Math.floor(s);
      const a = (s - side) * 2 - 1;
      const xy = [[a, -1], [1, a], [-a, 1], [-1, -a]][side]!;
      coords[2 * n] = xy[0]!;
      coords[2 * n + 1] = xy[1]!;
    }
    return { coords, count };
  };
  const mesh = 31;
  const coords = new Float32Array(mesh * mesh * 2);
  const values = new Float32Array(mesh * mesh);
  for (let i = 0; i < mesh; i++) {
    for (let j = 0; j < mesh; j++) {
      const x = -1 + (2 * i) / (mesh - 1);
      const y = -1 + (2 * j) / (mesh - 1);
      coords.set([x, y], 2 * (i * mesh + j));
      values[i * mesh + j] = exact(x, y);
    }
  }
  return {
    name: 'poisson-fixture',
    description: 'test fixture',
    variables: ['x', 'y'],
    spatial: ['x', 'y'],
    unknowns: ['u'],
    bounds: { min: [-1, -1], max: [1, 1] },
    defaults: { interiorPoints: 200, boundaryPoints: 60 },
    terms: [
      {
        name: 'pde',
        kind: 'pde',
        weight: 0.01,
        region: 'interior',
        derivatives: ['u_xx', 'u_yy'],
        sample: (count, rng) => interior(count, rng),
        residual: ({ u_xx, u_yy, x, y }) => {
          calls++;
          const f = tf.sin(x!.mul(Math.PI)).mul(tf.sin(y!.mul(Math.PI))).mul(-2 * Math.PI * Math.PI);
          const r = u_xx!.add(u_yy!).sub(f) as tf.Tensor1D;
          return options.poisonAfter !== undefined && calls > options.poisonAfter ? r.mul(NaN) : r;
        },
      },
      {
        name: 'conditions[0].dirichlet',
        kind: 'dirichlet',
        weight: 1,
        region: 'boundary',
        derivatives: ['u'],
        sample: (count) => boundary(count),
        residual: ({ u }) => u!,
      },
    ],
    testSet: () => ({ coords, count: mesh * mesh, values, source: 'exact' }),
  };
}
