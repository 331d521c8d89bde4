import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { OciLayoutStore } from '../content-store/oci-layout-store.ts';
import { writeLayer } from '../layer/layer-writer.ts';
import { hasTool, isRoot } from '../layer/testing.ts';
import { upperdirChanges } from '../layer/upperdir-changes.ts';
import { snapshotterConformance } from './conformance-suite.ts';
import { listMountPoints } from './mounts.ts';
import { OverlaySnapshotter } from './overlay-snapshotter.ts';
import type { LayerRef } from './snapshotter.ts';

async function overlayWorks(): Promise<boolean> {
  if (!isRoot || !hasTool('getfattr') || !hasTool('mount')) return false;
  const text = await fs.readFile('/proc/filesystems', 'utf8').catch(() => '');
  return /\boverlay\b/.test(text);
}
const enabled = await overlayWorks();
if (!enabled) console.warn('OverlaySnapshotter tests skipped: they need root, OverlayFS and the Debian package "attr"');

snapshotterConformance('overlay', (root, store) => new OverlaySnapshotter({ root, store }), enabled);

describe.skipIf(!enabled)('OverlaySnapshotter: long layer chains', () => {
  let tmp: string;
  beforeAll(async () => {
    tmp = await fs.mkdtemp(path.join(os.tmpdir(), 'overlay-long-'));
  });
  afterAll(async () => {
    await new OverlaySnapshotter({ root: path.join(tmp, 'snap'), store: new OciLayoutStore(path.join(tmp, 'store')) }).init();
    await fs.rm(tmp, { recursive: true, force: true });
  });

  it('mounts 140 layers (beyond the page-size limit of absolute paths) with every layer visible', async () => {
    const store = new OciLayoutStore(path.join(tmp, 'store'));
    const parents: LayerRef[] = [];
    for (let i = 0; i < 140; i++) {
      const dir = path.join(tmp, `src-${i}`);
      await fs.mkdir(path.join(dir, 'layers'), { recursive: true });
      await fs.writeFile(path.join(dir, 'layers', `f${i}`), `layer ${i}`);
      await fs.writeFile(path.join(dir, 'top'), `${i}`);
      const l = await writeLayer(store, await upperdirChanges(dir, []), { compression: 'none' });
      parents.push({ digest: l.digest, diffId: l.diffId });
    }
    // the same chain with absolute lowerdir paths would not fit one page
    const absLen = parents.map((p) => path.join(tmp, 'snap/layers', p.diffId.slice(7))).join(':').length;
    expect(absLen).toBeGreaterThan(4096);
    const snap = new OverlaySnapshotter({ root: path.join(tmp, 'snap'), store });
    const s = await snap.prepare({ parents });
    try {
      const names = await fs.readdir(path.join(s.rootfs, 'layers'));
      expect(names).toHaveLength(140);
      expect(await fs.readFile(path.join(s.rootfs, 'top'), 'utf8')).toBe('139');
      expect(await fs.readFile(path.join(s.rootfs, 'layers/f0'), 'utf8')).toBe('layer 0');
    } finally {
      await s.release();
    }
    expect((await listMountPoints()).some((m) => m.startsWith(tmp))).toBe(false);
  });
});

