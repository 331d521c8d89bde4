// The terminal as the server wires it (labTerminalEndpoint over the real runtime): the shell of a
// signed-in user starts in their starter workspace, `docker` inside reaches their own daemon
// namespace, and another user sees none of it. Needs root, cgroups and bwrap.
import fs from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createRouter } from './router.ts';
import { labTerminalEndpoint } from './terminal.ts';
import { closeRuntime, getRuntime } from '../lib/runtime/start-runtime.ts';
import { migratedSqlite, type TestDb } from '../lib/site/test-db.ts';
import { resetRegistryHandler } from '../lib/site/registry-server.ts';
import { createUser } from '../lib/auth/users.ts';
import { createSession } from '../lib/auth/sessions.ts';
import { ensureWorkspace } from '../lib/workspace/workspace.ts';
import { cgroupsAvailable } from '../lib/terminal/shell-cgroup.ts';
import { TestTerminalClient } from '../lib/terminal/testing/ws-test-client.ts';

const canSandbox = cgroupsAvailable() && fs.existsSync('/usr/bin/bwrap');
if (!canSandbox) console.warn('server/terminal.test: skipped — needs root, cgroups and bwrap (Debian bubblewrap)');

describe.skipIf(!canSandbox)('the wired terminal', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'lab-wired-'));
  const env = { ...process.env, LAB_ROOT: path.join(dir, 'engine'), LAB_DATA_DIR: dir, REDIS_URL: '', LAB_REGISTRY_SECRET: 'w'.repeat(40) };
  let t: TestDb;
  let server: http.Server;
  let host: string;
  const cookies: string[] = [];
  const clients: TestTerminalClient[] = [];

  beforeAll(async () => {
    t = await migratedSqlite();
    resetRegistryHandler();
    for (const email of ['wired.one@x.example', 'wired.two@x.example']) {
      const u = await createUser(t.db, email, 'wired password');
      cookies.push(`lab_session=${(await createSession(t.db, u.id)).token}`);
    }
    const rt = await getRuntime(env, t.db);
    const endpoint = labTerminalEndpoint(rt, t.db, (userId) => ensureWorkspace(userId, { env }));
    const router = createRouter({ registry: () => rt.registry, next: (_q, res) => res.end('next'), terminal: async () => endpoint });
    server = http.createServer((req, res) => router.request(req, res));
    server.on('upgrade', (req, socket, head) => router.upgrade(req, socket, head));
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    host = `127.0.0.1:${(server.address() as AddressInfo).port}`;
  }, 180_000);

  afterAll(async () => {
    await Promise.all(clients.map((c) => c.close()));
    await closeRuntime(); // ends the shells too
    server?.closeAllConnections();
    await new Promise((r) => server?.close(r));
    resetRegistryHandler();
    await t?.cleanup();
    fs.rmSync(dir, { recursive: true, force: true });
  }, 60_000);

  const connect = async (i: number) => {
    const c = await TestTerminalClient.connect(`ws://${host}/api/terminal?session=w`, { origin: `http://${host}`, cookie: cookies[i] });
    clients.push(c);
    return c;
  };

  it('starts in the starter workspace with docker talking to the user own namespace', async () => {
    const one = await connect(0);
    expect(await one.run('ls -a /workspace', /Dockerfile[\s\S]*\$ $/)).toMatch(/\.dockerignore|\.env/);
    await one.run('docker images', /busybox\s+latest/, 30_000);
    await one.run('docker tag busybox wired-one:v1 && echo tagged-ok', /tagged-ok/, 30_000);
    await one.run('docker images', /wired-one\s+v1/, 30_000);

    const two = await connect(1);
    const out = await two.run('docker images; echo END-$((1+1))', /END-2/, 30_000);
    expect(out).toMatch(/busybox/);
    expect(out).not.toMatch(/wired-one/);
  }, 120_000);
});
