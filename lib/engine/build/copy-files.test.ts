import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { openContext } from '../build-context/index.ts';
import { matchSource, walkMatches, type SourceRoot } from './copy-sources.ts';
import { copyEntries, type InlineFile } from './copy-files.ts';
import { parseChmod, resolveChown } from './file-mode.ts';

let tmp: string;
let ctxDir: string;
let n = 0;

beforeAll(async () => {
  tmp = await fs.mkdtemp(path.join(os.tmpdir(), 'copy-files-'));
  ctxDir = path.join(tmp, 'ctx');
  const w = async (p: string, data: string, mode = 0o644) => {
    await fs.mkdir(path.dirname(path.join(ctxDir, p)), { recursive: true });
    await fs.writeFile(path.join(ctxDir, p), data, { mode });
    await fs.chmod(path.join(ctxDir, p), mode);
  };
  await w('requirements.txt', 'flask\n');
  await w('app/main.py', 'print(1)\n');
  await w('app/lib/util.py', 'x = 1\n');
  await w('app/skip.log', 'log\n');
  await w('app/tool', '#!/bin/sh\n', 0o4755);
  await w('a.txt', 'a');
  await w('b.txt', 'b');
  await w('file with space ü.txt', 'unicode');
  await w('secret.env', 'TOKEN=1');
  await w('.dockerignore', 'secret.env\n');
  await fs.link(path.join(ctxDir, 'a.txt'), path.join(ctxDir, 'app/a-hard.txt'));
  await fs.symlink('main.py', path.join(ctxDir, 'app/main-link.py'));
  await fs.chown(path.join(ctxDir, 'b.txt'), 1234, 1234).catch(() => undefined);
});
afterAll(async () => {
  await fs.rm(tmp, { recursive: true, force: true });
});

async function rootfs(): Promise<string> {
  const r = path.join(tmp, `rootfs${n++}`);
  await fs.mkdir(path.join(r, 'etc'), { recursive: true });
  await fs.writeFile(path.join(r, 'etc/passwd'), 'root:x:0:0:root:/root:/bin/sh\napp:x:1000:1000::/home/app:/bin/sh\n');
  await fs.writeFile(path.join(r, 'etc/group'), 'root:x:0:\nstaff:x:50:app\n');
  return r;
}

type Opts = { dest: string; workdir?: string; chown?: string; chmod?: string; exclude?: string[]; parents?: boolean; inline?: InlineFile[] };

async function copy(sources: string[], o: Opts, root?: SourceRoot) {
  const dst = await rootfs();
  const ctx = await openContext(ctxDir);
  const src: SourceRoot = root ?? { kind: 'context', ctx };
  const w = { instruction: 'COPY' };
  const matches = (await Promise.all(sources.map((s) => matchSource(src, s, w)))).flat();
  const entries = await walkMatches(src, matches, o.exclude ?? []);
  const stats = await copyEntries(entries, matches, o.inline ?? [], {
    rootfs: dst,
    dest: o.dest,
    workdir: o.workdir ?? '/',
    sourceCount: sources.length + (o.inline?.length ?? 0),
    chown: o.chown ? await resolveChown(dst, o.chown) : undefined,
    chmod: o.chmod ? parseChmod(o.chmod) : undefined,
    preserveOwner: src.kind === 'rootfs',
    parents: o.parents,
    instruction: 'COPY',
  });
  return { dst, stats, entries };
}

const exists = (p: string) => fs.lstat(p).then(() => true, () => false);

