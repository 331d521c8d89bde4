// ContentStore on disk in OCI image-layout form: <root>/oci-layout, index.json, blobs/sha256/<hex>.
// Writers stream into <root>/ingest/<random> and rename into place after fsync + verification.
import { createHash, randomBytes } from 'node:crypto';
import { createReadStream as fsReadStream } from 'node:fs';
import fs from 'node:fs/promises';
import path from 'node:path';
import { Transform, type Readable } from 'node:stream';
import { EngineError } from '../errors.ts';
import type { BlobInfo, ContentStore, ContentWriter, Descriptor, Digest } from './content-store.ts';
import { assertDigest, digestHex, sha256 } from './digest.ts';
import { serialisedByFile } from './file-queue.ts';

/** The OCI image layout's index.json (names live in annotations["org.opencontainers.image.ref.name"]). */
export interface OciIndex {
  schemaVersion: 2;
  mediaType?: string;
  manifests: Descriptor[];
  annotations?: Record<string, string>;
}

export const OCI_INDEX_MEDIA_TYPE = 'application/vnd.oci.image.index.v1+json';

export class OciLayoutStore implements ContentStore {
  readonly root: string;
  private ready: Promise<void> | undefined;
  /** Digests protected from GC while a lease holds them (in-flight builds, pushes). */
  readonly leased = new Map<Digest, number>();

  constructor(root: string) {
    this.root = path.resolve(root);
  }

  blobPath(digest: Digest): string {
    return path.join(this.root, 'blobs', 'sha256', digestHex(digest));
  }

  get ingestDir(): string {
    return path.join(this.root, 'ingest');
  }

  /** Creates the layout on first use; removes temp files that a crashed process left (older than an hour). */
  init(): Promise<void> {
    this.ready ??= (async () => {
      await fs.mkdir(path.join(this.root, 'blobs', 'sha256'), { recursive: true });
      await fs.mkdir(this.ingestDir, { recursive: true });
      await sweepIngest(this.ingestDir, 3600_000);
      const layout = path.join(this.root, 'oci-layout');
      if (!(await exists(layout))) await atomicWriteFile(this, layout, JSON.stringify({ imageLayoutVersion: '1.0.0' }));
      const index = path.join(this.root, 'index.json');
      if (!(await exists(index))) {
        await atomicWriteFile(this, index, JSON.stringify({ schemaVersion: 2, mediaType: OCI_INDEX_MEDIA_TYPE, manifests: [] }));
      }
    })();
    return this.ready;
  }

  async has(digest: Digest): Promise<boolean> {
    return (await this.info(digest)) !== undefined;
  }

  async info(digest: Digest): Promise<BlobInfo | undefined> {
    await this.init();
    try {
      const st = await fs.stat(this.blobPath(digest));
      return { digest, size: st.size };
    } catch (err) {
      if (isNoEnt(err)) return undefined;
      throw err;
    }
  }

  async get(digest: Digest): Promise<Buffer> {
    await this.init();
    let data: Buffer;
    try {
      data = await fs.readFile(this.blobPath(digest));
    } catch (err) {
      if (isNoEnt(err)) throw notFound(digest);
      throw err;
    }
    const actual = sha256(data);
    if (actual !== digest) throw corrupted(digest, actual);
    return data;
  }

  async createReadStream(digest: Digest, range?: { start: number; end?: number }): Promise<Readable> {
    const info = await this.info(digest);
    if (!info) throw notFound(digest);
    const file = this.blobPath(digest);
    if (range) return fsReadStream(file, { start: range.start, end: range.end });
    const hash = createHash('sha256');
    const verify = new Transform({
      transform(chunk: Buffer, _enc, cb) {
        hash.update(chunk);
        cb(null, chunk);
      },
      flush(cb) {
        const actual = `sha256:${hash.digest('hex')}`;
        cb(actual === digest ? null : corrupted(digest, actual));
      },
    });
    const src = fsReadStream(file);
    src.on('error', (err) => verify.destroy(err));
    return src.pipe(verify);
  }

  async put(data: Buffer | string, expected?: Digest): Promise<BlobInfo> {
    const buf = typeof data === 'string' ? Buffer.from(data) : data;
    const w = await this.writer();
    try {
      await w.write(buf);
      return await w.commit(expected ? { digest: expected } : undefined);
    } finally {
      await w.abort();
    }
  }

  async writer(): Promise<ContentWriter> {
    await this.init();
    const tmp = path.join(this.ingestDir, `${Date.now()}-${randomBytes(8).toString('hex')}`);
    const fh = await fs.open(tmp, 'wx', 0o644);
    return new FileWriter(this, tmp, fh);
  }

  async delete(digest: Digest): Promise<void> {
    await this.init();
    try {
      await fs.unlink(this.blobPath(digest));
    } catch (err) {
      if (isNoEnt(err)) throw notFound(digest);
      throw err;
    }
  }

  async *list(): AsyncIterable<BlobInfo> {
    await this.init();
    const dir = path.join(this.root, 'blobs', 'sha256');
    for (const name of (await fs.readdir(dir)).sort()) {
      if (!/^[a-f0-9]{64}$/.test(name)) continue;
      try {
        const st = await fs.stat(path.join(dir, name));
        yield { digest: `sha256:${name}`, size: st.size };
      } catch (err) {
        if (!isNoEnt(err)) throw err; // deleted meanwhile
      }
    }
  }

  /** Reads index.json (the names of the layout). */
  async readIndex(): Promise<OciIndex> {
    await this.init();
    const raw = await fs.readFile(path.join(this.root, 'index.json'), 'utf8');
    const parsed = JSON.parse(raw) as OciIndex;
    return { ...parsed, manifests: parsed.manifests ?? [] };
  }

