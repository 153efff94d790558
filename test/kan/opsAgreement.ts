/**
 * The agreement check between the two compute paths of a KAN layer (the JS kernels and the tfjs-ops
 * formulation of src/kan/kanOps.ts): one layer with random parameters, pruned edges, points
 * beyond the grid and, optionally, symbolic edges; the same loss Σ R·y through both paths; the
 * worst relative difference of the jets and of every gradient. No test framework here, so the
 * same cases run in Node (test/kan/ops.test.ts) and, bundled, in headless Chromium on webgl
 * (test/gpu/webgl.test.ts).
 */
import * as tf from '../../src/tf.js';
import { setKanKernel } from '../../src/computePath.js';
import { createJetPlan } from '../../src/jet/plan.js';
import { kanLayerJet, type KanLayer } from '../../src/kan/kanLayer.js';
import { extendKnots, uniformKnots } from '../../src/kan/spline.js';
import { setSymbolicEdge } from '../../src/kan/symbolicState.js';
import { createRng } from '../../src/random.js';
import { defaultSymbolicLibrary } from '../../src/symbolic/library.js';

/** One layer configuration. */
export interface AgreementCase {
  name: string;
  /** Requested derivative channels (axes lists) and the input dimension of the plan. */
  requested: number[][];
  inputDim: number;
  k: number;
  nIn: number;
  nOut: number;
  /** A hidden layer: random input jets and an input gradient; else the network input (coordinates). */
  hidden: boolean;
  uniform: boolean;
  /** Built-in symbolic functions put on the first edges, with affine parameters inside their domains. */
  symbolic: string[];
}

/** Worst relative differences, ops path against JS kernels, per quantity. */
export interface AgreementResult {
  name: string;
  errors: Record<string, number>;
}

const PLANS: Record<string, { requested: number[][]; inputDim: number }> = {
  value: { requested: [], inputDim: 2 },
  poisson2d: { requested: [[0, 0], [1, 1]], inputDim: 2 },
  mixed2d: { requested: [[0], [1], [0, 1], [0, 0]], inputDim: 2 },
  heat3d: { requested: [[2], [0, 0], [1, 1]], inputDim: 3 },
  third1d: { requested: [[0, 0, 0]], inputDim: 1 },
  beam1d: { requested: [[0, 0, 0, 0]], inputDim: 1 },
};

/** Affine parameters (a, b, c, d) that keep a·x + b inside each function's domain for x in [−1.3, 1.3]. */
const SAFE_AFFINE: Record<string, [number, number, number, number]> = {
  sqrt: [0.4, 1.2, 0.8, 0.1],
  'x^1.5': [0.3, 1.1, 0.5, -0.2],
  '1/sqrt(x)': [0.3, 1.5, 0.4, 0],
  log: [0.5, 2, 0.7, 0.3],
  '1/x': [0.2, 1.5, 0.6, 0],
  '1/x^2': [0.2, -1.6, 0.3, 0.1],
  arcsin: [0.5, 0.1, 0.9, 0],
  arccos: [0.4, -0.1, 0.6, 0.2],
  arctanh: [0.5, 0.05, 0.7, 0],
  tan: [0.6, 0.2, 0.4, 0],
};

