/**
 * The folder graph is acyclic: no import cycle between folders of src/ (src/kan, src/jet, …; each
 * top-level file of src/ is its own node) and solvers/. Type-only imports count too: they are
 * part of the architecture a reader sees. Also checks the DESIGN rule that src/ never imports
 * problems/, solvers/ or viz/.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));


function sourceFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return sourceFiles(path);
    return name.endsWith('.ts') ? [path] : [];
  });
}

/** The node a file belongs to: its folder under src/ or solvers/ (top-level files of src/ are nodes of their own). */
function nodeOf(file: string): string {
  const parts = relative(ROOT, file).split(/[\\/]/);
  if (parts[0] === 'src' && parts.length === 2) return `src/${parts[1]!.replace(/\.ts$/, '')}`;
  return parts.slice(0, 2).join('/');
}

/** Relative import specifiers of a file (static `import … from`, `export … from`, dynamic `import('…')`). */
function importsOf(file: string): string[] {
  const text = readFileSync(file, 'utf8');
  const found: string[] = [];
  for (const match of text.matchAll(/(?:^|\n)\s*(?:import|export)\s[^'";]*?from\s+['"](\.[^'"]+)['"]|import\(\s*['"](\.[^'"]+)['"]\s*\)/g)) {
    found.push((match[1] ?? match[2])!);
  }
  return found.map((spec) => resolve(dirname(file), spec.replace(/\.js$/, '.ts')));
}

function folderGraph(roots: string[]): Map<string, Set<string>> {
  const graph = new Map<string, Set<string>>();
  for (const root of roots) {
    for (const file of sourceFiles(join(ROOT, root))) {
      const from = nodeOf(file);
      const edges = graph.get(from) ?? new Set<string>();
      graph.set(from, edges);
      for (const target of importsOf(file)) {
        const to = nodeOf(target);
        if (to !== from) edges.add(to);
      }
    }
  }
  return graph;
}

/** One cycle as a path a → … → a, or null. */
function findCycle(graph: Map<string, Set<string>>): string[] | null {
  const state = new Map<string, 'open' | 'done'>();
  const stack: string[] = [];
  const visit = (node: string): string[] | null => {
    if (state.get(node) === 'done') return null;
    if (state.get(node) === 'open') return [...stack.slice(stack.indexOf(node)), node];
    state.set(node, 'open');
    stack.push(node);
    for (const next of graph.get(node) ?? []) {
      const cycle = visit(next);
      if (cycle) return cycle;
    }
    stack.pop();
    state.set(node, 'done');
    return null;
  };
  for (const node of [...graph.keys()].sort()) {
    const cycle = visit(node);
    if (cycle) return cycle;
  }
  return null;
}

describe('import graph', () => {
  it('finds a cycle when there is one (the checker itself)', () => {
    const graph = new Map([['a', new Set(['b'])], ['b', new Set(['c'])], ['c', new Set(['a'])]]);
    expect(findCycle(graph)).toEqual(['a', 'b', 'c', 'a']);
    expect(findCycle(new Map([['a', new Set(['b'])], ['b', new Set<string>()]]))).toBeNull();
  });

  it('has no import cycle between the folders of src/ and solvers/', () => {
    const graph = folderGraph(['src', 'solvers']);
    expect(graph.size).toBeGreaterThan(8);
    expect(findCycle(graph), 'an import cycle between folders').toBeNull();
  });

  it('lets solvers/ reach src/ only through src/index.ts and src/internal.ts, problems/ and viz/ only through src/index.ts (and tfjs through src/tf.ts)', () => {
    // src/tf.ts is tfjs itself (tfjs-core plus its registrations), not library code: everyone imports tfjs from it.
    const entries: Record<string, string[]> = { solvers: ['src/index.ts', 'src/internal.ts', 'src/tf.ts'], problems: ['src/index.ts', 'src/tf.ts'], viz: ['src/index.ts', 'src/tf.ts'] };
    // The CLI's front door loads the error classes and (lazily) the backend switch without the whole
    // library, so `kanpinn --help` and `kanpinn problems` start without tfjs.
    const light: Record<string, string[]> = { 'solvers/cli.ts': ['src/errors.ts', 'src/backend.ts'] };
    const wrong = Object.entries(entries).flatMap(([folder, allowed]) =>
      sourceFiles(join(ROOT, folder)).flatMap((file) =>
        importsOf(file)
          .map((target) => relative(ROOT, target).split(sep).join('/'))
          .filter((target) => target.startsWith('src/') && !allowed.includes(target) && !(light[relative(ROOT, file).split(sep).join('/')] ?? []).includes(target))
          .map((target) => `${relative(ROOT, file)} → ${target}`),
      ),
    );
    expect(wrong).toEqual([]);
  });

  it('keeps src/ free of imports from problems/, solvers/ and viz/', () => {
    const outside = [...folderGraph(['src']).values()].flatMap((targets) => [...targets]).filter((t) => /^(problems|solvers|viz)\b/.test(t));
    expect(outside).toEqual([]);
  });

  it('imports tfjs only through src/tf.ts, so its gradient and chained-op registrations always load', () => {
    // tfjs-core alone has no gradients in Node: a module importing it directly would work in the
    // tests (src/tf.ts loaded first) and fail as the first import of a library user.
    const direct = ['src', 'solvers', 'viz', 'problems', 'test', 'bench'].flatMap((folder) =>
      sourceFiles(join(ROOT, folder))
        .filter((file) => !file.endsWith(join('src', 'tf.ts')))
        .filter((file) => /from '@tensorflow\/tfjs(-core)?'|import\('@tensorflow\/tfjs(-core)?'\)/.test(readFileSync(file, 'utf8')))
        .map((file) => relative(ROOT, file)),
    );
    expect(direct).toEqual([]);
  });
});