describe('COPY destination rules', () => {
  it('copies a file into WORKDIR with "."', async () => {
    const { dst } = await copy(['requirements.txt'], { dest: '.', workdir: '/app' });
    expect(await fs.readFile(path.join(dst, 'app/requirements.txt'), 'utf8')).toBe('flask\n');
  });

  it('renames a single file when the destination has no trailing slash', async () => {
    const { dst } = await copy(['requirements.txt'], { dest: '/opt/req' });
    expect((await fs.stat(path.join(dst, 'opt/req'))).isFile()).toBe(true);
  });

  it('copies into an existing directory even without a trailing slash', async () => {
    const { dst } = await copy(['requirements.txt'], { dest: '/etc' });
    expect(await exists(path.join(dst, 'etc/requirements.txt'))).toBe(true);
  });

  it('copies the contents of a directory, not the directory', async () => {
    const { dst } = await copy(['app'], { dest: '/srv/' });
    expect(await exists(path.join(dst, 'srv/main.py'))).toBe(true);
    expect(await exists(path.join(dst, 'srv/lib/util.py'))).toBe(true);
    expect(await exists(path.join(dst, 'srv/app'))).toBe(false);
  });

  it('refuses several sources into a non-directory destination', async () => {
    await expect(copy(['a.txt', 'b.txt'], { dest: '/x' })).rejects.toThrow(/must be a directory and end with a \//);
  });

  it('expands wildcards into a directory destination', async () => {
    const { dst } = await copy(['*.txt'], { dest: '/w/' });
    expect((await fs.readdir(path.join(dst, 'w'))).sort()).toEqual(['a.txt', 'b.txt', 'file with space ü.txt', 'requirements.txt']);
  });

  it('respects .dockerignore and --exclude', async () => {
    const { dst } = await copy(['.'], { dest: '/all/', exclude: ['**/*.log', 'app/lib'] });
    expect(await exists(path.join(dst, 'all/secret.env'))).toBe(false);
    expect(await exists(path.join(dst, 'all/app/skip.log'))).toBe(false);
    expect(await exists(path.join(dst, 'all/app/lib'))).toBe(false);
    expect(await exists(path.join(dst, 'all/app/main.py'))).toBe(true);
  });

  it('keeps source paths with --parents', async () => {
    const { dst } = await copy(['app/lib/util.py', 'a.txt'], { dest: '/p/', parents: true });
    expect(await exists(path.join(dst, 'p/app/lib/util.py'))).toBe(true);
    expect(await exists(path.join(dst, 'p/a.txt'))).toBe(true);
  });

  it('stays inside the rootfs when the destination is a symlink to an absolute path', async () => {
    const dst = await rootfs();
    await fs.symlink('/', path.join(dst, 'escape'));
    const ctx = await openContext(ctxDir);
    const src: SourceRoot = { kind: 'context', ctx };
    const matches = await matchSource(src, 'a.txt', { instruction: 'COPY' });
    await copyEntries(await walkMatches(src, matches, []), matches, [], { rootfs: dst, dest: '/escape/tmp-out/', workdir: '/', sourceCount: 1, preserveOwner: false, instruction: 'COPY' });
    expect(await exists(path.join(dst, 'tmp-out/a.txt'))).toBe(true);
    expect(await exists('/tmp-out/a.txt')).toBe(false);
  });
});

describe('COPY metadata', () => {
  it('resets context ownership to root, keeps modes incl. setuid, symlinks and hardlinks', async () => {
    const { dst } = await copy(['app', 'b.txt'], { dest: '/s/' });
    expect((await fs.stat(path.join(dst, 's/b.txt'))).uid).toBe(0);
    expect((await fs.stat(path.join(dst, 's/tool'))).mode & 0o7777).toBe(0o4755);
    expect(await fs.readlink(path.join(dst, 's/main-link.py'))).toBe('main.py');
    expect((await fs.stat(path.join(dst, 's/a-hard.txt'))).nlink).toBe(1);
  });

  it('keeps hardlinks between copied files', async () => {
    const { dst } = await copy(['a.txt', 'app/a-hard.txt'], { dest: '/h/' });
    const a = await fs.stat(path.join(dst, 'h/a.txt'));
    const b = await fs.stat(path.join(dst, 'h/a-hard.txt'));
    expect(a.ino).toBe(b.ino);
  });

  it('keeps the source mtime', async () => {
    await fs.utimes(path.join(ctxDir, 'a.txt'), new Date(1_000_000_000_000), new Date(1_000_000_000_000));
    const { dst } = await copy(['a.txt'], { dest: '/t/' });
    expect(Math.floor((await fs.stat(path.join(dst, 't/a.txt'))).mtimeMs / 1000)).toBe(1_000_000_000);
  });

  it('applies --chown by name (group = user id when omitted) and to created parents', async () => {
    const { dst } = await copy(['a.txt'], { dest: '/home/app/x/', chown: 'app' });
    const st = await fs.stat(path.join(dst, 'home/app/x/a.txt'));
    expect([st.uid, st.gid]).toEqual([1000, 1000]);
    expect((await fs.stat(path.join(dst, 'home/app/x'))).uid).toBe(1000);
    const g = await copy(['a.txt'], { dest: '/g/', chown: 'app:staff' });
    expect((await fs.stat(path.join(g.dst, 'g/a.txt'))).gid).toBe(50);
    await expect(copy(['a.txt'], { dest: '/g/', chown: 'nobody' })).rejects.toThrow(/unable to find user nobody/);
  });

  it('applies --chmod octal and symbolic', async () => {
    const { dst } = await copy(['requirements.txt'], { dest: '/m/', chmod: '0600' });
    expect((await fs.stat(path.join(dst, 'm/requirements.txt'))).mode & 0o7777).toBe(0o600);
    const f = parseChmod('u+x,g-r,o=');
    expect(f(0o644, false)).toBe(0o700 | 0o004 * 0);
    expect(parseChmod('a+X')(0o644, true)).toBe(0o755);
    expect(() => parseChmod('u+q')).toThrow(/invalid --chmod/);
  });

  it('writes heredoc sources', async () => {
    const { dst } = await copy([], { dest: '/etc/', inline: [{ name: 'motd', data: 'hello\n' }] });
    expect(await fs.readFile(path.join(dst, 'etc/motd'), 'utf8')).toBe('hello\n');
  });
});

describe('COPY --from a rootfs', () => {
  it('resolves sources scoped to the stage root, keeps ownership', async () => {
    const stage = await rootfs();
    await fs.mkdir(path.join(stage, 'out'));
    await fs.writeFile(path.join(stage, 'out/bin'), 'ELF');
    await fs.chown(path.join(stage, 'out/bin'), 7, 8);
    await fs.symlink('/out/bin', path.join(stage, 'latest'));
    const { dst, entries } = await copy(['/latest', '/out/*'], { dest: '/usr/local/bin/' }, { kind: 'rootfs', root: stage, name: 'stage build' });
    expect(entries.map((e) => e.rel)).toEqual(['out/bin', 'out/bin']);
    const st = await fs.stat(path.join(dst, 'usr/local/bin/bin'));
    expect([st.uid, st.gid]).toEqual([7, 8]);
    await expect(copy(['/nope'], { dest: '/x/' }, { kind: 'rootfs', root: stage, name: 'stage build' })).rejects.toThrow(/not found in stage build/);
  });
});

// tonistiigi/fsutil copy/copy.go: missing parents of the destination are MkdirAll(..., 0755) with the
// --chown owner; the root of the source (a BuildKit snapshot root) is 0755 root-owned, so
// `COPY . /odd/` never hands a host staging dir's 0700 to the image.
describe('COPY new destination directories (fsutil copy.go MkdirAll 0755)', () => {
  it('creates the destination of "COPY . /odd/" 0755 root:root even from a 0700 context root', async () => {
    await fs.chmod(ctxDir, 0o700);
    const { dst } = await copy(['.'], { dest: '/odd/' });
    const st = await fs.stat(path.join(dst, 'odd'));
    expect(st.mode & 0o7777).toBe(0o755);
    expect([st.uid, st.gid]).toEqual([0, 0]);
    const parent = await copy(['a.txt'], { dest: '/deep/er/a.txt' });
    expect((await fs.stat(path.join(parent.dst, 'deep/er'))).mode & 0o7777).toBe(0o755);
  });
  it.skipIf(process.getuid?.() !== 0)('gives a new destination the --chown owner', async () => {
    const { dst } = await copy(['.'], { dest: '/odd/', chown: '1000:50' });
    const st = await fs.stat(path.join(dst, 'odd'));
    expect([st.uid, st.gid, st.mode & 0o777]).toEqual([1000, 50, 0o755]);
  });
});

// moby/patternmatcher (MatchesUsingParentResults) and fsutil's walker: an excluded directory is
// still walked when an exception could match inside it, so "!build/keep.txt" brings that file back.
describe('.dockerignore exception under an excluded directory', () => {
  it('COPY . copies build/keep.txt and nothing else of build/', async () => {
    const c = path.join(tmp, 'exc-ctx');
    await fs.mkdir(path.join(c, 'build/sub'), { recursive: true });
    await fs.writeFile(path.join(c, 'build/keep.txt'), 'k');
    await fs.writeFile(path.join(c, 'build/other.o'), 'o');
    await fs.writeFile(path.join(c, 'build/sub/x'), 'x');
    await fs.writeFile(path.join(c, '.dockerignore'), 'build\n!build/keep.txt\n');
    const ctx = await openContext(c);
    const { dst } = await copy(['.'], { dest: '/app/' }, { kind: 'context', ctx });
    expect(await fs.readFile(path.join(dst, 'app/build/keep.txt'), 'utf8')).toBe('k');
    expect(await exists(path.join(dst, 'app/build/other.o'))).toBe(false);
    expect(await exists(path.join(dst, 'app/build/sub'))).toBe(false);
  });
});
