import { afterAll, beforeEach, describe, expect, it } from 'vitest';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { gzipSync } from 'node:zlib';
import { OciLayoutStore } from '../content-store/oci-layout-store.ts';
import { addHistory, createdBy, newImageConfig } from './config-builder.ts';
import { createImageStore, type LayoutImageStore } from './layout-image-store.ts';
import { MediaTypes, type LayerRef } from './image.ts';
import { sha256Digest } from './manifest-builder.ts';
import tar from 'tar-stream';

const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'lab-imgstore-'));
afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));

let n = 0;
let content: OciLayoutStore;
let images: LayoutImageStore;
beforeEach(() => {
  const dir = path.join(tmp, `s${n++}`);
  content = new OciLayoutStore(path.join(dir, 'store'));
  images = createImageStore(content, { metaDir: path.join(dir, 'images') });
});

/** A one-file layer tar: /<text>.txt holding 1000 bytes. */
async function tarOf(text: string): Promise<Buffer> {
  const pack = tar.pack();
  pack.entry({ name: `${text}.txt`, mtime: new Date(0), mode: 0o644 }, Buffer.alloc(1000, text));
  pack.entry({ name: `link-${text}`, type: 'symlink', linkname: 'abc', mtime: new Date(0) });
  pack.entry({ name: `.wh.gone-${text}`, mtime: new Date(0) }, Buffer.alloc(0));
  pack.finalize();
  const chunks: Buffer[] = [];
  for await (const c of pack) chunks.push(c as Buffer);
  return Buffer.concat(chunks);
}

async function layer(text: string): Promise<LayerRef> {
  const raw = await tarOf(text);
  const gz = gzipSync(raw);
  const info = await content.put(gz);
  return { descriptor: { mediaType: MediaTypes.ociLayerGzip, digest: info.digest, size: info.size }, diffId: sha256Digest(raw) };
}

async function image(tag: string | undefined, texts: string[], created = '2026-01-01T00:00:00Z') {
  const layers = await Promise.all(texts.map(layer));
  const cfg = newImageConfig(undefined, { architecture: 'amd64', os: 'linux' });
  cfg.created = created;
  for (const [i, l] of layers.entries()) addHistory(cfg, { createdBy: createdBy.run(['/bin/sh', '-c', `step ${i}`]), diffId: l.diffId, created });
  addHistory(cfg, { createdBy: createdBy.cmd(['sh']), created });
  cfg.config!.Cmd = ['sh'];
  return images.putImage({ config: cfg, layers, tags: tag ? [tag] : [] });
}

describe('LayoutImageStore on the real OCI layout store', () => {
  it('puts, resolves by name, id, short id and manifest digest', async () => {
    const img = await image('myapp:v1', ['a', 'b']);
    expect(img.names).toEqual(['docker.io/library/myapp:v1']);
    // docker's SIZE: file bytes + symlink target length, whiteouts 0
    // putImage does not re-read fresh layers; get() measures them
    expect((await images.get(img.id)).size).toBe(2 * 1003);
    const usage = await images.layerUsage(img.manifest.layers[0]);
    expect(usage).toEqual({ tarSize: (await tarOf('a')).length, contentSize: 1003 });
    expect(img.manifest.layers).toHaveLength(2);
    for (const key of ['myapp:v1', 'docker.io/library/myapp:v1', img.id, img.id.slice(7), img.id.slice(7, 19), img.target.digest]) {
      expect((await images.get(key)).id).toBe(img.id);
    }
    await expect(images.get('nope')).rejects.toThrow(/No such image: nope/);
  });

  it('is deterministic: same input, same digests', async () => {
    const a = await image('x', ['same']);
    const b = await image('y', ['same']);
    expect(b.id).toBe(a.id);
    expect(b.target.digest).toBe(a.target.digest);
    expect((await images.get(a.id)).names).toEqual(['docker.io/library/x:latest', 'docker.io/library/y:latest']);
  });

  it('writes an OCI layout index.json with name annotations', async () => {
    const img = await image('busybox', ['a']);
    const index = JSON.parse(fs.readFileSync(path.join(content.root, 'index.json'), 'utf8'));
    const entry = index.manifests.find((m: { digest: string }) => m.digest === img.target.digest);
    expect(entry.annotations['io.containerd.image.name']).toBe('docker.io/library/busybox:latest');
    expect(entry.annotations['org.opencontainers.image.ref.name']).toBe('latest');
  });

  it('keeps the old image dangling when its tag moves, like docker', async () => {
    const old = await image('app', ['v1'], '2026-01-01T00:00:00Z');
    const neu = await image('app', ['v2'], '2026-01-02T00:00:00Z');
    const list = await images.list();
    expect(list.map((i) => i.id)).toEqual([neu.id, old.id]);
    expect(list[1].names).toEqual([]);
    expect(await images.roots()).toEqual(expect.arrayContaining([old.target.digest, neu.target.digest]));
  });

  it('lists one image per image ID even when two manifests share the config', async () => {
    const img = await image('one', ['shared']);
    const cfg = await images.content.get(img.id);
    // the same config under a docker-typed manifest (as a load or pull may bring it)
    const l = img.manifest.layers[0];
    const other = await images.putImage({
      config: JSON.parse(cfg.toString()), configBytes: cfg, mediaTypes: 'docker',
      layers: [{ descriptor: l, diffId: img.config.rootfs.diff_ids[0] }],
    });
    expect(other.target.digest).not.toBe(img.target.digest);
    const list = await images.list();
    expect(list.filter((i) => i.id === img.id)).toHaveLength(1);
    expect(list.find((i) => i.id === img.id)!.names).toEqual(['docker.io/library/one:latest']);
  });

  it('tags and removes with docker rmi semantics', async () => {
    const img = await image('app:1', ['z']);
    await images.tag('app:1', 'registry.example.com/app:2');
    expect((await images.get('app:1')).names).toHaveLength(2);
    await expect(images.remove(img.id.slice(7, 19))).rejects.toThrow(/must be forced/);
    expect(await images.remove('app:1')).toEqual([{ Untagged: 'app:1' }]);
    expect(await images.remove('registry.example.com/app:2')).toEqual([
      { Untagged: 'registry.example.com/app:2' },
      { Deleted: img.id },
    ]);
    expect(await images.find(img.id)).toBeUndefined();
    expect(await images.roots()).toEqual([]);
  });

  it('rejects mismatched diff_ids and missing layer blobs', async () => {
    const l = await layer('q');
    const cfg = newImageConfig(undefined, { architecture: 'amd64', os: 'linux' });
    await expect(images.putImage({ config: cfg, layers: [l] })).rejects.toThrow(/diff_ids/);
    addHistory(cfg, { createdBy: 'x', diffId: l.diffId });
    const missing = { ...l, descriptor: { ...l.descriptor, digest: sha256Digest('nothing') } };
    await expect(images.putImage({ config: cfg, layers: [missing] })).rejects.toThrow(/not in the content store/);
  });

  it('writes docker media types on request', async () => {
    const l = await layer('d');
    const cfg = newImageConfig(undefined, { architecture: 'amd64', os: 'linux' });
    addHistory(cfg, { createdBy: 'x', diffId: l.diffId });
    const img = await images.putImage({ config: cfg, layers: [l], mediaTypes: 'docker', tags: ['d'] });
    expect(img.manifest.mediaType).toBe(MediaTypes.dockerManifest);
    expect(img.manifest.layers[0].mediaType).toBe(MediaTypes.dockerLayerGzip);
    expect(img.manifest.config.mediaType).toBe(MediaTypes.dockerConfig);
  });
});
