/**
 * DeepXDE's diffusion example: u_t = u_xx − e^{−t}(sin πx − π² sin πx) on x ∈ [−1, 1], t ∈ [0, 1],
 * u(x, 0) = sin πx, u(±1, t) = 0; exact e^{−t} sin πx. Written in TypeScript with a tensor residual
 * and a float64 exact function (so `check` differentiates it by central differences).
 */
import * as tf from '../src/tf.js';
import { defineProblem } from '../src/index.js';
import type { Problem, Scope } from '../src/index.js';

function column(scope: Scope, name: string): tf.Tensor1D {
  const value = scope[name];
  if (!value) throw new Error(`diffusion1d: the scope has no '${name}'`);
  return value;
}

/** Builds the problem. */
export function diffusion1d(): Problem {
  return defineProblem({
    name: 'diffusion1d',
    description: "DeepXDE's diffusion: u_t = u_xx - exp(-t)(sin(pi x) - pi^2 sin(pi x)) on [-1, 1] x [0, 1]; exact exp(-t) sin(pi x)",
    variables: ['x'],
    time: [0, 1],
    domain: { type: 'interval', min: -1, max: 1 },
    pde: (scope) => {
      const x = column(scope, 'x');
      const t = column(scope, 't');
      // e^{−t} sin(πx) (1 − π²): the source term.
      const forcing = tf.mul(tf.mul(tf.exp(tf.neg(t)), tf.sin(tf.mul(Math.PI, x))), 1 - Math.PI ** 2);
      return tf.add(tf.sub(column(scope, 'u_t'), column(scope, 'u_xx')), forcing);
    },
    conditions: [
      { type: 'dirichlet', on: 'boundary', value: 0 },
      { type: 'initial', value: 'sin(pi*x)' },
    ],
    exact: ({ x = 0, t = 0 }) => Math.exp(-t) * Math.sin(Math.PI * x),
    points: { interior: 400, boundary: 80 },
  });
}
