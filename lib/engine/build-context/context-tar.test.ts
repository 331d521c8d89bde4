// The context tar: what is packed is what walk() yields, and unpacking is safe.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Readable } from 'node:stream';
import tar from 'tar-stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openContext } from './directory-context.ts';
import { unpackContext } from './context-tar.ts';

let tmp: string;
beforeAll(() => {
  tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'lab-tar-'));
});
afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));

async function tarOf(entries: { name: string; type?: 'file' | 'directory' | 'symlink' | 'link'; body?: string; linkname?: string }[]): Promise<Readable> {
  const pack = tar.pack();
  for (const e of entries) {
    if (e.type && e.type !== 'file') pack.entry({ name: e.name, type: e.type, linkname: e.linkname });
    else pack.entry({ name: e.name, type: 'file' }, e.body ?? '');
  }
  pack.finalize();
  return pack as unknown as Readable;
}

describe('context tar', () => {
  it('round-trips the filtered context (files, dirs, symlinks, modes)', async () => {
    const src = path.join(tmp, 'src');
    fs.mkdirSync(path.join(src, 'bin'), { recursive: true });
    fs.mkdirSync(path.join(src, 'node_modules/x'), { recursive: true });
    fs.writeFileSync(path.join(src, 'bin/run.sh'), '#!/bin/sh\necho hi\n', { mode: 0o755 });
    fs.writeFileSync(path.join(src, 'node_modules/x/i.js'), 'x');
    fs.writeFileSync(path.join(src, 'big.bin'), Buffer.alloc(200_000, 7));
    fs.writeFileSync(path.join(src, '.dockerignore'), 'node_modules\n');
    fs.symlinkSync('bin/run.sh', path.join(src, 'run'));
    const deep = path.join('very-long-directory-name-'.repeat(3), 'ünïcödé-file-name-that-is-long-'.repeat(3) + '.txt');
    fs.mkdirSync(path.join(src, path.dirname(deep)), { recursive: true });
    fs.writeFileSync(path.join(src, deep), 'deep');
    const ctx = await openContext(src);
    const dest = path.join(tmp, 'dest');
    const res = await unpackContext(ctx.tar(), dest);
    expect(res).toMatchObject({ files: 4, dirs: 2, symlinks: 1 });
    expect(fs.readFileSync(path.join(dest, deep), 'utf8')).toBe('deep');
    expect(fs.readFileSync(path.join(dest, 'bin/run.sh'), 'utf8')).toBe('#!/bin/sh\necho hi\n');
    expect(fs.statSync(path.join(dest, 'bin/run.sh')).mode & 0o777).toBe(0o755);
    expect(fs.readlinkSync(path.join(dest, 'run'))).toBe('bin/run.sh');
    expect(fs.readFileSync(path.join(dest, 'big.bin')).equals(Buffer.alloc(200_000, 7))).toBe(true);
    expect(fs.existsSync(path.join(dest, 'node_modules'))).toBe(false);
  });

  it('refuses entries that climb out with ..', async () => {
    const dest = path.join(tmp, 'evil1');
    await expect(unpackContext(await tarOf([{ name: '../escaped.txt', body: 'x' }]), dest)).rejects.toMatchObject({ code: 'CONTEXT_ESCAPE' });
    expect(fs.existsSync(path.join(tmp, 'escaped.txt'))).toBe(false);
  });

  it('refuses absolute entry names', async () => {
    await expect(unpackContext(await tarOf([{ name: '/etc/evil', body: 'x' }]), path.join(tmp, 'evil2'))).rejects.toMatchObject({ code: 'CONTEXT_ESCAPE' });
  });

  it('never writes through a symlink planted by an earlier entry', async () => {
    const outside = path.join(tmp, 'outside-dir');
    fs.mkdirSync(outside);
    const stream = await tarOf([
      { name: 'link', type: 'symlink', linkname: outside },
      { name: 'link/pwned.txt', body: 'x' },
    ]);
    await expect(unpackContext(stream, path.join(tmp, 'evil3'))).rejects.toMatchObject({ code: 'CONTEXT_ESCAPE' });
    expect(fs.existsSync(path.join(outside, 'pwned.txt'))).toBe(false);
  });

  it('replaces a planted symlink instead of writing to its target', async () => {
    const victim = path.join(tmp, 'victim.txt');
    fs.writeFileSync(victim, 'original');
    const stream = await tarOf([
      { name: 'f', type: 'symlink', linkname: victim },
      { name: 'f', body: 'new content' },
    ]);
    const dest = path.join(tmp, 'evil4');
    await unpackContext(stream, dest);
    expect(fs.readFileSync(victim, 'utf8')).toBe('original');
    expect(fs.readFileSync(path.join(dest, 'f'), 'utf8')).toBe('new content');
  });

  it('stops at the size and entry limits with RESOURCE_LIMIT', async () => {
    const big = await tarOf([{ name: 'a', body: 'x'.repeat(5000) }]);
    await expect(unpackContext(big, path.join(tmp, 'lim1'), { maxBytes: 1000 })).rejects.toMatchObject({ code: 'RESOURCE_LIMIT' });
    const many = await tarOf([{ name: 'a' }, { name: 'b' }, { name: 'c' }]);
    await expect(unpackContext(many, path.join(tmp, 'lim2'), { maxEntries: 2 })).rejects.toMatchObject({ code: 'RESOURCE_LIMIT' });
    const ok = await tarOf([{ name: 'a', body: 'small' }]);
    await expect(unpackContext(ok, path.join(tmp, 'lim3'), { maxBytes: 1000, maxEntries: 2 })).resolves.toMatchObject({ files: 1 });
  });
});

// BuildKit sends the context with fsutil, which keeps the full permission bits (fsutil send.go /
// stat: Mode = uint32(fi.Mode())), so setuid/setgid/sticky and a 0000 mode reach the COPY.
describe.skipIf(process.getuid?.() !== 0)('context tar special mode bits (as root)', () => {
  it('keeps setuid, setgid, sticky and 0000 through pack and unpack', async () => {
    const src = fs.mkdtempSync(path.join(tmp, 'modes-'));
    const modes: Record<string, number> = { suid: 0o4755, sgid: 0o2755, none: 0o000 };
    for (const [n, m] of Object.entries(modes)) {
      fs.writeFileSync(path.join(src, n), n);
      fs.chmodSync(path.join(src, n), m);
    }
    fs.mkdirSync(path.join(src, 'sticky'));
    fs.writeFileSync(path.join(src, 'sticky/f'), 'f');
    fs.chmodSync(path.join(src, 'sticky'), 0o1777);
    fs.mkdirSync(path.join(src, 'closed'));
    fs.writeFileSync(path.join(src, 'closed/f'), 'f');
    fs.chmodSync(path.join(src, 'closed'), 0o000);
    const dest = path.join(tmp, 'modes-dest');
    await unpackContext((await openContext(src)).tar(), dest);
    for (const [n, m] of Object.entries(modes)) expect(fs.statSync(path.join(dest, n)).mode & 0o7777).toBe(m);
    expect(fs.statSync(path.join(dest, 'sticky')).mode & 0o7777).toBe(0o1777);
    expect(fs.statSync(path.join(dest, 'closed')).mode & 0o7777).toBe(0o000);
    expect(fs.readFileSync(path.join(dest, 'closed/f'), 'utf8')).toBe('f');
  });
});
