// Unpacking an image archive (docker save / podman save / buildah push oci-archive:) into a
// private temp dir, safely: only regular files and directories, no "..", no absolute names;
// symlinks (old docker archives link identical layer.tar files) are resolved inside the dir.
import { createWriteStream } from 'node:fs';
import fs from 'node:fs/promises';
import path from 'node:path';
import { PassThrough, type Readable } from 'node:stream';
import { finished, pipeline } from 'node:stream/promises';
import { createGunzip } from 'node:zlib';
import tar from 'tar-stream';
import { EngineError } from '../errors.ts';

function unsafe(name: string, why: string): EngineError {
  return new EngineError('INVALID_INPUT', `image archive entry "${name}" ${why}; refusing to load it`);
}

/** Clean relative path of an archive entry, or an error for names leaving the archive. */
export function archivePath(name: string): string {
  const n = name.replace(/^\.\/+/, '').replace(/\/+$/, '');
  if (!n || n === '.') return '';
  if (n.startsWith('/')) throw unsafe(name, 'has an absolute path');
  const parts = n.split('/').filter((p) => p && p !== '.');
  if (parts.includes('..')) throw unsafe(name, 'contains ".."');
  return parts.join('/');
}

/** Peeks at the first bytes: gzip archives are unwrapped (docker load accepts them too). */
async function maybeGunzip(input: Readable): Promise<Readable> {
  const it = input[Symbol.asyncIterator]();
  const first = await it.next();
  const out = new PassThrough();
  const head: Buffer | undefined = first.done ? undefined : Buffer.from(first.value as Buffer);
  (async () => {
    try {
      if (head) out.write(head);
      for (let r = await it.next(); !r.done; r = await it.next()) if (!out.write(r.value)) await new Promise((res) => out.once('drain', res));
      out.end();
    } catch (err) {
      out.destroy(err as Error);
    }
  })();
  if (head && head[0] === 0x1f && head[1] === 0x8b) {
    const gz = createGunzip();
    out.on('error', (e) => gz.destroy(e));
    return out.pipe(gz);
  }
  return out;
}

/** Extracts into `dir` (must exist, empty). Returns the list of regular files (relative paths). */
export async function extractArchive(input: Readable, dir: string): Promise<string[]> {
  const files: string[] = [];
  const links: Array<[string, string]> = [];
  const extract = tar.extract();
  const drain = async (stream: Readable) => {
    stream.resume();
    await finished(stream);
  };
  const handle = async (header: tar.Header, stream: Readable) => {
    const rel = archivePath(header.name);
    if (!rel) return drain(stream);
    const target = path.join(dir, rel);
    if (header.type === 'directory') {
      await fs.mkdir(target, { recursive: true });
      return drain(stream);
    }
    if (header.type === 'file' || header.type === 'contiguous-file') {
      await fs.mkdir(path.dirname(target), { recursive: true });
      await pipeline(stream, createWriteStream(target, { flags: 'wx', mode: 0o600 }));
      files.push(rel);
      return;
    }
    if (header.type === 'symlink' || header.type === 'link') {
      const linkTarget = header.type === 'symlink' ? path.posix.join(path.posix.dirname(rel), header.linkname ?? '') : header.linkname ?? '';
      links.push([rel, archivePath(linkTarget)]);
      return drain(stream);
    }
    throw unsafe(header.name, `is a ${header.type}, not a file`);
  };
  extract.on('entry', (header, stream, next) => {
    handle(header, stream as unknown as Readable).then(
      () => next(),
      (err) => extract.destroy(err),
    );
  });
  const source = await maybeGunzip(input);
  await pipeline(source, extract);
  for (const [rel, to] of links) {
    const src = path.join(dir, to);
    const st = await fs.lstat(src).catch(() => undefined);
    if (!st?.isFile()) throw unsafe(rel, `links to "${to}", which is not a file in the archive`);
    await fs.mkdir(path.dirname(path.join(dir, rel)), { recursive: true });
    await fs.copyFile(src, path.join(dir, rel));
    files.push(rel);
  }
  return files;
}
