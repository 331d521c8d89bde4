// Both snapshotters must turn the same step into the same layer, byte for byte.
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { OciLayoutStore } from '../content-store/oci-layout-store.ts';
import { hasTool, isRoot, readTar, write } from '../layer/testing.ts';
import { EPOCH, buildBase, changeBase, ref, runScenario } from './conformance-suite.ts';
import { CopySnapshotter } from './copy-snapshotter.ts';
import { OverlaySnapshotter } from './overlay-snapshotter.ts';
import type { LayerRef, Snapshotter } from './snapshotter.ts';

const enabled = isRoot && hasTool('getfattr') && /\boverlay\b/.test(await fs.readFile('/proc/filesystems', 'utf8').catch(() => ''));
if (!enabled) console.warn('snapshotter agreement tests skipped: they need root, OverlayFS and the Debian package "attr"');

/** Steps applied on top of base+change; each must give identical layers on both snapshotters. */
const steps: [string, (root: string) => Promise<void>][] = [
  // (not a file with several names from a lower layer: OverlayFS without index=on copies up only
  // the name touched, breaking the link; the copy snapshotter records every name — see README)
  ['touch only', async (r) => {
    const t = new Date(1_100_000_000_000);
    await fs.utimes(path.join(r, 'usr/bin/su'), t, t);
  }],
  ['chmod only', async (r) => {
    await fs.chmod(path.join(r, 'bin/busybox'), 0o700);
  }],
  ['file becomes a directory', async (r) => {
    await fs.rm(path.join(r, 'app/new.txt'));
    await write(r, 'app/new.txt/inside', 'now a dir');
  }],
  ['directory becomes a file', async (r) => {
    await fs.rm(path.join(r, 'hard'), { recursive: true });
    await write(r, 'hard', 'now a file');
  }],
  ['deep new tree and many files', async (r) => {
    for (let i = 0; i < 50; i++) await write(r, `srv/a/b/c/file-${String(i).padStart(2, '0')}`, `content ${i}`);
  }],
  ['delete inside a kept dir, recreate elsewhere', async (r) => {
    await fs.rename(path.join(r, 'etc/group'), path.join(r, 'etc/group.bak'));
  }],
  ['remove one name of a hardlinked pair', async (r) => {
    await fs.rm(path.join(r, 'app/keep.txt'));
  }],
];

describe.skipIf(!enabled)('overlay and copy snapshotters agree', () => {
  let tmp: string;
  let store: OciLayoutStore;
  let overlay: Snapshotter;
  let copy: Snapshotter;
  beforeAll(async () => {
    tmp = await fs.mkdtemp(path.join(os.tmpdir(), 'agree-'));
    store = new OciLayoutStore(path.join(tmp, 'store'));
    overlay = new OverlaySnapshotter({ root: path.join(tmp, 'overlay'), store });
    copy = new CopySnapshotter({ root: path.join(tmp, 'copy'), store });
  });
  afterAll(async () => {
    await new OverlaySnapshotter({ root: path.join(tmp, 'overlay'), store }).init();
    await fs.rm(tmp, { recursive: true, force: true });
  });

  async function step(snap: Snapshotter, parents: LayerRef[], fn: (root: string) => Promise<void>) {
    const s = await snap.prepare({ parents });
    try {
      await fn(s.rootfs);
      return await s.commit({ sourceDateEpoch: EPOCH });
    } finally {
      await s.release();
    }
  }

  it('produce identical base and change layers', async () => {
    const a = await runScenario(overlay);
    const b = await runScenario(copy);
    expect(b.view).toEqual(a.view);
    expect(b.l1.diffId).toBe(a.l1.diffId);
    expect(b.l2.diffId).toBe(a.l2.diffId);
  });

  it.each(steps)('produce identical layers for: %s', async (_name, fn) => {
    const l1 = await step(overlay, [], buildBase);
    const l2 = await step(overlay, [ref(l1)], changeBase);
    const parents = [ref(l1), ref(l2)];
    const a = await step(overlay, parents, fn);
    const b = await step(copy, parents, fn);
    if (a.diffId !== b.diffId) {
      // show the difference, not just two hashes
      expect(await readTar(await store.get(b.digest))).toEqual(await readTar(await store.get(a.digest)));
    }
    expect(b.diffId).toBe(a.diffId);
    expect(a.entries).toBeGreaterThan(0);
  });
});
