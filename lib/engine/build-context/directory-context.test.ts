// Walking real directories: exclusions, exception re-inclusion, the Dockerfile-specific
// ignore file, symlinks, sizes and the report the lesson's step 1 shows.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import fsp from 'node:fs/promises';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { openContext } from './directory-context.ts';
import { walkContext } from './context-walker.ts';
import { PatternMatcher } from './pattern-matcher.ts';
import { humanSize } from './human-size.ts';
import type { BuildContext, ContextEntry } from './index.ts';

let tmp: string;
const realReaddir = fsp.readdir.bind(fsp);

function write(root: string, rel: string, content: string | number): void {
  const p = path.join(root, rel);
  fs.mkdirSync(path.dirname(p), { recursive: true });
  fs.writeFileSync(p, typeof content === 'number' ? Buffer.alloc(content, 1) : content);
}

async function paths(ctx: BuildContext): Promise<string[]> {
  const out: string[] = [];
  for await (const e of ctx.walk()) out.push(e.type === 'dir' ? e.path + '/' : e.path);
  return out;
}

const ALL_FILES = ['Dockerfile', 'app.js', 'package.json', '.git/objects/pack/big.pack', '.git/HEAD', 'node_modules/left-pad/index.js', 'node_modules/left-pad/package.json', 'app.log', '.env'];

function sizeOf(root: string, rels: string[]): number {
  return rels.reduce((n, rel) => n + fs.statSync(path.join(root, rel)).size, 0);
}

/** A small version of the lesson's app: .git and node_modules dominate the context. */
function makeApp(root: string): void {
  write(root, 'Dockerfile', 'FROM node:20\nCOPY . .\n');
  write(root, 'app.js', 'console.log(1)\n');
  write(root, 'package.json', '{}\n');
  write(root, '.git/objects/pack/big.pack', 180_000);
  write(root, '.git/HEAD', 'ref: refs/heads/main\n');
  write(root, 'node_modules/left-pad/index.js', 45_000);
  write(root, 'node_modules/left-pad/package.json', '{}');
  write(root, 'app.log', 5_000);
  write(root, '.env', 'DB_PASSWORD=hunter2\n');
}

beforeAll(() => {
  tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'lab-ctx-'));
});
afterAll(() => {
  fs.rmSync(tmp, { recursive: true, force: true });
});

