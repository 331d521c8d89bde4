// The registry's links keep pushed content alive through the shared store's garbage collection.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import path from 'node:path';
import { collectGarbage } from '../content-store/gc.ts';
import { localStores, makeImage, startOurs } from './testing.ts';
import { pushReference } from './client/transfer.ts';
import { registryRoots, storeRegistryRoots } from './gc-roots.ts';

describe('registry GC roots', () => {
  let reg: Awaited<ReturnType<typeof startOurs>>;
  beforeAll(async () => {
    reg = await startOurs();
  });
  afterAll(async () => {
    await reg?.close();
  });

  it('pushed manifests, configs and layers survive GC with registryRoots; a deleted manifest is collected', async () => {
    const local = await localStores();
    try {
      const img = await makeImage(local.images, [{ a: 'a' }, { b: 'b' }], `${reg.host}/alice/gc:1`);
      await pushReference(`${reg.host}/alice/gc:1`, { images: local.images });
      const roots = await registryRoots(path.join(reg.root, 'registry'));
      expect(roots).toContain(img.target.digest);
      // the registry announced its root in the shared store, so any GC over that store finds it
      expect((await storeRegistryRoots(reg.content.root)).sort()).toEqual([...roots].sort());
      const dry = await collectGarbage(reg.content, { roots, dryRun: true });
      expect(dry.removed).toEqual([]);
      const without = await collectGarbage(reg.content, { dryRun: true });
      expect(without.removed.map((b) => b.digest).sort()).toEqual([img.target.digest, img.manifest.config.digest, ...img.manifest.layers.map((l) => l.digest)].sort());
      // delete the manifest and unlink the blobs: now GC may reclaim everything
      await fetch(`${reg.url}/v2/alice/gc/manifests/${img.target.digest}`, { method: 'DELETE' });
      for (const d of [img.manifest.config.digest, ...img.manifest.layers.map((l) => l.digest)]) {
        await fetch(`${reg.url}/v2/alice/gc/blobs/${d}`, { method: 'DELETE' });
      }
      const after = await collectGarbage(reg.content, { roots: await registryRoots(path.join(reg.root, 'registry')) });
      expect(after.removed.length).toBe(4);
      expect((await fetch(`${reg.url}/v2/alice/gc/manifests/1`)).status).toBe(404);
    } finally {
      await local.close();
    }
  });
});
