import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { Readable } from 'node:stream';
import { afterAll, beforeEach, describe, expect, it } from 'vitest';
import { EngineError } from '../errors.ts';
import { sha256 } from './digest.ts';
import { collectGarbage, verifyStore } from './gc.ts';
import { OciLayoutStore } from './oci-layout-store.ts';
import { ingestStream } from './stream-ingest.ts';

const tmpRoots: string[] = [];
async function newStore(): Promise<OciLayoutStore> {
  const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'cs-test-'));
  tmpRoots.push(dir);
  const store = new OciLayoutStore(dir);
  await store.init();
  return store;
}
afterAll(async () => {
  for (const d of tmpRoots) await fs.rm(d, { recursive: true, force: true });
});

async function readAll(r: Readable): Promise<Buffer> {
  const parts: Buffer[] = [];
  for await (const c of r) parts.push(c as Buffer);
  return Buffer.concat(parts);
}

async function ingestFiles(store: OciLayoutStore): Promise<string[]> {
  return fs.readdir(store.ingestDir);
}

describe('OciLayoutStore', () => {
  let store: OciLayoutStore;
  beforeEach(async () => {
    store = await newStore();
  });

  it('writes an OCI image layout that names blobs by sha256', async () => {
    const info = await store.put('hello layer');
    expect(info).toEqual({ digest: sha256('hello layer'), size: 11 });
    const onDisk = await fs.readFile(path.join(store.root, 'blobs/sha256', info.digest.slice(7)), 'utf8');
    expect(onDisk).toBe('hello layer');
    expect(JSON.parse(await fs.readFile(path.join(store.root, 'oci-layout'), 'utf8'))).toEqual({ imageLayoutVersion: '1.0.0' });
    expect((await store.readIndex()).manifests).toEqual([]);
    expect(await store.has(info.digest)).toBe(true);
    expect(await store.get(info.digest)).toEqual(Buffer.from('hello layer'));
  });

  it('rejects a digest mismatch and leaves nothing behind', async () => {
    const wrong = sha256('something else');
    await expect(store.put('payload', wrong)).rejects.toMatchObject({ code: 'DIGEST_MISMATCH' });
    expect(await store.has(sha256('payload'))).toBe(false);
    expect(await store.has(wrong)).toBe(false);
    expect(await ingestFiles(store)).toEqual([]);
    const w = await store.writer();
    await w.write(Buffer.from('abc'));
    await expect(w.commit({ size: 4 })).rejects.toMatchObject({ code: 'DIGEST_MISMATCH' });
    expect(await ingestFiles(store)).toEqual([]);
  });

  it('hashes while writing and reports size and digest before commit', async () => {
    const w = await store.writer();
    await w.write(Buffer.from('ab'));
    expect(w.digest()).toBe(sha256('ab'));
    await w.write(Buffer.from('cd'));
    expect(w.size).toBe(4);
    expect(await store.has(sha256('abcd'))).toBe(false); // not visible before commit
    const info = await w.commit({ digest: sha256('abcd'), size: 4 });
    expect(info.digest).toBe(sha256('abcd'));
    await w.abort(); // harmless after commit
    expect(await store.get(info.digest)).toEqual(Buffer.from('abcd'));
  });

  it('aborted writers leave no temp file and no blob', async () => {
    const w = await store.writer();
    await w.write(Buffer.from('partial'));
    await w.abort();
    await w.abort();
    expect(await ingestFiles(store)).toEqual([]);
    expect(await store.has(sha256('partial'))).toBe(false);
  });

  it('lets concurrent writers of the same blob all succeed with one copy', async () => {
    const data = Buffer.alloc(256 * 1024, 7);
    const results = await Promise.all(Array.from({ length: 8 }, () => ingestStream(store, Readable.from([data.subarray(0, 1000), data.subarray(1000)]))));
    expect(new Set(results.map((r) => r.digest))).toEqual(new Set([sha256(data)]));
    const all = [];
    for await (const b of store.list()) all.push(b);
    expect(all).toEqual([{ digest: sha256(data), size: data.length }]);
    expect(await ingestFiles(store)).toEqual([]);
  });

  it('verifies reads: a corrupted blob fails get() and a full stream, but not a range', async () => {
    const { digest } = await store.put('original bytes');
    await fs.writeFile(store.blobPath(digest), 'tampered bytes');
    await expect(store.get(digest)).rejects.toMatchObject({ code: 'DIGEST_MISMATCH' });
    await expect(readAll(await store.createReadStream(digest))).rejects.toMatchObject({ code: 'DIGEST_MISMATCH' });
    expect((await readAll(await store.createReadStream(digest, { start: 0, end: 7 }))).toString()).toBe('tampered');
    const v = await verifyStore(store);
    expect(v.corrupted).toEqual([digest]);
  });

  it('streams a healthy blob and serves inclusive ranges', async () => {
    const { digest } = await store.put('0123456789');
    expect((await readAll(await store.createReadStream(digest))).toString()).toBe('0123456789');
    expect((await readAll(await store.createReadStream(digest, { start: 2, end: 4 }))).toString()).toBe('234');
    expect((await readAll(await store.createReadStream(digest, { start: 8 }))).toString()).toBe('89');
  });

  it('reports NOT_FOUND for missing blobs and rejects malformed digests', async () => {
    const missing = sha256('nope');
    await expect(store.get(missing)).rejects.toMatchObject({ code: 'NOT_FOUND' });
    await expect(store.createReadStream(missing)).rejects.toMatchObject({ code: 'NOT_FOUND' });
    await expect(store.delete(missing)).rejects.toMatchObject({ code: 'NOT_FOUND' });
    expect(await store.info(missing)).toBeUndefined();
    await expect(store.get('sha256:../../etc/passwd')).rejects.toBeInstanceOf(EngineError);
    await expect(store.has('sha256:ABC')).rejects.toMatchObject({ code: 'INVALID_INPUT' });
  });

  it('lists and deletes blobs', async () => {
    const a = await store.put('a');
    const b = await store.put('bb');
    const listed = [];
    for await (const x of store.list()) listed.push(x);
    expect(listed.sort((x, y) => x.size - y.size)).toEqual([a, b]);
    await store.delete(a.digest);
    expect(await store.has(a.digest)).toBe(false);
    expect(await store.has(b.digest)).toBe(true);
  });

  it('updates index.json atomically and serially', async () => {
    await Promise.all(
      Array.from({ length: 10 }, (_, i) =>
        store.updateIndex((idx) => {
          idx.manifests.push({ mediaType: 'x', digest: sha256(String(i)), size: i });
        }),
      ),
    );
    expect((await store.readIndex()).manifests).toHaveLength(10);
    const raw = await fs.readFile(path.join(store.root, 'index.json'), 'utf8');
    expect(JSON.parse(raw).schemaVersion).toBe(2);
  });

  it('serialises index.json updates across two stores opened on the same root', async () => {
    const other = new OciLayoutStore(store.root);
    await other.init();
    await Promise.all(
      Array.from({ length: 12 }, (_, i) =>
        (i % 2 ? other : store).updateIndex((idx) => {
          idx.manifests.push({ mediaType: 'x', digest: sha256(`two-${i}`), size: i });
        }),
      ),
    );
    const digests = (await store.readIndex()).manifests.map((m) => m.digest);
    for (let i = 0; i < 12; i++) expect(digests).toContain(sha256(`two-${i}`));
  });

  it('sweeps stale temp files on start but keeps fresh ones', async () => {
    const stale = path.join(store.ingestDir, 'stale');
    const fresh = path.join(store.ingestDir, 'fresh');
    await fs.writeFile(stale, 'x');
    await fs.writeFile(fresh, 'y');
    const old = new Date(Date.now() - 2 * 3600_000);
    await fs.utimes(stale, old, old);
    const again = new OciLayoutStore(store.root);
    await again.init();
    expect((await ingestFiles(again)).sort()).toEqual(['fresh']);
  });
});

