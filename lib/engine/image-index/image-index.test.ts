// The index on crafted images: per-layer changes (added/modified/deleted/opaque), the merged
// view by OCI's rules, dive's efficiency with its numbers worked out by hand below, secrets in a
// later-deleted file, paged tree queries, and the on-disk cache.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { OciLayoutStore } from '../content-store/oci-layout-store.ts';
import { createImageStore } from '../image/layout-image-store.ts';
import type { Image } from '../image/image.ts';
import { ImageIndexCache } from './index-cache.ts';
import { putTestImage } from './testing.ts';
import type { ImageIndex } from './image-index.ts';

let tmp: string;
let cache: ImageIndexCache;
let img: Image;
const AWS = 'AKIAZ7QRSTUVWXYZ2345';
const GH = `ghp_${'aB3dE5fG7hJ9kL1mN2pQ4rS6tU8vW0xY2z4A'}`;
const SECRET_FILE = `AWS_ACCESS_KEY_ID=${AWS}\nGITHUB_TOKEN=${GH}\n`;
const S = Buffer.byteLength(SECRET_FILE);

const x = (n: number) => 'x'.repeat(n);

beforeAll(async () => {
  tmp = await fs.mkdtemp(path.join(os.tmpdir(), 'image-index-'));
  const content = new OciLayoutStore(path.join(tmp, 'store'));
  await content.init();
  const images = createImageStore(content);
  img = await putTestImage(images, {
    tag: 'crafted:1',
    layers: [
      ['d:etc/', 'f:etc/passwd=root', 'd:app/', `f:app/big=${x(1000)}`, 'd:data/', `f:data/a=${x(100)}`, `f:data/b=${x(200)}`, 'd:cache/', `f:cache/c=${x(50)}`],
      ['d:app/', `f:app/big=${x(1500)}`, 'd:etc/', 'w:etc/.wh.passwd', `f:secret.env=${SECRET_FILE}`],
      ['w:.wh.data', 'd:cache/', 'o:cache', `f:cache/d=${x(10)}`, 'w:.wh.secret.env'],
    ],
    history: [
      { created_by: 'ADD rootfs.tar / # buildkit' },
      { created_by: 'ENV APP=1', empty_layer: true },
      { created_by: 'COPY . / # buildkit' },
      { created_by: 'RUN /bin/sh -c rm -rf /data /secret.env # buildkit' },
      { created_by: 'CMD ["sh"]', empty_layer: true },
    ],
  });
  cache = new ImageIndexCache(content, { dir: path.join(tmp, 'index') });
});

afterAll(async () => {
  cache.close();
  await fs.rm(tmp, { recursive: true, force: true });
});

const use = <T>(fn: (ix: ImageIndex) => T) => cache.use({ manifestDigest: img.target.digest, manifest: img.manifest, config: img.config }, fn);