/** The standard case list: every plan × k = 1..5 × input/hidden layer, plus symbolic and non-uniform cases. */
export function agreementCases(): AgreementCase[] {
  const cases: AgreementCase[] = [];
  for (const [plan, { requested, inputDim }] of Object.entries(PLANS)) {
    for (let k = 1; k <= 5; k++) {
      for (const hidden of [false, true]) {
        const nIn = hidden ? 3 : inputDim;
        cases.push({ name: `${plan} k=${k} ${hidden ? 'hidden' : 'input'}`, requested, inputDim, k, nIn, nOut: 4, hidden, uniform: (k + (hidden ? 1 : 0)) % 2 === 0, symbolic: [] });
      }
    }
  }
  const groups = [
    ['sin', 'x^2', 'exp', 'tanh', 'gaussian', 'x^3', 'cos', 'abs', 'x'],
    ['sqrt', 'log', '1/x', 'arctan', 'x^4', 'x^1.5', '1/sqrt(x)', '1/x^2', 'sgn', '0'],
    ['arcsin', 'arccos', 'arctanh', 'tan', 'x^5', 'sin', 'exp', 'gaussian', 'tanh'],
  ];
  for (const [plan, { requested, inputDim }] of Object.entries(PLANS)) {
    groups.forEach((symbolic, g) => {
      const k = 1 + ((g + plan.length) % 5);
      cases.push({ name: `${plan} k=${k} hidden symbolic ${g}`, requested, inputDim, k, nIn: 3, nOut: 4, hidden: true, uniform: true, symbolic });
    });
  }
  return cases;
}

/** A variable from values (the initial tensor disposed with the tidy). */
const variable = (values: Float32Array, shape: number[]): tf.Variable => tf.tidy(() => tf.variable(tf.tensor(values, shape)));

function buildLayer(c: AgreementCase, seed: number): KanLayer {
  const rng = createRng(seed);
  const grid = 5;
  const nBasis = grid + c.k;
  const edges = c.nIn * c.nOut;
  const knots = Array.from({ length: c.nIn }, () => {
    if (c.uniform) return uniformKnots(grid, c.k, -1, 1);
    const breaks = [-1, ...Array.from({ length: grid - 1 }, () => rng.next() * 2 - 1).sort((a, b) => a - b), 1];
    return extendKnots(breaks, c.k);
  });
  const layer: KanLayer = {
    nIn: c.nIn,
    nOut: c.nOut,
    k: c.k,
    grid,
    base: 'silu',
    knots,
    coef: variable(Float32Array.from({ length: edges * nBasis }, () => rng.next() * 2 - 1), [c.nIn, c.nOut, nBasis]),
    scaleBase: variable(Float32Array.from({ length: edges }, () => rng.next() * 2 - 1), [c.nIn, c.nOut]),
    scaleSp: variable(Float32Array.from({ length: edges }, () => rng.next() + 0.5), [c.nIn, c.nOut]),
    mask: Float32Array.from({ length: edges }, (_, e) => (e % 5 === 3 ? 0 : 1)),
  };
  c.symbolic.forEach((name, s) => {
    const e = s < 3 ? s : s + 1; // skip the pruned edge 3
    if (e >= edges) return;
    const fn = defaultSymbolicLibrary.require(name, 'agreement case');
    const [a, b, cc, d] = SAFE_AFFINE[name] ?? [0.5 + 0.1 * s, 0.1 * s - 0.2, 0.8 - 0.05 * s, 0.1 * (s % 3)];
    setSymbolicEdge(layer, Math.floor(e / c.nOut), e % c.nOut, fn, { a, b, c: cc, d });
  });
  return layer;
}

function disposeLayer(layer: KanLayer): void {
  layer.coef.dispose();
  layer.scaleBase.dispose();
  layer.scaleSp.dispose();
  layer.symbolic?.affine.dispose();
}

/** Input jets [C, N, nIn]: coordinates (e_a channels) for an input layer, random for a hidden one; a few points beyond the grid. */
function inputJets(c: AgreementCase, channels: number[][], N: number, seed: number): Float32Array {
  const rng = createRng(seed);
  const C = channels.length;
  const X = new Float32Array(C * N * c.nIn);
  for (let n = 0; n < N; n++) {
    for (let i = 0; i < c.nIn; i++) {
      X[n * c.nIn + i] = n % 11 === 5 ? 1.3 : n % 13 === 7 ? -1.2 : rng.next() * 2 - 1;
      for (let ch = 1; ch < C; ch++) {
        const axes = channels[ch]!;
        X[(ch * N + n) * c.nIn + i] = c.hidden ? rng.next() * 2 - 1 : axes.length === 1 && axes[0] === i ? 1 : 0;
      }
    }
  }
  return X;
}

