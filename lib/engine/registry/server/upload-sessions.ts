// Upload sessions: chunks appended to <root>/uploads/<id>/data in order. The offset is the file
// size, so a session survives a server restart (resumable by id). Completing a session streams
// the file into the content store, which verifies the digest before the blob becomes visible.
import { randomUUID } from 'node:crypto';
import { createReadStream } from 'node:fs';
import fs from 'node:fs/promises';
import path from 'node:path';
import type { Readable } from 'node:stream';
import type { BlobInfo, ContentStore } from '../../content-store/content-store.ts';
import { ingestStream } from '../../content-store/stream-ingest.ts';
import { RegistryError } from './registry-errors.ts';
import { coalesce } from './http-util.ts';

export interface UploadInfo {
  id: string;
  name: string;
  startedAt: string;
}

const ID_RE = /^[a-f0-9-]{36}$/;

export class UploadSessions {
  /** One operation at a time per session (chunks must not interleave). */
  private locks = new Map<string, Promise<unknown>>();

  constructor(readonly root: string) {}

  private dir(id: string): string {
    return path.join(this.root, 'uploads', id);
  }

  async create(name: string): Promise<UploadInfo> {
    const info: UploadInfo = { id: randomUUID(), name, startedAt: new Date().toISOString() };
    await fs.mkdir(this.dir(info.id), { recursive: true });
    await fs.writeFile(path.join(this.dir(info.id), 'data'), '');
    await fs.writeFile(path.join(this.dir(info.id), 'info.json'), JSON.stringify(info));
    return info;
  }

  /** The session, checked to belong to the repository; BLOB_UPLOAD_UNKNOWN otherwise. */
  async get(name: string, id: string): Promise<UploadInfo & { offset: number }> {
    const unknown = new RegistryError('BLOB_UPLOAD_UNKNOWN', `upload ${id} is unknown to repository ${name} (finished, cancelled or expired): start a new upload`, { id });
    if (!ID_RE.test(id)) throw unknown;
    try {
      const info = JSON.parse(await fs.readFile(path.join(this.dir(id), 'info.json'), 'utf8')) as UploadInfo;
      if (info.name !== name) throw unknown;
      const st = await fs.stat(path.join(this.dir(id), 'data'));
      return { ...info, offset: st.size };
    } catch (err) {
      if (err instanceof RegistryError) throw err;
      throw unknown;
    }
  }

  /** Serialises operations on one session. */
  locked<T>(id: string, fn: () => Promise<T>): Promise<T> {
    const prev = this.locks.get(id) ?? Promise.resolve();
    const run = prev.then(fn, fn);
    const tail = run.catch(() => undefined);
    this.locks.set(id, tail);
    void tail.then(() => {
      if (this.locks.get(id) === tail) this.locks.delete(id);
    });
    return run;
  }

  /**
   * Appends a chunk starting at `start` (must equal the current offset, else 416). A chunk cut
   * short by a dropped connection is truncated away again, so the session stays consistent.
   */
  async append(name: string, id: string, body: Readable, range?: { start: number; end: number }): Promise<number> {
    const info = await this.get(name, id);
    if (range && range.start !== info.offset) {
      throw new RegistryError(
        'BLOB_UPLOAD_INVALID',
        `chunk out of order: it starts at byte ${range.start} but the upload has ${info.offset} bytes; send the chunk that starts at ${info.offset}`,
        { offset: info.offset },
        416,
      );
    }
    const file = path.join(this.dir(id), 'data');
    const fh = await fs.open(file, 'a');
    let written = 0;
    try {
      for await (const buf of coalesce(body)) {
        await fh.write(buf);
        written += buf.length;
      }
      if (range && written !== range.end - range.start + 1) {
        throw new RegistryError('BLOB_UPLOAD_INVALID', `Content-Range says ${range.end - range.start + 1} bytes but the body had ${written}`, undefined, 416);
      }
    } catch (err) {
      await fh.truncate(info.offset).catch(() => undefined);
      throw err instanceof RegistryError ? err : new RegistryError('BLOB_UPLOAD_INVALID', 'the chunk was interrupted; resume from the offset in the Range header', { offset: info.offset });
    } finally {
      await fh.close();
    }
    return info.offset + written;
  }

  /** Streams the session into the content store verified against `digest`; the session is removed either way. */
  async complete(name: string, id: string, digest: string, store: ContentStore): Promise<BlobInfo> {
    await this.get(name, id);
    try {
      return await ingestStream(store, createReadStream(path.join(this.dir(id), 'data'), { highWaterMark: 1 << 20 }), { digest });
    } catch (err) {
      const code = (err as { code?: string }).code;
      if (code === 'DIGEST_MISMATCH') {
        throw new RegistryError('DIGEST_INVALID', `uploaded content does not match digest ${digest}: nothing was stored; upload the blob again`, { digest });
      }
      throw err;
    } finally {
      await this.cancel(id);
    }
  }

  async cancel(id: string): Promise<void> {
    if (ID_RE.test(id)) await fs.rm(this.dir(id), { recursive: true, force: true });
  }

  /** Removes sessions older than maxAgeMs (abandoned pushes). */
  async sweep(maxAgeMs: number): Promise<number> {
    let n = 0;
    const dir = path.join(this.root, 'uploads');
    for (const id of await fs.readdir(dir).catch(() => [] as string[])) {
      const st = await fs.stat(path.join(dir, id, 'data')).catch(() => undefined);
      if (!st || Date.now() - st.mtimeMs > maxAgeMs) {
        await fs.rm(path.join(dir, id), { recursive: true, force: true });
        n++;
      }
    }
    return n;
  }
}
