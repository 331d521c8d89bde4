// Property test for the walker: whatever shortcuts it takes (not opening excluded
// directories), the files it yields must be exactly the files excludedByWalk() keeps (the
// per-path answer COPY resolution uses), and every entry's parent comes before it.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { walkContext } from './context-walker.ts';
import { PatternMatcher, excludedByWalk } from './pattern-matcher.ts';

/** Small deterministic PRNG (mulberry32) so failures are reproducible. */
function rng(seed: number): () => number {
  let a = seed;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const NAMES = ['a', 'b', 'c', 'x', 'keep.txt', 'app.log', 'c1', '.git', 'node_modules'];
const PATTERNS = [
  'a', 'a/b', '*.log', '**/x', '!a/b/keep.txt', '!**/keep*', 'b/**', '!b/c1', 'c?', '[ab]/x', '.git', 'node_modules',
  '!node_modules/a', '**/*.txt', '!*.log', 'x/*', '!x/a/**', '*', '!c',
];

let tmp: string;
beforeAll(() => {
  // Thousands of tiny files: use tmpfs when there is one, so a busy disk does not slow CI.
  const base = fs.existsSync('/dev/shm') ? '/dev/shm' : os.tmpdir();
  tmp = fs.mkdtempSync(path.join(base, 'lab-walk-'));
});
afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));

function makeTree(root: string, rand: () => number): string[] {
  const files: string[] = [];
  const grow = (dir: string, rel: string, depth: number) => {
    for (const name of NAMES) {
      const r = rand();
      const p = rel ? `${rel}/${name}` : name;
      if (depth < 3 && r < 0.25) {
        fs.mkdirSync(path.join(dir, name));
        grow(path.join(dir, name), p, depth + 1);
      } else if (r < 0.6) {
        fs.writeFileSync(path.join(dir, name), p);
        files.push(p);
      }
    }
  };
  fs.mkdirSync(root);
  grow(root, '', 0);
  return files;
}

describe('walkContext property', () => {
  it('yields exactly the files the matcher keeps, parents first (80 random trees)', async () => {
    const rand = rng(42);
    for (let trial = 0; trial < 80; trial++) {
      const root = path.join(tmp, `t${trial}`);
      const files = makeTree(root, rand);
      const patterns = PATTERNS.filter(() => rand() < 0.25);
      const pm = new PatternMatcher(patterns);
      const seen: string[] = [];
      const dirs = new Set<string>();
      for await (const e of walkContext(root, pm, { measureExcluded: false })) {
        const parent = e.path.includes('/') ? e.path.slice(0, e.path.lastIndexOf('/')) : null;
        if (parent) expect(dirs.has(parent), `${e.path} before its parent (patterns ${JSON.stringify(patterns)})`).toBe(true);
        if (e.type === 'dir') dirs.add(e.path);
        else seen.push(e.path);
      }
      const expected = files.filter((f) => !excludedByWalk(pm, f)).sort();
      const missing = expected.filter((f) => !seen.includes(f));
      const extra = seen.filter((f) => !expected.includes(f));
      expect({ missing, extra }, `patterns ${JSON.stringify(patterns)}`).toEqual({ missing: [], extra: [] });
    }
  });

  it('follows the walk, not matchesOrParentMatches, where the two disagree', () => {
    // "c/keep.txt" is not excluded, so the "!**/keep*" exception is not evaluated for it;
    // its child "x" is then excluded by "**/x" and nothing re-includes it.
    const pm = new PatternMatcher(['**/x', '!**/keep*']);
    expect(pm.matchesOrParentMatches('c/keep.txt/x')).toBe(false);
    expect(excludedByWalk(pm, 'c/keep.txt/x')).toBe(true);
  });
});
