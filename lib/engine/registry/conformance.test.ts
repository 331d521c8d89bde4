// Conformance suite organised by the distribution spec's endpoint list (end-1 .. end-13). The SAME
// tests run against our registry and against the CNCF registry (Debian docker-registry 2.8).
// Where 2.8 lacks a v1.1 feature, the test says so and runs only against ours.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { randomBytes } from 'node:crypto';
import { hasCncfRegistry, makeLayer, randomName, sha256, startCncf, startOurs, type TestTarget } from './testing.ts';

if (!hasCncfRegistry) console.warn('conformance: docker-registry (Debian package docker-registry) not installed; the CNCF half is skipped');

const OCI_MANIFEST = 'application/vnd.oci.image.manifest.v1+json';
const OCI_INDEX = 'application/vnd.oci.image.index.v1+json';
const DOCKER_MANIFEST = 'application/vnd.docker.distribution.manifest.v2+json';

const targets: { kind: 'ours' | 'cncf'; start: () => Promise<TestTarget> }[] = [{ kind: 'ours', start: startOurs }];
if (hasCncfRegistry) targets.push({ kind: 'cncf', start: startCncf });

for (const { kind, start } of targets) {
  describe(`distribution spec conformance: ${kind}`, () => {
    let t: TestTarget;
    const ours = kind === 'ours';
    beforeAll(async () => {
      t = await start();
    });
    afterAll(async () => {
      await t?.close();
    });

    const req = (path: string, init: RequestInit = {}) => fetch(`${t.url}${path}`, { redirect: 'manual', ...init });
    const errorCode = async (r: Response) => ((await r.json()) as { errors: { code: string }[] }).errors[0].code;
    const abs = (loc: string) => (loc.startsWith('http') ? loc : `${t.url}${loc}`);

    async function pushBlob(name: string, data: Buffer): Promise<string> {
      const digest = sha256(data);
      const post = await req(`/v2/${name}/blobs/uploads/`, { method: 'POST' });
      expect(post.status).toBe(202);
      const loc = new URL(abs(post.headers.get('location')!));
      loc.searchParams.set('digest', digest);
      const put = await fetch(loc, { method: 'PUT', body: new Uint8Array(data), headers: { 'Content-Type': 'application/octet-stream' } });
      expect(put.status).toBe(201);
      return digest;
    }

    async function pushImage(name: string, tag: string, opts: { mediaType?: string; extra?: Record<string, unknown> } = {}) {
      const layer = await makeLayer({ [`f-${randomBytes(4).toString('hex')}`]: randomBytes(64) });
      const config = Buffer.from(JSON.stringify({ architecture: 'amd64', os: 'linux', rootfs: { type: 'layers', diff_ids: [layer.diffId] } }));
      const layerDigest = await pushBlob(name, layer.gz);
      const configDigest = await pushBlob(name, config);
      const dockerish = opts.mediaType === DOCKER_MANIFEST;
      const manifest = Buffer.from(JSON.stringify({
        schemaVersion: 2,
        mediaType: opts.mediaType ?? OCI_MANIFEST,
        config: { mediaType: dockerish ? 'application/vnd.docker.container.image.v1+json' : 'application/vnd.oci.image.config.v1+json', digest: configDigest, size: config.length },
        layers: [{ mediaType: dockerish ? 'application/vnd.docker.image.rootfs.diff.tar.gzip' : 'application/vnd.oci.image.layer.v1.tar+gzip', digest: layerDigest, size: layer.gz.length }],
        ...opts.extra,
      }));
      const put = await req(`/v2/${name}/manifests/${tag}`, { method: 'PUT', body: manifest, headers: { 'Content-Type': opts.mediaType ?? OCI_MANIFEST } });
      expect(put.status).toBe(201);
      expect(put.headers.get('docker-content-digest')).toBe(sha256(manifest));
      return { manifest, digest: sha256(manifest), layerDigest, configDigest, layer: layer.gz, config };
    }

    it('end-1 GET /v2/ answers 200', async () => {
      const r = await req('/v2/');
      expect(r.status).toBe(200);
      expect(r.headers.get('docker-distribution-api-version')).toBe('registry/2.0');
    });

    describe('end-2 GET/HEAD /v2/<name>/blobs/<digest>', () => {
      it('returns the exact bytes, length and digest; HEAD has no body', async () => {
        const name = randomName();
        const data = randomBytes(3000);
        const digest = await pushBlob(name, data);
        const head = await req(`/v2/${name}/blobs/${digest}`, { method: 'HEAD' });
        expect(head.status).toBe(200);
        expect(Number(head.headers.get('content-length'))).toBe(3000);
        expect(head.headers.get('docker-content-digest')).toBe(digest);
        const get = await req(`/v2/${name}/blobs/${digest}`);
        expect(get.status).toBe(200);
        expect(Buffer.from(await get.arrayBuffer()).equals(data)).toBe(true);
      });
      it('serves a byte range with 206 and Content-Range', async () => {
        const name = randomName();
        const data = randomBytes(1000);
        const digest = await pushBlob(name, data);
        const r = await req(`/v2/${name}/blobs/${digest}`, { headers: { Range: 'bytes=100-199' } });
        expect(r.status).toBe(206);
        expect(r.headers.get('content-range')).toBe('bytes 100-199/1000');
        expect(Buffer.from(await r.arrayBuffer()).equals(data.subarray(100, 200))).toBe(true);
      });
      it('answers BLOB_UNKNOWN for an unknown blob and a blob of another repository', async () => {
        const name = randomName();
        const digest = await pushBlob(name, randomBytes(10));
        const r = await req(`/v2/${name}/blobs/${sha256('nothing here')}`);
        expect(r.status).toBe(404);
        expect(await errorCode(r)).toBe('BLOB_UNKNOWN');
        const other = await req(`/v2/${randomName()}/blobs/${digest}`, { method: 'HEAD' });
        expect(other.status).toBe(404);
      });
    });

    describe('end-3 GET/HEAD /v2/<name>/manifests/<reference>', () => {
      it('by tag and by digest: exact bytes, Content-Type and Docker-Content-Digest', async () => {
        const name = randomName();
        const img = await pushImage(name, 'v1');
        for (const ref of ['v1', img.digest]) {
          const r = await req(`/v2/${name}/manifests/${ref}`, { headers: { Accept: OCI_MANIFEST } });
          expect(r.status).toBe(200);
          expect(r.headers.get('content-type')).toBe(OCI_MANIFEST);
          expect(r.headers.get('docker-content-digest')).toBe(img.digest);
          expect(Buffer.from(await r.arrayBuffer()).equals(img.manifest)).toBe(true);
        }
        const head = await req(`/v2/${name}/manifests/v1`, { method: 'HEAD', headers: { Accept: OCI_MANIFEST } });
        expect(head.status).toBe(200);
        expect(Number(head.headers.get('content-length'))).toBe(img.manifest.length);
      });
      it('a Docker v2 schema 2 manifest keeps its media type', async () => {
        const name = randomName();
        const img = await pushImage(name, 'd', { mediaType: DOCKER_MANIFEST });
        const r = await req(`/v2/${name}/manifests/d`, { headers: { Accept: DOCKER_MANIFEST } });
        expect(r.headers.get('content-type')).toBe(DOCKER_MANIFEST);
        expect(Buffer.from(await r.arrayBuffer()).equals(img.manifest)).toBe(true);
      });
      it('answers MANIFEST_UNKNOWN for an unknown tag', async () => {
        const name = randomName();
        await pushImage(name, 'v1');
        const r = await req(`/v2/${name}/manifests/nope`, { headers: { Accept: OCI_MANIFEST } });
        expect(r.status).toBe(404);
        expect(await errorCode(r)).toBe('MANIFEST_UNKNOWN');
      });
    });

    describe('end-4 POST /v2/<name>/blobs/uploads/', () => {
      it('end-4a opens a session: 202 with Location', async () => {
        const r = await req(`/v2/${randomName()}/blobs/uploads/`, { method: 'POST' });
        expect(r.status).toBe(202);
        expect(r.headers.get('location')).toMatch(/\/blobs\/uploads\//);
      });
      it('end-4b monolithic POST ?digest= stores the blob in one request', async () => {
        const name = randomName();
        const data = randomBytes(500);
        const r = await req(`/v2/${name}/blobs/uploads/?digest=${sha256(data)}`, { method: 'POST', body: data, headers: { 'Content-Type': 'application/octet-stream' } });
        if (!ours && r.status === 202) return; // distribution 2.8 ignores ?digest= and opens a session (allowed by the spec)
        expect(r.status).toBe(201);
        expect((await req(`/v2/${name}/blobs/${sha256(data)}`, { method: 'HEAD' })).status).toBe(200);
      });
    });

    describe('end-5 PATCH /v2/<name>/blobs/uploads/<reference>', () => {
      it('accepts ordered chunks with Content-Range and reports Range; 416 on an out-of-order chunk', async () => {
        const name = randomName();
        const data = randomBytes(2500);
        let loc = abs((await req(`/v2/${name}/blobs/uploads/`, { method: 'POST' })).headers.get('location')!);
        const chunk = (start: number, end: number) =>
          fetch(loc, { method: 'PATCH', body: data.subarray(start, end + 1), headers: { 'Content-Type': 'application/octet-stream', 'Content-Range': `${start}-${end}`, 'Content-Length': String(end - start + 1) } });
        let r = await chunk(0, 999);
        expect(r.status).toBe(202);
        expect(r.headers.get('range')).toBe('0-999');
        loc = abs(r.headers.get('location')!);
        if (ours) {
          // distribution 2.8 does not check Content-Range on PATCH (3.0 does): ours only
          const gap = await chunk(1500, 1999);
          expect(gap.status).toBe(416);
          expect(gap.headers.get('range')).toBe('0-999');
          const overlap = await chunk(500, 1499);
          expect(overlap.status).toBe(416);
        }
        r = await chunk(1000, 2499);
        expect(r.status).toBe(202);
        expect(r.headers.get('range')).toBe('0-2499');
        loc = abs(r.headers.get('location')!);
        const put = new URL(loc);
        put.searchParams.set('digest', sha256(data));
        expect((await fetch(put, { method: 'PUT' })).status).toBe(201);
        const got = await req(`/v2/${name}/blobs/${sha256(data)}`);
        expect(Buffer.from(await got.arrayBuffer()).equals(data)).toBe(true);
      });
    });

    describe('end-6 PUT /v2/<name>/blobs/uploads/<reference>?digest=', () => {
      it('refuses a digest that does not match the bytes (DIGEST_INVALID) and stores nothing', async () => {
        const name = randomName();
        const data = randomBytes(100);
        const wrong = sha256('something else');
        const loc = new URL(abs((await req(`/v2/${name}/blobs/uploads/`, { method: 'POST' })).headers.get('location')!));
        loc.searchParams.set('digest', wrong);
        const r = await fetch(loc, { method: 'PUT', body: data, headers: { 'Content-Type': 'application/octet-stream' } });
        expect(r.status).toBe(400);
        expect(await errorCode(r)).toBe('DIGEST_INVALID');
        expect((await req(`/v2/${name}/blobs/${wrong}`, { method: 'HEAD' })).status).toBe(404);
        expect((await req(`/v2/${name}/blobs/${sha256(data)}`, { method: 'HEAD' })).status).toBe(404);
      });
    });

    describe('end-7 PUT /v2/<name>/manifests/<reference>', () => {
      it('refuses a manifest naming a blob the repository lacks (MANIFEST_BLOB_UNKNOWN)', async () => {
        const name = randomName();
        const config = await pushBlob(name, Buffer.from('{}'));
        const manifest = JSON.stringify({
          schemaVersion: 2,
          mediaType: OCI_MANIFEST,
          config: { mediaType: 'application/vnd.oci.image.config.v1+json', digest: config, size: 2 },
          layers: [{ mediaType: 'application/vnd.oci.image.layer.v1.tar+gzip', digest: sha256('missing layer'), size: 13 }],
        });
        const r = await req(`/v2/${name}/manifests/v1`, { method: 'PUT', body: manifest, headers: { 'Content-Type': OCI_MANIFEST } });
        expect(r.status).toBe(400);
        expect(await errorCode(r)).toBe('MANIFEST_BLOB_UNKNOWN');
        expect((await req(`/v2/${name}/manifests/v1`, { headers: { Accept: OCI_MANIFEST } })).status).toBe(404);
      });
      it('stores an image index whose manifests are in the repository, by digest too', async () => {
        const name = randomName();
        const a = await pushImage(name, 'amd64');
        const index = Buffer.from(JSON.stringify({
          schemaVersion: 2,
          mediaType: OCI_INDEX,
          manifests: [{ mediaType: OCI_MANIFEST, digest: a.digest, size: a.manifest.length, platform: { os: 'linux', architecture: 'amd64' } }],
        }));
        const r = await req(`/v2/${name}/manifests/${sha256(index)}`, { method: 'PUT', body: index, headers: { 'Content-Type': OCI_INDEX } });
        expect(r.status).toBe(201);
        const got = await req(`/v2/${name}/manifests/${sha256(index)}`, { headers: { Accept: OCI_INDEX } });
        expect(got.headers.get('content-type')).toBe(OCI_INDEX);
        expect(Buffer.from(await got.arrayBuffer()).equals(index)).toBe(true);
      });
      it('refuses an invalid tag (TAG_INVALID) and an invalid name (NAME_INVALID)', async () => {
        const name = randomName();
        const img = await pushImage(name, 'ok');
        const badTag = await req(`/v2/${name}/manifests/-bad`, { method: 'PUT', body: img.manifest, headers: { 'Content-Type': OCI_MANIFEST } });
        if (ours) {
          expect(badTag.status).toBe(400);
          expect(await errorCode(badTag)).toBe('TAG_INVALID');
        } else {
          expect(badTag.status).toBe(404); // distribution 2.8's router does not match the path at all
        }
        const badName = await req(`/v2/Upper/case/manifests/v1`, { headers: { Accept: OCI_MANIFEST } });
        expect([400, 404]).toContain(badName.status);
        if (ours) expect(await errorCode(badName)).toBe('NAME_INVALID');
      });
    });

    describe('end-8 GET /v2/<name>/tags/list', () => {
      it('end-8a lists tags in lexical order', async () => {
        const name = randomName();
        for (const tag of ['v2', 'latest', 'v1']) await pushImage(name, tag);
        const r = await req(`/v2/${name}/tags/list`);
        expect(await r.json()).toEqual({ name, tags: ['latest', 'v1', 'v2'] });
      });
      it.skipIf(!ours)('end-8b paginates with n and last, with a Link header (distribution 2.8 ignores n/last for tags: ours only)', async () => {
        const name = randomName();
        const img = await pushImage(name, 'a');
        for (const tag of ['b', 'c', 'd']) {
          await req(`/v2/${name}/manifests/${tag}`, { method: 'PUT', body: img.manifest, headers: { 'Content-Type': OCI_MANIFEST } });
        }
        const first = await req(`/v2/${name}/tags/list?n=2`);
        expect(((await first.json()) as { tags: string[] }).tags).toEqual(['a', 'b']);
        expect(first.headers.get('link')).toMatch(/rel="next"/);
        const next = await req(`/v2/${name}/tags/list?n=2&last=b`);
        expect(((await next.json()) as { tags: string[] }).tags).toEqual(['c', 'd']);
      });
      it('answers NAME_UNKNOWN for a repository that does not exist', async () => {
        const r = await req(`/v2/${randomName()}/tags/list`);
        expect(r.status).toBe(404);
        expect(await errorCode(r)).toBe('NAME_UNKNOWN');
      });
    });

    describe('end-9 DELETE /v2/<name>/manifests/<reference>', () => {
      it('by digest: 202, then the manifest and its tags are gone', async () => {
        const name = randomName();
        const img = await pushImage(name, 'gone');
        const r = await req(`/v2/${name}/manifests/${img.digest}`, { method: 'DELETE' });
        expect(r.status).toBe(202);
        expect((await req(`/v2/${name}/manifests/${img.digest}`, { headers: { Accept: OCI_MANIFEST } })).status).toBe(404);
        expect((await req(`/v2/${name}/manifests/gone`, { headers: { Accept: OCI_MANIFEST } })).status).toBe(404);
      });
      it.skipIf(!ours)('by tag: only the tag goes (spec v1.1; distribution 2.8 refuses tag deletes)', async () => {
        const name = randomName();
        const img = await pushImage(name, 'keep');
        await req(`/v2/${name}/manifests/drop`, { method: 'PUT', body: img.manifest, headers: { 'Content-Type': OCI_MANIFEST } });
        expect((await req(`/v2/${name}/manifests/drop`, { method: 'DELETE' })).status).toBe(202);
        expect((await req(`/v2/${name}/manifests/drop`, { headers: { Accept: OCI_MANIFEST } })).status).toBe(404);
        expect((await req(`/v2/${name}/manifests/keep`, { headers: { Accept: OCI_MANIFEST } })).status).toBe(200);
      });
    });

    describe('end-10 DELETE /v2/<name>/blobs/<digest>', () => {
      it('202, then the blob is unknown in that repository', async () => {
        const name = randomName();
        const digest = await pushBlob(name, randomBytes(50));
        expect((await req(`/v2/${name}/blobs/${digest}`, { method: 'DELETE' })).status).toBe(202);
        expect((await req(`/v2/${name}/blobs/${digest}`, { method: 'HEAD' })).status).toBe(404);
      });
    });

    describe('end-11 POST /v2/<name>/blobs/uploads/?mount=<digest>&from=<other>', () => {
      it('mounts a blob from another repository without uploading it (201)', async () => {
        const from = randomName();
        const digest = await pushBlob(from, randomBytes(700));
        const name = randomName();
        const r = await req(`/v2/${name}/blobs/uploads/?mount=${digest}&from=${from}`, { method: 'POST' });
        expect(r.status).toBe(201);
        expect(r.headers.get('docker-content-digest')).toBe(digest);
        expect((await req(`/v2/${name}/blobs/${digest}`, { method: 'HEAD' })).status).toBe(200);
      });
      it('falls back to an upload session (202) when the source lacks the blob', async () => {
        const r = await req(`/v2/${randomName()}/blobs/uploads/?mount=${sha256('absent')}&from=${randomName()}`, { method: 'POST' });
        expect(r.status).toBe(202);
      });
    });

    describe('end-12 GET /v2/<name>/referrers/<digest>', () => {
      it.skipIf(!ours)('lists manifests whose subject is the digest, filtered by artifactType (not in distribution 2.8)', async () => {
        const name = randomName();
        const img = await pushImage(name, 'v1');
        const sig = await pushImage(name, 'sig', {
          extra: { artifactType: 'application/vnd.example.sig', subject: { mediaType: OCI_MANIFEST, digest: img.digest, size: img.manifest.length } },
        });
        const r = await req(`/v2/${name}/referrers/${img.digest}`);
        expect(r.status).toBe(200);
        const idx = (await r.json()) as { manifests: { digest: string; artifactType: string }[] };
        expect(idx.manifests.map((m) => m.digest)).toEqual([sig.digest]);
        expect(idx.manifests[0].artifactType).toBe('application/vnd.example.sig');
        const filtered = await req(`/v2/${name}/referrers/${img.digest}?artifactType=other/type`);
        expect(filtered.headers.get('oci-filters-applied')).toBe('artifactType');
        expect(((await filtered.json()) as { manifests: unknown[] }).manifests).toEqual([]);
      });
    });

    describe('end-13 GET /v2/<name>/blobs/uploads/<reference>', () => {
      it('reports the upload progress with 204 and Range; unknown sessions are BLOB_UPLOAD_UNKNOWN', async () => {
        const name = randomName();
        const loc = abs((await req(`/v2/${name}/blobs/uploads/`, { method: 'POST' })).headers.get('location')!);
        const p = await fetch(loc, { method: 'PATCH', body: randomBytes(300), headers: { 'Content-Type': 'application/octet-stream', 'Content-Range': '0-299', 'Content-Length': '300' } });
        const status = await fetch(abs(p.headers.get('location')!));
        expect(status.status).toBe(204);
        expect(status.headers.get('range')).toBe('0-299');
        const unknown = await req(`/v2/${name}/blobs/uploads/00000000-0000-4000-8000-000000000000`);
        expect(unknown.status).toBe(404);
        // distribution 2.8 answers 404 with BLOB_UPLOAD_INVALID here; the spec says BLOB_UPLOAD_UNKNOWN
        expect(await errorCode(unknown)).toBe(ours ? 'BLOB_UPLOAD_UNKNOWN' : 'BLOB_UPLOAD_INVALID');
      });
    });
  });
}
