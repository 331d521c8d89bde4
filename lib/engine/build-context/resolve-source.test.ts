// COPY/ADD sources inside the context: wildcards, escapes refused, symlinks checked,
// .dockerignore honoured.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openContext } from './directory-context.ts';
import { hasWildcards, segmentRegExp } from './resolve-source.ts';
import type { BuildContext } from './index.ts';

let tmp: string;
let root: string;
let ctx: BuildContext;

beforeAll(async () => {
  tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'lab-src-'));
  root = path.join(tmp, 'ctx');
  const w = (rel: string, c = 'x') => {
    fs.mkdirSync(path.dirname(path.join(root, rel)), { recursive: true });
    fs.writeFileSync(path.join(root, rel), c);
  };
  w('package.json');
  w('package-lock.json');
  w('src/index.js');
  w('src/util.js');
  w('src/readme.md');
  w('.env');
  w('*literal');
  w('.dockerignore', '.env\n');
  fs.writeFileSync(path.join(tmp, 'secret.txt'), 'top secret');
  fs.symlinkSync('../secret.txt', path.join(root, 'rel-escape'));
  fs.symlinkSync(path.join(tmp, 'secret.txt'), path.join(root, 'abs-escape'));
  fs.symlinkSync('src', path.join(root, 'srclink'));
  fs.symlinkSync('src/../package.json', path.join(root, 'pkglink'));
  fs.symlinkSync('..', path.join(root, 'src/up'));
  fs.symlinkSync('../..', path.join(root, 'src/upup'));
  ctx = await openContext(root);
});
afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));

const names = async (src: string) => (await ctx.resolveSource(src)).map((r) => r.path);

describe('resolveSource', () => {
  it('resolves plain files, directories and "."', async () => {
    expect(await names('package.json')).toEqual(['package.json']);
    expect(await ctx.resolveSource('src')).toMatchObject([{ path: 'src', type: 'dir', excluded: false }]);
    expect(await names('.')).toEqual(['.']);
    expect(await names('./src/../package.json')).toEqual(['package.json']);
  });

  it('treats absolute sources as relative to the context root', async () => {
    expect(await names('/package.json')).toEqual(['package.json']);
  });

  it('expands wildcards per path segment', async () => {
    expect(await names('package*.json')).toEqual(['package-lock.json', 'package.json']);
    expect(await names('src/*.js')).toEqual(['src/index.js', 'src/util.js']);
    expect(await names('*/u?il.js')).toEqual(['src/util.js', 'srclink/util.js']);
    expect(await names('src/[a-j]*')).toEqual(['src/index.js']);
    expect(await names('\\*literal')).toEqual(['*literal']);
  });

  it('refuses ../ with CONTEXT_ESCAPE and names the line', async () => {
    await expect(ctx.resolveSource('../secret.txt', { range: { start: 4, end: 4 } })).rejects.toMatchObject({
      code: 'CONTEXT_ESCAPE',
      range: { start: 4, end: 4 },
      message: expect.stringMatching(/^Dockerfile:4: COPY \.\.\/secret\.txt: .*outside the build context/),
    });
    await expect(ctx.resolveSource('src/../../secret.txt')).rejects.toMatchObject({ code: 'CONTEXT_ESCAPE' });
  });

  it('refuses symlinks that lead outside, relative or absolute', async () => {
    await expect(ctx.resolveSource('rel-escape')).rejects.toMatchObject({ code: 'CONTEXT_ESCAPE', message: expect.stringContaining('symbolic link') });
    await expect(ctx.resolveSource('abs-escape')).rejects.toMatchObject({ code: 'CONTEXT_ESCAPE' });
    await expect(ctx.resolveSource('src/upup/secret.txt')).rejects.toMatchObject({ code: 'CONTEXT_ESCAPE' });
  });

  it('follows symlinks that stay inside', async () => {
    const [r] = await ctx.resolveSource('srclink/index.js');
    expect(r.absPath).toBe(path.join(fs.realpathSync(root), 'src/index.js'));
    const [p] = await ctx.resolveSource('pkglink');
    expect(p.absPath).toBe(path.join(fs.realpathSync(root), 'package.json'));
    const [u] = await ctx.resolveSource('src/up/package.json');
    expect(u.absPath).toBe(path.join(fs.realpathSync(root), 'package.json'));
  });

  it('does not find what .dockerignore excludes, and says why', async () => {
    await expect(ctx.resolveSource('.env')).rejects.toMatchObject({ code: 'CONTEXT_NOT_FOUND', message: expect.stringContaining('excluded by .dockerignore') });
    expect(await ctx.resolveSource('.env', { includeExcluded: true })).toMatchObject([{ path: '.env', excluded: true }]);
  });

  it('reports a missing file', async () => {
    await expect(ctx.resolveSource('nope.txt')).rejects.toMatchObject({ code: 'CONTEXT_NOT_FOUND' });
    await expect(ctx.resolveSource('*.nothing')).rejects.toMatchObject({ code: 'CONTEXT_NOT_FOUND' });
  });
});

describe('wildcard helpers', () => {
  it('detects unescaped wildcards', () => {
    expect(hasWildcards('a*')).toBe(true);
    expect(hasWildcards('a\\*')).toBe(false);
    expect(hasWildcards('[ab]')).toBe(true);
    expect(hasWildcards('plain.txt')).toBe(false);
  });
  it('compiles Go-style segments', () => {
    expect(segmentRegExp('[^a]?.js').test('bx.js')).toBe(true);
    expect(segmentRegExp('[^a]?.js').test('ax.js')).toBe(false);
    expect(segmentRegExp('*.js').test('a.jsx')).toBe(false);
  });
});
