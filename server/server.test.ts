// The custom server's router over a real node:http server, with a stub in place of Next: the
// registry at /v2 keeps its headers (pushed with our client, then HEAD/GET/Range through the
// router), and the terminal's WebSocket refuses strangers (401) and other sites (403).
import fs from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { createHash } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createRouter } from './router.ts';
import { userIdFromRequest, cookieValue } from './terminal.ts';
import { registryHandler, resetRegistryHandler } from '../lib/site/registry-server.ts';
import { migratedSqlite, type TestDb } from '../lib/site/test-db.ts';
import { createUser } from '../lib/auth/users.ts';
import { createSession } from '../lib/auth/sessions.ts';
import { localStores, makeImage } from '../lib/engine/registry/testing.ts';
import { pushReference } from '../lib/engine/registry/client/transfer.ts';
import { SessionManager } from '../lib/terminal/session-manager.ts';
import { createTerminalEndpoint } from '../lib/terminal/ws-endpoint.ts';
import { cgroupsAvailable } from '../lib/terminal/shell-cgroup.ts';
import { TestTerminalClient } from '../lib/terminal/testing/ws-test-client.ts';

const canSandbox = cgroupsAvailable() && fs.existsSync('/usr/bin/bwrap');
if (!canSandbox) console.warn('server.test: skipping the live shell (needs root, cgroups and bwrap from Debian bubblewrap)');

