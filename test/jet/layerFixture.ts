/** A small seeded KAN layer (2 inputs → 3 outputs, k = 3, grid 5) with the network input's jets, for kernel comparisons. */
import type { JetPlan } from '../../src/jet/plan.js';
import type { LayerGeometry, LayerParams } from '../../src/kan/layerKernel.js';
import { uniformKnots } from '../../src/kan/spline.js';
import { splineTable } from '../../src/kan/splineTables.js';
import { createRng } from '../../src/random.js';

export function layerFixture(plan: JetPlan): { geo: LayerGeometry; params: LayerParams; X: Float32Array; N: number } {
  const rng = createRng(11);
  const nIn = plan.inputDim;
  const nOut = 3;
  const k = 3;
  const grid = 5;
  const geo: LayerGeometry = { nIn, nOut, k, nBasis: grid + k, base: 'silu', tables: Array.from({ length: nIn }, () => splineTable(uniformKnots(grid, k, -1, 1), k)) };
  const edges = nIn * nOut;
  const params: LayerParams = {
    coef: Float32Array.from({ length: edges * geo.nBasis }, () => rng.next() * 2 - 1),
    scaleBase: Float32Array.from({ length: edges }, () => rng.next() * 2 - 1),
    scaleSp: Float32Array.from({ length: edges }, () => rng.next() + 0.5),
    mask: Float32Array.from({ length: edges }, () => 1),
  };
  const N = 20;
  const C = plan.channels.length;
  const X = new Float32Array(C * N * nIn);
  for (let n = 0; n < N; n++) {
    for (let i = 0; i < nIn; i++) {
      X[n * nIn + i] = rng.next() * 2.4 - 1.2;
      for (let c = 1; c < C; c++) {
        const axes = plan.channels[c]!;
        X[(c * N + n) * nIn + i] = axes.length === 1 && axes[0] === i ? 1 : 0;
      }
    }
  }
  return { geo, params, X, N };
}
