// The client trusts no registry: bytes that do not match their digest are refused and nothing is
// stored; a registry asking for basic auth gets it.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { localStores, makeImage, startOurs } from '../testing.ts';
import { pullReference, pushReference } from './transfer.ts';
import { parseChallenge } from './auth-challenge.ts';
import { sha256 as sha } from '../testing.ts';

/** A front for our (no-auth) registry: optional basic auth, optional corruption of blob/manifest bodies. */
async function front(upstream: string, opts: { basic?: string; corrupt?: 'blob' | 'manifest' }) {
  const server = http.createServer(async (req, res) => {
    if (opts.basic && req.headers.authorization !== `Basic ${Buffer.from(opts.basic).toString('base64')}`) {
      res.writeHead(401, { 'WWW-Authenticate': 'Basic realm="test"', 'Content-Type': 'application/json' });
      res.end('{"errors":[{"code":"UNAUTHORIZED","message":"basic auth required"}]}');
      return;
    }
    const chunks: Buffer[] = [];
    for await (const c of req) chunks.push(c as Buffer);
    const up = await fetch(`${upstream}${req.url}`, {
      method: req.method,
      headers: Object.fromEntries(Object.entries(req.headers).filter(([k]) => !['host', 'authorization', 'connection'].includes(k)) as [string, string][]),
      body: chunks.length ? new Uint8Array(Buffer.concat(chunks)) : undefined,
      redirect: 'manual',
    });
    let body = Buffer.from(await up.arrayBuffer());
    const isBlob = /\/blobs\/sha256:/.test(req.url ?? '') && req.method === 'GET';
    const isManifest = /\/manifests\//.test(req.url ?? '') && req.method === 'GET';
    if (body.length && ((opts.corrupt === 'blob' && isBlob && body[0] === 0x1f) || (opts.corrupt === 'manifest' && isManifest))) {
      body = Buffer.from(body);
      body[body.length - 2] ^= 0xff;
    }
    const headers: Record<string, string> = {};
    up.headers.forEach((v, k) => {
      if (!['content-length', 'transfer-encoding', 'connection', 'keep-alive'].includes(k)) headers[k] = v;
    });
    res.writeHead(up.status, { ...headers, 'Content-Length': String(body.length) });
    res.end(req.method === 'HEAD' ? undefined : body);
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  const host = `127.0.0.1:${(server.address() as AddressInfo).port}`;
  return { host, close: () => new Promise<void>((r) => { server.closeAllConnections(); server.close(() => r()); }) };
}

describe('client verification and basic auth', () => {
  let reg: Awaited<ReturnType<typeof startOurs>>;
  beforeAll(async () => {
    reg = await startOurs();
  });
  afterAll(async () => {
    await reg?.close();
  });

  it('speaks basic auth when the registry asks for it, and fails clearly without credentials', async () => {
    const f = await front(reg.url, { basic: 'u:p' });
    const local = await localStores();
    try {
      const img = await makeImage(local.images, [{ a: 'basic' }], `${f.host}/u/app:1`);
      await expect(pushReference(`${f.host}/u/app:1`, { images: local.images })).rejects.toMatchObject({ code: 'UNAUTHORIZED' });
      const r = await pushReference(`${f.host}/u/app:1`, { images: local.images, credentials: { username: 'u', password: 'p' } });
      expect(r.digest).toBe(img.target.digest);
    } finally {
      await local.close();
      await f.close();
    }
  });

  for (const corrupt of ['blob', 'manifest'] as const) {
    it(`refuses a ${corrupt} that does not match its digest and stores nothing`, async () => {
      const local = await localStores();
      const img = await makeImage(local.images, [{ z: `payload-${corrupt}`.repeat(100) }], `${reg.host}/t/${corrupt}:1`);
      await pushReference(`${reg.host}/t/${corrupt}:1`, { images: local.images });
      const f = await front(reg.url, { corrupt });
      const fresh = await localStores();
      try {
        await expect(pullReference(`${f.host}/t/${corrupt}:1`, { images: fresh.images })).rejects.toMatchObject({ code: 'DIGEST_MISMATCH' });
        expect(await fresh.content.has(img.manifest.layers[0].digest)).toBe(false);
        expect(await fresh.images.find(`${f.host}/t/${corrupt}:1`)).toBeUndefined();
        if (corrupt === 'manifest') expect(await fresh.content.has(img.target.digest)).toBe(false);
      } finally {
        await fresh.close();
        await local.close();
        await f.close();
      }
    });
  }

  it('pulls linux/amd64 from an image index and keeps the index digest as the image digest', async () => {
    const local = await localStores();
    const fresh = await localStores();
    try {
      const amd = await makeImage(local.images, [{ arch: 'amd64' }], `${reg.host}/m/multi:amd64`);
      const other = await makeImage(local.images, [{ arch: 'arm64' }], `${reg.host}/m/multi:arm64`);
      await pushReference(`${reg.host}/m/multi:amd64`, { images: local.images });
      await pushReference(`${reg.host}/m/multi:arm64`, { images: local.images });
      const index = Buffer.from(JSON.stringify({
        schemaVersion: 2,
        mediaType: 'application/vnd.oci.image.index.v1+json',
        manifests: [
          { mediaType: other.target.mediaType, digest: other.target.digest, size: other.target.size, platform: { os: 'linux', architecture: 'arm64' } },
          { mediaType: amd.target.mediaType, digest: amd.target.digest, size: amd.target.size, platform: { os: 'linux', architecture: 'amd64' } },
        ],
      }));
      const put = await fetch(`${reg.url}/v2/m/multi/manifests/latest`, { method: 'PUT', body: new Uint8Array(index), headers: { 'Content-Type': 'application/vnd.oci.image.index.v1+json' } });
      expect(put.status).toBe(201);
      const pulled = await pullReference(`${reg.host}/m/multi:latest`, { images: fresh.images, platform: { os: 'linux', architecture: 'amd64' } });
      expect(pulled.digest).toBe(sha(index));
      expect(pulled.image.id).toBe(amd.id);
      expect(await fresh.content.has(other.manifest.layers[0].digest)).toBe(false); // other platforms are not downloaded
    } finally {
      await local.close();
      await fresh.close();
    }
  });

  it('parses Docker Hub style challenges', () => {
    expect(parseChallenge('Bearer realm="https://auth.docker.io/token",service="registry.docker.io",scope="repository:library/busybox:pull"')).toEqual({
      scheme: 'bearer',
      params: { realm: 'https://auth.docker.io/token', service: 'registry.docker.io', scope: 'repository:library/busybox:pull' },
    });
    expect(parseChallenge('Basic realm="Registry Realm"')?.scheme).toBe('basic');
    expect(parseChallenge('Negotiate abc')).toBeUndefined();
  });
});
