/**
 * Hard constraints from a problem's conditions (`--hard`, and the automatic recipe): which can be
 * imposed exactly and how, with why (src/model/hardConstraints.ts is the transform itself).
 *
 * - Dirichlet u = g on whole faces of a box, or on the whole boundary of a disk or ball: A = g (the
 *   value expression, which must be finite with its derivatives inside the domain, a smooth
 *   extension), B = φ an approximate distance function (Sukumar & Srivastava 2022): a product of
 *   normalised face distances ((x−a)/L, (b−x)/L, and 4(x−a)(b−x)/L² when both faces of an axis carry
 *   the condition), or (r² − |x−c|²)/r² for a disk or ball. Several Dirichlet conditions of one
 *   unknown must agree with the first one's value on their faces (one lift for all).
 * - Initial u(x, t0) = u0 (and u_t(x, t0) = v0): A = u0 (+ (t−t0)·v0), B = τ (τ²), τ = (t−t0)/T.
 * - Both: A = g + (u0 − g|t0) (+ (t−t0)(v0 − g_t|t0)), B = φ·τ (φ·τ²), which needs the data to agree
 *   at t0 on the boundary (checked at sample points).
 */
import type { MathNode } from 'mathjs';
import { ConstantNode, type SymbolNode } from 'mathjs';
import { KanpinnInputError } from '../errors.js';
import { checkHardConfig, type HardConfig, type HardOutput } from '../model/hardConstraints.js';
import { HARD_KINDS, parseHardText, type HardKind } from '../options/architecture.js';
import { differentiate } from '../problem/expr/derivative.js';
import { compileNumeric, evaluateRows } from '../problem/expr/numeric.js';
import { parseExpression, type ExprContext } from '../problem/expr/parse.js';
import type { Problem } from '../problem/types.js';
import { createRng } from '../random.js';

/** What can be imposed on a problem, and why (one line). */
export interface HardPlan {
  /** The kinds that can be imposed (all asked for when `refused` is empty). */
  kinds: HardKind[];
  /** The built transform, or null when nothing can be imposed. */
  config: HardConfig | null;
  why: string;
  /** Kinds asked for that cannot be imposed, with the reason. */
  refused: { kind: HardKind; why: string }[];
}

/** Whether hard constraints are safe for the problem, which, and why (the automatic recipe asks this). */
export function hardConstraintsSafe(problem: Problem): { safe: boolean; kinds: HardKind[]; why: string } {
  const plan = planHardConstraints(problem, [...HARD_KINDS]);
  return { safe: plan.kinds.length > 0, kinds: plan.kinds, why: plan.why };
}

/** Parses `--hard` text and plans it for the problem; an explicit kind that cannot be imposed is refused naming `where`. */
export function hardFor(problem: Problem, text: string | null, where = '--hard'): { config: HardConfig | null; why: string } {
  if (text === null) return { config: null, why: 'none' };
  const parsed = parseHardText(text, where);
  if (parsed === null) return { config: null, why: 'none' };
  const auto = parsed === 'auto';
  const plan = planHardConstraints(problem, auto ? [...HARD_KINDS] : parsed);
  if (!auto && plan.refused.length > 0) throw new KanpinnInputError(`${where}: cannot impose ${plan.refused[0]!.kind} on ${problem.name}: ${plan.refused[0]!.why}`);
  return { config: plan.config, why: auto ? `auto: ${plan.kinds.length > 0 ? plan.kinds.join(',') : 'none'} (${plan.why})` : plan.why };
}

type Condition = { index: number; spec: Record<string, unknown> };
const BOX_KINDS = ['interval', 'rectangle', 'box'];
const FACE_SAMPLES = 9;

const num = (v: number): string => (v < 0 ? `(${v})` : String(v));

