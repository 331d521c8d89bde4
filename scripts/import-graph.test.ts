// No import cycles between top-level modules (issue 11): every folder of lib/ is a module, and so
// are workers/, server/, scripts/ and the site (app/ + components/: Next's client components import
// the server actions of app/, which render those components — one module). Tests, test kits,
// benchmarks and e2e are left out: they may reach across to set things up. ESLint
// (eslint.config.mjs) says which direction each edge must have; this proves there is no loop.
import { describe, expect, it } from 'vitest';
import fs from 'node:fs';
import path from 'node:path';

const root = path.resolve(import.meta.dirname, '..');
const SKIP_DIRS = new Set(['node_modules', '.next', '.git', 'generated', 'data', 'test-results', 'e2e', 'bench', 'testing', 'testdata', 'playwright-report']);

function sourceFiles(dir: string, out: string[] = []): string[] {
  for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
    if (e.name.startsWith('.') || SKIP_DIRS.has(e.name)) continue;
    const p = path.join(dir, e.name);
    if (e.isDirectory()) sourceFiles(p, out);
    else if (/\.(ts|tsx|mjs)$/.test(e.name) && !/\.test\.tsx?$/.test(e.name) && e.name !== 'testing.ts') out.push(p);
  }
  return out;
}

/** lib/engine/x/y.ts → lib/engine; lib/db.ts → lib/db; app/… and components/… → site. */
export function moduleOf(file: string): string {
  const parts = path.relative(root, file).split(path.sep);
  if (parts[0] === 'app' || parts[0] === 'components') return 'site';
  if (parts[0] === 'lib') return `lib/${parts.length > 2 ? parts[1] : parts[1].replace(/\.(tsx?|mjs)$/, '')}`;
  return parts.length > 1 ? parts[0] : parts[0].replace(/\.(tsx?|mjs)$/, '');
}

const IMPORT = /(?:^|[\s;])(?:import|export)\s[^'"]*?from\s*['"]([^'"]+)['"]|\bimport\(\s*['"]([^'"]+)['"]\s*\)/g;

export function moduleGraph(): Map<string, Map<string, string>> {
  const graph = new Map<string, Map<string, string>>();
  for (const file of sourceFiles(root)) {
    const from = moduleOf(file);
    if (!graph.has(from)) graph.set(from, new Map());
    const text = fs.readFileSync(file, 'utf8');
    for (const m of text.matchAll(IMPORT)) {
      const spec = m[1] ?? m[2];
      let target: string;
      if (spec.startsWith('@/')) target = path.join(root, spec.slice(2));
      else if (spec.startsWith('.')) target = path.resolve(path.dirname(file), spec);
      else continue; // a package or node built-in
      const to = moduleOf(target);
      if (to !== from && !graph.get(from)!.has(to)) graph.get(from)!.set(to, path.relative(root, file));
    }
  }
  return graph;
}

/** The first cycle found, as a list of modules with the file that makes each edge, or undefined. */
export function findCycle(graph: Map<string, Map<string, string>>): string[] | undefined {
  const state = new Map<string, 'open' | 'done'>();
  const stack: string[] = [];
  const visit = (n: string): string[] | undefined => {
    state.set(n, 'open');
    stack.push(n);
    for (const [m, via] of graph.get(n) ?? []) {
      if (state.get(m) === 'open') {
        const loop = stack.slice(stack.indexOf(m));
        return [...loop, m].map((x, i, a) => (i < a.length - 1 ? `${x} (${graph.get(x)!.get(a[i + 1])})` : x));
      }
      if (!state.has(m)) {
        const c = visit(m);
        if (c) return c;
      }
      void via;
    }
    stack.pop();
    state.set(n, 'done');
    return undefined;
  };
  for (const n of graph.keys()) if (!state.has(n)) {
    const c = visit(n);
    if (c) return c;
  }
  return undefined;
}

describe('module import graph', () => {
  it('finds a cycle when there is one (the checker itself can fail)', () => {
    const g = new Map([['a', new Map([['b', 'a.ts']])], ['b', new Map([['c', 'b.ts']])], ['c', new Map([['a', 'c.ts']])]]);
    expect(findCycle(g)).toEqual(['a (a.ts)', 'b (b.ts)', 'c (c.ts)', 'a']);
  });

  it('has no cycle between top-level modules', () => {
    const graph = moduleGraph();
    expect(graph.size).toBeGreaterThan(10); // it really read the tree
    expect(graph.get('site')?.has('lib/engine') || graph.get('lib/runtime')?.has('lib/engine')).toBe(true);
    const cycle = findCycle(graph);
    expect(cycle, cycle && `import cycle: ${cycle.join(' -> ')}`).toBeUndefined();
  });
});
