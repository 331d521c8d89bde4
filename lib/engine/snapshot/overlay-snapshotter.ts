// OverlayFS snapshotter: lowerdirs = the parent's unpacked layers (shared, read-only),
// upperdir = a fresh dir that becomes the step's layer, workdir beside it.
import { randomBytes } from 'node:crypto';
import fs from 'node:fs/promises';
import path from 'node:path';
import type { ContentStore, Digest } from '../content-store/content-store.ts';
import { upperdirChanges, type LowerDir } from '../layer/upperdir-changes.ts';
import { writeLayer } from '../layer/layer-writer.ts';
import { EngineError } from '../errors.ts';
import { LayerCache } from './layer-cache.ts';
import { mountOverlay, unmount, unmountAllUnder } from './mounts.ts';
import { quotaDir } from '../executor/quota-fs.ts';
import { sweepActive, writeOwner } from './sweep.ts';
import type { ActiveSnapshot, CommitOptions, LayerRef, LayerResult, PrepareOptions, Snapshotter, SnapshotterOptions } from './snapshotter.ts';

/** Runs `fn` over items with at most `limit` in flight. */
export async function eachLimit<T>(items: T[], limit: number, fn: (t: T) => Promise<void>): Promise<void> {
  let next = 0;
  const workers = Array.from({ length: Math.min(limit, items.length) }, async () => {
    while (next < items.length) await fn(items[next++]);
  });
  await Promise.all(workers);
}

export async function removeExcluded(dir: string, exclude: string[] | undefined): Promise<void> {
  for (const e of exclude ?? []) {
    const rel = e.replace(/^\/+|\/+$/g, '');
    if (!rel || rel.split('/').includes('..')) continue;
    await fs.rm(path.join(dir, rel), { recursive: true, force: true });
  }
}

export class OverlaySnapshotter implements Snapshotter {
  readonly kind = 'overlay' as const;
  readonly root: string;
  private store: ContentStore;
  private cache: LayerCache;
  private ready: Promise<void> | undefined;
  /** diffIds mounted by active snapshots (never pruned). */
  private inUse = new Map<string, LayerRef[]>();

  constructor(opts: SnapshotterOptions) {
    this.root = path.resolve(opts.root);
    this.store = opts.store;
    this.cache = new LayerCache(this.root, this.store);
  }

  init(): Promise<void> {
    this.ready ??= (async () => {
      await sweepActive(path.join(this.root, 'active'));
      await fs.mkdir(path.join(this.root, 'empty'), { recursive: true });
      await this.cache.init();
    })();
    return this.ready;
  }

  async ensureUnpacked(layers: LayerRef[]): Promise<void> {
    await this.init();
    await eachLimit(layers, 4, (l) => this.cache.ensure(l));
  }

  async prepare(opts: PrepareOptions): Promise<ActiveSnapshot> {
    await this.ensureUnpacked(opts.parents);
    const id = randomBytes(6).toString('hex');
    const rel = `active/${id}`;
    const base = path.join(this.root, rel);
    await fs.mkdir(base, { recursive: true });
    await writeOwner(base); // before any mount: a crash leaves a dir the sweep unmounts
    let upper = `${rel}/upper`;
    let work = `${rel}/work`;
    if (opts.maxBytes) {
      // upper + work on a size-limited fs (quota-fs.ts); lost+found stays outside the upperdir
      await quotaDir(path.join(base, 'rw.img'), path.join(base, 'rw'), opts.maxBytes);
      upper = `${rel}/rw/upper`;
      work = `${rel}/rw/work`;
    }
    for (const d of [upper, work, `${rel}/merged`]) await fs.mkdir(path.join(this.root, d), { recursive: true });
    if (opts.label) await fs.writeFile(path.join(base, 'label'), opts.label);
    const lowers = await this.lowerEntries(opts.parents);
    try {
      await mountOverlay({ lowers, upper, work, target: `${rel}/merged`, cwd: this.root });
    } catch (err) {
      await unmountAllUnder(base);
      await fs.rm(base, { recursive: true, force: true });
      throw err;
    }
    this.inUse.set(id, opts.parents);
    return new OverlayActive(this, id, base, path.join(this.root, upper), opts.parents);
  }

  /** Called by an active snapshot's commit, after it unmounted. */
  async commitUpper(upper: string, parents: LayerRef[], opts: CommitOptions): Promise<LayerResult> {
    await removeExcluded(upper, opts.exclude);
    const set = await upperdirChanges(upper, await this.cache.lowerDirs(parents));
    const layer = await writeLayer(this.store, set, { ...opts, exclude: undefined });
    await this.cache.adopt(layer.diffId, upper, set.opaqueDirs ?? [], layer.digest);
    return layer;
  }

  forget(id: string): void {
    this.inUse.delete(id);
  }

  /**
   * For mounts that live outside active/ (containers, which survive a daemon restart): unpacks
   * the parents, returns the lowerdir entries (relative to `cwd` = this root, top-most first)
   * and the lower dirs for diffs, and pins the layers against prune() under `key` until unpin().
   */
  async lowersFor(key: string, parents: LayerRef[]): Promise<{ cwd: string; lowers: string[]; lowerDirs: LowerDir[] }> {
    await this.ensureUnpacked(parents);
    this.inUse.set(`pin:${key}`, parents);
    return { cwd: this.root, lowers: await this.lowerEntries(parents), lowerDirs: await this.cache.lowerDirs(parents) };
  }

  /** lowerdir entries relative to this root, top-most first ('empty' for no parents). */
  private async lowerEntries(parents: LayerRef[]): Promise<string[]> {
    return parents.length ? Promise.all([...parents].reverse().map((p) => this.cache.shortPath(p.diffId))) : ['empty'];
  }

  unpin(key: string): void {
    this.inUse.delete(`pin:${key}`);
  }

  async listUnpacked(): Promise<{ diffId: Digest; bytes: number }[]> {
    await this.init();
    return this.cache.list();
  }

  async prune(keep: Iterable<Digest>): Promise<Digest[]> {
    await this.init();
    const keepSet = new Set(keep);
    for (const parents of this.inUse.values()) for (const p of parents) keepSet.add(p.diffId);
    const removed: Digest[] = [];
    for (const { diffId } of await this.cache.list()) {
      if (keepSet.has(diffId)) continue;
      await this.cache.remove(diffId);
      removed.push(diffId);
    }
    return removed;
  }
}

class OverlayActive implements ActiveSnapshot {
  readonly rootfs: string;
  private state: 'mounted' | 'committed' | 'released' = 'mounted';

  constructor(
    private owner: OverlaySnapshotter,
    readonly id: string,
    private base: string,
    readonly upperdir: string,
    private parents: LayerRef[],
  ) {
    this.rootfs = path.join(base, 'merged');
  }

  async commit(opts: CommitOptions = {}): Promise<LayerResult> {
    if (this.state !== 'mounted') throw new EngineError('FAILED_PRECONDITION', `snapshot ${this.id} was already ${this.state}`);
    this.state = 'committed';
    await unmount(this.rootfs); // the upperdir must be quiet before it is read and moved
    return this.owner.commitUpper(this.upperdir, this.parents, opts);
  }

  async release(): Promise<void> {
    if (this.state === 'released') return;
    this.state = 'released';
    try {
      await unmountAllUnder(this.base); // merged, then the size-limited rw fs
    } finally {
      this.owner.forget(this.id);
      await fs.rm(this.base, { recursive: true, force: true });
    }
  }
}
