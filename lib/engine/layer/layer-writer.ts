// ChangeSet -> deterministic OCI layer tar (tar-stream) -> sha256 (diffId) -> gzip -> content
// store (blob digest). One pass: nothing is re-read to hash it.
import { createHash } from 'node:crypto';
import type { BigIntStats } from 'node:fs';
import { createReadStream, lstatSync, readFileSync, readlinkSync } from 'node:fs';
import path from 'node:path';
import { once } from 'node:events';
import zlib from 'node:zlib';
import { pipeline } from 'node:stream/promises';
import tar, { type Header } from 'tar-stream';

type Headers = Partial<Header> & { name: string };
import type { ContentStore } from '../content-store/content-store.ts';
import { EngineError } from '../errors.ts';
import { LAYER_MEDIA_TYPE_GZIP, LAYER_MEDIA_TYPE_TAR, WHITEOUT_PREFIX, type LayerResult, type WriteLayerOptions } from './layer.ts';
import { enableRawPax, encodePaxRecords, isAscii, ustarFallbackName } from './pax.ts';
import type { ChangeSet } from './upperdir-changes.ts';
import { entryContentBytes } from './content-size.ts';
import { ParallelGzip } from './parallel-gzip.ts';
import { comparePaths } from './walk.ts';

const MAX_OCTAL_ID = 0o777777;

interface PlannedEntry {
  /** tar name without trailing slash, used for ordering */
  name: string;
  header: Headers & { rawPax?: Buffer };
  /** file to stream as the body */
  source?: string;
  st?: BigIntStats;
}

function major(rdev: bigint): number {
  return Number(((rdev >> 8n) & 0xfffn) | ((rdev >> 32n) & ~0xfffn));
}
function minor(rdev: bigint): number {
  return Number((rdev & 0xffn) | ((rdev >> 12n) & ~0xffn));
}

function excluded(rel: string, exclude: string[]): boolean {
  return exclude.some((e) => rel === e || rel.startsWith(`${e}/`));
}

/** tar header (+ our PAX records where USTAR cannot hold the value) for one changed path. */
function planEntry(root: string, rel: string, cap: string | undefined, epoch: number | undefined): PlannedEntry {
  const abs = path.join(root, rel);
  const st = lstatSync(abs, { bigint: true });
  let seconds = Number(st.mtimeNs / 1_000_000_000n);
  if (epoch !== undefined && seconds > epoch) seconds = epoch;
  // mode keeps the file-type bits so tar-stream never mistakes mode 0 for "unset"
  const header: PlannedEntry['header'] = {
    name: rel,
    mode: Number(st.mode),
    uid: Number(st.uid),
    gid: Number(st.gid),
    mtime: new Date(seconds * 1000),
    size: 0,
  };
  const entry: PlannedEntry = { name: rel, header, st };
  if (st.isDirectory()) {
    header.type = 'directory';
    header.name = `${rel}/`;
  } else if (st.isFile()) {
    header.type = 'file';
    header.size = Number(st.size);
    entry.source = abs;
  } else if (st.isSymbolicLink()) {
    header.type = 'symlink';
    header.linkname = readlinkSync(abs);
  } else if (st.isCharacterDevice() || st.isBlockDevice()) {
    header.type = st.isCharacterDevice() ? 'character-device' : 'block-device';
    header.devmajor = major(st.rdev);
    header.devminor = minor(st.rdev);
  } else if (st.isFIFO()) {
    header.type = 'fifo';
  } else {
    throw new EngineError('SNAPSHOT_ERROR', `cannot put ${rel} into a layer: sockets are not allowed in image layers`);
  }
  const pax: [string, Buffer][] = [];
  if (cap) pax.push(['SCHILY.xattr.security.capability', Buffer.from(cap, 'hex')]);
  if (header.uid! > MAX_OCTAL_ID) pax.push(['uid', Buffer.from(String(header.uid))]);
  if (header.gid! > MAX_OCTAL_ID) pax.push(['gid', Buffer.from(String(header.gid))]);
  finishPax(header, pax);
  return entry;
}

