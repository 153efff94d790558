/**
 * The KAN model: layers of learnable B-spline edge functions (pykan's parameterisation and
 * initialisation) and forward jets through the fused kernel (grid update: gridUpdate.ts).
 */
import * as tf from '../tf.js';
import { KanpinnInputError } from '../errors.js';
import type { JetPlan } from '../jet/plan.js';
import { evaluateModel } from '../model/evaluate.js';
import type { EvaluateOptions, ModelBase, PointsInput } from '../model/types.js';
import { defaultInputNames, defaultOutputNames, newVariable } from '../model/variables.js';
import { createRng } from '../random.js';
import { BASE_FUNCTIONS, type BaseFunction } from '../jet/baseFunctions.js';
import { kanNetworkJet, type KanLayer } from './kanLayer.js';
import { uniformKnots } from './spline.js';
import { fitCoefficients } from './splineFit.js';
import { modelTransforms, type ModelTransforms, type TransformOptions } from '../model/transforms.js';

/** Options of a KAN; every field but `width` has a default in `KAN_DEFAULTS` (`embedding` and `hard`: none). */
export interface KanOptions extends TransformOptions {
  kind: 'kan';
  /** Widths including input and output, e.g. [2, 10, 1]. */
  width: number[];
  /** Number of grid intervals G. */
  grid: number;
  /** Spline degree k (≥ 1). */
  k: number;
  /** Grid range of every layer, or per input of the first layer ([lo, hi] for each input). */
  gridRange: [number, number] | [number, number][];
  /** Residual function b(x) of every edge. */
  base: BaseFunction;
  seed: number;
  /** pykan's noise_scale: spline coefficients start as a fit to uniform noise of this size / G. */
  noiseScale: number;
  /** pykan's scale_base_mu and scale_base_sigma. */
  scaleBaseMu: number;
  scaleBaseSigma: number;
  /** Names of the inputs (derivative names use them) and outputs. */
  inputs: string[];
  outputs: string[];
}

/** Defaults of every KAN option but `width`, `inputs` and `outputs` (pykan's: grid 5, k 3, SiLU base). */
export const KAN_DEFAULTS: Omit<KanOptions, 'width' | 'inputs' | 'outputs'> = {
  kind: 'kan',
  grid: 5,
  k: 3,
  gridRange: [-1, 1],
  base: 'silu',
  seed: 0,
  noiseScale: 0.3,
  scaleBaseMu: 0,
  scaleBaseSigma: 1,
};

/** A KAN: its layers plus the model interface. */
export interface KanModel extends ModelBase {
  readonly kind: 'kan';
  readonly options: KanOptions;
  readonly layers: KanLayer[];
  /** The input embedding and output transform around the layers (identity without them). */
  readonly transforms: ModelTransforms;
}

function checkWidth(width: unknown, field: string): number[] {
  if (!Array.isArray(width) || width.length < 2 || width.some((w) => !Number.isInteger(w) || w < 1)) {
    throw new KanpinnInputError(`${field}: expected at least two positive integer widths such as [2, 10, 1], got ${JSON.stringify(width)}`);
  }
  return width as number[];
}

/** Validates options and fills defaults. */
export function resolveKanOptions(partial: Partial<KanOptions> & { width: number[] }): KanOptions {
  const width = checkWidth(partial.width, 'width');
  const options: KanOptions = {
    ...KAN_DEFAULTS,
    inputs: defaultInputNames(width[0]!),
    outputs: defaultOutputNames(width[width.length - 1]!),
    ...Object.fromEntries(Object.entries(partial).filter(([, v]) => v !== undefined)),
    width,
  } as KanOptions;
  if (!Number.isInteger(options.grid) || options.grid < 1) throw new KanpinnInputError(`grid: expected an integer >= 1, got ${options.grid}`);
  if (!Number.isInteger(options.k) || options.k < 1 || options.k > 10) throw new KanpinnInputError(`k: expected an integer spline degree from 1 to 10, got ${options.k}`);
  if (!BASE_FUNCTIONS.includes(options.base)) throw new KanpinnInputError(`base: expected one of ${BASE_FUNCTIONS.join(', ')}, got ${JSON.stringify(options.base)}`);
  if (options.inputs.length !== width[0]) throw new KanpinnInputError(`inputs: expected ${width[0]} names (width[0]), got ${options.inputs.length}`);
  if (options.outputs.length !== width[width.length - 1]) {
    throw new KanpinnInputError(`outputs: expected ${width[width.length - 1]} names (last width), got ${options.outputs.length}`);
  }
  rangeOf(options, 0, 0);
  return options;
}

