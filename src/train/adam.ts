/**
 * Adam (Kingma & Ba 2015) over a flat `Float64Array` of parameters, with bias correction and
 * optional weight decay, as torch.optim.Adam (`weightDecayMode: 'l2'`) or AdamW ('decoupled').
 */
import { KanpinnInputError, TrainingError, describe } from '../errors.js';

/** How weight decay λ enters: 'l2' adds λx to the gradient (torch Adam); 'decoupled' shrinks x by lr·λ first (AdamW). */
export type WeightDecayMode = 'l2' | 'decoupled';

/** Adam's state between steps (plain arrays, for a checkpoint): the moments and the step count k. */
export interface AdamState {
  m: number[];
  v: number[];
  count: number;
}

/** Adam options. */
export interface AdamOptions {
  /** Step size α, used when `step` gets no `lr`. */
  lr: number;
  /** Decay rate β₁ of the first-moment average. */
  beta1: number;
  /** Decay rate β₂ of the second-moment average. */
  beta2: number;
  /** ε added to √v̂ in the denominator. */
  epsilon: number;
  /** Weight decay λ ≥ 0 (0: off). */
  weightDecay: number;
  weightDecayMode: WeightDecayMode;
}

/** torch's defaults: α = 1e-3, β = (0.9, 0.999), ε = 1e-8, no weight decay. */
export const ADAM_DEFAULTS: Readonly<AdamOptions> = Object.freeze({
  lr: 1e-3,
  beta1: 0.9,
  beta2: 0.999,
  epsilon: 1e-8,
  weightDecay: 0,
  weightDecayMode: 'l2',
});

/**
 * Adam: at step k (from 1), m ← β₁m + (1−β₁)g, v ← β₂v + (1−β₂)g², then
 * x ← x − α·(m/(1−β₁ᵏ)) / (√v/√(1−β₂ᵏ) + ε), elementwise (torch's arrangement of the bias correction).
 * The moments are allocated on the first step and sized by it.
 */
export class Adam {
  readonly options: Readonly<AdamOptions>;
  private m: Float64Array | null = null;
  private v: Float64Array | null = null;
  private count = 0;

  constructor(options: Partial<AdamOptions> = {}) {
    this.options = validateAdamOptions(options);
  }

  /** Steps taken since construction or `reset()` (k of the last step). */
  get steps(): number {
    return this.count;
  }

  /** The moments and step count, copied (null moments before the first step). */
  state(): AdamState {
    return { m: this.m ? Array.from(this.m) : [], v: this.v ? Array.from(this.v) : [], count: this.count };
  }

  /** Continues from a saved `state()`: the next step is step `count + 1` with these moments. */
  restore(state: AdamState): void {
    if (state.m.length !== state.v.length) throw new KanpinnInputError(`Adam.restore: m has length ${state.m.length} but v has length ${state.v.length}`);
    this.m = state.count > 0 ? Float64Array.from(state.m) : null;
    this.v = state.count > 0 ? Float64Array.from(state.v) : null;
    this.count = state.count;
  }

  /** Forgets the moments and the step count. */
  reset(): void {
    this.m = null;
    this.v = null;
    this.count = 0;
  }

  /**
   * One update of x in place from the gradient g = ∇f(x); `lr` overrides `options.lr` (for schedules).
   * Throws `TrainingError`, x unchanged, if g has a non-finite entry.
   */
  step(x: Float64Array, grad: Float64Array, lr: number = this.options.lr): void {
    const n = x.length;
    if (grad.length !== n) throw new KanpinnInputError(`Adam.step: grad has length ${grad.length} but x has length ${n}`);
    if (!(Number.isFinite(lr) && lr >= 0)) throw new KanpinnInputError(`Adam.step: lr must be a finite number >= 0, found ${describe(lr)}`);
    if (this.m !== null && this.m.length !== n) {
      throw new KanpinnInputError(`Adam.step: x has length ${n} but the moments are for length ${this.m.length} (call reset() after changing the parameters)`);
    }
    for (let i = 0; i < n; i++) {
      const gi = grad[i] as number;
      if (!Number.isFinite(gi)) throw new TrainingError(`Adam.step: gradient entry ${i} is ${gi}; parameters left unchanged`);
    }
    const { beta1, beta2, epsilon, weightDecay, weightDecayMode } = this.options;
    const m = (this.m ??= new Float64Array(n));
    const v = (this.v ??= new Float64Array(n));
    this.count++;
    const bias1 = 1 - beta1 ** this.count;
    const sqrtBias2 = Math.sqrt(1 - beta2 ** this.count);
    const stepSize = lr / bias1;
    const l2 = weightDecayMode === 'l2' ? weightDecay : 0;
    const shrink = weightDecayMode === 'decoupled' ? 1 - lr * weightDecay : 1;
    for (let i = 0; i < n; i++) {
      const xi = x[i] as number;
      const gi = (grad[i] as number) + l2 * xi;
      const mi = beta1 * (m[i] as number) + (1 - beta1) * gi;
      const vi = beta2 * (v[i] as number) + (1 - beta2) * gi * gi;
      m[i] = mi;
      v[i] = vi;
      x[i] = xi * shrink - (stepSize * mi) / (Math.sqrt(vi) / sqrtBias2 + epsilon);
    }
  }
}

/** Fills in `ADAM_DEFAULTS` and checks every field; throws `KanpinnInputError` naming the field. */
export function validateAdamOptions(options: Partial<AdamOptions>): Readonly<AdamOptions> {
  const o: AdamOptions = { ...ADAM_DEFAULTS, ...options };
  const fail = (field: string, expected: string, found: unknown): never => {
    throw new KanpinnInputError(`Adam options.${field}: expected ${expected}, found ${describe(found)}`);
  };
  if (!(Number.isFinite(o.lr) && o.lr > 0)) fail('lr', 'a positive finite number', o.lr);
  if (!(o.beta1 >= 0 && o.beta1 < 1)) fail('beta1', 'a number in [0, 1)', o.beta1);
  if (!(o.beta2 >= 0 && o.beta2 < 1)) fail('beta2', 'a number in [0, 1)', o.beta2);
  if (!(Number.isFinite(o.epsilon) && o.epsilon > 0)) fail('epsilon', 'a positive finite number', o.epsilon);
  if (!(Number.isFinite(o.weightDecay) && o.weightDecay >= 0)) fail('weightDecay', 'a finite number >= 0', o.weightDecay);
  if (o.weightDecayMode !== 'l2' && o.weightDecayMode !== 'decoupled') fail('weightDecayMode', "'l2' or 'decoupled'", o.weightDecayMode);
  return Object.freeze(o);
}
