// Where index files live and how they are shared: <dir>/<manifest hex>.v<format>.sqlite, built
// on first use (one build per image at a time in a process, builds one after another so two
// cores are not both taken by indexing), a few handles kept open (least recently used closed
// first, never one in use), and files beyond a byte budget removed oldest-first — they are a
// cache, rebuilt on demand.
import fs from 'node:fs/promises';
import path from 'node:path';
import { assertDigest } from '../content-store/digest.ts';
import type { ContentStore, Digest } from '../content-store/content-store.ts';
import type { ImageConfig, Manifest } from '../image/image.ts';
import { buildIndex } from './index-builder.ts';
import { SqliteImageIndex } from './sqlite-image-index.ts';
import { INDEX_FORMAT, type ImageIndex } from './image-index.ts';
import type { AnalysisLimits } from './file-analysis.ts';

export interface IndexableImage {
  manifestDigest: Digest;
  manifest: Manifest;
  config: ImageConfig;
}

export interface IndexCacheOptions {
  /** Directory of the index files (created when missing). */
  dir: string;
  /** Open handles kept (default 8). */
  maxOpen?: number;
  /** Bytes of index files kept on disk (default LAB_INDEX_CACHE_BYTES or 4 GiB). */
  maxBytes?: number;
  limits?: Partial<AnalysisLimits>;
  maxEntries?: number;
}

interface Handle {
  index: SqliteImageIndex;
  users: number;
  used: number;
}

export class ImageIndexCache {
  private handles = new Map<string, Handle>();
  private building = new Map<string, Promise<void>>();
  private queue: Promise<unknown> = Promise.resolve();

  constructor(
    private readonly content: ContentStore,
    private readonly opts: IndexCacheOptions,
  ) {}

  fileFor(manifestDigest: Digest): string {
    assertDigest(manifestDigest);
    return path.join(this.opts.dir, `${manifestDigest.slice('sha256:'.length)}.v${INDEX_FORMAT}.sqlite`);
  }

  /** True when the image's index is on disk already (opening it will be quick). */
  async has(manifestDigest: Digest): Promise<boolean> {
    return fs.access(this.fileFor(manifestDigest)).then(() => true, () => false);
  }

  /** Runs `fn` with the image's index, building it first when needed. */
  async use<T>(image: IndexableImage, fn: (index: ImageIndex) => T | Promise<T>): Promise<T> {
    const h = await this.acquire(image);
    try {
      return await fn(h.index);
    } finally {
      h.users--;
      this.trimHandles();
    }
  }

  private async acquire(image: IndexableImage): Promise<Handle> {
    const file = this.fileFor(image.manifestDigest);
    let h = this.handles.get(file);
    if (!h) {
      if (!(await fs.access(file).then(() => true, () => false))) await this.build(image, file);
      h = this.handles.get(file);
      if (!h) {
        h = { index: new SqliteImageIndex(file), users: 0, used: 0 };
        this.handles.set(file, h);
        const now = new Date();
        await fs.utimes(file, now, now).catch(() => undefined); // recency for the disk budget
      }
    }
    h.users++;
    h.used = Date.now();
    return h;
  }

  private build(image: IndexableImage, file: string): Promise<void> {
    let p = this.building.get(file);
    if (!p) {
      p = this.queue.then(async () => {
        if (await fs.access(file).then(() => true, () => false)) return; // another process finished it
        await fs.mkdir(this.opts.dir, { recursive: true });
        await buildIndex({ content: this.content, manifestDigest: image.manifestDigest, manifest: image.manifest, config: image.config, file, limits: this.opts.limits, maxEntries: this.opts.maxEntries });
        await this.trimDisk(file);
      });
      this.queue = p.catch(() => undefined);
      this.building.set(file, p);
      void p.finally(() => this.building.delete(file)).catch(() => undefined);
    }
    return p;
  }

  private trimHandles(): void {
    const max = this.opts.maxOpen ?? 8;
    if (this.handles.size <= max) return;
    const idle = [...this.handles.entries()].filter(([, h]) => h.users === 0).sort((x, y) => x[1].used - y[1].used);
    for (const [file, h] of idle.slice(0, this.handles.size - max)) {
      h.index.close();
      this.handles.delete(file);
    }
  }

  private async trimDisk(keep: string): Promise<void> {
    const budget = this.opts.maxBytes ?? (Number(process.env.LAB_INDEX_CACHE_BYTES) || 4 * 1024 ** 3);
    const files: Array<{ p: string; size: number; mtime: number }> = [];
    for (const name of await fs.readdir(this.opts.dir).catch(() => [] as string[])) {
      if (!name.endsWith('.sqlite')) continue;
      const p = path.join(this.opts.dir, name);
      const st = await fs.stat(p).catch(() => undefined);
      if (st) files.push({ p, size: st.size, mtime: st.mtimeMs });
    }
    let total = files.reduce((s, f) => s + f.size, 0);
    for (const f of files.sort((x, y) => x.mtime - y.mtime)) {
      if (total <= budget) break;
      if (f.p === keep) continue;
      const h = this.handles.get(f.p);
      if (h && h.users > 0) continue;
      h?.index.close();
      this.handles.delete(f.p);
      await fs.rm(f.p, { force: true });
      total -= f.size;
    }
  }

  close(): void {
    for (const h of this.handles.values()) h.index.close();
    this.handles.clear();
  }
}

const caches = new Map<string, ImageIndexCache>();

/** The one cache of a state directory in this process: $LAB_ROOT/analysis/index. */
export function imageIndexCache(root: string, content: ContentStore, opts: Omit<IndexCacheOptions, 'dir'> = {}): ImageIndexCache {
  const dir = path.join(path.resolve(root), 'analysis', 'index');
  let c = caches.get(dir);
  if (!c) caches.set(dir, (c = new ImageIndexCache(content, { ...opts, dir })));
  return c;
}
