// One conformance suite, run against every Snapshotter (overlay-snapshotter.test.ts,
// copy-snapshotter.test.ts). snapshotters-agree.test.ts checks both give the SAME layers.
import { execFileSync } from 'node:child_process';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { OciLayoutStore } from '../content-store/oci-layout-store.ts';
import { readTar, treeListing, write } from '../layer/testing.ts';
import { listMountPoints } from './mounts.ts';
import type { LayerRef, LayerResult, Snapshotter } from './snapshotter.ts';

export type SnapshotterFactory = (root: string, store: OciLayoutStore) => Snapshotter;

export const EPOCH = 1_000_000_000;

export function ref(l: LayerResult): LayerRef {
  return { digest: l.digest, diffId: l.diffId, mediaType: l.mediaType };
}

/** Step 1 on scratch: a small rootfs with every file kind. */
export async function buildBase(root: string): Promise<void> {
  await write(root, 'etc/passwd', 'root:x:0:0:root:/root:/bin/sh\n');
  await write(root, 'etc/group', 'root:x:0:\n');
  await write(root, 'bin/busybox', 'pretend busybox', 0o755);
  await fs.symlink('busybox', path.join(root, 'bin/sh'));
  await write(root, 'app/keep.txt', 'keep');
  await write(root, 'app/old.txt', 'old');
  await write(root, 'gone/a', 'a');
  await write(root, 'gone/b/c', 'c');
  await write(root, 'opaque/x', 'x');
  await write(root, 'opaque/y', 'y');
  await write(root, 'usr/bin/su', 'su', 0o4755);
  await fs.mkdir(path.join(root, 'tmp'));
  await fs.chmod(path.join(root, 'tmp'), 0o1777);
  await write(root, 'hard/one', 'same inode');
  await fs.link(path.join(root, 'hard/one'), path.join(root, 'hard/two'));
  await write(root, 'dir with space/ünï.txt', 'unicode');
  await fs.mkdir(path.join(root, 'run'));
  execFileSync('mknod', [path.join(root, 'run/fifo'), 'p']);
}

/** Step 2 on top of the base: the changes the lesson's layer pictures show. */
export async function changeBase(root: string): Promise<void> {
  await write(root, 'app/new.txt', 'new');
  await write(root, 'app/old.txt', 'changed');
  await fs.chmod(path.join(root, 'etc/passwd'), 0o600);
  await fs.chown(path.join(root, 'etc/group'), 1000, 1000);
  await fs.rm(path.join(root, 'gone'), { recursive: true });
  await fs.rm(path.join(root, 'opaque'), { recursive: true });
  await write(root, 'opaque/z', 'z');
  await fs.rm(path.join(root, 'bin/sh'));
  await fs.symlink('/bin/busybox', path.join(root, 'bin/sh'));
  await fs.link(path.join(root, 'app/keep.txt'), path.join(root, 'app/keep-link'));
}

export async function runScenario(snap: Snapshotter) {
  const s1 = await snap.prepare({ parents: [], label: 'base' });
  let l1: LayerResult;
  try {
    await buildBase(s1.rootfs);
    l1 = await s1.commit({ sourceDateEpoch: EPOCH });
  } finally {
    await s1.release();
  }
  const s2 = await snap.prepare({ parents: [ref(l1)], label: 'change' });
  let l2: LayerResult;
  let view: Record<string, string>;
  try {
    await changeBase(s2.rootfs);
    view = await treeListing(s2.rootfs);
    l2 = await s2.commit({ sourceDateEpoch: EPOCH });
  } finally {
    await s2.release();
  }
  return { l1, l2, view };
}

async function activeLeftovers(root: string): Promise<{ dirs: string[]; mounts: string[] }> {
  const dirs = await fs.readdir(path.join(root, 'active')).catch(() => [] as string[]);
  const mounts = (await listMountPoints()).filter((m) => m.startsWith(`${root}/`));
  return { dirs, mounts };
}