/** Moves names/targets that USTAR cannot hold into PAX records (and only then). */
function finishPax(header: PlannedEntry['header'], pax: [string, Buffer][]): void {
  if (!isAscii(header.name) || Buffer.byteLength(header.name) > 100) {
    pax.push(['path', Buffer.from(header.name)]);
    header.name = ustarFallbackName(header.name);
  }
  if (header.linkname && (!isAscii(header.linkname) || Buffer.byteLength(header.linkname) > 100)) {
    pax.push(['linkpath', Buffer.from(header.linkname)]);
    header.linkname = ustarFallbackName(header.linkname);
  }
  if (pax.some(([k]) => k === 'uid')) header.uid = 0;
  if (pax.some(([k]) => k === 'gid')) header.gid = 0;
  if (pax.length) header.rawPax = encodePaxRecords(pax);
}

function whiteoutEntry(rel: string, epoch: number | undefined): PlannedEntry {
  const slash = rel.lastIndexOf('/');
  const name = slash < 0 ? `${WHITEOUT_PREFIX}${rel}` : `${rel.slice(0, slash)}/${WHITEOUT_PREFIX}${rel.slice(slash + 1)}`;
  const seconds = epoch ?? 0;
  const header: PlannedEntry['header'] = { name, type: 'file', mode: 0o100644, uid: 0, gid: 0, size: 0, mtime: new Date(seconds * 1000) };
  finishPax(header, []);
  return { name, header };
}

async function planEntries(set: ChangeSet, opts: WriteLayerOptions): Promise<PlannedEntry[]> {
  const exclude = (opts.exclude ?? []).map((e) => e.replace(/^\/+|\/+$/g, ''));
  const entries: PlannedEntry[] = [];
  for (const change of set.changes) {
    if (excluded(change.path, exclude)) continue;
    if (change.kind === 'delete') entries.push(whiteoutEntry(change.path, opts.sourceDateEpoch));
    else entries.push(planEntry(set.root, change.path, set.capabilities.get(change.path), opts.sourceDateEpoch));
  }
  entries.sort((a, b) => comparePaths(a.name, b.name));
  // several names of one inode inside this layer: the first is the file, the rest hardlinks
  const firstName = new Map<string, string>();
  for (const e of entries) {
    if (!e.st || !e.st.isFile() || e.st.nlink < 2n) continue;
    const key = `${e.st.dev}:${e.st.ino}`;
    const first = firstName.get(key);
    if (first === undefined) {
      firstName.set(key, e.name);
      continue;
    }
    e.header.type = 'link';
    e.header.size = 0;
    e.header.linkname = first;
    e.source = undefined;
    const pax: [string, Buffer][] = [];
    const capHex = set.capabilities.get(e.name);
    if (capHex) pax.push(['SCHILY.xattr.security.capability', Buffer.from(capHex, 'hex')]);
    delete e.header.rawPax;
    if (e.header.name !== e.name && !e.header.name.endsWith('/')) e.header.name = e.name;
    finishPax(e.header, pax);
  }
  return entries;
}

/** Files up to this size are read whole (synchronously: page cache, no thread-pool trip); bigger ones are streamed. */
const SMALL_FILE = 4 * 1024 * 1024;
/** The ContentWriter gets chunks of about this size (fewer write syscalls). */
const WRITE_CHUNK = 1 << 20;

async function addEntry(pack: tar.Pack, e: PlannedEntry, body?: Buffer): Promise<void> {
  await new Promise<void>((resolve, reject) => {
    const done = (err?: Error | null) => (err ? reject(err) : resolve());
    if (body) {
      if (body.length !== e.header.size) return reject(new Error(`${e.name} changed size while the layer was written`));
      pack.entry(e.header, body, done);
      return;
    }
    if (!e.source) {
      // whiteouts are empty regular files: give them an (empty) body so the entry ends
      if (e.header.type === 'file') pack.entry(e.header, Buffer.alloc(0), done);
      else pack.entry(e.header, done);
      return;
    }
    const sink = pack.entry(e.header, done);
    const src = createReadStream(e.source, { highWaterMark: 1 << 20 });
    src.on('error', (err) => {
      sink.destroy(err);
      reject(err);
    });
    src.pipe(sink as unknown as NodeJS.WritableStream);
  });
}

