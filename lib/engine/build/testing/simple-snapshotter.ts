// Test fixture until the STORE engineer's snapshotters land: a copy snapshotter reduced to what
// the solver tests need (apply parents into a dir, copy it, diff after the step). Not used by
// production code; engine.ts prefers the real snapshotters when they exist.
import { execFileSync } from 'node:child_process';
import fs from 'node:fs/promises';
import path from 'node:path';
import { randomBytes } from 'node:crypto';
import type { ContentStore } from '../../content-store/content-store.ts';
import { applyLayer } from '../../layer/apply-layer.ts';
import { treeChanges } from '../../layer/tree-changes.ts';
import { writeLayer } from '../../layer/layer-writer.ts';
import type { ActiveSnapshot, LayerRef, PrepareOptions, Snapshotter } from '../../snapshot/snapshotter.ts';

export class SimpleCopySnapshotter implements Snapshotter {
  readonly kind = 'copy' as const;
  constructor(readonly root: string, private readonly store: ContentStore) {}

  async init(): Promise<void> {
    await fs.mkdir(this.root, { recursive: true });
  }

  async prepare(opts: PrepareOptions): Promise<ActiveSnapshot> {
    await this.init();
    const dir = path.join(this.root, randomBytes(6).toString('hex'));
    const lower = path.join(dir, 'lower');
    const rootfs = path.join(dir, 'rootfs');
    await fs.mkdir(lower, { recursive: true });
    for (const l of opts.parents) await applyLayer(await this.store.createReadStream(l.digest), lower, { mode: 'rootfs' });
    execFileSync('cp', ['-a', lower, rootfs]);
    const store = this.store;
    return {
      id: path.basename(dir),
      rootfs,
      upperdir: rootfs,
      async commit(o = {}) {
        const set = await treeChanges(lower, rootfs);
        return writeLayer(store, set, o);
      },
      async release() {
        await fs.rm(dir, { recursive: true, force: true });
      },
    };
  }

  async ensureUnpacked(_layers: LayerRef[]): Promise<void> {}
  async listUnpacked() {
    return [];
  }
  async prune() {
    return [];
  }
}
