// The client against our registry (token auth) and the CNCF registry (no auth): push, pull back
// with identical digests, the lesson's "only the changed layer uploads", tags vs digests, mounts.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { randomBytes } from 'node:crypto';
import fs from 'node:fs/promises';
import path from 'node:path';
import { hasCncfRegistry, localStores, makeImage, startCncf, startOurs, tempDir, type TestTarget } from '../testing.ts';
import { FileAuthenticator } from '../auth/file-authenticator.ts';
import { pullReference, pushReference } from './transfer.ts';
import type { Credentials } from './credentials.ts';

if (!hasCncfRegistry) console.warn('client: docker-registry not installed; CNCF interop skipped');

type Setup = { target: TestTarget; credentials?: Credentials; cleanup: () => Promise<void> };

const setups: { kind: string; start: () => Promise<Setup> }[] = [
  {
    kind: 'ours (token auth)',
    start: async () => {
      const dir = await tempDir();
      const users = path.join(dir, 'users.json');
      await FileAuthenticator.addUser(users, { username: 'alice', role: 'student', classes: ['c1'], password: 'alice-pw' });
      const target = await startOurs({ auth: { authenticator: new FileAuthenticator(users), secret: randomBytes(32) } });
      return { target, credentials: { username: 'alice', password: 'alice-pw' }, cleanup: () => fs.rm(dir, { recursive: true, force: true }) };
    },
  },
];
if (hasCncfRegistry) setups.push({ kind: 'CNCF registry 2.8', start: async () => ({ target: await startCncf(), cleanup: async () => undefined }) });

for (const { kind, start } of setups) {
  describe(`push and pull: ${kind}`, () => {
    let s: Setup;
    let local: Awaited<ReturnType<typeof localStores>>;
    beforeAll(async () => {
      s = await start();
      local = await localStores();
    });
    afterAll(async () => {
      await s?.target.close();
      await s?.cleanup();
      await local?.close();
    });

    it('pushes v1, then v2 uploads only the changed top layer; pulls back with identical digests', async () => {
      const repo = `${s.target.host}/alice/app`;
      const base = { 'etc/os-release': randomBytes(20_000).toString('hex') };
      const v1 = await makeImage(local.images, [base, { 'app/main.js': 'console.log(1)' }], `${repo}:v1`);
      const v2 = await makeImage(local.images, [base, { 'app/main.js': 'console.log(2) // changed' }], `${repo}:v2`);
      const lines: string[] = [];
      const r1 = await pushReference(`${repo}:v1`, { images: local.images, credentials: s.credentials, onLine: (l) => lines.push(l) });
      expect(r1.digest).toBe(v1.target.digest);
      expect(r1.blobs.every((b) => b.status === 'pushed')).toBe(true);
      expect(lines.at(-1)).toMatch(/^v1: digest: sha256:[a-f0-9]{64} size: \d+$/);

      const r2 = await pushReference(`${repo}:v2`, { images: local.images, credentials: s.credentials, onLine: (l) => lines.push(l) });
      expect(r2.digest).toBe(v2.target.digest);
      const top = v2.manifest.layers[1];
      const pushedLayers = r2.blobs.filter((b) => b.status === 'pushed' && b.digest !== v2.manifest.config.digest);
      expect(pushedLayers.map((b) => b.digest)).toEqual([top.digest]);
      expect(r2.blobs.find((b) => b.digest === v2.manifest.layers[0].digest)?.status).toBe('exists');
      expect(lines).toContain(`${v2.manifest.layers[0].digest.slice(7, 19)}: Layer already exists`);
      // bytes on the wire for v2: the changed layer + the new config + the manifest, nothing else
      expect(r2.bytesUploaded).toBe(top.size + v2.manifest.config.size + r2.size);

      const fresh = await localStores();
      try {
        const pulled = await pullReference(`${repo}:v2`, { images: fresh.images, credentials: s.credentials });
        expect(pulled.digest).toBe(v2.target.digest);
        expect(pulled.image.id).toBe(v2.id);
        expect(pulled.layers.every((l) => l.status === 'downloaded')).toBe(true);
        const again = await pullReference(`${repo}:v1`, { images: fresh.images, credentials: s.credentials });
        expect(again.image.id).toBe(v1.id);
        expect(again.layers.map((l) => l.status)).toEqual(['exists', 'downloaded']); // base layer shared
        expect((await fresh.images.get(`${repo}:v1`)).target.digest).toBe(v1.target.digest);
      } finally {
        await fresh.close();
      }
    });

    it('tags move, digests do not: :latest pulls the new image, the old digest still pulls the old one', async () => {
      const repo = `${s.target.host}/alice/tags`;
      const old = await makeImage(local.images, [{ a: 'old' }], `${repo}:latest`);
      await pushReference(`${repo}:latest`, { images: local.images, credentials: s.credentials });
      const neu = await makeImage(local.images, [{ a: 'new' }], `${repo}:latest`);
      await pushReference(`${repo}:latest`, { images: local.images, credentials: s.credentials });
      const fresh = await localStores();
      try {
        const latest = await pullReference(`${repo}:latest`, { images: fresh.images, credentials: s.credentials });
        expect(latest.image.id).toBe(neu.id);
        const byDigest = await pullReference(`${repo}@${old.target.digest}`, { images: fresh.images, credentials: s.credentials });
        expect(byDigest.digest).toBe(old.target.digest);
        expect(byDigest.image.id).toBe(old.id);
      } finally {
        await fresh.close();
      }
    });

    it('mounts a layer from another repository it knows instead of uploading it', async () => {
      const base = `${s.target.host}/alice/base:1`;
      const img = await makeImage(local.images, [{ shared: randomBytes(5000).toString('hex') }], base);
      await pushReference(base, { images: local.images, credentials: s.credentials });
      await local.images.tag(base, `${s.target.host}/alice/derived:1`);
      const r = await pushReference(`${s.target.host}/alice/derived:1`, { images: local.images, credentials: s.credentials });
      expect(r.blobs.find((b) => b.digest === img.manifest.layers[0].digest)?.status).toBe('mounted');
      expect(r.bytesUploaded).toBe(r.size); // only the manifest travelled
    });
  });
}