/** Writes the changes as a layer blob into `store`; hashes the tar and the blob while streaming. */
export async function writeLayer(store: ContentStore, set: ChangeSet, opts: WriteLayerOptions = {}): Promise<LayerResult> {
  const entries = await planEntries(set, opts);
  const compression = opts.compression ?? 'gzip';
  const pack = tar.pack();
  enableRawPax(pack);
  const writer = await store.writer();
  const diffHash = createHash('sha256');
  let uncompressedSize = 0;
  const level = opts.gzipLevel ?? 6;
  const gz = compression === 'gzip' ? (opts.gzipMembers === 'single' ? zlib.createGzip({ level }) : new ParallelGzip(level)) : undefined;

  const produce = async () => {
    for (const e of entries) {
      const body = e.source && (e.header.size ?? 0) <= SMALL_FILE ? readFileSync(e.source) : undefined;
      await addEntry(pack, e, body);
    }
    pack.finalize();
  };
  let pending: Buffer[] = [];
  let pendingBytes = 0;
  const toStore = async (chunk: Buffer | undefined) => {
    if (chunk) {
      pending.push(chunk);
      pendingBytes += chunk.length;
    }
    if (pendingBytes >= WRITE_CHUNK || (!chunk && pendingBytes > 0)) {
      const buf = Buffer.concat(pending);
      pending = [];
      pendingBytes = 0;
      await writer.write(buf);
    }
  };
  const feed = async () => {
    for await (const chunk of pack as AsyncIterable<Buffer>) {
      diffHash.update(chunk);
      uncompressedSize += chunk.length;
      if (gz) {
        if (!gz.write(chunk)) await once(gz, 'drain');
      } else await toStore(chunk);
    }
    if (gz) gz.end();
    else await toStore(undefined);
  };
  const consume = async () => {
    if (!gz) return;
    for await (const chunk of gz as AsyncIterable<Buffer>) await toStore(chunk);
    await toStore(undefined);
  };
  try {
    await Promise.all([produce(), feed(), consume()]).catch((err) => {
      (pack as unknown as { destroy(e?: Error): void }).destroy(err);
      gz?.destroy(err);
      throw err;
    });
    const info = await writer.commit();
    const diffId = `sha256:${diffHash.digest('hex')}`;
    return {
      digest: info.digest,
      diffId,
      size: info.size,
      uncompressedSize,
      contentSize: entries.reduce((n, e) => n + entryContentBytes({ name: e.header.name ?? e.name, type: e.header.type, size: e.header.size, linkname: e.header.linkname }), 0),
      mediaType: gz ? LAYER_MEDIA_TYPE_GZIP : LAYER_MEDIA_TYPE_TAR,
      entries: entries.length,
      empty: entries.length === 0,
    };
  } catch (err) {
    if (err instanceof EngineError) throw err;
    throw new EngineError('SNAPSHOT_ERROR', `writing the layer failed: ${(err as Error).message}`, { cause: err });
  } finally {
    await writer.abort();
  }
}

/** Writes the changes as a plain tar into `out` (the `-o type=tar|local` export); ends `out`. */
export async function packChangeSet(set: ChangeSet, out: NodeJS.WritableStream, opts: WriteLayerOptions = {}): Promise<void> {
  const entries = await planEntries(set, opts);
  const pack = tar.pack();
  enableRawPax(pack);
  const done = pipeline(pack, out);
  done.catch(() => undefined); // awaited below; not an unhandled rejection meanwhile
  try {
    for (const e of entries) await addEntry(pack, e, e.source && (e.header.size ?? 0) <= SMALL_FILE ? readFileSync(e.source) : undefined);
    pack.finalize();
  } catch (err) {
    pack.destroy(err as Error);
    await done; // the sink's own error (e.g. the client went away) is the one to report
    throw err;
  }
  await done;
}
