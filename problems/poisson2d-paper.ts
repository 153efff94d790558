/**
 * The KAN paper's Poisson problem: u = sin(πx) sin(πy²) on [−1, 1]², so
 * ∇²u = f with f = −π²(1 + 4y²) sin(πx) sin(πy²) + 2π sin(πx) cos(πy²); u = 0 on the boundary.
 * Written in TypeScript: the residual is a tensor function.
 *
 * Training defaults (seed spread: `kanpinn compare poisson2d-paper --kan 10 --seeds 3`, see README): the
 * paper and pykan weight the PDE 0.01; here it is 0.001, because with 0.01 the boundary error is
 * what limits rel. L2 (~2–4e-3). 2000 interior and 248 boundary points, since with pykan's 961
 * the final G = 20 stage (750 parameters) overfits: the rel. L2 rises while the loss falls.
 * L-BFGS keeps 50 pairs instead of pykan's 10, and the grid is updated at steps 5 and 10 of each
 * stage only, so the last steps of the G = 20 stage are not spent re-converging after refits.
 */
import * as tf from '../src/tf.js';
import { defineProblem } from '../src/index.js';
import type { Problem, Scope } from '../src/index.js';

function column(scope: Scope, name: string): tf.Tensor1D {
  const value = scope[name];
  if (!value) throw new Error(`poisson2d-paper: the scope has no '${name}'`);
  return value;
}

/** f(x, y) = −π²(1 + 4y²) sin(πx) sin(πy²) + 2π sin(πx) cos(πy²), as tensor ops. */
function source(x: tf.Tensor, y: tf.Tensor): tf.Tensor {
  const sx = tf.sin(tf.mul(Math.PI, x));
  const y2 = tf.mul(Math.PI, tf.square(y));
  const a = tf.mul(tf.mul(-(Math.PI ** 2), tf.add(1, tf.mul(4, tf.square(y)))), tf.mul(sx, tf.sin(y2)));
  return tf.add(a, tf.mul(2 * Math.PI, tf.mul(sx, tf.cos(y2))));
}

/** Builds the problem. */
export function poisson2dPaper(): Problem {
  return defineProblem({
    name: 'poisson2d-paper',
    description: "The KAN paper's Poisson problem: lap(u) = f on [-1, 1]^2 with exact u = sin(pi x) sin(pi y^2), u = 0 on the boundary; PDE weight 0.001",
    variables: ['x', 'y'],
    domain: { type: 'rectangle', min: [-1, -1], max: [1, 1] },
    pde: (scope) => tf.sub(tf.add(column(scope, 'u_xx'), column(scope, 'u_yy')), source(column(scope, 'x'), column(scope, 'y'))),
    conditions: [{ type: 'dirichlet', on: 'boundary', value: 0 }],
    exact: 'sin(pi*x) * sin(pi*y^2)',
    weights: { pde: 0.001 },
    points: { interior: 2000, boundary: 248 },
    solver: { grids: [5, 10, 20], steps: 30, lbfgsHistory: 50, gridUpdateEvery: 5, gridUpdateUntil: 15 },
    test: { mesh: [100, 100] },
  });
}
