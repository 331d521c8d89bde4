// A namespace's own names over the shared blobs: every blob operation goes to the shared OCI
// layout store (layers are stored once), readIndex/updateIndex to <root>/namespaces/<ns>/index.json.
import fs from 'node:fs/promises';
import path from 'node:path';
import type { Readable } from 'node:stream';
import type { BlobInfo, ContentWriter, Digest } from '../content-store/content-store.ts';
import { atomicWriteFile, type OciIndex, type OciLayoutStore } from '../content-store/oci-layout-store.ts';
import type { IndexedContentStore } from '../image/layout-image-store.ts';
import { serialisedByFile } from '../content-store/file-queue.ts';

const EMPTY: OciIndex = { schemaVersion: 2, manifests: [] };

export class NamespaceIndexStore implements IndexedContentStore {
  constructor(readonly shared: OciLayoutStore, readonly indexFile: string) {}

  get root(): string {
    return this.shared.root;
  }
  has(digest: Digest): Promise<boolean> {
    return this.shared.has(digest);
  }
  info(digest: Digest): Promise<BlobInfo | undefined> {
    return this.shared.info(digest);
  }
  get(digest: Digest): Promise<Buffer> {
    return this.shared.get(digest);
  }
  createReadStream(digest: Digest, range?: { start: number; end?: number }): Promise<Readable> {
    return this.shared.createReadStream(digest, range);
  }
  put(data: Buffer | string, expected?: Digest): Promise<BlobInfo> {
    return this.shared.put(data, expected);
  }
  writer(): Promise<ContentWriter> {
    return this.shared.writer();
  }
  delete(digest: Digest): Promise<void> {
    return this.shared.delete(digest);
  }
  list(): AsyncIterable<BlobInfo> {
    return this.shared.list();
  }

  async readIndex(): Promise<OciIndex> {
    try {
      const parsed = JSON.parse(await fs.readFile(this.indexFile, 'utf8')) as OciIndex;
      return { ...parsed, manifests: parsed.manifests ?? [] };
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return { ...EMPTY, manifests: [] };
      throw err;
    }
  }

  /** Read-modify-write, serialised in this process, written atomically (temp file + rename). */
  updateIndex(change: (index: OciIndex) => OciIndex | void): Promise<OciIndex> {
    return serialisedByFile(this.indexFile, async () => {
      const current = await this.readIndex();
      const next = change(current) ?? current;
      await fs.mkdir(path.dirname(this.indexFile), { recursive: true });
      await atomicWriteFile(this.shared, this.indexFile, JSON.stringify(next, null, 2));
      return next;
    });
  }
}
