// Hostile input against our registry: each answered with the right error code, nothing stored.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { randomBytes } from 'node:crypto';
import fs from 'node:fs/promises';
import http from 'node:http';
import net from 'node:net';
import path from 'node:path';
import { randomName, sha256, startOurs } from '../testing.ts';

describe('hostile input', () => {
  let reg: Awaited<ReturnType<typeof startOurs>>;
  beforeAll(async () => {
    reg = await startOurs({ maxManifestBytes: 64 * 1024 });
  });
  afterAll(async () => {
    await reg?.close();
  });

  const code = async (r: Response) => ((await r.json()) as { errors: { code: string }[] }).errors[0].code;
  const blobCount = async () => {
    let n = 0;
    for await (const _ of reg.content.list()) n++;
    return n;
  };
  const ingestEmpty = async () => (await fs.readdir(path.join(reg.content.root, 'ingest'))).length === 0;
  /** Raw request: fetch would normalise "..", and we want to cut bodies short. */
  const raw = (method: string, p: string) =>
    new Promise<{ status: number; body: string }>((resolve, reject) => {
      const r = http.request({ host: '127.0.0.1', port: Number(reg.host.split(':')[1]), path: p, method }, (res) => {
        let body = '';
        res.on('data', (d) => (body += d));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
      });
      r.on('error', reject);
      r.end();
    });

  it('digest mismatch on a monolithic upload: DIGEST_INVALID, nothing stored', async () => {
    const before = await blobCount();
    const r = await fetch(`${reg.url}/v2/${randomName()}/blobs/uploads/?digest=${sha256('claimed')}`, { method: 'POST', body: new Uint8Array(randomBytes(1000)) });
    expect(r.status).toBe(400);
    expect(await code(r)).toBe('DIGEST_INVALID');
    expect(await blobCount()).toBe(before);
    expect(await ingestEmpty()).toBe(true);
  });

  it('a truncated body (connection dropped mid-upload) stores nothing; a cut chunk leaves the session at its old offset', async () => {
    const before = await blobCount();
    const data = randomBytes(10_000);
    const name = randomName();
    await new Promise<void>((resolve) => {
      const sock = net.connect(Number(reg.host.split(':')[1]), '127.0.0.1', () => {
        sock.write(`POST /v2/${name}/blobs/uploads/?digest=${sha256(data)} HTTP/1.1\r\nHost: x\r\nContent-Length: ${data.length}\r\n\r\n`);
        sock.write(data.subarray(0, 4000));
        setTimeout(() => sock.destroy(), 100);
      });
      sock.on('close', () => resolve());
    });
    await new Promise((r) => setTimeout(r, 200));
    expect(await blobCount()).toBe(before);
    expect(await ingestEmpty()).toBe(true);
    expect((await fetch(`${reg.url}/v2/${name}/blobs/${sha256(data)}`, { method: 'HEAD' })).status).toBe(404);

    // chunked: a PATCH cut short is rolled back
    const loc = (await fetch(`${reg.url}/v2/${name}/blobs/uploads/`, { method: 'POST' })).headers.get('location')!;
    await fetch(`${reg.url}${loc}`, { method: 'PATCH', body: new Uint8Array(data.subarray(0, 1000)), headers: { 'Content-Range': '0-999' } });
    await new Promise<void>((resolve) => {
      const sock = net.connect(Number(reg.host.split(':')[1]), '127.0.0.1', () => {
        sock.write(`PATCH ${loc} HTTP/1.1\r\nHost: x\r\nContent-Range: 1000-4999\r\nContent-Length: 4000\r\n\r\n`);
        sock.write(data.subarray(1000, 2000));
        setTimeout(() => sock.destroy(), 100);
      });
      sock.on('close', () => resolve());
    });
    await new Promise((r) => setTimeout(r, 200));
    const status = await fetch(`${reg.url}${loc}`);
    expect(status.headers.get('range')).toBe('0-999');
  });

  it('chunk overlap and gap: 416 with the current Range, and the upload still completes correctly', async () => {
    const data = randomBytes(3000);
    const name = randomName();
    const loc = (await fetch(`${reg.url}/v2/${name}/blobs/uploads/`, { method: 'POST' })).headers.get('location')!;
    const patch = (s: number, e: number) => fetch(`${reg.url}${loc}`, { method: 'PATCH', body: new Uint8Array(data.subarray(s, e + 1)), headers: { 'Content-Range': `${s}-${e}` } });
    expect((await patch(0, 999)).status).toBe(202);
    for (const [s, e] of [[500, 1499], [1001, 1999], [0, 999]]) {
      const r = await patch(s, e);
      expect(r.status).toBe(416);
      expect(r.headers.get('range')).toBe('0-999');
    }
    const mismatch = await fetch(`${reg.url}${loc}`, { method: 'PATCH', body: new Uint8Array(10), headers: { 'Content-Range': '1000-1099' } });
    expect(mismatch.status).toBe(416); // Content-Range says 100 bytes, body has 10
    expect((await patch(1000, 2999)).status).toBe(202);
    const done = await fetch(`${reg.url}${loc}?digest=${sha256(data)}`, { method: 'PUT' });
    expect(done.status).toBe(201);
    expect(Buffer.from(await (await fetch(`${reg.url}/v2/${name}/blobs/${sha256(data)}`)).arrayBuffer()).equals(data)).toBe(true);
  });

  it('a huge manifest is refused (413 SIZE_INVALID) and not stored', async () => {
    const big = Buffer.from(JSON.stringify({ schemaVersion: 2, annotations: { pad: 'x'.repeat(100_000) } }));
    const r = await fetch(`${reg.url}/v2/${randomName()}/manifests/v1`, { method: 'PUT', body: new Uint8Array(big), headers: { 'Content-Type': 'application/vnd.oci.image.manifest.v1+json' } });
    expect(r.status).toBe(413);
    expect(await code(r)).toBe('SIZE_INVALID');
    expect(await reg.content.has(sha256(big))).toBe(false);
  });

  it('a manifest with a missing blob is refused and its bytes are not stored', async () => {
    const name = randomName();
    const m = Buffer.from(JSON.stringify({
      schemaVersion: 2,
      mediaType: 'application/vnd.oci.image.manifest.v1+json',
      config: { mediaType: 'application/vnd.oci.image.config.v1+json', digest: sha256('nope'), size: 4 },
      layers: [],
    }));
    const r = await fetch(`${reg.url}/v2/${name}/manifests/v1`, { method: 'PUT', body: new Uint8Array(m), headers: { 'Content-Type': 'application/vnd.oci.image.manifest.v1+json' } });
    expect(await code(r)).toBe('MANIFEST_BLOB_UNKNOWN');
    expect(await reg.content.has(sha256(m))).toBe(false);
  });

  it('invalid JSON, schema 1 and mismatched media types are MANIFEST_INVALID', async () => {
    const name = randomName();
    for (const [body, type] of [['{not json', 'application/vnd.oci.image.manifest.v1+json'], ['{"schemaVersion":1}', 'application/vnd.docker.distribution.manifest.v1+json'], ['{"schemaVersion":2,"mediaType":"application/vnd.oci.image.index.v1+json","manifests":[]}', 'application/vnd.oci.image.manifest.v1+json']]) {
      const r = await fetch(`${reg.url}/v2/${name}/manifests/v1`, { method: 'PUT', body, headers: { 'Content-Type': type } });
      expect(r.status).toBe(400);
      expect(await code(r)).toBe('MANIFEST_INVALID');
    }
  });

  it('names with "..", upper case or bad digests are refused before anything happens', async () => {
    for (const p of ['/v2/a/../b/tags/list', '/v2/../etc/tags/list', '/v2/Alice/app/tags/list', '/v2/a//b/tags/list', '/v2/a/%2e%2e/b/tags/list']) {
      const r = await raw('GET', p);
      expect(r.status, p).toBe(400);
      expect(JSON.parse(r.body).errors[0].code, p).toBe('NAME_INVALID');
    }
    const badDigest = await raw('GET', '/v2/a/b/blobs/sha256:..%2f..%2fetc%2fpasswd');
    expect(JSON.parse(badDigest.body).errors[0].code).toBe('DIGEST_INVALID');
    expect((await raw('GET', '/v2/a/b/blobs/sha256:../../etc/passwd')).status).toBe(404); // no such endpoint
    const badUpload = await raw('PATCH', '/v2/a/b/blobs/uploads/..%2f..%2fx');
    expect(JSON.parse(badUpload.body).errors[0].code).toBe('BLOB_UPLOAD_UNKNOWN');
  });

  it('concurrent pushes of the same blob all succeed and store it once', async () => {
    const data = randomBytes(200_000);
    const digest = sha256(data);
    const names = Array.from({ length: 8 }, () => randomName());
    const results = await Promise.all(names.map((n) => fetch(`${reg.url}/v2/${n}/blobs/uploads/?digest=${digest}`, { method: 'POST', body: new Uint8Array(data) })));
    expect(results.map((r) => r.status)).toEqual(names.map(() => 201));
    expect((await reg.content.info(digest))?.size).toBe(data.length);
    expect(Buffer.from(await (await fetch(`${reg.url}/v2/${names[3]}/blobs/${digest}`)).arrayBuffer()).equals(data)).toBe(true);
    expect(await ingestEmpty()).toBe(true);
  });
});
