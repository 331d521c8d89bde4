// The context on the wire: a tar stream of the filtered entries (what the docker CLI sends
// to the daemon) and a safe unpacker for the receiving side.
import fs from 'node:fs';
import fsp from 'node:fs/promises';
import path from 'node:path';
import { PassThrough, Transform, type Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import tar from 'tar-stream';
import { EngineError, ErrorCodes } from '../errors.ts';
import { formatBytes, limitError, MAX_CONTEXT_BYTES } from '../limits.ts';
import type { ContextEntry } from './index.ts';

/** Streams the entries as an uncompressed tar; files are read as they are packed. */
export function packContext(entries: AsyncIterable<ContextEntry>): Readable {
  const pack = tar.pack();
  const out = new PassThrough();
  pack.pipe(out);
  (async () => {
    for await (const e of entries) {
      // tar-stream replaces a falsy mode with its default and masks to 0o7777 when encoding; a type bit
      // (S_IFREG, masked away) keeps a real 0000 from being read as "unset".
      const base = { name: e.path, mode: e.mode | 0o100000, mtime: new Date(Math.floor(e.mtimeMs / 1000) * 1000), uid: e.uid, gid: e.gid };
      if (e.type === 'dir') {
        await new Promise<void>((res, rej) => pack.entry({ ...base, type: 'directory' }, (err) => (err ? rej(err) : res())));
      } else if (e.type === 'symlink') {
        await new Promise<void>((res, rej) => pack.entry({ ...base, type: 'symlink', linkname: e.linkTarget ?? '' }, (err) => (err ? rej(err) : res())));
      } else if (e.type === 'file') {
        const sink = pack.entry({ ...base, type: 'file', size: e.size });
        await pipeline(fs.createReadStream(e.absPath), sink);
      }
      // sockets, fifos and devices are not sent (docker skips them too)
    }
    pack.finalize();
  })().catch((err) => out.destroy(err));
  return out;
}

export type UnpackResult = { files: number; dirs: number; symlinks: number; bytes: number };

/** Limits for contexts that come from elsewhere (a web upload, a remote client). */
export type UnpackOptions = { maxBytes?: number; maxEntries?: number };

function refuse(name: string, why: string): EngineError {
  return new EngineError(ErrorCodes.CONTEXT_ESCAPE, `refusing context tar entry "${name}": ${why}`);
}

/** A tar entry name as a safe relative path, or an error when it would land outside. */
function safeRelative(name: string): string {
  const n = path.posix.normalize(name.replace(/^(\.\/)+/, ''));
  if (path.posix.isAbsolute(n)) throw refuse(name, 'absolute paths are not allowed');
  if (n === '..' || n.startsWith('../')) throw refuse(name, 'it climbs out of the destination with ".."');
  return n.replace(/\/+$/, '');
}

/** Creates the parent directories of `rel` under dest, refusing to pass through symlinks. */
async function ensureParents(dest: string, rel: string): Promise<void> {
  const parts = rel.split('/').slice(0, -1);
  let cur = dest;
  for (const p of parts) {
    cur = path.join(cur, p);
    const st = await fsp.lstat(cur).catch(() => null);
    if (!st) await fsp.mkdir(cur);
    else if (st.isSymbolicLink()) throw refuse(rel, `its parent "${path.relative(dest, cur)}" is a symbolic link`);
    else if (!st.isDirectory()) throw refuse(rel, `its parent "${path.relative(dest, cur)}" is not a directory`);
  }
}

async function removeExisting(target: string): Promise<void> {
  const st = await fsp.lstat(target).catch(() => null);
  if (st && !st.isDirectory()) await fsp.unlink(target);
}

function contextTooBig(max: number) {
  return limitError(`the build context is larger than ${formatBytes(max)}`, formatBytes(max), 'LAB_MAX_CONTEXT_BYTES', 'add a .dockerignore that excludes what the build does not need');
}

/**
 * Passes a context tar through while counting: fails the moment more than `max` bytes came
 * (the daemon puts it between the client's upload and the temp file, so it never writes more).
 */
export function limitContextBytes(max = MAX_CONTEXT_BYTES): Transform {
  let seen = 0;
  return new Transform({
    transform(chunk: Buffer, _enc, cb) {
      seen += chunk.length;
      cb(seen > max ? contextTooBig(max) : null, seen > max ? undefined : chunk);
    },
  });
}

/** Unpacks a context tar into `dest` (created if missing). Never writes outside `dest`. */
export async function unpackContext(stream: Readable, dest: string, opts: UnpackOptions = {}): Promise<UnpackResult> {
  await fsp.mkdir(dest, { recursive: true });
  const root = await fsp.realpath(dest);
  const extract = tar.extract();
  const result: UnpackResult = { files: 0, dirs: 0, symlinks: 0, bytes: 0 };
  const dirTimes: [string, Date | undefined, number][] = [];
  const feeding = pipeline(stream, extract);
  feeding.catch(() => {}); // a failure surfaces through the loop or the await below
  try {
    await extractEntries(extract, root, result, dirTimes, opts);
  } catch (err) {
    stream.destroy();
    throw err;
  }
  await feeding;
  // Directory modes last (deepest first), so a 0000 or read-only dir does not block its own entries.
  for (const [dir, t, mode] of dirTimes.reverse()) {
    await fsp.chmod(dir, mode);
    if (t) await fsp.utimes(dir, t, t).catch(() => {});
  }
  return result;
}

async function extractEntries(extract: tar.Extract, root: string, result: UnpackResult, dirTimes: [string, Date | undefined, number][], opts: UnpackOptions): Promise<void> {
  let entries = 0;
  let bytes = 0;
  for await (const entry of extract) {
    const h = entry.header;
    bytes += h.size ?? 0;
    if (opts.maxEntries !== undefined && ++entries > opts.maxEntries) {
      throw limitError(`the build context has more than ${opts.maxEntries} entries`, String(opts.maxEntries), 'LAB_MAX_CONTEXT_ENTRIES', 'exclude what the build does not need in .dockerignore');
    }
    if (opts.maxBytes !== undefined && bytes > opts.maxBytes) {
      throw contextTooBig(opts.maxBytes);
    }
    const rel = safeRelative(h.name);
    if (rel === '.' || rel === '') {
      entry.resume();
      continue;
    }
    await ensureParents(root, rel);
    const target = path.join(root, rel);
    // All 12 permission bits: setuid/setgid/sticky and a real 0000 survive, as in BuildKit's fsutil send.
    const mode = (h.mode ?? 0o644) & 0o7777;
    if (h.type === 'directory') {
      const st = await fsp.lstat(target).catch(() => null);
      if (st && !st.isDirectory()) throw refuse(h.name, 'a non-directory already exists there');
      if (!st) await fsp.mkdir(target, 0o700);
      dirTimes.push([target, h.mtime, mode]);
      result.dirs++;
      entry.resume();
    } else if (h.type === 'file' || h.type === 'contiguous-file') {
      await removeExisting(target);
      await pipeline(entry, fs.createWriteStream(target, { flags: 'wx', mode }));
      await fsp.chmod(target, mode);
      if (h.mtime) await fsp.utimes(target, h.mtime, h.mtime);
      result.files++;
      result.bytes += h.size ?? 0;
    } else if (h.type === 'symlink') {
      await removeExisting(target);
      await fsp.symlink(h.linkname ?? '', target);
      if (h.mtime) await fsp.lutimes(target, h.mtime, h.mtime).catch(() => {});
      result.symlinks++;
      entry.resume();
    } else if (h.type === 'link') {
      const from = path.join(root, safeRelative(h.linkname ?? ''));
      const st = await fsp.lstat(from).catch(() => null);
      if (!st || !st.isFile()) throw refuse(h.name, `hard link target "${h.linkname}" is not a regular file in the context`);
      if ((await fsp.realpath(path.dirname(from))) !== path.dirname(from)) throw refuse(h.name, 'hard link target passes through a symbolic link');
      await removeExisting(target);
      await fsp.link(from, target);
      result.files++;
      entry.resume();
    } else {
      entry.resume(); // devices, fifos: not part of a build context
    }
  }
}