/** Plans the kinds asked for; see the module comment for the construction. */
export function planHardConstraints(problem: Problem, asked: readonly HardKind[]): HardPlan {
  const refused: { kind: HardKind; why: string }[] = [];
  const source = problem.source;
  if (!source) {
    const why = 'the problem was not defined from expressions (no source to build the transform from)';
    return { kinds: [], config: null, why, refused: asked.map((kind) => ({ kind, why })) };
  }
  const { spec, ctx, domain } = source;
  const conditions: Condition[] = (Array.isArray(spec.conditions) ? (spec.conditions as Record<string, unknown>[]) : []).map((c, index) => ({ index, spec: c }));
  const valueCtx: ExprContext = { ...ctx, allowUnknowns: false };
  const variables = problem.variables;
  const d = variables.length;
  const timed = problem.time !== undefined;
  const outputs: (HardOutput | null)[] = problem.unknowns.map(() => null);
  const imposes: string[] = [];
  const imposedKinds = new Set<HardKind>();
  const notes: string[] = [];
  const refuse = (kind: HardKind, why: string): void => {
    if (!refused.some((r) => r.kind === kind)) refused.push({ kind, why });
  };
  const parseValue = (value: unknown, field: string): MathNode | string => {
    if (typeof value !== 'string' && typeof value !== 'number') return `${field} is not an expression`;
    try {
      return parseExpression(value, field, valueCtx).node;
    } catch {
      return `${field} reads the unknowns (an operator value)`;
    }
  };
  const text = (node: MathNode): string => node.toString();
  const sampleInterior = (count: number): Float64Array => {
    const set = domain.interior(createRng(3), 'halton')(count);
    return set.coords;
  };
  // Values and first and second derivatives finite in the interior: the lift must be a smooth extension.
  const smoothInside = (node: MathNode): boolean => {
    const coords = sampleInterior(256);
    const count = coords.length / d;
    const trees = [node, ...variables.map((v) => differentiate(node, v))];
    trees.push(...variables.map((v, a) => differentiate(trees[a + 1]!, v)));
    return trees.every((tree) => evaluateRows(compileNumeric(tree, variables), coords, count, d).every(Number.isFinite));
  };

  problem.unknowns.forEach((unknown, j) => {
    const mine = (c: Condition): boolean => (c.spec.unknown ?? problem.unknowns[0]) === unknown;
    let lift: string | undefined;
    let factor: string | undefined;
    let gNode: MathNode | undefined;
    let faces: { axis: number; side: 'lo' | 'hi' }[] | 'sphere' | undefined;
    const dirichlet = conditions.filter((c) => c.spec.type === 'dirichlet' && mine(c));
    if (asked.includes('dirichlet') && dirichlet.length > 0) {
      const result = planDirichlet(problem, dirichlet, parseValue, smoothInside);
      if (typeof result === 'string') refuse('dirichlet', result);
      else {
        gNode = result.g;
        faces = result.faces;
        lift = text(result.g);
        factor = result.phi;
      }
    }
    const initial = conditions.filter((c) => c.spec.type === 'initial' && mine(c));
    if (asked.includes('initial') && timed && initial.length > 0) {
      const [t0, t1] = problem.time!;
      const planned = planInitial(initial, parseValue, smoothInside);
      if (typeof planned === 'string') refuse('initial', planned);
      else {
        const tau = `((t - ${num(t0)}) / ${t1 - t0})`;
        const at0 = (node: MathNode): MathNode => node.transform((n) => (n.type === 'SymbolNode' && (n as SymbolNode).name === 't' ? new ConstantNode(t0) : n));
        // The data hold at t0 only: an expression that reads t (an exact solution given as the
        // initial value, say) is taken there, else the lift would carry its later times into u.
        const result = { u0: at0(planned.u0), ...(planned.v0 ? { v0: at0(planned.v0) } : {}) };
        const power = result.v0 ? `${tau}^2` : tau;
        if (gNode && faces) {
          // Compatibility at t0 on the Dirichlet part of the boundary: u0 = g(·, t0) (and v0 = g_t(·, t0)).
          const mismatch = compatible(problem, faces, result.u0, at0(gNode), result.v0, result.v0 ? at0(differentiate(gNode, 't')) : undefined);
          if (mismatch) refuse('initial', `the initial data disagree with the Dirichlet value at t0 on the boundary (${mismatch}); impose one of them`);
          else {
            let combined = `(${text(gNode)}) + ((${text(result.u0)}) - (${text(at0(gNode))}))`;
            if (result.v0) combined += ` + (t - ${num(t0)}) * ((${text(result.v0)}) - (${text(at0(differentiate(gNode, 't')))}))`;
            lift = combined;
            factor = `(${factor}) * ${power}`;
            imposes.push(...initial.map((c) => `conditions[${c.index}].initial`));
            imposedKinds.add('initial');
          }
        } else {
          lift = result.v0 ? `(${text(result.u0)}) + (t - ${num(t0)}) * (${text(result.v0)})` : text(result.u0);
          factor = power;
          imposes.push(...initial.map((c) => `conditions[${c.index}].initial`));
          imposedKinds.add('initial');
        }
      }
    }
    if (lift !== undefined && factor !== undefined) {
      outputs[j] = { lift, factor };
      if (gNode) {
        imposes.push(...dirichlet.map((c) => `conditions[${c.index}].dirichlet`));
        imposedKinds.add('dirichlet');
        notes.push(`${unknown}: ${faces === 'sphere' ? 'whole boundary' : `${(faces as unknown[]).length} face(s)`} by a distance function`);
      }
    }
  });
  if (asked.includes('initial') && !imposedKinds.has('initial') && !refused.some((r) => r.kind === 'initial')) refuse('initial', timed ? 'the problem has no initial condition' : 'the problem is not time-dependent');
  if (asked.includes('dirichlet') && !imposedKinds.has('dirichlet') && !refused.some((r) => r.kind === 'dirichlet')) refuse('dirichlet', 'the problem has no Dirichlet condition on an unknown');
  const kinds = HARD_KINDS.filter((k) => imposedKinds.has(k));
  let config: HardConfig | null = kinds.length > 0 ? { spec: kinds.join(','), outputs, imposes: [...new Set(imposes)].sort() } : null;
  if (config) {
    try {
      // The model compiles A and B with mathjs alone: a function it cannot differentiate refuses here.
      checkHardConfig(config, variables, problem.unknowns, 'hard');
    } catch (error) {
      const why = `the transform cannot be compiled (${(error as Error).message.replace(/^hard: /, '')})`;
      for (const kind of kinds) refuse(kind, why);
      config = null;
      kinds.length = 0;
    }
  }
  const parts = [
    ...(kinds.length > 0 ? [`imposes ${imposes.join(', ')} exactly${notes.length > 0 ? ` (${notes.join('; ')})` : ''}`] : []),
    ...refused.map((r) => `not ${r.kind}: ${r.why}`),
  ];
  return { kinds, config, why: parts.join('; ') || 'nothing to impose', refused };
}