  /** Read-modify-write of index.json, serialised inside this process and written atomically. */
  updateIndex(change: (index: OciIndex) => OciIndex | void): Promise<OciIndex> {
    // per file, not per instance: two stores opened on one root must not lose each other's tags
    const file = path.join(this.root, 'index.json');
    return serialisedByFile(file, async () => {
      const current = await this.readIndex();
      const next = change(current) ?? current;
      await atomicWriteFile(this, file, JSON.stringify(next, null, 2));
      return next;
    });
  }

  /** Protects digests from GC until the returned function is called. */
  lease(digests: Iterable<Digest>): () => void {
    const held = [...digests].map(assertDigest);
    for (const d of held) this.leased.set(d, (this.leased.get(d) ?? 0) + 1);
    let released = false;
    return () => {
      if (released) return;
      released = true;
      for (const d of held) {
        const n = (this.leased.get(d) ?? 1) - 1;
        if (n <= 0) this.leased.delete(d);
        else this.leased.set(d, n);
      }
    };
  }
}

class FileWriter implements ContentWriter {
  private hash = createHash('sha256');
  private written = 0;
  private closed = false;
  private finalDigest: Digest | undefined;

  constructor(
    private store: OciLayoutStore,
    private tmp: string,
    private fh: fs.FileHandle,
  ) {}

  get size(): number {
    return this.written;
  }

  digest(): Digest {
    return this.finalDigest ?? `sha256:${this.hash.copy().digest('hex')}`;
  }

  async write(chunk: Buffer): Promise<void> {
    if (this.closed) throw new EngineError('FAILED_PRECONDITION', 'content writer already committed or aborted');
    let off = 0;
    while (off < chunk.length) {
      const { bytesWritten } = await this.fh.write(chunk, off, chunk.length - off);
      off += bytesWritten;
    }
    this.hash.update(chunk);
    this.written += chunk.length;
  }

  async commit(expected?: { digest?: Digest; size?: number }): Promise<BlobInfo> {
    if (this.closed) throw new EngineError('FAILED_PRECONDITION', 'content writer already committed or aborted');
    this.closed = true;
    const digest = `sha256:${this.hash.digest('hex')}`;
    this.finalDigest = digest;
    try {
      await this.fh.sync();
    } finally {
      await this.fh.close();
    }
    try {
      if (expected?.size !== undefined && expected.size !== this.written) {
        throw new EngineError('DIGEST_MISMATCH', `blob size mismatch: expected ${expected.size} bytes, got ${this.written}`);
      }
      if (expected?.digest !== undefined && assertDigest(expected.digest) !== digest) {
        throw new EngineError('DIGEST_MISMATCH', `blob digest mismatch: expected ${expected.digest}, got ${digest}`);
      }
      const target = this.store.blobPath(digest);
      if (await exists(target)) {
        await fs.rm(this.tmp, { force: true }); // same content already stored
      } else {
        await fs.rename(this.tmp, target);
        await fsyncDir(path.dirname(target));
      }
      return { digest, size: this.written };
    } catch (err) {
      await fs.rm(this.tmp, { force: true });
      throw err;
    }
  }

  async abort(): Promise<void> {
    if (!this.closed) {
      this.closed = true;
      await this.fh.close().catch(() => undefined);
    }
    await fs.rm(this.tmp, { force: true });
  }
}

/** temp file in the store's ingest dir + fsync + rename: readers see the old or the new file. */
/** Writes `file` whole or not at all: a synced temp file in the store's ingest dir, renamed over it. */
export async function atomicWriteFile(store: OciLayoutStore, file: string, data: string): Promise<void> {
  await fs.mkdir(store.ingestDir, { recursive: true });
  const tmp = path.join(store.ingestDir, `meta-${randomBytes(8).toString('hex')}`);
  const fh = await fs.open(tmp, 'wx', 0o644);
  try {
    await fh.writeFile(data);
    await fh.sync();
  } finally {
    await fh.close();
  }
  await fs.rename(tmp, file);
  await fsyncDir(path.dirname(file));
}

/** Removes temp files older than `maxAgeMs` (another process may still be writing younger ones). */
export async function sweepIngest(dir: string, maxAgeMs: number): Promise<number> {
  let removed = 0;
  const now = Date.now();
  for (const name of await fs.readdir(dir).catch(() => [] as string[])) {
    const p = path.join(dir, name);
    const st = await fs.lstat(p).catch(() => undefined);
    if (st && now - st.mtimeMs >= maxAgeMs) {
      await fs.rm(p, { recursive: true, force: true });
      removed++;
    }
  }
  return removed;
}

async function fsyncDir(dir: string): Promise<void> {
  const fh = await fs.open(dir, 'r');
  try {
    await fh.sync();
  } finally {
    await fh.close();
  }
}

async function exists(p: string): Promise<boolean> {
  try {
    await fs.lstat(p);
    return true;
  } catch (err) {
    if (isNoEnt(err)) return false;
    throw err;
  }
}

function isNoEnt(err: unknown): boolean {
  return (err as NodeJS.ErrnoException)?.code === 'ENOENT';
}

function notFound(digest: Digest): EngineError {
  return new EngineError('NOT_FOUND', `blob ${digest} is not in the content store`);
}

function corrupted(digest: Digest, actual: Digest): EngineError {
  return new EngineError('DIGEST_MISMATCH', `blob ${digest} is corrupted on disk (its bytes hash to ${actual}); delete it and pull or build again`);
}
