import { execFileSync } from 'node:child_process';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { Readable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sha256 } from '../content-store/digest.ts';
import { OciLayoutStore } from '../content-store/oci-layout-store.ts';
import { applyLayer } from './apply-layer.ts';
import { writeLayer } from './layer-writer.ts';
import { CAP_HEX, hasTool, isRoot, readTar, treeListing, truncateTimes, write } from './testing.ts';
import { treeChanges } from './tree-changes.ts';
import { upperdirChanges } from './upperdir-changes.ts';
import { readXattrsRecursive, setXattr } from './xattr.ts';

const canRun = isRoot && hasTool('getfattr') && hasTool('mknod');
if (!canRun) console.warn('layer tests skipped: they need root and the Debian package "attr" (getfattr/setfattr)');

let tmp: string;
let store: OciLayoutStore;
const LONG = `${'deep/'.repeat(25)}file-with-a-long-name.txt`;

/** lower: a small rootfs; upper: a copy with every kind of change the lesson talks about. */
async function makeTrees(): Promise<{ lower: string; upper: string }> {
  const lower = path.join(tmp, `lower-${Math.random().toString(36).slice(2)}`);
  const upper = `${lower}-upper`;
  await write(lower, 'etc/passwd', 'root:x:0:0:root:/root:/bin/sh\n');
  await write(lower, 'etc/chmod-me', 'same', 0o644);
  await write(lower, 'etc/chown-me', 'same');
  await write(lower, 'app/old.txt', 'old');
  await write(lower, 'app/keep.txt', 'keep');
  await write(lower, 'gone/a', 'a');
  await write(lower, 'opaque/x', 'x');
  await write(lower, 'opaque/y', 'y');
  await fs.symlink('../etc/passwd', path.join(lower, 'app/link'));
  await truncateTimes(lower);
  execFileSync('cp', ['-a', `${lower}/.`, upper]);
  await write(upper, 'app/new.txt', 'new');
  await write(upper, 'app/old.txt', 'changed!');
  await fs.chmod(path.join(upper, 'etc/chmod-me'), 0o600);
  await fs.chown(path.join(upper, 'etc/chown-me'), 1000, 1000);
  await fs.rm(path.join(upper, 'gone'), { recursive: true });
  await fs.rm(path.join(upper, 'opaque'), { recursive: true });
  await write(upper, 'opaque/z', 'z');
  await write(upper, 'bin/su', 'setuid binary', 0o4755);
  await fs.mkdir(path.join(upper, 'tmp'));
  await fs.chmod(path.join(upper, 'tmp'), 0o1777);
  await write(upper, 'héllo wörld/ünïcode file.txt', 'unicode');
  await write(upper, LONG, 'long');
  await write(upper, 'app/locked', 'mode zero', 0o000);
  await write(upper, 'app/hard1', 'shared inode');
  await fs.link(path.join(upper, 'app/hard1'), path.join(upper, 'app/hard2'));
  await fs.symlink('/nowhere/at/all', path.join(upper, 'app/dangling'));
  await write(upper, 'bin/ping', 'ping');
  await setXattr(path.join(upper, 'bin/ping'), 'security.capability', CAP_HEX);
  await truncateTimes(upper);
  return { lower, upper };
}