/** The lift g, the distance function φ (text) and the faces for Dirichlet conditions of one unknown, or why not. */
function planDirichlet(
  problem: Problem,
  conditions: Condition[],
  parseValue: (value: unknown, field: string) => MathNode | string,
  smoothInside: (node: MathNode) => boolean,
): { g: MathNode; phi: string; faces: { axis: number; side: 'lo' | 'hi' }[] | 'sphere' } | string {
  const { ctx, domain } = problem.source!;
  const space = domain.space;
  const variables = problem.variables;
  const ds = domain.spatial.length;
  const values: MathNode[] = [];
  for (const c of conditions) {
    const v = parseValue(c.spec.value, `conditions[${c.index}].value`);
    if (typeof v === 'string') return v;
    values.push(v);
  }
  const g = values[0]!;
  if (!smoothInside(g)) return `conditions[${conditions[0]!.index}].value is not finite (with its derivatives) inside the domain, so it is no smooth extension`;
  const { min, max } = domain.bounds;
  if (space.kind === 'disk' || space.kind === 'ball') {
    for (const c of conditions) if (c.spec.on !== undefined && c.spec.on !== 'boundary') return `conditions[${c.index}].on selects part of a ${space.kind}'s boundary (only the whole boundary has a distance function here)`;
    const center = domain.spatial.map((_, a) => (min[a]! + max[a]!) / 2);
    const r = (max[0]! - min[0]!) / 2;
    const sum = domain.spatial.map((v, a) => `(${v} - ${num(center[a]!)})^2`).join(' + ');
    return { g, phi: `(${r * r} - (${sum})) / ${r * r}`, faces: 'sphere' };
  }
  if (!BOX_KINDS.includes(space.kind)) return `the domain is a ${space.kind}; distance functions are built here for boxes, disks and balls`;
  const tolerance = 1e-6 * Math.max(1, Math.hypot(...domain.spatial.map((_, a) => max[a]! - min[a]!)));
  const covered = new Set<string>();
  const facePoints = (axis: number, side: 'lo' | 'hi'): Float64Array => facesGrid(problem, axis, side);
  for (const [i, c] of conditions.entries()) {
    const on = c.spec.on;
    let test: ((row: ArrayLike<number>) => number) | undefined;
    if (on !== undefined && on !== 'boundary') {
      try {
        test = compileNumeric(parseExpression(on, `conditions[${c.index}].on`, { ...ctx, allowUnknowns: false, boolean: true }).node, variables, { tolerance });
      } catch {
        return `conditions[${c.index}].on is not an expression`;
      }
    }
    const gi = compileNumeric(values[i]!, variables);
    const g0 = compileNumeric(g, variables);
    for (let axis = 0; axis < ds; axis++) {
      for (const side of ['lo', 'hi'] as const) {
        const points = facePoints(axis, side);
        const count = points.length / variables.length;
        const row = (n: number): Float64Array => points.subarray(n * variables.length, (n + 1) * variables.length);
        let hits = 0;
        for (let n = 0; n < count; n++) if (!test || test(row(n)) !== 0) hits++;
        if (hits === 0) continue;
        if (hits < count) return `conditions[${c.index}].on covers part of the face ${variables[axis]} = ${side === 'lo' ? min[axis] : max[axis]} (distance functions are built for whole faces)`;
        for (let n = 0; n < count; n++) {
          const a = g0(row(n));
          const b = gi(row(n));
          if (!(Math.abs(a - b) <= 1e-6 * (1 + Math.abs(b)))) return `conditions[${conditions[0]!.index}] and conditions[${c.index}] set different values (one lift cannot match both)`;
        }
        covered.add(`${axis}:${side}`);
      }
    }
  }
  const faces: { axis: number; side: 'lo' | 'hi' }[] = [];
  const factors: string[] = [];
  for (let axis = 0; axis < ds; axis++) {
    const v = variables[axis]!;
    const [lo, hi] = [min[axis]!, max[axis]!];
    const L = hi - lo;
    const hasLo = covered.has(`${axis}:lo`);
    const hasHi = covered.has(`${axis}:hi`);
    if (hasLo) faces.push({ axis, side: 'lo' });
    if (hasHi) faces.push({ axis, side: 'hi' });
    if (hasLo && hasHi) factors.push(`${4 / (L * L)} * (${v} - ${num(lo)}) * (${num(hi)} - ${v})`);
    else if (hasLo) factors.push(`(${v} - ${num(lo)}) / ${L}`);
    else if (hasHi) factors.push(`(${num(hi)} - ${v}) / ${L}`);
  }
  if (factors.length === 0) return 'the Dirichlet conditions select no whole face';
  return { g, phi: factors.join(' * '), faces };
}