describe('image index on a crafted image', () => {
  it('pairs layers with their history steps and keeps config-only steps between them', async () => {
    const s = await use((ix) => ix.summary);
    expect(s.layers.map((l) => l.step?.instruction)).toEqual(['ADD rootfs.tar /', 'COPY . /', 'RUN rm -rf /data /secret.env']);
    expect(s.steps.map((st) => [st.instruction, st.emptyLayer, st.layer])).toEqual([
      ['ADD rootfs.tar /', false, 0], ['ENV APP=1', true, undefined], ['COPY . /', false, 1], ['RUN rm -rf /data /secret.env', false, 2], ['CMD ["sh"]', true, undefined],
    ]);
    expect(s.layers.map((l) => l.diffId)).toEqual(img.config.rootfs.diff_ids);
    expect(s.layers.map((l) => l.digest)).toEqual(img.manifest.layers.map((l) => l.digest));
    expect(s.layers[0].compressedSize).toBe(img.manifest.layers[0].size);
    expect(s.layers[0].uncompressedSize % 512).toBe(0);
    expect(s.layers.map((l) => l.contentSize)).toEqual([4 + 1000 + 100 + 200 + 50, 1500 + S, 10]);
  });

  it('classifies each layer’s changes against the layers below', async () => {
    const l1 = await use((ix) => ix.search({ scope: 1, limit: 50 }).items);
    expect(l1.map((e) => [e.path, e.change, e.previous?.size])).toEqual([
      ['/app', 'modified', 0], ['/app/big', 'modified', 1000], ['/etc', 'modified', 0], ['/etc/passwd', 'deleted', 4], ['/secret.env', 'added', undefined],
    ]);
    const l2 = await use((ix) => ix.search({ scope: 2, limit: 50 }).items);
    expect(l2.map((e) => [e.path, e.change, e.type, e.previous?.size])).toEqual([
      ['/cache', 'opaque', 'dir', 50], ['/cache/d', 'added', 'file', undefined], ['/data', 'deleted', undefined, 300], ['/secret.env', 'deleted', undefined, S],
    ]);
    const s = await use((ix) => ix.summary.layers[2]);
    expect([s.added, s.modified, s.deleted, s.opaque, s.addedBytes, s.removedBytes]).toEqual([1, 0, 2, 1, 10, 50 + 300 + S]);
  });

  it('merges layers as a container sees them: whiteouts, opaque directories, replacements', async () => {
    const all = await use((ix) => ix.search({ scope: 'merged', limit: 100 }).items);
    expect(all.map((e) => [e.path, e.type, e.size, e.layer])).toEqual([
      ['/app', 'dir', 0, 1], ['/app/big', 'file', 1500, 1], ['/cache', 'dir', 0, 2], ['/cache/d', 'file', 10, 2], ['/etc', 'dir', 0, 1],
    ]);
    const root = await use((ix) => ix.children({ scope: 'merged' }));
    expect(root.items.map((e) => [e.name, e.totalSize, e.totalCount, e.children])).toEqual([['app', 1500, 1, 1], ['cache', 10, 1, 1], ['etc', 0, 0, 0]]);
    const s = await use((ix) => ix.summary);
    expect([s.files, s.totalSize]).toEqual([5, 1510]);
  });

  it('computes dive’s efficiency exactly (numbers worked out by hand from dive’s rules)', async () => {
    // Leaves per layer (dive visits only nodes without children; opaque markers are no nodes):
    //  L0: /app/big 1000, /cache/c 50, /data/a 100, /data/b 200, /etc/passwd 4
    //  L1: /app/big 1500, /etc/passwd whiteout (was a file: 0), /secret.env S
    //  L2: /data whiteout (was a directory: 0 + 100 + 200), /secret.env whiteout (file: 0), /cache/d 10
    const perPath: Record<string, number[]> = {
      '/app/big': [1000, 1500], '/cache/c': [50], '/data/a': [100], '/data/b': [200], '/etc/passwd': [4, 0],
      '/secret.env': [S, 0], '/data': [300], '/cache/d': [10],
    };
    const sum = (a: number[]) => a.reduce((s, n) => s + n, 0);
    const minSum = sum(Object.values(perPath).map((v) => Math.min(...v)));
    const total = sum(Object.values(perPath).map(sum));
    const wasted = sum(Object.values(perPath).filter((v) => v.length > 1).map(sum));
    const layerSizes = [4 + 1000 + 100 + 200 + 50, 1500 + S, 10];
    const userSize = layerSizes[1] + layerSizes[2];
    const e = await use((ix) => ix.efficiency());
    expect(e.score).toBeCloseTo(minSum / total, 12);
    expect(e.score).toBeCloseTo(1660 / (3164 + S), 12);
    expect(e.wastedBytes).toBe(wasted);
    expect(e.wastedBytes).toBe(2504 + S);
    expect(e.layerSizes).toEqual(layerSizes);
    expect(e.userSizeBytes).toBe(userSize);
    expect(e.userWastedPercent).toBeCloseTo(wasted / userSize, 12);
    expect(e.inefficiencies.map((i) => [i.path, i.count, i.cumulativeSize, i.minSize, i.layers])).toEqual([
      ['/app/big', 2, 2500, 1000, [0, 1]], ['/secret.env', 2, S, 0, [1, 2]], ['/etc/passwd', 2, 4, 0, [0, 1]],
    ]);
  });

  it('finds secrets in a file a later layer deleted, masked, with the layer and its instruction', async () => {
    const { findings } = await use((ix) => ix.secrets());
    const file = findings.filter((f) => f.source === 'file');
    expect(file.map((f) => [f.rule, f.path, f.line, f.layer, f.step?.instruction, f.removed?.layer, f.removed?.how, f.removed?.instruction])).toEqual([
      ['aws-access-key-id', '/secret.env', 1, 1, 'COPY . /', 2, 'deleted', 'RUN rm -rf /data /secret.env'],
      ['github-pat', '/secret.env', 2, 1, 'COPY . /', 2, 'deleted', 'RUN rm -rf /data /secret.env'],
    ]);
    for (const f of findings) {
      expect(f.masked).not.toContain(AWS);
      expect(f.masked).not.toContain(GH);
    }
    expect(file[0].masked).toBe(`AKIA${'*'.repeat(12)}2345`);
  });

  it('answers paged children, glob, size and change filters, and one path’s history', async () => {
    const page1 = await use((ix) => ix.children({ scope: 0, path: '/', limit: 2 }));
    expect([page1.items.map((e) => e.name), page1.total, page1.next]).toEqual([['app', 'cache'], 4, 2]);
    const page2 = await use((ix) => ix.children({ scope: 0, path: '/', offset: 2, limit: 2 }));
    expect([page2.items.map((e) => e.name), page2.next]).toEqual([['data', 'etc'], undefined]);
    const big = await use((ix) => ix.search({ scope: 0, minSize: 150, types: ['file'] }).items.map((e) => e.path));
    expect(big).toEqual(['/app/big', '/data/b']);
    const glob = await use((ix) => ix.children({ scope: 0, path: '/', glob: '**/b*' }).items.map((e) => e.path));
    expect(glob).toEqual(['/app', '/data']); // dirs holding a match
    const bySize = await use((ix) => ix.children({ scope: 0, path: '/', sort: 'size' }).items.map((e) => e.name));
    expect(bySize).toEqual(['app', 'data', 'cache', 'etc']);
    const deleted = await use((ix) => ix.search({ scope: 2, changes: ['deleted'] }).items.map((e) => e.path));
    expect(deleted).toEqual(['/data', '/secret.env']);
    const hist = await use((ix) => ix.pathHistory('/data/a'));
    expect(hist.merged).toBeUndefined();
    expect(hist.layers.map((l) => [l.layer, l.path, l.change])).toEqual([[0, '/data/a', 'added'], [2, '/data', 'deleted']]);
  });

  it('compares two builds layer by layer and file by file', async () => {
    const images = createImageStore((cache as unknown as { content: OciLayoutStore }).content);
    const other = await putTestImage(images, {
      tag: 'crafted:2',
      layers: [
        ['d:etc/', 'f:etc/passwd=root', 'd:app/', `f:app/big=${x(1000)}`, 'd:data/', `f:data/a=${x(100)}`, `f:data/b=${x(200)}`, 'd:cache/', `f:cache/c=${x(50)}`],
        ['d:app/', `f:app/big=${x(1499)}y`, 'f:app/new=1', 'd:etc/', 'w:etc/.wh.passwd'],
      ],
    });
    const b = { manifestDigest: other.target.digest, manifest: other.manifest, config: other.config };
    const r = await use((ia) => cache.use(b, (ib) => ia.compare(ib)));
    expect([r.sharedBaseLayers, r.layers.map((l) => l.status)]).toEqual([1, ['same', 'changed', 'only-a']]);
    expect(r.counts).toEqual({ added: 5, removed: 1, changed: 1 });
    expect(r.files.items.map((f) => [f.path, f.status, f.what])).toEqual([
      ['/app/big', 'changed', ['content']], ['/app/new', 'added', []], ['/cache/c', 'added', []], ['/cache/d', 'removed', []],
      ['/data', 'added', []], ['/data/a', 'added', []], ['/data/b', 'added', []],
    ]); // directories with the same type, mode and owner are not "changed"
    const inLayer1 = await use((ia) => cache.use(b, (ib) => ia.compare(ib, { scope: 1, statuses: ['added'] })));
    expect(inLayer1.files.items.map((f) => f.path)).toEqual(['/app/new']);
    expect(r.sizeDelta).toBe(1500 + 1 + 50 + 100 + 200 - 1510);
  });

  it('keeps the index on disk keyed by the manifest digest and reopens it', async () => {
    const file = cache.fileFor(img.target.digest);
    expect((await fs.stat(file)).size).toBeGreaterThan(0);
    expect(path.basename(file)).toBe(`${img.target.digest.slice(7)}.v1.sqlite`);
    const again = new ImageIndexCache((cache as unknown as { content: OciLayoutStore }).content, { dir: path.dirname(file) });
    const at = await again.use({ manifestDigest: img.target.digest, manifest: img.manifest, config: img.config }, (ix) => ix.summary.indexedAt);
    expect(at).toBe(await use((ix) => ix.summary.indexedAt)); // not rebuilt
    again.close();
    expect((await fs.readdir(path.dirname(file))).filter((n) => n.includes('.tmp-'))).toEqual([]);
  });
});
