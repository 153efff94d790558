/**
 * The text forms of the architecture options `--embed` (input embedding) and `--hard` (hard
 * constraints), parsed here without tfjs so that the options schema, problem hints and model files
 * all check them by the same rules. What they build lives in src/model/embedding.ts and
 * src/model/hardConstraints.ts.
 */
import { KanpinnInputError } from '../errors.js';

/** How `--embed` reads, for messages. */
export const EMBED_FORMS = 'none, auto, fourier:SIGMA[:M] (SIGMA a number or NAME=S,NAME=S), harmonic:NAME=C[,NAME=C], periodic:NAME[,NAME], or periodic:…+fourier:…';

/** A parsed `--embed`: periodic variables, and Fourier features of the other variables. */
export interface EmbedSpec {
  /** Variables embedded as [cos(2πx/P), sin(2πx/P)] with P the domain's extent along them. */
  periodic: string[];
  /** Random Fourier features of the non-periodic variables: σ (in cycles over the domain's extent), one for all or per variable, and M (features, each giving a cos and a sin). */
  fourier?: { sigma: number | Record<string, number>; features: number };
  /** Fixed harmonics: per variable, C cycles over the domain's extent give [cos(2πCx̂), sin(2πCx̂)], the variable itself passed through as well. */
  harmonic?: Record<string, number>;
}

/** The default number of Fourier frequencies M (2M features). */
export const DEFAULT_FOURIER_FEATURES = 16;

const NAME = /^[A-Za-z][A-Za-z0-9]*$/;

/** Parses `--embed` text; `none` gives null, `auto` stays 'auto'. Throws a one-line error starting with `where`. */
export function parseEmbedText(text: string, where: string): EmbedSpec | 'auto' | null {
  const trimmed = text.trim();
  const refuse = (why: string): never => {
    throw new KanpinnInputError(`${where}: ${why}; expected ${EMBED_FORMS}, got ${JSON.stringify(text)}`);
  };
  if (trimmed === 'none') return null;
  if (trimmed === 'auto') return 'auto';
  const spec: EmbedSpec = { periodic: [] };
  const parts = trimmed.split('+').map((p) => p.trim());
  for (const part of parts) {
    const [kind, ...rest] = part.split(':');
    if (kind === 'periodic') {
      if (rest.length !== 1 || rest[0]!.trim() === '') refuse('periodic needs variable names');
      for (const name of rest[0]!.split(',').map((n) => n.trim())) {
        if (!NAME.test(name)) refuse(`'${name}' is not a variable name`);
        if (spec.periodic.includes(name)) refuse(`'${name}' appears twice`);
        spec.periodic.push(name);
      }
    } else if (kind === 'fourier') {
      if (spec.fourier) refuse('fourier appears twice');
      if (rest.length < 1 || rest.length > 2) refuse('fourier takes SIGMA and optionally M');
      const sigma = parseSigma(rest[0]!, refuse);
      let features = DEFAULT_FOURIER_FEATURES;
      if (rest.length === 2) {
        features = Number(rest[1]);
        if (!Number.isInteger(features) || features < 1 || features > 1024) refuse('M must be an integer from 1 to 1024');
      }
      spec.fourier = { sigma, features };
    } else if (kind === 'harmonic') {
      if (spec.harmonic) refuse('harmonic appears twice');
      if (rest.length !== 1 || !rest[0]!.includes('=')) refuse('harmonic takes NAME=CYCLES[,NAME=CYCLES]');
      spec.harmonic = parseSigma(rest[0]!, refuse, 'CYCLES') as Record<string, number>;
    } else {
      refuse(`unknown embedding '${kind ?? ''}'`);
    }
  }
  return spec;
}

function parseSigma(text: string, refuse: (why: string) => never, label = 'SIGMA'): number | Record<string, number> {
  const positive = (s: string): number => {
    const v = s.trim() === '' ? Number.NaN : Number(s);
    if (!Number.isFinite(v) || v <= 0) refuse(`${label} must be a positive number, got '${s}'`);
    return v;
  };
  if (!text.includes('=')) return positive(text);
  const out: Record<string, number> = {};
  for (const pair of text.split(',')) {
    const [name, value, extra] = pair.split('=').map((s) => s.trim());
    if (extra !== undefined || !name || !NAME.test(name) || value === undefined) refuse(`'${pair}' is not NAME=${label}`);
    out[name!] = positive(value!);
  }
  return out;
}

/** The canonical text of a spec (what model files and reports show). */
export function embedText(spec: EmbedSpec): string {
  const parts: string[] = [];
  if (spec.periodic.length > 0) parts.push(`periodic:${spec.periodic.join(',')}`);
  if (spec.fourier) {
    const s = spec.fourier.sigma;
    const sigma = typeof s === 'number' ? String(s) : Object.entries(s).map(([k, v]) => `${k}=${v}`).join(',');
    parts.push(`fourier:${sigma}:${spec.fourier.features}`);
  }
  if (spec.harmonic) parts.push(`harmonic:${Object.entries(spec.harmonic).map(([k, v]) => `${k}=${v}`).join(',')}`);
  return parts.join('+');
}

/** What `--hard` may impose. */
export const HARD_KINDS = ['dirichlet', 'initial'] as const;
/** One of `HARD_KINDS`. */
export type HardKind = (typeof HARD_KINDS)[number];
/** How `--hard` reads, for messages. */
export const HARD_FORMS = 'none, auto, or a comma-separated list of dirichlet, initial';

/** Parses `--hard` text: `none` gives null, `auto` stays 'auto', else the kinds. Throws naming `where`. */
export function parseHardText(text: string, where: string): HardKind[] | 'auto' | null {
  const trimmed = text.trim();
  if (trimmed === 'none') return null;
  if (trimmed === 'auto') return 'auto';
  const kinds: HardKind[] = [];
  for (const part of trimmed.split(',').map((p) => p.trim())) {
    if (!(HARD_KINDS as readonly string[]).includes(part) || kinds.includes(part as HardKind)) {
      throw new KanpinnInputError(`${where}: expected ${HARD_FORMS}, got ${JSON.stringify(text)}`);
    }
    kinds.push(part as HardKind);
  }
  return kinds;
}
