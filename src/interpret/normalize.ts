/**
 * Rewrites a fully symbolic network into an equivalent one that prints simply. Training leaves
 * (a, b, c, d) of consecutive layers entangled: a hidden node h = Σ_i c_i·f_i(…) + Σ_i d_i feeding
 * g(a·h + b) can move any factor s and the constant D = Σ d_i into the next layer,
 *   g(a·h + b) = g((a·s)·h' + (a·D + b)),  h' = Σ_i (c_i/s)·f_i(…),
 * exactly. With s = the incoming c of largest |c|, a node that sums sin(π·x) and y² with equal
 * weights reads sin(3.1416·x) + y² instead of −0.2029·sin(…) − 0.2029·y² + 0.2377. Each edge is also
 * put in its function's canonical form, sin and cos with a phase beyond ±π/4 trade places (a quarter
 * period, see canonical.ts), and c·exp(a·x + b) becomes (c·e^b)·exp(a·x).
 */
import { quarterTurn } from '../symbolic/canonical.js';
import type { FormulaEdge, FormulaNetwork } from '../symbolic/formula.js';
import type { SymbolicLibrary } from '../symbolic/library.js';

type Symbolic = Extract<FormulaEdge, { kind: 'symbolic' }>;
type Mutable = { -readonly [K in keyof Symbolic]: Symbolic[K] };

function canonical(edge: Mutable, library: SymbolicLibrary): void {
  const fn = library.get(edge.name);
  if (fn?.canonicalize) Object.assign(edge, fn.canonicalize(edge));
  if ((edge.name === 'sin' || edge.name === 'cos') && library.get('sin') && library.get('cos')) {
    const turned = quarterTurn(edge.name, edge);
    Object.assign(edge, turned.params, { name: turned.name });
  }
  if (edge.name === 'exp' && edge.b !== 0) {
    edge.c *= Math.exp(edge.b);
    edge.b = 0;
  }
}

/** An equivalent network with constants and scales moved forward through hidden nodes (see the module comment). */
export function normalizeNetwork(network: FormulaNetwork, library: SymbolicLibrary): FormulaNetwork {
  const edges: FormulaEdge[][][] = network.edges.map((layer) => layer.map((row) => row.map((e) => (e.kind === 'symbolic' ? ({ ...e } as Mutable) : e))));
  const L = edges.length;
  for (let l = 0; l < L; l++) {
    const layer = edges[l]!;
    for (const row of layer) for (const e of row) if (e.kind === 'symbolic') canonical(e as Mutable, library);
    if (l === L - 1) break;
    const next = edges[l + 1]!;
    const outputs = layer[0]?.length ?? 0;
    for (let j = 0; j < outputs; j++) {
      let constant = 0;
      let scale = 0;
      for (const row of layer) {
        const e = row[j];
        if (e?.kind !== 'symbolic') continue;
        constant += e.d;
        if (e.name !== '0' && e.c !== 0 && e.a !== 0 && Math.abs(e.c) > Math.abs(scale)) scale = e.c;
      }
      if (scale === 0) continue;
      for (const row of layer) {
        const e = row[j];
        if (e?.kind !== 'symbolic') continue;
        const m = e as Mutable;
        m.d = 0;
        m.c /= scale;
      }
      for (const e of next[j] ?? []) {
        if (e.kind !== 'symbolic') continue;
        const m = e as Mutable;
        m.b += m.a * constant;
        m.a *= scale;
      }
    }
  }
  return { edges, ...(network.bias ? { bias: network.bias } : {}) };
}