describe.skipIf(!canRun)('layers from a copy-based diff', () => {
  let trees: { lower: string; upper: string };
  beforeAll(async () => {
    tmp = await fs.mkdtemp(path.join(os.tmpdir(), 'layer-test-'));
    store = new OciLayoutStore(path.join(tmp, 'store'));
    trees = await makeTrees();
  });
  afterAll(async () => {
    if (tmp) await fs.rm(tmp, { recursive: true, force: true });
  });

  it('lists exactly the changed paths, with parents, deletions and no unchanged files', async () => {
    const set = await treeChanges(trees.lower, trees.upper);
    const byPath = Object.fromEntries(set.changes.map((c) => [c.path, c.kind]));
    expect(byPath).toMatchObject({
      'app/new.txt': 'add',
      'app/old.txt': 'modify',
      'etc/chmod-me': 'modify',
      'etc/chown-me': 'modify',
      gone: 'delete',
      'opaque/x': 'delete',
      'opaque/y': 'delete',
      'opaque/z': 'add',
      'bin/su': 'add',
      app: 'modify',
      etc: 'modify',
    });
    expect(byPath['app/keep.txt']).toBeUndefined();
    expect(byPath['etc/passwd']).toBeUndefined();
    expect(byPath['gone/a']).toBeUndefined(); // the deleted dir is one whiteout
    expect(set.capabilities.get('bin/ping')).toBe(CAP_HEX);
  });

  it('writes a deterministic tar whose diffId and digest match its bytes', async () => {
    const set = await treeChanges(trees.lower, trees.upper);
    const a = await writeLayer(store, set, { sourceDateEpoch: 1_700_000_000 });
    const blob = await store.get(a.digest);
    expect(a.size).toBe(blob.length);
    const plain = (await import('node:zlib')).gunzipSync(blob);
    expect(a.diffId).toBe(sha256(plain));
    expect(a.uncompressedSize).toBe(plain.length);
    // later mtimes change nothing once clamped
    const later = new Date(1_800_000_000_000);
    await fs.utimes(path.join(trees.upper, 'app/new.txt'), later, later);
    const b = await writeLayer(store, await treeChanges(trees.lower, trees.upper), { sourceDateEpoch: 1_700_000_000 });
    expect(b.digest).toBe(a.digest);
    expect(b.diffId).toBe(a.diffId);
    const none = await writeLayer(store, set, { compression: 'none', sourceDateEpoch: 1_700_000_000 });
    expect(none.digest).toBe(a.diffId);
  });

  it('encodes whiteouts, modes, owners, links, long and unicode names and the capability xattr', async () => {
    const set = await treeChanges(trees.lower, trees.upper);
    const layer = await writeLayer(store, set);
    const entries = await readTar(await store.get(layer.digest));
    const by = Object.fromEntries(entries.map((e) => [e.name, e]));
    expect(by['.wh.gone']).toMatchObject({ type: 'file', size: 0 });
    expect(by['opaque/.wh.x']).toBeDefined();
    expect(by['opaque/.wh.y']).toBeDefined();
    expect(by['bin/su'].mode).toBe(0o4755);
    expect(by['tmp/'].mode).toBe(0o1777);
    expect(by['tmp/'].type).toBe('directory');
    expect(by['app/locked'].mode).toBe(0);
    expect(by['etc/chown-me']).toMatchObject({ uid: 1000, gid: 1000 });
    expect(by['app/hard1'].type).toBe('file');
    expect(by['app/hard2']).toMatchObject({ type: 'link', linkname: 'app/hard1' });
    expect(by['app/dangling']).toMatchObject({ type: 'symlink', linkname: '/nowhere/at/all' });
    expect(by[LONG]?.sha256).toBe(sha256('long').slice(7));
    expect(by['héllo wörld/ünïcode file.txt']).toBeDefined();
    expect(by['etc/passwd']).toBeUndefined();
    // parents come before children and each directory's names are sorted
    const names = entries.map((e) => e.name.replace(/\/$/, ''));
    expect(names.indexOf('app')).toBeLessThan(names.indexOf('app/new.txt'));
    expect(names.indexOf('app/hard1')).toBeLessThan(names.indexOf('app/hard2'));
    // the binary capability value survives byte for byte (GNU tar reads it back)
    const out = path.join(tmp, 'gnu-extract');
    await fs.mkdir(out);
    const tarFile = path.join(tmp, 'layer.tar.gz');
    await fs.writeFile(tarFile, await store.get(layer.digest));
    execFileSync('tar', ['--xattrs', '--xattrs-include=security.capability', '-xzf', tarFile, '-C', out]);
    const caps = await readXattrsRecursive(out, '^security\\.capability$');
    expect(caps.get('bin/ping')?.get('security.capability')).toBe(CAP_HEX);
  });

  it('applying the layer onto the lower tree reproduces the upper tree exactly', async () => {
    const set = await treeChanges(trees.lower, trees.upper);
    const layer = await writeLayer(store, set);
    const target = path.join(tmp, 'applied');
    execFileSync('cp', ['-a', `${trees.lower}/.`, target]);
    const res = await applyLayer(await store.createReadStream(layer.digest), target, { mode: 'rootfs' });
    expect(res.whiteouts).toContain('gone');
    expect(await treeListing(target)).toEqual(await treeListing(trees.upper));
    const caps = await readXattrsRecursive(target, '^security\\.capability$');
    expect(caps.get('bin/ping')?.get('security.capability')).toBe(CAP_HEX);
    const again = await treeChanges(target, trees.upper, {});
    expect(again.changes.filter((c) => c.kind !== 'modify' || !c.path.includes('/')).map((c) => c.path)).toEqual([]);
  });

  it('extracts in overlay form: whiteouts as char 0/0, .wh..wh..opq as the opaque xattr', async () => {
    const src = path.join(tmp, 'opq-src');
    await write(src, 'd/kept', 'k');
    const tarBuf = execFileSync('sh', ['-c', `cd ${src} && touch d/.wh..wh..opq .wh.removed && tar --format=pax -cf - d .wh.removed`]);
    const out = path.join(tmp, 'overlay-form');
    const res = await applyLayer(Readable.from([tarBuf]), out, { mode: 'overlay' });
    expect(res.opaqueDirs).toEqual(['d']);
    const st = await fs.lstat(path.join(out, 'removed'));
    expect(st.isCharacterDevice() && st.rdev === 0).toBe(true);
    const x = await readXattrsRecursive(out, '^trusted\\.overlay\\.opaque$');
    expect(x.get('d')?.get('trusted.overlay.opaque')).toBe('79');
    await expect(fs.lstat(path.join(out, 'd/.wh..wh..opq'))).rejects.toThrow();
  });

  it('applies .wh..wh..opq in rootfs mode by removing only the lower children', async () => {
    const target = path.join(tmp, 'opq-rootfs');
    await write(target, 'd/lower1', '1');
    await write(target, 'd/sub/lower2', '2');
    const src = path.join(tmp, 'opq-src2');
    await write(src, 'd/new', 'n');
    await write(src, 'd/sub/new2', 'n2');
    const tarBuf = execFileSync('sh', ['-c', `cd ${src} && touch d/.wh..wh..opq && tar --format=pax -cf - d`]);
    await applyLayer(Readable.from([tarBuf]), target, { mode: 'rootfs' });
    expect(Object.keys(await treeListing(target)).sort()).toEqual(['d', 'd/new', 'd/sub', 'd/sub/new2']);
  });

  it('reads changes from a hand-made upperdir: whiteout device, opaque dir expanded from the lowers', async () => {
    const lowerTop = path.join(tmp, 'ud-lower1');
    const lowerBase = path.join(tmp, 'ud-lower0');
    await write(lowerBase, 'd/base-only', 'b');
    await write(lowerBase, 'd/hidden-by-top', 'h');
    await write(lowerTop, 'd/top-only', 't');
    await fs.mkdir(path.join(lowerTop, 'd'), { recursive: true });
    execFileSync('mknod', [path.join(lowerTop, 'd/hidden-by-top'), 'c', '0', '0']);
    const upper = path.join(tmp, 'ud-upper');
    await write(upper, 'd/fresh', 'f');
    await setXattr(path.join(upper, 'd'), 'trusted.overlay.opaque', '79');
    execFileSync('mknod', [path.join(upper, 'gone'), 'c', '0', '0']);
    const set = await upperdirChanges(upper, [{ dir: lowerTop }, { dir: lowerBase }]);
    expect(set.changes).toEqual([
      { kind: 'modify', path: 'd' },
      { kind: 'delete', path: 'd/base-only' },
      { kind: 'delete', path: 'd/top-only' },
      { kind: 'add', path: 'd/fresh' },
      { kind: 'delete', path: 'gone' },
    ]);
    const layer = await writeLayer(store, set);
    const names = (await readTar(await store.get(layer.digest))).map((e) => e.name);
    expect(names).toEqual(['.wh.gone', 'd/', 'd/.wh.base-only', 'd/.wh.top-only', 'd/fresh']);
  });
  it('leaves out directories copied up with unchanged metadata, but keeps them as parents of a change', async () => {
    const lower = path.join(tmp, 'cu-lower');
    await write(lower, 'etc/passwd', 'root:x:0:0::/root:/bin/sh\n');
    await write(lower, 'usr/lib/os-release', 'x');
    await fs.mkdir(path.join(lower, 'var'), { recursive: true });
    const upper = path.join(tmp, 'cu-upper');
    // etc/: copied up for a mount stub that was removed again (same mode, owner, mtime to the ns)
    // usr/ and usr/lib/: copied up as parents of a modified file
    // var/: its mtime changed (something was created and removed inside)
    for (const d of ['etc', 'usr', 'usr/lib', 'var']) await fs.mkdir(path.join(upper, d), { recursive: true });
    await write(upper, 'usr/lib/os-release', 'changed');
    for (const d of ['etc', 'usr', 'usr/lib']) {
      const st = await fs.lstat(path.join(lower, d), { bigint: true });
      await fs.chmod(path.join(upper, d), Number(st.mode & 0o7777n));
      execFileSync('touch', ['-h', '-d', `@${st.mtimeNs / 1_000_000_000n}.${String(st.mtimeNs % 1_000_000_000n).padStart(9, '0')}`, path.join(upper, d)]);
    }
    execFileSync('touch', ['-d', '@1000000000', path.join(upper, 'var')]);
    const set = await upperdirChanges(upper, [{ dir: lower }]);
    expect(set.changes).toEqual([
      { kind: 'modify', path: 'usr' },
      { kind: 'modify', path: 'usr/lib' },
      { kind: 'modify', path: 'usr/lib/os-release' },
      { kind: 'modify', path: 'var' },
    ]);
  });
});