export function snapshotterConformance(name: string, make: SnapshotterFactory, enabled: boolean): void {
  describe.skipIf(!enabled)(`Snapshotter conformance: ${name}`, () => {
    let tmp: string;
    let store: OciLayoutStore;
    let snap: Snapshotter;
    let result: Awaited<ReturnType<typeof runScenario>>;
    const roots: string[] = [];
    const fresh = async () => {
      const root = await fs.mkdtemp(path.join(tmp, 'snap-'));
      roots.push(root);
      const s = make(root, store);
      await s.init();
      return s;
    };

    beforeAll(async () => {
      tmp = await fs.mkdtemp(path.join(os.tmpdir(), `conf-${name}-`));
      store = new OciLayoutStore(path.join(tmp, 'store'));
      snap = await fresh();
      result = await runScenario(snap);
    });
    afterAll(async () => {
      for (const r of roots) {
        const s = make(r, store);
        await s.init(); // sweep whatever a failing test left
      }
      await fs.rm(tmp, { recursive: true, force: true });
    });

    it('gives an empty writable rootfs on scratch, and an empty layer when nothing changed', async () => {
      const s = await snap.prepare({ parents: [] });
      try {
        expect(await fs.readdir(s.rootfs)).toEqual([]);
        const layer = await s.commit();
        expect(layer).toMatchObject({ entries: 0, empty: true });
      } finally {
        await s.release();
      }
    });

    it('writes the base layer with every file kind, mode and link', async () => {
      const entries = await readTar(await store.get(result.l1.digest));
      const by = Object.fromEntries(entries.map((e) => [e.name, e]));
      expect(by['bin/sh']).toMatchObject({ type: 'symlink', linkname: 'busybox' });
      expect(by['usr/bin/su'].mode).toBe(0o4755);
      expect(by['tmp/'].mode).toBe(0o1777);
      expect(by['hard/one'].type).toBe('file');
      expect(by['hard/two']).toMatchObject({ type: 'link', linkname: 'hard/one' });
      expect(by['run/fifo'].type).toBe('fifo');
      expect(by['dir with space/ünï.txt']).toBeDefined();
      expect(entries.every((e) => e.mtime <= EPOCH)).toBe(true);
    });

    it('writes the change layer: whiteouts, explicit whiteouts for an opaque dir, chmod/chown-only, links', async () => {
      const entries = await readTar(await store.get(result.l2.digest));
      const names = entries.map((e) => e.name);
      expect(names).toEqual(
        expect.arrayContaining(['.wh.gone', 'opaque/', 'opaque/.wh.x', 'opaque/.wh.y', 'opaque/z', 'app/new.txt', 'app/old.txt', 'etc/passwd', 'etc/group', 'bin/sh']),
      );
      expect(names).not.toContain('opaque/.wh..wh..opq');
      expect(names).not.toContain('app/keep-link/');
      const by = Object.fromEntries(entries.map((e) => [e.name, e]));
      expect(by['etc/passwd'].mode).toBe(0o600);
      expect(by['etc/group']).toMatchObject({ uid: 1000, gid: 1000 });
      expect(by['bin/sh'].linkname).toBe('/bin/busybox');
      expect(by['app/keep-link'].type).toBe('file'); // first name of the inode in walk order
      expect(by['app/keep.txt']).toMatchObject({ type: 'link', linkname: 'app/keep-link' });
      for (const unchanged of ['usr/bin/su', 'hard/one', 'tmp/', 'bin/busybox']) expect(names).not.toContain(unchanged);
    });

    it('shows the merged view of a parent chain, also when unpacked from the store into a fresh root', async () => {
      const parents = [ref(result.l1), ref(result.l2)];
      const s = await snap.prepare({ parents });
      try {
        expect(await treeListing(s.rootfs)).toEqual(result.view);
      } finally {
        await s.release();
      }
      const other = await fresh();
      await other.ensureUnpacked(parents);
      const s2 = await other.prepare({ parents });
      try {
        expect(await treeListing(s2.rootfs)).toEqual(result.view);
        // a step on top of unpacked layers diffs the same way
        await fs.rm(path.join(s2.rootfs, 'app/keep.txt'));
        const l3 = await s2.commit({ sourceDateEpoch: EPOCH });
        expect((await readTar(await store.get(l3.digest))).map((e) => e.name)).toEqual(['app/', 'app/.wh.keep.txt']);
      } finally {
        await s2.release();
      }
    });

    it('is deterministic: the same steps give the same digests in another root', async () => {
      const again = await runScenario(await fresh());
      expect(again.l1.diffId).toBe(result.l1.diffId);
      expect(again.l2.diffId).toBe(result.l2.diffId);
      expect(again.l2.digest).toBe(result.l2.digest);
    });

    it('leaves excluded paths (runtime mount stubs) out of the layer and of later views', async () => {
      const s = await snap.prepare({ parents: [ref(result.l1)] });
      let layer: LayerResult;
      try {
        await fs.mkdir(path.join(s.rootfs, 'proc'));
        await write(s.rootfs, 'etc/hosts', '');
        await write(s.rootfs, 'built.txt', 'yes');
        layer = await s.commit({ exclude: ['/proc', 'etc/hosts'] });
      } finally {
        await s.release();
      }
      const names = (await readTar(await store.get(layer.digest))).map((e) => e.name);
      expect(names).toContain('built.txt');
      expect(names.some((n) => n.startsWith('proc') || n === 'etc/hosts')).toBe(false);
      const next = await snap.prepare({ parents: [ref(result.l1), ref(layer)] });
      try {
        await expect(fs.lstat(path.join(next.rootfs, 'proc'))).rejects.toThrow();
        expect(await fs.readFile(path.join(next.rootfs, 'built.txt'), 'utf8')).toBe('yes');
      } finally {
        await next.release();
      }
    });

    it('releases cleanly after a failed step, twice, and refuses to commit after release', async () => {
      const s = await snap.prepare({ parents: [ref(result.l1)] });
      await expect(
        (async () => {
          try {
            await write(s.rootfs, 'half-done', 'x');
            throw new Error('step failed');
          } finally {
            await s.release();
          }
        })(),
      ).rejects.toThrow('step failed');
      await s.release();
      await expect(s.commit()).rejects.toMatchObject({ code: 'FAILED_PRECONDITION' });
      expect(await activeLeftovers(snap.root)).toEqual({ dirs: [], mounts: [] });
    });

    it('prepares concurrently on the same parents without clashing', async () => {
      const other = await fresh();
      const parents = [ref(result.l1), ref(result.l2)];
      const snaps = await Promise.all([1, 2, 3].map(() => other.prepare({ parents })));
      try {
        await Promise.all(snaps.map((s, i) => write(s.rootfs, `own-${i}`, String(i))));
        for (const [i, s] of snaps.entries()) expect(await fs.readdir(s.rootfs)).toContain(`own-${i}`);
        expect(await fs.readdir(snaps[0].rootfs)).not.toContain('own-1');
      } finally {
        await Promise.all(snaps.map((s) => s.release()));
      }
      expect(await activeLeftovers(other.root)).toEqual({ dirs: [], mounts: [] });
    });

    it('sweeps snapshots a killed process left behind when it starts', async () => {
      const other = await fresh();
      const s = await other.prepare({ parents: [ref(result.l1)] });
      await write(s.rootfs, 'left', 'behind');
      expect((await activeLeftovers(other.root)).dirs).toHaveLength(1);
      // a snapshot owned by another live process (pid 1 is always alive) is left alone
      const foreign = path.join(other.root, 'active', 'foreign');
      await fs.mkdir(foreign);
      await fs.writeFile(path.join(foreign, 'owner'), '1');
      const restarted = make(other.root, store);
      await restarted.init();
      expect(await activeLeftovers(other.root)).toEqual({ dirs: ['foreign'], mounts: [] });
      await fs.rm(foreign, { recursive: true });
    });

    it('refuses a layer whose bytes do not match the diffId it is named by', async () => {
      const other = await fresh();
      const err = await other.ensureUnpacked([{ digest: result.l2.digest, diffId: `sha256:${'0'.repeat(64)}` }]).catch((e) => e);
      expect(err).toMatchObject({ code: 'DIGEST_MISMATCH' });
      expect(await other.listUnpacked()).toEqual([]);
    });

    it('prunes unpacked data not kept and reports usage', async () => {
      const other = await fresh();
      await other.ensureUnpacked([ref(result.l1), ref(result.l2)]);
      expect((await other.listUnpacked()).length).toBeGreaterThan(0);
      expect((await other.listUnpacked()).every((u) => u.bytes >= 0)).toBe(true);
      const removed = await other.prune([]);
      expect(removed.length).toBeGreaterThan(0);
      expect(await other.listUnpacked()).toEqual([]);
      // still usable: it unpacks again on demand
      const s = await other.prepare({ parents: [ref(result.l1)] });
      try {
        expect(await fs.readFile(path.join(s.rootfs, 'app/old.txt'), 'utf8')).toBe('old');
      } finally {
        await s.release();
      }
    });
  });
}