/** A grid of points on one face of the box (inset from its edges), crossed with a few times. */
function facesGrid(problem: Problem, axis: number, side: 'lo' | 'hi'): Float64Array {
  const { min, max } = problem.bounds;
  const d = problem.variables.length;
  const free = problem.variables.map((_, a) => a).filter((a) => a !== axis);
  const per = free.length > 2 ? 4 : FACE_SAMPLES;
  const total = per ** free.length;
  const out = new Float64Array(total * d);
  for (let n = 0; n < total; n++) {
    let rest = n;
    out[n * d + axis] = side === 'lo' ? min[axis]! : max[axis]!;
    for (const a of free) {
      const k = rest % per;
      rest = Math.floor(rest / per);
      // Inset so that points of a neighbouring face do not count for this one.
      out[n * d + a] = min[a]! + ((k + 0.5) / per) * (max[a]! - min[a]!);
    }
  }
  return out;
}

/** u0 (and v0) of the initial condition of one unknown, or why not. */
function planInitial(
  conditions: Condition[],
  parseValue: (value: unknown, field: string) => MathNode | string,
  smoothInside: (node: MathNode) => boolean,
): { u0: MathNode; v0?: MathNode } | string {
  if (conditions.length > 1) return `${conditions.length} initial conditions for one unknown`;
  const c = conditions[0]!;
  if (c.spec.value === undefined) return `conditions[${c.index}] sets only the rate`;
  const u0 = parseValue(c.spec.value, `conditions[${c.index}].value`);
  if (typeof u0 === 'string') return u0;
  if (!smoothInside(u0)) return `conditions[${c.index}].value is not finite (with its derivatives) inside the domain`;
  if (c.spec.rate === undefined) return { u0 };
  const v0 = parseValue(c.spec.rate, `conditions[${c.index}].rate`);
  if (typeof v0 === 'string') return v0;
  if (!smoothInside(v0)) return `conditions[${c.index}].rate is not finite (with its derivatives) inside the domain`;
  return { u0, v0 };
}

/** Largest disagreement of the initial data with the Dirichlet value at t0 on the imposed boundary, as text; undefined when they agree. */
function compatible(problem: Problem, faces: { axis: number; side: 'lo' | 'hi' }[] | 'sphere', u0: MathNode, g0: MathNode, v0?: MathNode, gt0?: MathNode): string | undefined {
  const { domain } = problem.source!;
  const variables = problem.variables;
  const d = variables.length;
  const t = d - 1;
  let points: Float64Array;
  if (faces === 'sphere') {
    points = domain.boundary(createRng(5), 'halton')(64).coords;
  } else {
    points = Float64Array.from(faces.flatMap(({ axis, side }) => [...facesGrid(problem, axis, side)]));
  }
  for (let n = 0; n < points.length / d; n++) points[n * d + t] = problem.time![0];
  const count = points.length / d;
  const pairs: [MathNode, MathNode, string][] = [[u0, g0, 'u0 vs g']];
  if (v0 && gt0) pairs.push([v0, gt0, 'rate vs g_t']);
  for (const [a, b, label] of pairs) {
    const va = evaluateRows(compileNumeric(a, variables), points, count, d);
    const vb = evaluateRows(compileNumeric(b, variables), points, count, d);
    let worst = 0;
    let scale = 0;
    va.forEach((x, i) => {
      worst = Math.max(worst, Math.abs(x - vb[i]!));
      scale = Math.max(scale, Math.abs(vb[i]!), Math.abs(x));
    });
    if (worst > 1e-6 * (1 + scale)) return `${label}: max |difference| ${worst.toPrecision(3)}`;
  }
  return undefined;
}