describe('walking a context', () => {
  it('without .dockerignore sends everything and shows what dominates', async () => {
    const root = path.join(tmp, 'noignore');
    makeApp(root);
    const ctx = await openContext(root);
    expect(ctx.ignoreFile).toBeNull();
    const r = await ctx.report();
    expect(r.fileCount).toBe(9);
    expect(r.totalBytes).toBe(sizeOf(root, ALL_FILES));
    expect(r.topLevel[0]).toMatchObject({ path: '.git', type: 'dir', files: 2 });
    expect(r.topLevel[1]).toMatchObject({ path: 'node_modules', bytes: 45_002 });
    expect(r.biggestFiles[0].path).toBe('.git/objects/pack/big.pack');
    expect(r.excluded.fileCount).toBe(0);
  });

  it('with .dockerignore leaves out .git, node_modules, logs and .env, and says so per pattern', async () => {
    const root = path.join(tmp, 'ignore');
    makeApp(root);
    write(root, '.dockerignore', '# keep the context small\n.git\nnode_modules\n*.log\n.env\n');
    const ctx = await openContext(root);
    expect(await paths(ctx)).toEqual(['.dockerignore', 'Dockerfile', 'app.js', 'package.json']);
    const r = await ctx.report();
    expect(r.totalBytes).toBe(sizeOf(root, ['.dockerignore', 'Dockerfile', 'app.js', 'package.json']));
    expect(r.excluded.fileCount).toBe(6);
    expect(r.excluded.totalBytes).toBe(sizeOf(root, ALL_FILES.filter((f) => !['Dockerfile', 'app.js', 'package.json'].includes(f))));
    const git = r.excluded.byPattern.find((p) => p.pattern === '.git')!;
    expect(git).toEqual({ pattern: '.git', line: 2, bytes: 180_021, files: 2 });
    expect(r.excluded.byTopLevel.map((t) => t.path)).toEqual(['.git', 'node_modules', 'app.log', '.env']);
  });

  it('re-includes an exception inside an excluded directory, emitting its parents', async () => {
    const root = path.join(tmp, 'exception');
    write(root, 'docs/README.md', 'read me');
    write(root, 'docs/internal/notes.md', 'secret notes');
    write(root, 'docs/api/index.md', 'api');
    write(root, 'src/a.ts', 'a');
    write(root, '.dockerignore', 'docs\n!docs/api\n');
    const ctx = await openContext(root);
    expect(await paths(ctx)).toEqual(['.dockerignore', 'docs/', 'docs/api/', 'docs/api/index.md', 'src/', 'src/a.ts']);
  });

  it('does not open an excluded directory when no exception can match inside it', async () => {
    const root = path.join(tmp, 'unopened');
    write(root, 'data/private/x', 'x');
    write(root, 'docs/api/a.md', 'a');
    write(root, 'docs/other/b.md', 'b');
    write(root, 'keep.txt', 'k');
    const opened: string[] = [];
    const spy = vi.spyOn(fsp, 'readdir').mockImplementation(((p: string, ...rest: unknown[]) => {
      opened.push(path.relative(root, String(p)) || '.');
      return (realReaddir as (...a: unknown[]) => unknown)(p, ...rest);
    }) as typeof fsp.readdir);
    try {
      const walk = async (patterns: string[]) => {
        opened.length = 0;
        const seen: string[] = [];
        for await (const e of walkContext(root, new PatternMatcher(patterns), { measureExcluded: false })) seen.push(e.path);
        return seen;
      };
      expect(await walk(['data', 'docs', '!docs/api'])).toEqual(['docs', 'docs/api', 'docs/api/a.md', 'keep.txt']);
      expect(opened.sort()).toEqual(['.', 'docs', 'docs/api']); // neither data nor docs/other
      // A wildcard exception could match anywhere, so every excluded directory is opened
      // (BuildKit's fsutil does the same).
      expect(await walk(['data', 'docs', '!**/a.md'])).toEqual(['docs', 'docs/api', 'docs/api/a.md', 'keep.txt']);
      expect(opened).toContain('data/private');
    } finally {
      spy.mockRestore();
    }
  });

  it('prefers <Dockerfile>.dockerignore next to a custom Dockerfile', async () => {
    const root = path.join(tmp, 'custom');
    write(root, 'build/app.Dockerfile', 'FROM scratch\n');
    write(root, 'build/app.Dockerfile.dockerignore', 'secret*\n');
    write(root, '.dockerignore', 'public\n');
    write(root, 'secret.txt', 's');
    write(root, 'public/index.html', '<p>');
    const ctx = await openContext(root, { dockerfile: path.join(root, 'build/app.Dockerfile') });
    expect(ctx.ignoreFile?.path).toBe(path.join(fs.realpathSync(root), 'build/app.Dockerfile.dockerignore'));
    const seen = await paths(ctx);
    expect(seen).toContain('public/index.html');
    expect(seen).not.toContain('secret.txt');
    const plain = await openContext(root);
    expect(await paths(plain)).not.toContain('public/index.html');
  });

  it('keeps symlinks as links and never follows them', async () => {
    const root = path.join(tmp, 'links');
    write(root, 'real/file.txt', 'abc');
    fs.mkdirSync(path.join(tmp, 'outside'), { recursive: true });
    write(tmp, 'outside/huge.bin', 10_000);
    fs.symlinkSync('real', path.join(root, 'alias'));
    fs.symlinkSync(path.join(tmp, 'outside'), path.join(root, 'escape'));
    const ctx = await openContext(root);
    const entries: ContextEntry[] = [];
    for await (const e of ctx.walk()) entries.push(e);
    expect(entries.map((e) => `${e.path}:${e.type}`)).toEqual(['alias:symlink', 'escape:symlink', 'real:dir', 'real/file.txt:file']);
    expect(entries[1].linkTarget).toBe(path.join(tmp, 'outside'));
    const r = await ctx.report();
    expect(r.totalBytes).toBe(3);
    expect(r.symlinkCount).toBe(2);
    expect(r.fileCount).toBe(1);
  });

  it('reports a bad pattern with the ignore file name', async () => {
    const root = path.join(tmp, 'bad');
    write(root, '.dockerignore', 'ok\n[oops\n');
    await expect(openContext(root)).rejects.toMatchObject({ code: 'INVALID_PATTERN', message: expect.stringContaining('.dockerignore') });
  });

  it('fails clearly for a missing context', async () => {
    await expect(openContext(path.join(tmp, 'nope'))).rejects.toMatchObject({ code: 'CONTEXT_NOT_FOUND' });
  });
});

describe('humanSize', () => {
  it('uses docker units', () => {
    expect(humanSize(0)).toBe('0B');
    expect(humanSize(999)).toBe('999B');
    expect(humanSize(1500)).toBe('1.5kB');
    expect(humanSize(245_123_456)).toBe('245.1MB');
    expect(humanSize(15_000_000)).toBe('15MB');
    expect(humanSize(2_000_000_000)).toBe('2GB');
  });
});
