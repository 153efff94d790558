/**
 * 1-D wave equation u_tt = c² u_xx on x ∈ [0, 1], t ∈ [0, 1] with c = 1, u = 0 at x = 0, 1,
 * u(x, 0) = sin πx and u_t(x, 0) = 0 (an initial condition with a rate); exact sin πx cos cπt.
 */
import { defineProblem } from '../src/index.js';
import type { Problem } from '../src/index.js';

/** Builds the problem. */
export function wave1d(): Problem {
  return defineProblem({
    name: 'wave1d',
    description: 'Wave equation u_tt = c^2 u_xx on [0, 1] x [0, 1], c = 1, u = 0 at x = 0, 1, u(x, 0) = sin(pi x), u_t(x, 0) = 0; exact sin(pi x) cos(pi t)',
    variables: ['x'],
    time: [0, 1],
    params: { c: 1 },
    domain: { type: 'interval', min: 0, max: 1 },
    pde: 'u_tt - c^2 * u_xx',
    conditions: [
      { type: 'dirichlet', on: 'boundary', value: 0 },
      { type: 'initial', value: 'sin(pi*x)', rate: 0 },
    ],
    exact: 'sin(pi*x) * cos(c*pi*t)',
    points: { interior: 400, boundary: 80 },
  });
}