function relativeError(a: Float32Array, b: Float32Array): number {
  let diff = 0;
  let scale = 1e-6;
  for (let i = 0; i < b.length; i++) {
    diff = Math.max(diff, Math.abs(a[i]! - b[i]!));
    scale = Math.max(scale, Math.abs(b[i]!));
  }
  return a.length === b.length ? diff / scale : Infinity;
}

/** The quantities a case compares, in order: y, then the gradients of x, coef, scaleBase, scaleSp[, affine]. */
const NAMES = ['y', 'dX', 'dCoef', 'dScaleBase', 'dScaleSp', 'dAffine'];

/** Sets up a case on the active backend: the layer, the input jets, the loss weights and the variables. */
function setUp(c: AgreementCase, seed: number) {
  const plan = createJetPlan(c.requested, c.inputDim);
  const layer = buildLayer(c, seed);
  const N = 29;
  const C = plan.channels.length;
  const X = inputJets(c, plan.channels, N, seed + 1);
  const rng = createRng(seed + 2);
  const R = Float32Array.from({ length: C * N * c.nOut }, () => rng.next() * 2 - 1);
  const x = variable(X, [C, N, c.nIn]);
  const vars: tf.Variable[] = [x, layer.coef, layer.scaleBase, layer.scaleSp];
  if (layer.symbolic) vars.push(layer.symbolic.affine);
  /** [y, ...gradients] as tensors, on the given path. */
  const outputs = (mode: 'js' | 'ops'): tf.Tensor[] => {
    const previous = setKanKernel(mode);
    try {
      return tf.tidy(() => {
        const y = kanLayerJet(layer, plan, x, N, c.hidden);
        const { grads } = tf.variableGrads(() => tf.sum(tf.mul(kanLayerJet(layer, plan, x, N, c.hidden), tf.tensor3d(R, [C, N, c.nOut]))) as tf.Scalar, vars);
        return [y, ...vars.map((v) => grads[v.name]!)];
      });
    } finally {
      setKanKernel(previous);
    }
  };
  const dispose = (): void => {
    x.dispose();
    disposeLayer(layer);
  };
  return { outputs, dispose };
}

/** Worst relative differences of `ops` against `js` (arrays in NAMES order); no input gradient for an input layer. */
export function compareValues(c: AgreementCase, ops: ArrayLike<number>[], js: ArrayLike<number>[]): AgreementResult {
  const errors: Record<string, number> = {};
  js.forEach((values, q) => {
    if (q === 1 && !c.hidden) return; // the network input's jets are constants: no input gradient on the JS path
    errors[NAMES[q]!] = relativeError(Float32Array.from(ops[q]!), Float32Array.from(values));
  });
  return { name: c.name, errors };
}

/** One path's values of a case on the active backend, read synchronously (dataSync). */
export function agreementValues(c: AgreementCase, mode: 'js' | 'ops', seed = 1): number[][] {
  const run = setUp(c, seed);
  const tensors = run.outputs(mode);
  const values = tensors.map((t) => Array.from(t.dataSync()));
  tf.dispose(tensors);
  run.dispose();
  return values;
}

/** One path's values of a case on the active backend, read asynchronously (webgpu's dataSync is unreliable headless). */
export async function agreementValuesAsync(c: AgreementCase, mode: 'js' | 'ops', seed = 1): Promise<number[][]> {
  const run = setUp(c, seed);
  const tensors = run.outputs(mode);
  const values: number[][] = [];
  for (const t of tensors) values.push(Array.from(await t.data()));
  tf.dispose(tensors);
  run.dispose();
  return values;
}

/** Runs one case through both paths on the active backend; restores the previous kernel setting. */
export function runAgreementCase(c: AgreementCase, seed = 1): AgreementResult {
  return compareValues(c, agreementValues(c, 'ops', seed), agreementValues(c, 'js', seed));
}
