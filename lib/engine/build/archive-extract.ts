// ADD of a local archive: detect tar / tar.gz / tar.bz2 / tar.xz by content (not by name, like
// Docker) and extract it safely: no "..", no absolute names, never through a symlink, hardlinks
// only to entries inside the destination. Hostile archives fail with UNSAFE_ARCHIVE.
import fs from 'node:fs';
import fsp from 'node:fs/promises';
import path from 'node:path';
import zlib from 'node:zlib';
import { spawn } from 'node:child_process';
import { PassThrough, Readable, Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import tar from 'tar-stream';
import { EngineError, ErrorCodes, type SourceRange } from '../errors.ts';
import { CAPABILITY_XATTR } from '../layer/layer.ts';
import { PaxSniffer } from '../layer/pax-sniffer.ts';
import { setXattr } from '../layer/xattr.ts';
import { formatBytes, limitError, MAX_ARCHIVE_BYTES, MAX_ARCHIVE_ENTRIES, MAX_ARCHIVE_RATIO } from '../limits.ts';

export type Compression = 'none' | 'gzip' | 'bzip2' | 'xz' | 'zstd';

/** Reads the first bytes of a file and tells whether ADD would extract it. */
export async function detectArchive(file: string): Promise<Compression | undefined> {
  const fh = await fsp.open(file, 'r');
  let head: Buffer;
  try {
    head = Buffer.alloc(512);
    const { bytesRead } = await fh.read(head, 0, 512, 0);
    head = head.subarray(0, bytesRead);
  } finally {
    await fh.close();
  }
  const comp = compressionOf(head);
  if (comp === 'none') return isTarHeader(head) ? 'none' : undefined;
  // Compressed: it is an archive only if the decompressed bytes start with a tar header.
  const first = await firstDecompressedBlock(file, comp).catch(() => undefined);
  return first && isTarHeader(first) ? comp : undefined;
}

function compressionOf(b: Buffer): Compression {
  if (b[0] === 0x1f && b[1] === 0x8b) return 'gzip';
  if (b.subarray(0, 3).toString('latin1') === 'BZh') return 'bzip2';
  if (b.subarray(0, 6).equals(Buffer.from([0xfd, 0x37, 0x7a, 0x58, 0x5a, 0x00]))) return 'xz';
  if (b.subarray(0, 4).equals(Buffer.from([0x28, 0xb5, 0x2f, 0xfd]))) return 'zstd';
  return 'none';
}

function isTarHeader(b: Buffer): boolean {
  if (b.length < 512) return false;
  const magic = b.subarray(257, 262).toString('latin1');
  if (magic === 'ustar') return true;
  // Old v7 tars: a valid header checksum is the only sign.
  const stored = parseInt(b.subarray(148, 156).toString('latin1').replace(/\0/g, '').trim(), 8);
  if (!Number.isFinite(stored)) return false;
  let sum = 0;
  for (let i = 0; i < 512; i++) sum += i >= 148 && i < 156 ? 32 : b[i];
  return sum === stored;
}

function decompress(file: string, comp: Compression): Readable {
  const input = fs.createReadStream(file);
  if (comp === 'none') return input;
  if (comp === 'gzip') return input.pipe(zlib.createGunzip());
  const tool = comp === 'bzip2' ? 'bzip2' : comp === 'xz' ? 'xz' : 'zstd';
  const child = spawn(tool, ['-dc'], { stdio: ['pipe', 'pipe', 'ignore'] });
  const out = new PassThrough();
  input.pipe(child.stdin);
  child.stdin.on('error', () => undefined);
  child.stdout.pipe(out);
  child.on('error', (err) => out.destroy(new EngineError(ErrorCodes.UNAVAILABLE, `ADD needs "${tool}" to extract this archive: ${err.message}`)));
  child.on('close', (code) => {
    if (code !== 0 && code !== null) out.destroy(new EngineError(ErrorCodes.INVALID_INPUT, `${tool} could not decompress the archive (exit code ${code})`));
  });
  return out;
}

async function firstDecompressedBlock(file: string, comp: Compression): Promise<Buffer> {
  const stream = decompress(file, comp);
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const c of stream) {
    chunks.push(c as Buffer);
    size += (c as Buffer).length;
    if (size >= 512) break;
  }
  stream.destroy();
  return Buffer.concat(chunks);
}

export type ExtractOptions = {
  chown?: { uid: number; gid: number };
  instruction: string;
  archiveName: string;
  range?: SourceRange;
  /** Defaults: LAB_MAX_ARCHIVE_BYTES / _ENTRIES / _RATIO (limits.ts). */
  limits?: Partial<ArchiveLimits>;
};

export type ArchiveLimits = { bytes: number; entries: number; ratio: number };

/** The ratio applies once this much was expanded: small archives of zeros are harmless. */
const RATIO_FLOOR = 16 * 1024 * 1024;

/**
 * Counts the decompressed bytes as they stream to the tar parser and fails the moment the
 * archive expands past the byte limit or past `ratio` × its compressed size (a bomb).
 */
function expansionGuard(compressed: number, l: ArchiveLimits, fail: (what: string, limit: string, variable: string) => Error): Transform {
  let seen = 0;
  return new Transform({
    transform(chunk: Buffer, _enc, cb) {
      seen += chunk.length;
      if (seen > l.bytes) return cb(fail(`expands to more than ${formatBytes(l.bytes)}`, formatBytes(l.bytes), 'LAB_MAX_ARCHIVE_BYTES'));
      if (seen > RATIO_FLOOR && seen > l.ratio * compressed) {
        return cb(fail(`expands more than ${l.ratio} times its compressed size of ${formatBytes(compressed)}`, `${l.ratio}x`, 'LAB_MAX_ARCHIVE_RATIO'));
      }
      cb(null, chunk);
    },
  });
}

