/** `--embed`, `--hard` and `--scale` for a problem, and the loss terms a model's transforms make exact. */
import type { EmbeddingConfig } from '../model/embedding.js';
import type { HardConfig } from '../model/hardConstraints.js';
import type { ScalingConfig } from '../model/scaling.js';
import type { ScaleChoice } from '../options/training.js';
import type { Problem } from '../problem/types.js';
import { hardFor } from './hardPlan.js';
import { embeddingFor } from './suggestEmbedding.js';
import { scalingFor } from './scalingPlan.js';

/** The embedding, hard constraints and scaling that `--embed`, `--hard` (text, `auto` allowed) and `--scale` (default off) give for the problem, each with why. */
export function architectureFor(
  problem: Problem,
  options: { embed: string | null; hard: string | null; seed: number; scale?: ScaleChoice },
): { embedding: { config: EmbeddingConfig | null; why: string }; hard: { config: HardConfig | null; why: string }; scaling: { config: ScalingConfig | null; why: string } } {
  return { embedding: embeddingFor(problem, options.embed, options.seed), hard: hardFor(problem, options.hard), scaling: scalingFor(problem, options.scale ?? 'off') };
}

/** The problem without the terms in `imposes` (satisfied exactly by a model's transforms, so left out of the loss). */
export function withoutImposedTerms(problem: Problem, imposes: readonly string[]): Problem {
  if (imposes.length === 0) return problem;
  return { ...problem, terms: problem.terms.filter((t) => !imposes.includes(t.name)) };
}
