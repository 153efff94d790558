/**
 * Jet arithmetic as tfjs ops, for the transforms around a network (input embeddings, output
 * transforms): a jet is a tensor [C, N, m] whose channel c holds ∂^{channels[c]} of m values at N
 * points (see src/jet/plan.ts). Used on the input side (no trainable parameter reaches it) and on
 * the output side (the network's jet is differentiated through by tfjs, so only plain ops are used).
 */
import * as tf from '../tf.js';
import type { JetPlan } from '../jet/plan.js';

/** The channels of a jet [C, N, m] as C tensors [N, m] (contiguous slices). */
export function channelsOf(jet: tf.Tensor3D): tf.Tensor2D[] {
  const [C, N, m] = jet.shape;
  return Array.from({ length: C }, (_, c) => jet.slice([c, 0, 0], [1, N, m]).reshape([N, m]) as tf.Tensor2D);
}

/** The products Π_{blocks} z_block of every Faà di Bruno term of every channel (undefined for the value term). */
function blockProducts(plan: JetPlan, z: tf.Tensor2D[]): (tf.Tensor2D | undefined)[][] {
  return plan.terms.map((terms) => terms.map((term) => (term.blocks.length === 0 ? undefined : (term.blocks.map((b) => z[b]!).reduce((acc, t) => tf.mul(acc, t)) as tf.Tensor2D))));
}

/**
 * The jets of cos(z) and sin(z) for a jet z [C, N, m], by Faà di Bruno with
 * cos^{(n)}(z) = cos(z + nπ/2) and sin^{(n)}(z) = sin(z + nπ/2), closed form at every order.
 */
export function trigJets(plan: JetPlan, zJet: tf.Tensor3D): { cos: tf.Tensor3D; sin: tf.Tensor3D } {
  const z = channelsOf(zJet);
  const c0 = tf.cos(z[0]!);
  const s0 = tf.sin(z[0]!);
  // n-th derivatives by n mod 4.
  const cosD = [c0, tf.neg(s0), tf.neg(c0), s0];
  const sinD = [s0, c0, tf.neg(s0), tf.neg(c0)];
  const products = blockProducts(plan, z);
  const compose = (derivs: tf.Tensor[]): tf.Tensor3D =>
    tf.stack(
      plan.terms.map((terms, c) =>
        terms
          .map((term, i) => {
            const f = derivs[term.order % 4]!;
            const product = products[c]![i];
            const t = product ? tf.mul(f, product) : f;
            return term.coefficient === 1 ? t : tf.mul(t, term.coefficient);
          })
          .reduce((a, b) => tf.add(a, b)),
      ),
    ) as tf.Tensor3D;
  return { cos: compose(cosD), sin: compose(sinD) };
}

/** One Leibniz term of a product's channel: coefficient · a_{left} · b_{right} (channel indices). */
export interface LeibnizTerm {
  coefficient: number;
  left: number;
  right: number;
}

const leibnizCache = new WeakMap<JetPlan, LeibnizTerm[][]>();

/** For every channel D of the plan, (fg)_D = Σ_{S ⊆ positions of D} f_{D[S]} g_{D∖S}, grouped by channel pairs. */
export function leibnizTerms(plan: JetPlan): LeibnizTerm[][] {
  const cached = leibnizCache.get(plan);
  if (cached) return cached;
  // Products by multisets of axes: a combined (forward Laplacian) channel is not one.
  if (plan.combined) throw new Error('leibnizTerms: a combined (forward Laplacian) jet channel is not supported');
  const key = (axes: number[]): string => [...axes].sort((a, b) => a - b).join(',');
  const index = new Map(plan.channels.map((axes, c) => [key(axes), c]));
  const terms = plan.channels.map((axes) => {
    const grouped = new Map<string, LeibnizTerm>();
    const n = axes.length;
    for (let mask = 0; mask < 1 << n; mask++) {
      const left = index.get(key(axes.filter((_, i) => (mask >> i) & 1)))!;
      const right = index.get(key(axes.filter((_, i) => !((mask >> i) & 1))))!;
      const id = `${left}|${right}`;
      const existing = grouped.get(id);
      if (existing) existing.coefficient += 1;
      else grouped.set(id, { coefficient: 1, left, right });
    }
    return [...grouped.values()];
  });
  leibnizCache.set(plan, terms);
  return terms;
}
