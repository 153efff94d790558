/**
 * An MLP layer's bias and activation on jets in tfjs ops: the GPU path of activationKernel.ts (which
 * reads the tensors back with dataSync). For pre-activations z [C·N, n] (bias added to the value
 * channel) the output channels are y_D = Σ_m S_{D,m}(z) · σ^{(m)}(z₀ + b) (Faà di Bruno, see
 * jet/plan.ts), with σ^{(m)} as polynomials of tanh, the sin/cos cycle, or SiLU's sigmoid
 * polynomials. The gradient is tfjs's first-order autodiff of these ops.
 */
import * as tf from '../tf.js';
import { baseDerivativeOps } from '../kan/kanOps.js';
import type { JetPlan } from '../jet/plan.js';
import type { KernelActivation } from './activationKernel.js';
import { TANH_POLY } from './activationKernel.js';

function polyval(poly: readonly number[], t: tf.Tensor): tf.Tensor {
  let v: tf.Tensor = tf.fill(t.shape, poly[poly.length - 1] ?? 0);
  for (let p = poly.length - 2; p >= 0; p--) v = tf.add(tf.mul(v, t), poly[p]!);
  return v;
}

/** σ^{(m)}(a) for m = 0..orders. */
function activationDerivatives(activation: KernelActivation, a: tf.Tensor, orders: number): tf.Tensor[] {
  switch (activation) {
    case 'tanh': {
      const t = tf.tanh(a);
      return Array.from({ length: orders + 1 }, (_, m) => (m === 0 ? t : polyval(TANH_POLY[m]!, t)));
    }
    case 'sin': {
      const s = tf.sin(a);
      const c = tf.cos(a);
      const cycle = [s, c, tf.neg(s), tf.neg(c)];
      return Array.from({ length: orders + 1 }, (_, m) => cycle[m & 3]!);
    }
    case 'silu':
      return baseDerivativeOps('silu', a, orders);
    case 'identity':
      return baseDerivativeOps('identity', a, orders);
    default: {
      const never: never = activation;
      throw new Error(`unknown activation ${String(never)}`);
    }
  }
}

/** The activation on jets as tfjs ops: z [C·N, n], bias [n] → y [C·N, n]; differentiable in both. Call inside tf.tidy. */
export function activationJetOps(activation: KernelActivation, plan: JetPlan, z: tf.Tensor2D, bias: tf.Tensor, count: number): tf.Tensor2D {
  const C = plan.channels.length;
  const n = z.shape[1];
  if (C === 1) return activationDerivatives(activation, tf.add(z, bias), 0)[0] as tf.Tensor2D;
  const zs = tf.unstack(tf.reshape(z, [C, count, n]), 0);
  const d = activationDerivatives(activation, tf.add(zs[0]!, bias), plan.maxOrder);
  const channels = plan.terms.map((terms, c) => {
    if (c === 0) return d[0]!;
    let acc: tf.Tensor | null = null;
    for (const term of terms) {
      let product: tf.Tensor = d[term.order]!;
      for (const block of term.blocks) product = tf.mul(product, zs[block]!);
      if (term.coefficient !== 1) product = tf.mul(product, term.coefficient);
      acc = acc ? tf.add(acc, product) : product;
    }
    return acc ?? tf.zerosLike(zs[0]!);
  });
  return tf.reshape(tf.stack(channels, 0), [C * count, n]);
}