describe('custom server router', () => {
  let root: string;
  let t: TestDb;
  let server: http.Server;
  let host: string;
  let token: string;
  let userId: string;
  const manager = new SessionManager({ idleMs: 60_000 });
  const nextCalls: string[] = [];

  beforeAll(async () => {
    root = fs.mkdtempSync(path.join(os.tmpdir(), 'lab-server-'));
    process.env.LAB_ROOT = path.join(root, 'engine');
    process.env.LAB_DATA_DIR = root;
    process.env.LAB_REGISTRY_SECRET = 's'.repeat(40);
    delete process.env.LAB_PUBLIC_ORIGIN;
    t = await migratedSqlite();
    resetRegistryHandler();
    const user = await createUser(t.db, 'router.user@x.example', 'router password');
    userId = user.id;
    token = (await createSession(t.db, userId)).token;
    const terminal = createTerminalEndpoint({
      manager,
      authenticate: (req) => userIdFromRequest(t.db, req),
      shellFor: (uid) => {
        const dir = path.join(root, 'workspaces', uid);
        fs.mkdirSync(dir, { recursive: true });
        return { workspaceDir: dir };
      },
    });
    const router = createRouter({
      registry: () => registryHandler(process.env, t.db),
      next: (req, res) => {
        nextCalls.push(req.url ?? '');
        res.end(`next ${req.url}`);
      },
      terminal: async () => terminal,
    });
    server = http.createServer((req, res) => router.request(req, res));
    server.on('upgrade', (req, socket, head) => router.upgrade(req, socket, head));
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    host = `127.0.0.1:${(server.address() as AddressInfo).port}`;
  }, 60_000);

  afterAll(async () => {
    await manager.closeAll();
    server?.closeAllConnections();
    await new Promise((r) => server?.close(r));
    resetRegistryHandler();
    await t?.cleanup();
    fs.rmSync(root, { recursive: true, force: true });
  });

  it('sends pages to Next and /v2 to the registry (no redirect for /v2)', async () => {
    const page = await fetch(`http://${host}/lesson/v2?x=1`);
    expect(await page.text()).toBe('next /lesson/v2?x=1');
    const v2x = await fetch(`http://${host}/v2x`);
    expect(await v2x.text()).toBe('next /v2x');
    for (const p of ['/v2', '/v2/']) {
      const res = await fetch(`http://${host}${p}`, { redirect: 'manual' });
      expect(res.status).toBe(401);
      expect(res.headers.get('www-authenticate')).toBe(`Bearer realm="http://${host}/v2/token",service="lab-registry"`);
      expect(res.headers.get('docker-distribution-api-version')).toBe('registry/2.0');
    }
    expect(nextCalls).not.toContain('/v2/');
  });

  it('serves a pushed image: HEAD with Content-Length and digest, GET, Range', async () => {
    const local = await localStores();
    try {
      const big = Buffer.alloc(300_000, 'layer bytes ');
      await makeImage(local.images, [{ 'etc/motd': 'hello\n' }, { 'big.bin': big }], 'app:v1');
      await local.images.tag('app:v1', `${host}/router-user/app:v1`);
      const pushed = await pushReference(`${host}/router-user/app:v1`, {
        images: local.images,
        credentials: { username: 'router-user', password: 'router password' },
        insecureHosts: [host],
      });
      expect(pushed.blobs.filter((b) => b.status === 'pushed')).toHaveLength(3);

      const basic = 'Basic ' + Buffer.from('router-user:router password').toString('base64');
      const tok = await fetch(`http://${host}/v2/token?service=lab-registry&scope=repository:router-user/app:pull`, { headers: { authorization: basic } });
      const bearer = { authorization: `Bearer ${((await tok.json()) as { token: string }).token}` };

      const manifest = await fetch(`http://${host}/v2/router-user/app/manifests/v1`, { headers: { ...bearer, accept: 'application/vnd.oci.image.manifest.v1+json' } });
      expect(manifest.status).toBe(200);
      expect(manifest.headers.get('docker-content-digest')).toBe(pushed.digest);
      const layer = (JSON.parse(await manifest.text()) as { layers: { digest: string; size: number }[] }).layers[1];

      const head = await fetch(`http://${host}/v2/router-user/app/blobs/${layer.digest}`, { method: 'HEAD', headers: bearer });
      expect(head.status).toBe(200);
      expect(head.headers.get('content-length')).toBe(String(layer.size));
      expect(head.headers.get('docker-content-digest')).toBe(layer.digest);

      const get = await fetch(`http://${host}/v2/router-user/app/blobs/${layer.digest}`, { headers: bearer });
      const body = Buffer.from(await get.arrayBuffer());
      expect(get.headers.get('content-length')).toBe(String(layer.size));
      expect('sha256:' + createHash('sha256').update(body).digest('hex')).toBe(layer.digest);

      const range = await fetch(`http://${host}/v2/router-user/app/blobs/${layer.digest}`, { headers: { ...bearer, range: 'bytes=10-109' } });
      expect(range.status).toBe(206);
      expect(range.headers.get('content-range')).toBe(`bytes 10-109/${layer.size}`);
      expect(Buffer.from(await range.arrayBuffer()).equals(body.subarray(10, 110))).toBe(true);
    } finally {
      await local.close();
    }
  }, 60_000);

  const wsUrl = () => `ws://${host}/api/terminal?session=t1`;
  const cookie = () => `theme=dark; lab_session=${token}`;

  it('reads the lab_session cookie among others', () => {
    expect(cookieValue('a=1; lab_session=abc%3D; b=2', 'lab_session')).toBe('abc=');
    expect(cookieValue('xlab_session=1', 'lab_session')).toBeUndefined();
    expect(cookieValue(undefined, 'lab_session')).toBeUndefined();
  });

  it('refuses a WebSocket without a session cookie (401)', async () => {
    await expect(TestTerminalClient.connect(wsUrl(), { origin: `http://${host}` })).rejects.toThrow('HTTP 401');
    await expect(TestTerminalClient.connect(wsUrl(), { origin: `http://${host}`, cookie: 'lab_session=forged' })).rejects.toThrow('HTTP 401');
  });

  it('refuses a WebSocket from another site or without Origin, even with a valid cookie (403)', async () => {
    await expect(TestTerminalClient.connect(wsUrl(), { origin: 'http://evil.example', cookie: cookie() })).rejects.toThrow('HTTP 403');
    await expect(TestTerminalClient.connect(wsUrl(), { origin: `http://127.0.0.1:1`, cookie: cookie() })).rejects.toThrow('HTTP 403');
    await expect(TestTerminalClient.connect(wsUrl(), { cookie: cookie() })).rejects.toThrow('HTTP 403');
    expect(manager.list()).toHaveLength(0);
  });

  it.skipIf(!canSandbox)('lets the signed-in owner reach a shell', async () => {
    const c = await TestTerminalClient.connect(wsUrl(), { origin: `http://${host}`, cookie: cookie() });
    try {
      await c.run('echo "sum=$((40+2))"', /sum=42/);
      expect(manager.get(userId, 't1')).toBeDefined();
    } finally {
      await c.close();
    }
  }, 30_000);
});