/** Grid range of input i of layer l. */
function rangeOf(options: KanOptions, l: number, i: number): [number, number] {
  const r = options.gridRange;
  const perInput = Array.isArray(r[0]);
  const range = (perInput ? (l === 0 ? (r as [number, number][])[i] : [-1, 1]) : r) as [number, number] | undefined;
  if (!range || range.length !== 2 || !Number.isFinite(range[0]) || !Number.isFinite(range[1]) || !(range[0] < range[1])) {
    throw new KanpinnInputError(`gridRange: expected [lo, hi] with lo < hi${perInput ? ` for input ${i}` : ''}, got ${JSON.stringify(range)}`);
  }
  return range;
}

/** Builds layers with pykan's initialisation from the options' seed; the first layer takes the transforms' features. */
function initLayers(options: KanOptions, transforms: ModelTransforms): KanLayer[] {
  const rng = createRng(options.seed);
  const { grid, k } = options;
  const nBasis = grid + k;
  const firstRanges = transforms.firstRanges((i) => rangeOf(options, 0, i));
  return layerWidths(options, transforms).slice(0, -1).map((nIn, l) => {
    const nOut = options.width[l + 1]!;
    const knots = Array.from({ length: nIn }, (_, i) => {
      const [lo, hi] = l === 0 ? firstRanges[i]! : rangeOf(options, l, i);
      return uniformKnots(grid, k, lo, hi);
    });
    const coef = new Float32Array(nIn * nOut * nBasis);
    for (let i = 0; i < nIn; i++) {
      const t = knots[i]!;
      const xs = Float64Array.from({ length: grid + 1 }, (_, q) => t[k + q]!);
      const noise = Float64Array.from({ length: (grid + 1) * nOut }, () => ((rng.next() - 0.5) * options.noiseScale) / grid);
      coef.set(Float32Array.from(fitCoefficients(t, k, xs, noise, nOut, 1e-3)), i * nOut * nBasis);
    }
    const scaleBase = Float32Array.from({ length: nIn * nOut }, () => (options.scaleBaseMu + options.scaleBaseSigma * (rng.next() * 2 - 1)) / Math.sqrt(nIn));
    const scaleSp = new Float32Array(nIn * nOut).fill(1 / Math.sqrt(nIn));
    return {
      nIn,
      nOut,
      k,
      grid,
      base: options.base,
      knots,
      coef: newVariable(coef, [nIn, nOut, nBasis]),
      scaleBase: newVariable(scaleBase, [nIn, nOut]),
      scaleSp: newVariable(scaleSp, [nIn, nOut]),
      mask: new Float32Array(nIn * nOut).fill(1),
    };
  });
}

/** The layers' widths: `options.width` with the first replaced by the transforms' feature width. */
function layerWidths(options: KanOptions, transforms: ModelTransforms): number[] {
  return [transforms.featureWidth, ...options.width.slice(1)];
}

/** Creates a KAN from options (see `KAN_DEFAULTS`), or wraps given layers (model files, pruning). */
export function createKan(partial: Partial<KanOptions> & { width: number[] }, layers?: KanLayer[]): KanModel {
  const options = resolveKanOptions(partial);
  const transforms = modelTransforms(options.inputs, options.outputs, options);
  const own = layers ?? initLayers(options, transforms);
  const model: KanModel = {
    kind: 'kan',
    options,
    layers: own,
    transforms,
    inputs: options.inputs,
    outputs: options.outputs,
    width: layerWidths(options, transforms),
    variables: () => own.flatMap((layer) => (layer.symbolic ? [layer.coef, layer.scaleBase, layer.scaleSp, layer.symbolic.affine] : [layer.coef, layer.scaleBase, layer.scaleSp])),
    paramCount: () =>
      own.reduce((sum, layer) => {
        let count = 0;
        layer.mask.forEach((m, e) => {
          if (m !== 0) count += layer.symbolic?.mask[e] ? 4 : layer.grid + layer.k + 2;
        });
        return sum + count;
      }, 0),
    jetForward(plan: JetPlan, inputJet: tf.Tensor3D, count: number): tf.Tensor3D {
      const x = kanNetworkJet(own, plan, transforms.embed(plan, inputJet), count);
      return transforms.output(plan, inputJet, x as tf.Tensor3D);
    },
    evaluate(points: PointsInput, evaluateOptions?: EvaluateOptions) {
      return evaluateModel(model, points, evaluateOptions?.derivatives);
    },
    dispose() {
      for (const layer of own) {
        layer.coef.dispose();
        layer.scaleBase.dispose();
        layer.scaleSp.dispose();
        layer.symbolic?.affine.dispose();
      }
      model.inferred?.dispose();
    },
  };
  return model;
}