/** Extracts `file` into the host directory `destHost` (which must exist). */
export async function extractArchive(file: string, comp: Compression, destHost: string, opts: ExtractOptions): Promise<{ entries: number; bytes: number }> {
  const unsafe = (name: string, why: string) =>
    new EngineError(ErrorCodes.UNSAFE_ARCHIVE, `${opts.instruction} ${opts.archiveName}: refusing to extract "${name}": ${why}`, { range: opts.range });

  /** Host path of an entry name; parents must be real directories inside the destination. */
  const place = async (name: string, what: string): Promise<string> => {
    if (name.startsWith('/')) throw unsafe(name, `absolute ${what} paths are not allowed in an archive`);
    const parts = name.split('/').filter((p) => p !== '' && p !== '.');
    if (parts.includes('..')) throw unsafe(name, `"..", which leads outside the destination`);
    let cur = destHost;
    for (const part of parts.slice(0, -1)) {
      cur = path.join(cur, part);
      const st = await fsp.lstat(cur).catch(() => null);
      if (!st) await fsp.mkdir(cur, { mode: 0o755 });
      else if (st.isSymbolicLink()) throw unsafe(name, `its parent "${path.relative(destHost, cur)}" is a symbolic link (writing through it could leave the destination)`);
      else if (!st.isDirectory()) throw unsafe(name, `its parent "${path.relative(destHost, cur)}" is not a directory`);
    }
    return parts.length ? path.join(cur, parts[parts.length - 1]) : destHost;
  };

  const limits: ArchiveLimits = { bytes: MAX_ARCHIVE_BYTES, entries: MAX_ARCHIVE_ENTRIES, ratio: MAX_ARCHIVE_RATIO, ...opts.limits };
  const tooBig = (what: string, limit: string, variable: string) => {
    const e = limitError(`${opts.instruction} ${opts.archiveName}: the archive ${what}`, limit, variable, 'extract it in a RUN step instead, or make it smaller');
    return new EngineError(e.code, e.message, { range: opts.range });
  };
  const dirTimes: { host: string; mtime: Date }[] = [];
  let entries = 0;
  let bytes = 0;
  const extract = tar.extract();
  // security.capability comes from the raw PAX record (tar-stream decodes values as text);
  // set after chown, which clears it, as moby's archive.Untar applies SCHILY.xattr records
  const sniffer = new PaxSniffer();
  const caps: [string, string][] = [];
  const done = (async () => {
    for await (const entry of extract) {
      const h = entry.header;
      const host = await place(h.name, 'entry');
      const uid = opts.chown?.uid ?? h.uid ?? 0;
      const gid = opts.chown?.gid ?? h.gid ?? 0;
      const mode = (h.mode ?? 0o644) & 0o7777;
      const mtime = h.mtime ?? new Date(0);
      const existing = host === destHost ? null : await fsp.lstat(host).catch(() => null);
      if (existing && !(existing.isDirectory() && h.type === 'directory')) await fsp.rm(host, { recursive: true, force: true });
      entries++;
      if (entries > limits.entries) throw tooBig(`has more than ${limits.entries} entries`, String(limits.entries), 'LAB_MAX_ARCHIVE_ENTRIES');
      switch (h.type) {
        case 'directory':
          if (!existing || !existing.isDirectory()) await fsp.mkdir(host, { recursive: true });
          await fsp.chown(host, uid, gid);
          await fsp.chmod(host, mode);
          dirTimes.push({ host, mtime });
          entry.resume();
          break;
        case 'file':
        case 'contiguous-file': {
          await pipeline(entry, fs.createWriteStream(host, { mode: 0o600 }));
          await fsp.chown(host, uid, gid);
          await fsp.chmod(host, mode);
          await fsp.utimes(host, mtime, mtime);
          const cap = sniffer.capabilities.get(h.name);
          if (cap) caps.push([host, cap.toString('hex')]);
          bytes += h.size ?? 0;
          break;
        }
        case 'symlink':
          await fsp.symlink(h.linkname ?? '', host);
          await fsp.lchown(host, uid, gid);
          await fsp.lutimes(host, mtime, mtime);
          entry.resume();
          break;
        case 'link': {
          const target = await place(h.linkname ?? '', 'hardlink target');
          const st = await fsp.lstat(target).catch(() => null);
          if (!st) throw unsafe(h.name, `it is a hardlink to "${h.linkname}", which is not inside the archive's destination`);
          await fsp.link(target, host);
          entry.resume();
          break;
        }
        default:
          // Devices, fifos and unknown types are skipped, as a rootless extraction would.
          entries--;
          entry.resume();
      }
    }
  })();
  const source = decompress(file, comp);
  const guard = expansionGuard((await fsp.stat(file)).size, limits, tooBig);
  source.on('error', (err) => extract.destroy(err));
  guard.on('error', (err) => {
    source.destroy();
    extract.destroy(err);
  });
  sniffer.on('error', (err) => extract.destroy(err));
  source.pipe(guard).pipe(sniffer).pipe(extract);
  await done.finally(() => source.destroy());
  for (const [host, hex] of caps) await setXattr(host, CAPABILITY_XATTR, hex);
  for (const d of dirTimes.reverse()) await fsp.utimes(d.host, d.mtime, d.mtime);
  return { entries, bytes };
}
