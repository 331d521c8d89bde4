// Picks the snapshotter for this host: OverlayFS when a test mount works, else the copy one.
import fs from 'node:fs/promises';
import path from 'node:path';
import { CopySnapshotter } from './copy-snapshotter.ts';
import { mountOverlay, unmount } from './mounts.ts';
import { OverlaySnapshotter } from './overlay-snapshotter.ts';
import type { Snapshotter, SnapshotterOptions } from './snapshotter.ts';

/** Tries a real overlay mount inside `root`; false on any failure (not root, no overlay, ...). */
export async function overlaySupported(root: string): Promise<boolean> {
  const probe = path.join(root, 'probe');
  await fs.rm(probe, { recursive: true, force: true });
  try {
    for (const d of ['lower', 'upper', 'work', 'merged']) await fs.mkdir(path.join(probe, d), { recursive: true });
    await mountOverlay({ lowers: ['probe/lower'], upper: 'probe/upper', work: 'probe/work', target: 'probe/merged', cwd: root });
    await unmount(path.join(probe, 'merged'));
    return true;
  } catch {
    return false;
  } finally {
    await unmount(path.join(probe, 'merged')).catch(() => undefined);
    await fs.rm(probe, { recursive: true, force: true });
  }
}

export async function createSnapshotter(opts: SnapshotterOptions & { prefer?: 'overlay' | 'copy' | 'auto' }): Promise<Snapshotter> {
  const prefer = opts.prefer ?? 'auto';
  await fs.mkdir(opts.root, { recursive: true });
  const useOverlay = prefer === 'overlay' || (prefer === 'auto' && (await overlaySupported(path.resolve(opts.root))));
  const snap = useOverlay ? new OverlaySnapshotter(opts) : new CopySnapshotter(opts);
  await snap.init();
  return snap;
}