describe.skipIf(!canRun)('applying hostile archives', () => {
  let dir: string;
  beforeAll(async () => {
    dir = await fs.mkdtemp(path.join(os.tmpdir(), 'hostile-'));
  });
  afterAll(async () => {
    await fs.rm(dir, { recursive: true, force: true });
  });

  async function tarOf(build: (p: import('tar-stream').Pack) => void): Promise<Buffer> {
    const tarStream = (await import('tar-stream')).default;
    const p = tarStream.pack();
    build(p);
    p.finalize();
    const chunks: Buffer[] = [];
    for await (const c of p as AsyncIterable<Buffer>) chunks.push(c);
    return Buffer.concat(chunks);
  }

  it.each([
    ['a ".." entry', (p: import('tar-stream').Pack) => p.entry({ name: '../escape.txt' }, 'x'), /\.\./],
    ['a symlink then a file through it', (p: import('tar-stream').Pack) => {
      p.entry({ name: 'evil', type: 'symlink', linkname: '/etc' });
      p.entry({ name: 'evil/passwd' }, 'x');
    }, /symlink/],
    ['a hardlink to a host file', (p: import('tar-stream').Pack) => p.entry({ name: 'h', type: 'link', linkname: '../../../../etc/shadow' }), /\.\./],
    ['a hardlink to a missing file', (p: import('tar-stream').Pack) => p.entry({ name: 'h', type: 'link', linkname: 'etc/shadow' }), /does not exist/],
    ['a whiteout escaping', (p: import('tar-stream').Pack) => p.entry({ name: 'a/../../.wh.x' }, ''), /\.\./],
  ])('refuses %s with UNSAFE_ARCHIVE and writes nothing outside', async (_label, build, msg) => {
    const dest = path.join(dir, `dest-${Math.random().toString(36).slice(2)}`);
    const data = await tarOf(build);
    const err = await applyLayer(Readable.from([data]), dest, { mode: 'rootfs' }).catch((e) => e);
    expect(err).toMatchObject({ code: 'UNSAFE_ARCHIVE' });
    expect(err.message).toMatch(msg);
    await expect(fs.lstat(path.join(dir, 'escape.txt'))).rejects.toThrow();
  });

  it('refuses absolute names in strict mode and keeps them inside otherwise', async () => {
    const data = await tarOf((p) => p.entry({ name: '/abs.txt' }, 'x'));
    await expect(applyLayer(Readable.from([data]), path.join(dir, 'strict'), { mode: 'rootfs', strictPaths: true })).rejects.toMatchObject({ code: 'UNSAFE_ARCHIVE' });
    await applyLayer(Readable.from([data]), path.join(dir, 'lenient'), { mode: 'rootfs' });
    expect(await fs.readFile(path.join(dir, 'lenient/abs.txt'), 'utf8')).toBe('x');
  });

  it('extracts gzip, bzip2 and xz archives', async () => {
    const data = await tarOf((p) => p.entry({ name: 'hello.txt' }, 'hi'));
    const raw = path.join(dir, 'x.tar');
    await fs.writeFile(raw, data);
    for (const tool of ['gzip', 'bzip2', 'xz'].filter(hasTool)) {
      const compressed = execFileSync(tool, ['-c', raw]);
      const dest = path.join(dir, `out-${tool}`);
      await applyLayer(Readable.from([compressed]), dest, { mode: 'rootfs' });
      expect(await fs.readFile(path.join(dest, 'hello.txt'), 'utf8')).toBe('hi');
    }
  });
});