describe.skipIf(!enabled)('OverlaySnapshotter: a killed process', () => {
  it('leaves a mount that the next start-up sweeps away', async () => {
    const { spawn } = await import('node:child_process');
    const tmp = await fs.mkdtemp(path.join(os.tmpdir(), 'overlay-kill-'));
    try {
      const script = path.join(tmp, 'child.mts');
      const here = import.meta.dirname;
      await fs.writeFile(
        script,
        `import { OciLayoutStore } from '${here}/../content-store/oci-layout-store.ts';
import { OverlaySnapshotter } from '${here}/overlay-snapshotter.ts';
const snap = new OverlaySnapshotter({ root: '${tmp}/snap', store: new OciLayoutStore('${tmp}/store') });
const s = await snap.prepare({ parents: [] });
console.log('READY ' + s.rootfs);
setInterval(() => {}, 1000);
`,
      );
      const child = spawn(process.execPath, ['--import', 'tsx', script], { cwd: path.resolve(here, '../../..'), stdio: ['ignore', 'pipe', 'inherit'] });
      const rootfs = await new Promise<string>((resolve, reject) => {
        let out = '';
        child.stdout.on('data', (c) => {
          out += c;
          const m = /READY (\S+)/.exec(out);
          if (m) resolve(m[1]);
        });
        child.on('exit', (code) => reject(new Error(`child exited ${code}`)));
      });
      expect(await listMountPoints()).toContain(rootfs);
      child.kill('SIGKILL');
      await new Promise((r) => child.once('exit', r));
      expect(await listMountPoints()).toContain(rootfs); // the kernel keeps it: nobody unmounted
      const restarted = new OverlaySnapshotter({ root: path.join(tmp, 'snap'), store: new OciLayoutStore(path.join(tmp, 'store')) });
      await restarted.init();
      expect(await listMountPoints()).not.toContain(rootfs);
      expect(await fs.readdir(path.join(tmp, 'snap/active'))).toEqual([]);
    } finally {
      await new OverlaySnapshotter({ root: path.join(tmp, 'snap'), store: new OciLayoutStore(path.join(tmp, 'store')) }).init();
      await fs.rm(tmp, { recursive: true, force: true });
    }
  });
});

describe.skipIf(!enabled)('OverlaySnapshotter: size-limited upperdir (prepare maxBytes)', () => {
  let tmp: string;
  beforeAll(async () => {
    tmp = await fs.mkdtemp(path.join(os.tmpdir(), 'overlay-quota-'));
  });
  afterAll(async () => {
    expect((await listMountPoints()).filter((m) => m.startsWith(tmp))).toEqual([]);
    await fs.rm(tmp, { recursive: true, force: true });
  });

  it('refuses writes past the limit with ENOSPC, and a commit copied off it keeps whiteouts and opaque dirs', async () => {
    const store = new OciLayoutStore(path.join(tmp, 'store'));
    const src = path.join(tmp, 'base');
    await fs.mkdir(path.join(src, 'keep'), { recursive: true });
    await fs.mkdir(path.join(src, 'gone'), { recursive: true });
    await fs.writeFile(path.join(src, 'keep/a'), 'a');
    await fs.writeFile(path.join(src, 'keep/b'), 'b');
    await fs.writeFile(path.join(src, 'gone/x'), 'x');
    const base = await writeLayer(store, await upperdirChanges(src, []), { compression: 'none' });
    const snap = new OverlaySnapshotter({ root: path.join(tmp, 'snap'), store });
    const parents = [{ digest: base.digest, diffId: base.diffId }];

    const s = await snap.prepare({ parents, maxBytes: 16 << 20 });
    let layer;
    try {
      await expect(fs.writeFile(path.join(s.rootfs, 'big'), Buffer.alloc(32 << 20))).rejects.toMatchObject({ code: 'ENOSPC' });
      await fs.rm(path.join(s.rootfs, 'big'));
      await fs.rm(path.join(s.rootfs, 'keep/a')); // a whiteout
      await fs.rm(path.join(s.rootfs, 'gone'), { recursive: true });
      await fs.mkdir(path.join(s.rootfs, 'gone')); // an opaque dir
      await fs.writeFile(path.join(s.rootfs, 'gone/new'), 'n');
      layer = await s.commit();
    } finally {
      await s.release();
    }
    const child = await snap.prepare({ parents: [...parents, { digest: layer.digest, diffId: layer.diffId }] });
    try {
      expect((await fs.readdir(path.join(child.rootfs, 'keep'))).sort()).toEqual(['b']);
      expect(await fs.readdir(path.join(child.rootfs, 'gone'))).toEqual(['new']);
      expect((await fs.readdir(child.rootfs)).sort()).toEqual(['gone', 'keep']);
    } finally {
      await child.release();
    }
  });
});
