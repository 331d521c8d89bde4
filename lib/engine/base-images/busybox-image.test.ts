import { afterAll, describe, expect, it } from 'vitest';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { gunzipSync } from 'node:zlib';
import tar from 'tar-stream';
import { OciLayoutStore } from '../content-store/oci-layout-store.ts';
import { createImageStore } from '../image/layout-image-store.ts';
import { BUSYBOX_REF, DEFAULT_BUSYBOX_BINARY, buildBusyboxImage, busyboxApplets, ensureBusybox, isScratch, scratchConfig } from './base-images.ts';

const haveBusybox = fs.existsSync(DEFAULT_BUSYBOX_BINARY);
const isRoot = process.getuid?.() === 0;
if (!haveBusybox || !isRoot) console.warn('busybox base image tests skipped: need root and /bin/busybox (apt-get install busybox-static)');

const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'lab-base-'));
afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));

async function entries(blob: Buffer) {
  const out = new Map<string, tar.Header>();
  const ex = tar.extract();
  const done = new Promise<void>((resolve, reject) => {
    ex.on('entry', (h, stream, next) => { out.set(h.name, h); stream.resume(); stream.on('end', next); });
    ex.on('finish', resolve);
    ex.on('error', reject);
  });
  ex.end(gunzipSync(blob));
  await done;
  return out;
}

describe('scratch', () => {
  it('is only the bare name and starts with no layers', () => {
    expect(isScratch('scratch')).toBe(true);
    expect(isScratch('scratch:latest')).toBe(false);
    const c = scratchConfig({ architecture: 'amd64' });
    expect(c.rootfs.diff_ids).toEqual([]);
    expect(c.config?.Env?.[0]).toMatch(/^PATH=/);
  });
});

describe.skipIf(!haveBusybox || !isRoot)('busybox:latest from busybox-static', () => {
  it('builds one deterministic layer like the official image', async () => {
    const images = createImageStore(new OciLayoutStore(path.join(tmp, 'a')));
    const img = await ensureBusybox(images);
    expect(img.names).toEqual([BUSYBOX_REF]);
    expect(img.config.config?.Cmd).toEqual(['sh']);
    expect(img.manifest.layers).toHaveLength(1);
    expect(img.config.history?.map((h) => !!h.empty_layer)).toEqual([false, true]);

    const layer = await entries(await images.content.get(img.manifest.layers[0].digest));
    const applets = await busyboxApplets();
    expect(applets.length).toBeGreaterThan(100);
    const file = [...layer.values()].find((h) => h.type === 'file' && h.name.startsWith('bin/'))!;
    for (const a of [...applets, 'busybox']) {
      const h = layer.get(`bin/${a}`)!;
      expect(h, a).toBeDefined();
      if (h.name !== file.name) expect(h.linkname).toBe(file.name);
    }
    expect(layer.get('bin/sh')?.type).toBe('link');
    expect(layer.get('tmp/')!.mode! & 0o7777).toBe(0o1777);
    expect(layer.get('root/')!.mode! & 0o7777).toBe(0o700);
    expect(layer.get('etc/passwd')?.uid).toBe(0);
    expect(layer.has('proc/')).toBe(false);
    expect(img.size).toBeGreaterThan(fs.statSync(DEFAULT_BUSYBOX_BINARY).size);

    // same input, another store: same digests
    const other = createImageStore(new OciLayoutStore(path.join(tmp, 'b')));
    const again = await buildBusyboxImage(other, { tag: BUSYBOX_REF });
    expect(again.id).toBe(img.id);
    expect(again.target.digest).toBe(img.target.digest);
    // present -> not rebuilt
    expect((await ensureBusybox(images)).id).toBe(img.id);
  });

  it('explains a missing binary', async () => {
    const images = createImageStore(new OciLayoutStore(path.join(tmp, 'c')));
    await expect(buildBusyboxImage(images, { binary: '/nonexistent/busybox' })).rejects.toThrow(/busybox-static/);
  });
});
