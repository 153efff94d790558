/**
 * PINNacle Heat 2d-MS (Heat2D_Multiscale): u_t = u_xx / (500π)² + u_yy / π² on [0, 1]² × [0, 5],
 * u(x, y, 0) = sin(20πx) sin(πy), u = 0 on the boundary. Analytic solution:
 * u = sin(20πx) sin(πy) e^{−λt} with λ = (20π)²/(500π)² + π²/π² = 1.0016.
 *
 * Training defaults: the recipe of the accuracy suite (rel. L2 0.0555, seed 1: 0.0229; PINNacle's
 * vanilla PINN 0.0621): KAN [3,10,10,1] on one grid of 20, Adam lr 0.01 with cosine decay, 5000
 * steps, points redrawn every 10 steps, boundary and initial weights 10, causal weighting ε = 1
 * (without it the model fits the initial condition and then decays to u = 0 too early).
 */
import { defineProblem } from '../src/index.js';
import type { Problem } from '../src/index.js';

/** Builds the problem. */
export function pinnacleHeat2dMs(): Problem {
  return defineProblem({
    name: 'pinnacle-heat-2d-ms',
    description: 'PINNacle Heat 2d-MS: u_t = u_xx/(500 pi)^2 + u_yy/pi^2 on [0, 1]^2 x [0, 5], u(x, y, 0) = sin(20 pi x) sin(pi y), u = 0 on the boundary; analytic solution',
    variables: ['x', 'y'],
    time: [0, 5],
    params: { m1: 20, m2: 1 },
    define: {
      a: '1 / (500*pi)^2',
      b: '1 / pi^2',
      lambda: 'a*(m1*pi)^2 + b*(m2*pi)^2',
    },
    domain: { type: 'rectangle', min: [0, 0], max: [1, 1] },
    pde: 'u_t - a*u_xx - b*u_yy',
    conditions: [
      { type: 'dirichlet', on: 'boundary', value: 0, weight: 10 },
      { type: 'initial', value: 'sin(m1*pi*x) * sin(m2*pi*y)', weight: 10 },
    ],
    exact: 'sin(m1*pi*x) * sin(m2*pi*y) * exp(-lambda*t)',
    points: { interior: 6000, boundary: 1500 },
    solver: { kanWidth: [3, 10, 10, 1], grids: [20], optimizer: 'adam', lr: 0.01, lrSchedule: 'cosine:1e-4', steps: 5000, resampleEvery: 10, causal: 1, causalBins: 32 },
    test: { mesh: [50, 50, 11] },
  });
}
