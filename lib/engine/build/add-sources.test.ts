import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import http from 'node:http';
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import tar from 'tar-stream';
import { detectArchive, extractArchive } from './archive-extract.ts';
import { download, fileName } from './add-url.ts';
import { egressPolicy } from '../egress/egress.ts';

let tmp: string;
let server: http.Server;
let base = '';
const payload = Buffer.from('downloaded bytes\n');

beforeAll(async () => {
  tmp = await fs.mkdtemp(path.join(os.tmpdir(), 'add-sources-'));
  const src = path.join(tmp, 'src');
  await fs.mkdir(path.join(src, 'dir'), { recursive: true });
  await fs.writeFile(path.join(src, 'dir/a.txt'), 'A');
  await fs.symlink('a.txt', path.join(src, 'dir/link'));
  await fs.link(path.join(src, 'dir/a.txt'), path.join(src, 'dir/hard'));
  await fs.chmod(path.join(src, 'dir/a.txt'), 0o4750);
  execFileSync('tar', ['-cf', path.join(tmp, 'x.tar'), '-C', src, 'dir']);
  execFileSync('sh', ['-c', `gzip -c x.tar > x.tgz && bzip2 -c x.tar > x.tar.bz2 && xz -c x.tar > x.tar.xz && gzip -c /etc/hostname > plain.gz`], { cwd: tmp });
  server = http.createServer((req, res) => {
    if (req.url === '/download?id=7') {
      res.writeHead(200, { 'content-disposition': 'attachment; filename="../../etc/report.csv"' });
      res.end('a,b\n');
    } else if (req.url === '/files/tool.sh') {
      res.writeHead(200, { 'last-modified': 'Wed, 21 Oct 2015 07:28:00 GMT' });
      res.end(payload);
    } else {
      res.writeHead(404);
      res.end();
    }
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  base = `http://127.0.0.1:${(server.address() as { port: number }).port}`;
});
afterAll(async () => {
  await new Promise((r) => server.close(r));
  await fs.rm(tmp, { recursive: true, force: true });
});

async function hostile(name: string, entries: { name: string; type?: 'file' | 'symlink' | 'link'; linkname?: string; data?: string }[]): Promise<string> {
  const pack = tar.pack();
  for (const e of entries) {
    const header = { name: e.name, type: e.type ?? 'file', linkname: e.linkname, mode: 0o644 } as const;
    if (e.type && e.type !== 'file') pack.entry(header);
    else pack.entry(header, e.data ?? '');
  }
  pack.finalize();
  const chunks: Buffer[] = [];
  for await (const c of pack) chunks.push(c as Buffer);
  const file = path.join(tmp, name);
  await fs.writeFile(file, Buffer.concat(chunks));
  return file;
}

describe('ADD archive detection and extraction', () => {
  it('detects archives by content, not by name', async () => {
    expect(await detectArchive(path.join(tmp, 'x.tar'))).toBe('none');
    expect(await detectArchive(path.join(tmp, 'x.tgz'))).toBe('gzip');
    expect(await detectArchive(path.join(tmp, 'x.tar.bz2'))).toBe('bzip2');
    expect(await detectArchive(path.join(tmp, 'x.tar.xz'))).toBe('xz');
    expect(await detectArchive(path.join(tmp, 'plain.gz'))).toBeUndefined();
  });

  for (const f of ['x.tar', 'x.tgz', 'x.tar.bz2', 'x.tar.xz']) {
    it(`extracts ${f} with modes, symlinks and hardlinks`, async () => {
      const file = path.join(tmp, f);
      const dest = await fs.mkdtemp(path.join(tmp, 'dest-'));
      const r = await extractArchive(file, (await detectArchive(file))!, dest, { instruction: 'ADD', archiveName: f });
      expect(r.entries).toBe(4);
      expect(await fs.readFile(path.join(dest, 'dir/a.txt'), 'utf8')).toBe('A');
      expect((await fs.stat(path.join(dest, 'dir/a.txt'))).mode & 0o7777).toBe(0o4750);
      expect(await fs.readlink(path.join(dest, 'dir/link'))).toBe('a.txt');
      expect((await fs.stat(path.join(dest, 'dir/hard'))).ino).toBe((await fs.stat(path.join(dest, 'dir/a.txt'))).ino);
    });
  }

  const cases: [string, Parameters<typeof hostile>[1], RegExp][] = [
    ['dotdot.tar', [{ name: '../evil', data: 'x' }], /"\.\.", which leads outside/],
    ['abs.tar', [{ name: '/etc/evil', data: 'x' }], /absolute entry paths/],
    ['symlink-then-file.tar', [{ name: 'l', type: 'symlink', linkname: '/tmp' }, { name: 'l/evil', data: 'x' }], /is a symbolic link/],
    ['hardlink-out.tar', [{ name: 'h', type: 'link', linkname: '../../etc/passwd' }], /"\.\.", which leads outside/],
    ['hardlink-missing.tar', [{ name: 'h', type: 'link', linkname: 'etc/shadow' }], /not inside the archive's destination/],
  ];
  for (const [name, entries, re] of cases) {
    it(`refuses a hostile archive: ${name}`, async () => {
      const file = await hostile(name, entries);
      const dest = await fs.mkdtemp(path.join(tmp, 'dest-'));
      await expect(extractArchive(file, 'none', dest, { instruction: 'ADD', archiveName: name })).rejects.toThrow(re);
      await expect(fs.access('/tmp/evil')).rejects.toThrow();
    });
  }
});

describe('ADD archive expansion limits', () => {
  /** A gzip tar of one zero-filled file (a decompression bomb, ~1000:1). */
  async function bomb(name: string, bytes: number): Promise<string> {
    const file = path.join(tmp, name);
    execFileSync('sh', ['-c', `head -c ${bytes} /dev/zero > zeros && tar -cf - zeros | gzip -9 > ${name} && rm zeros`], { cwd: tmp });
    return file;
  }
  const du = (dir: string) => Number(execFileSync('du', ['-sb', dir]).toString().split('\t')[0]);

  it('stops a bomb at the ratio (LAB_MAX_ARCHIVE_RATIO) while streaming, with little on disk', async () => {
    const file = await bomb('bomb.tgz', 64 << 20);
    const dest = await fs.mkdtemp(path.join(tmp, 'dest-'));
    await expect(extractArchive(file, 'gzip', dest, { instruction: 'ADD', archiveName: 'bomb.tgz', limits: { ratio: 10 } })).rejects.toThrow(/expands more than 10 times.*LAB_MAX_ARCHIVE_RATIO/);
    expect(du(dest)).toBeLessThan(20 << 20);
  });

  it('stops at the byte limit (LAB_MAX_ARCHIVE_BYTES)', async () => {
    const file = await bomb('bytes.tgz', 8 << 20);
    const dest = await fs.mkdtemp(path.join(tmp, 'dest-'));
    await expect(extractArchive(file, 'gzip', dest, { instruction: 'ADD', archiveName: 'bytes.tgz', limits: { bytes: 1 << 20 } })).rejects.toMatchObject({ code: 'RESOURCE_LIMIT', message: expect.stringMatching(/more than 1 MiB.*LAB_MAX_ARCHIVE_BYTES/) });
    expect(du(dest)).toBeLessThan(2 << 20);
  });

  it('stops at the entry count (LAB_MAX_ARCHIVE_ENTRIES)', async () => {
    const file = await hostile('many.tar', Array.from({ length: 20 }, (_, i) => ({ name: `f${i}`, data: 'x' })));
    const dest = await fs.mkdtemp(path.join(tmp, 'dest-'));
    await expect(extractArchive(file, 'none', dest, { instruction: 'ADD', archiveName: 'many.tar', limits: { entries: 5 } })).rejects.toThrow(/more than 5 entries.*LAB_MAX_ARCHIVE_ENTRIES/);
    expect((await fs.readdir(dest)).length).toBeLessThanOrEqual(5);
  });
});

describe('ADD URL', () => {
  // The test server is on loopback, which the egress policy refuses; allow exactly its host:port.
  const opts = () => ({ tmpDir: tmp, policy: egressPolicy('add', { env: { LAB_EGRESS_ALLOW: new URL(base).host } }) });

  it('downloads to a file with mode 0600 and Last-Modified as mtime', async () => {
    const d = await download(`${base}/files/tool.sh`, opts());
    expect(d.name).toBe('tool.sh');
    expect(d.mode).toBe(0o600);
    expect(d.mtime?.toISOString()).toBe('2015-10-21T07:28:00.000Z');
    expect((await fs.readFile(d.file)).equals(payload)).toBe(true);
    expect((await fs.stat(d.file)).mode & 0o777).toBe(0o600);
    expect(d.size).toBe(payload.length);
    await d.dispose();
    await expect(fs.stat(d.file)).rejects.toThrow(/ENOENT/);
  });

  it('verifies --checksum and leaves no file behind on a mismatch', async () => {
    const good = `sha256:${createHash('sha256').update(payload).digest('hex')}`;
    const before = (await fs.readdir(tmp)).filter((n) => n.startsWith('add-')).length;
    const d = await download(`${base}/files/tool.sh`, { ...opts(), checksum: good });
    expect(d).toMatchObject({ digest: good });
    await d.dispose();
    await expect(download(`${base}/files/tool.sh`, { ...opts(), checksum: `sha256:${'0'.repeat(64)}` })).rejects.toThrow(/checksum mismatch/);
    expect((await fs.readdir(tmp)).filter((n) => n.startsWith('add-')).length).toBe(before);
  });

  it('names the file as BuildKit does: Content-Disposition first, never a path; no Last-Modified gives the epoch', async () => {
    // source/http getFileName + save (mTime := time.Unix(0, 0))
    const d = await download(`${base}/download?id=7`, opts());
    expect(d.name).toBe('report.csv');
    expect(d.mtime?.getTime()).toBe(0);
    await d.dispose();
    expect(fileName('/a/%2e%2e', null)).toBe('__unnamed__');
    expect(fileName('/a/b%2Fc', null)).toBe('__unnamed__');
    expect(fileName('/pkg/tool-1.2.tar.gz', null)).toBe('tool-1.2.tar.gz');
    expect(fileName('/', "attachment; filename*=UTF-8''na%C3%AFve.txt")).toBe('naïve.txt');
  });

  it('reports HTTP errors', async () => {
    await expect(download(`${base}/missing`, opts())).rejects.toThrow(/HTTP 404/);
  });

  it('refuses the same loopback server without the allow entry', async () => {
    await expect(download(`${base}/files/tool.sh`, { tmpDir: tmp, policy: egressPolicy('add', { env: {} }) })).rejects.toThrow(/refused: 127\.0\.0\.1 is a loopback address/);
  });
});
