// The site's registry wiring: the token secret file and the Web Request -> node handler proxy.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { proxyRegistryRequest, registryBackend, registrySecret } from './registry-server.ts';
import { migratedSqlite, type TestDb } from './test-db.ts';
import { createUser } from '../auth/users.ts';

describe('registrySecret', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'lab-regsecret-'));
  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('is generated once into $LAB_DATA_DIR/registry-secret with mode 0600, then reused', () => {
    const a = registrySecret({ LAB_DATA_DIR: dir });
    const b = registrySecret({ LAB_DATA_DIR: dir });
    expect(a).toHaveLength(32);
    expect(b.equals(a)).toBe(true);
    expect(fs.statSync(path.join(dir, 'registry-secret')).mode & 0o777).toBe(0o600);
  });

  it('LAB_REGISTRY_SECRET wins, and must be long enough', () => {
    const s = 'x'.repeat(40);
    expect(registrySecret({ LAB_DATA_DIR: dir, LAB_REGISTRY_SECRET: s }).toString()).toBe(s);
    expect(() => registrySecret({ LAB_DATA_DIR: dir, LAB_REGISTRY_SECRET: 'short' })).toThrow(/at least 32/);
  });
});

describe('proxyRegistryRequest', () => {
  let root: string;
  let t: TestDb;
  beforeAll(async () => {
    root = fs.mkdtempSync(path.join(os.tmpdir(), 'lab-regproxy-'));
    process.env.LAB_ROOT = path.join(root, 'engine');
    process.env.LAB_REGISTRY_SECRET = 'y'.repeat(40);
    delete process.env.LAB_PUBLIC_ORIGIN;
    t = await migratedSqlite();
    await registryBackend(process.env, t.db);
    await createUser(t.db, 'proxy.user@x.example', 'proxy password');
  }, 60_000);
  afterAll(async () => {
    await (await registryBackend()).close();
    await t?.cleanup();
    fs.rmSync(root, { recursive: true, force: true });
  });

  it('answers /v2/ with the challenge for the origin the client used', async () => {
    const res = await proxyRegistryRequest(new Request('http://lab.test:8080/v2/', { headers: { host: 'lab.test:8080' } }));
    expect(res.status).toBe(401);
    expect(res.headers.get('www-authenticate')).toBe('Bearer realm="http://lab.test:8080/v2/token",service="lab-registry"');
    expect(res.headers.get('docker-distribution-api-version')).toBe('registry/2.0');
    expect(((await res.json()) as { errors: { code: string }[] }).errors[0].code).toBe('UNAUTHORIZED');
  });

  it('passes credentials to the token endpoint and a token back to the API', async () => {
    const basic = (u: string, p: string) => 'Basic ' + Buffer.from(`${u}:${p}`).toString('base64');
    const url = 'http://lab.test/v2/token?service=lab-registry&scope=repository:proxy-user/app:pull,push';
    const bad = await proxyRegistryRequest(new Request(url, { headers: { host: 'lab.test', authorization: basic('proxy-user', 'wrong') } }));
    expect(bad.status).toBe(401);
    await bad.arrayBuffer();
    const ok = await proxyRegistryRequest(new Request(url, { headers: { host: 'lab.test', authorization: basic('proxy-user', 'proxy password') } }));
    expect(ok.status).toBe(200);
    const { token } = (await ok.json()) as { token: string };
    // A monolithic upload streamed through the proxy: 201 with Location and the digest.
    const data = Buffer.from('hello through the proxy\n');
    const digest = 'sha256:' + (await import('node:crypto')).createHash('sha256').update(data).digest('hex');
    const body = new ReadableStream({ start(c) { c.enqueue(data.subarray(0, 5)); c.enqueue(data.subarray(5)); c.close(); } });
    const put = await proxyRegistryRequest(
      new Request(`http://lab.test/v2/proxy-user/app/blobs/uploads/?digest=${digest}`, {
        method: 'POST',
        headers: { host: 'lab.test', authorization: `Bearer ${token}`, 'content-type': 'application/octet-stream', 'content-length': String(data.length) },
        body,
        duplex: 'half',
      } as RequestInit),
    );
    expect(put.status).toBe(201);
    expect(put.headers.get('location')).toBe(`/v2/proxy-user/app/blobs/${digest}`);
    expect(put.headers.get('docker-content-digest')).toBe(digest);
    const head = await proxyRegistryRequest(new Request(`http://lab.test/v2/proxy-user/app/blobs/${digest}`, { method: 'HEAD', headers: { host: 'lab.test', authorization: `Bearer ${token}` } }));
    expect(head.status).toBe(200);
    expect(head.headers.get('content-length')).toBe(String(data.length));
    const range = await proxyRegistryRequest(new Request(`http://lab.test/v2/proxy-user/app/blobs/${digest}`, { headers: { host: 'lab.test', authorization: `Bearer ${token}`, range: 'bytes=6-12' } }));
    expect(range.status).toBe(206);
    expect(Buffer.from(await range.arrayBuffer()).toString()).toBe('through');
  });
});