describe('garbage collection', () => {
  async function image(store: OciLayoutStore, tag: string, layer: string) {
    const l = await store.put(layer);
    const config = await store.put(JSON.stringify({ rootfs: { type: 'layers', diff_ids: [l.digest] } }));
    const manifest = await store.put(
      JSON.stringify({
        schemaVersion: 2,
        config: { mediaType: 'application/vnd.oci.image.config.v1+json', ...config },
        layers: [{ mediaType: 'application/vnd.oci.image.layer.v1.tar+gzip', ...l }],
      }),
    );
    if (tag) {
      await store.updateIndex((idx) => {
        idx.manifests.push({ mediaType: 'application/vnd.oci.image.manifest.v1+json', ...manifest, annotations: { 'org.opencontainers.image.ref.name': tag } });
      });
    }
    return { layer: l.digest, config: config.digest, manifest: manifest.digest };
  }

  it('keeps what index.json, roots and leases reach and removes the rest', async () => {
    const store = await newStore();
    const tagged = await image(store, 'keep', 'layer-kept');
    const rooted = await image(store, '', 'layer-rooted');
    const orphan = await image(store, '', 'layer-orphan');
    const leasedBlob = await store.put('in-flight');
    const release = store.lease([leasedBlob.digest]);

    const dry = await collectGarbage(store, { roots: [rooted.manifest], dryRun: true });
    expect(dry.removed.map((r) => r.digest).sort()).toEqual([orphan.layer, orphan.config, orphan.manifest].sort());
    expect(await store.has(orphan.layer)).toBe(true);

    const res = await collectGarbage(store, { roots: [rooted.manifest] });
    expect(res.removed).toHaveLength(3);
    expect(res.reclaimedBytes).toBe(res.removed.reduce((n, r) => n + r.size, 0));
    for (const d of Object.values(tagged)) expect(await store.has(d)).toBe(true);
    for (const d of Object.values(rooted)) expect(await store.has(d)).toBe(true);
    for (const d of Object.values(orphan)) expect(await store.has(d)).toBe(false);
    expect(await store.has(leasedBlob.digest)).toBe(true);

    release();
    await collectGarbage(store, { roots: [rooted.manifest] });
    expect(await store.has(leasedBlob.digest)).toBe(false);
    const v = await verifyStore(store);
    expect(v).toMatchObject({ corrupted: [], missing: [] });
  });

  it('keeps young blobs with minAgeMs and flags missing children in verify', async () => {
    const store = await newStore();
    const fresh = await store.put('fresh');
    expect((await collectGarbage(store, { minAgeMs: 60_000 })).removed).toEqual([]);
    expect(await store.has(fresh.digest)).toBe(true);
    const img = await image(store, 'x', 'layer');
    await store.delete(img.layer);
    expect((await verifyStore(store)).missing).toEqual([img.layer]);
  });
});
