// Checksums of COPY/ADD sources: content and metadata, never mtime (so `touch` keeps the cache).
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import fsp from 'node:fs/promises';
import type { Stats } from 'node:fs';

export type SourceFile = {
  /** Path relative to the source root, '/'-separated (what miss reasons print). */
  rel: string;
  /** Absolute host path. */
  abs: string;
};

export type ChecksumOptions = {
  /** Build context: uid/gid are reset to 0 like BuildKit does (files are copied as root). */
  resetOwner?: boolean;
};

// Content hashes keyed by inode identity + size + mtime + ctime: a changed file always has a
// new ctime, so a hit here can only be the same bytes. Bounded so a daemon cannot grow forever.
const memo = new Map<string, string>();
const MEMO_MAX = 200_000;

function typeOf(st: Stats): string {
  if (st.isFile()) return 'file';
  if (st.isDirectory()) return 'dir';
  if (st.isSymbolicLink()) return 'symlink';
  if (st.isFIFO()) return 'fifo';
  if (st.isCharacterDevice()) return 'char';
  if (st.isBlockDevice()) return 'block';
  return 'socket';
}

async function contentHash(abs: string, st: Stats): Promise<string> {
  const memoKey = `${st.dev}:${st.ino}:${st.size}:${st.mtimeMs}:${st.ctimeMs}`;
  const known = memo.get(memoKey);
  if (known) return known;
  const h = createHash('sha256');
  if (st.size < 1 << 20) {
    h.update(await fsp.readFile(abs));
  } else {
    await new Promise<void>((resolve, reject) => {
      fs.createReadStream(abs)
        .on('data', (c) => h.update(c))
        .on('error', reject)
        .on('end', () => resolve());
    });
  }
  const hex = h.digest('hex');
  if (memo.size >= MEMO_MAX) memo.clear();
  memo.set(memoKey, hex);
  return hex;
}

/** One file's checksum: "type mode uid:gid size [-> target] [sha256]". */
export async function fileChecksum(abs: string, opts: ChecksumOptions = {}, st?: Stats): Promise<string> {
  const s = st ?? (await fsp.lstat(abs));
  const owner = opts.resetOwner ? '0:0' : `${s.uid}:${s.gid}`;
  const mode = (s.mode & 0o7777).toString(8);
  const type = typeOf(s);
  let tail = '';
  if (type === 'file') tail = ` ${s.size} ${await contentHash(abs, s)}`;
  else if (type === 'symlink') tail = ` -> ${await fsp.readlink(abs)}`;
  else if (type === 'char' || type === 'block') tail = ` ${s.rdev}`;
  return `${type} ${mode} ${owner}${tail}`;
}

/** Checksums of every selected source, by relative path (input of the cache key). */
export async function checksumFiles(files: SourceFile[], opts: ChecksumOptions = {}): Promise<Record<string, string>> {
  const out: Record<string, string> = {};
  const queue = [...files];
  const workers = Array.from({ length: Math.min(8, queue.length) }, async () => {
    for (let f = queue.shift(); f; f = queue.shift()) out[f.rel] = await fileChecksum(f.abs, opts);
  });
  await Promise.all(workers);
  return out;
}
