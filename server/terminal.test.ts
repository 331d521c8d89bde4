// The terminal as the server wires it (labTerminalEndpoint over the real runtime): the shell of a
// signed-in user starts in their starter workspace, `docker` inside reaches their own daemon
// namespace, and another user sees none of it. Needs root, cgroups and bwrap.
import fs from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import type { AddressInfo } from 'node:net';
import type { LabRuntime } from '../lib/runtime/runtime.ts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createRouter } from './router.ts';
import { labTerminalEndpoint, maxShellsPerUser, terminalCheck } from './terminal.ts';
import { closeRuntime, getRuntime } from '../lib/runtime/start-runtime.ts';
import { migratedSqlite, type TestDb } from '../lib/site/test-db.ts';
import { resetRegistryHandler } from '../lib/site/registry-server.ts';
import { createUser } from '../lib/auth/users.ts';
import { createSession } from '../lib/auth/sessions.ts';
import { ensureWorkspace } from '../lib/workspace/workspace.ts';
import { ensureUsername } from '../lib/auth/registry-username.ts';
import { cgroupsAvailable } from '../lib/terminal/shell-cgroup.ts';
import { TestTerminalClient } from '../lib/terminal/testing/ws-test-client.ts';

const canSandbox = cgroupsAvailable() && fs.existsSync('/usr/bin/bwrap');
if (!canSandbox) console.warn('server/terminal.test: skipped — needs root, cgroups and bwrap (Debian bubblewrap)');

describe.skipIf(!canSandbox)('the wired terminal', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'lab-wired-'));
  const env = { ...process.env, LAB_ROOT: path.join(dir, 'engine'), LAB_DATA_DIR: dir, REDIS_URL: '', LAB_REGISTRY_SECRET: 'w'.repeat(40) };
  let t: TestDb;
  let server: http.Server;
  let router: ReturnType<typeof createRouter> | undefined;
  let host: string;
  const cookies: string[] = [];
  const usernames: string[] = [];
  const userIds: string[] = [];
  let runtime: LabRuntime | undefined;
  const rt = () => runtime!;
  const clients: TestTerminalClient[] = [];

  beforeAll(async () => {
    t = await migratedSqlite();
    resetRegistryHandler();
    for (const email of ['wired.one@x.example', 'wired.two@x.example']) {
      const u = await createUser(t.db, email, 'wired password');
      cookies.push(`lab_session=${(await createSession(t.db, u.id)).token}`);
      userIds.push(u.id);
      usernames.push(await ensureUsername(t.db, u.id));
    }
    server = http.createServer((req, res) => router?.request(req, res));
    server.on('upgrade', (req, socket, head) => router?.upgrade(req, socket, head));
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    host = `127.0.0.1:${(server.address() as AddressInfo).port}`;
    const rt = await getRuntime({ ...env, PORT: String((server.address() as AddressInfo).port) }, t.db);
    runtime = rt;
    const endpoint = labTerminalEndpoint(rt, t.db, (userId) => ensureWorkspace(userId, { env }));
    router = createRouter({
      registry: () => rt.registry,
      next: (_q, res) => res.end('next'),
      terminal: async () => endpoint,
      terminalInfo: (req, res) =>
        void terminalCheck(t.db, req, { runtime: rt }).then(({ status, message }) => {
          res.writeHead(status, { 'content-type': 'application/json' });
          res.end(JSON.stringify({ message }));
        }),
    });
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

  const connect = async (i: number, session = 'w') => {
    const c = await TestTerminalClient.connect(`ws://${host}/api/terminal?session=${session}`, { origin: `http://${host}`, cookie: cookies[i] });
    clients.push(c);
    return c;
  };

  it('starts in the starter workspace with docker talking to the user own namespace', async () => {
    const one = await connect(0);
    expect(await one.run('ls -a /workspace', /Dockerfile[\s\S]*\$ $/)).toMatch(/\.dockerignore|\.env/);
    await one.run('docker images', /busybox\s+latest/, 30_000);
    // the runtime's prebuilt CLI is what `docker` runs (no tsx compile per command)
    await one.run('test -f /opt/lab-cli/lab.mjs && docker version && echo prebuilt-$((20+22))', /lab \d+\.\d+\.\d+[\s\S]*prebuilt-42/, 30_000);
    await one.run('docker tag busybox wired-one:v1 && echo tagged-ok', /tagged-ok/, 30_000);
    await one.run('docker images', /wired-one\s+v1/, 30_000);

    const two = await connect(1);
    const out = await two.run('docker images; echo END-$((1+1))', /END-2/, 30_000);
    expect(out).toMatch(/busybox/);
    expect(out).not.toMatch(/wired-one/);
  }, 120_000);

  it('docker login, push and pull from the shell reach the lab registry on the web origin through the daemon', async () => {
    const one = await connect(0); // the same shell as above (a reattach): the per-user shell cap below counts shells
    const repo = `${host}/${usernames[0]}/box:v1`;
    await one.run(`docker tag busybox ${repo} && echo tag-ok`, /tag-ok/, 30_000);
    // no login yet: the registry refuses, and says so
    expect(await one.run(`docker push ${repo}; echo rc=$?`, /rc=\d+/, 60_000)).toMatch(/unauthori[sz]ed|authentication required|denied|401/i);
    const login = await one.run(`echo 'wired password' | docker login -u ${usernames[0]} --password-stdin ${host}; echo rc=$?`, /rc=\d+/, 60_000);
    expect(login).toContain('Login Succeeded');
    const push = await one.run(`docker push ${repo}; echo rc=$?`, /rc=\d+/, 60_000);
    expect(push).toMatch(/rc=0/);
    expect(push).toMatch(/digest: sha256:[0-9a-f]{64}/);
    await one.run(`docker rmi ${repo} && docker pull ${repo} && docker images; echo END-$((2+3))`, /END-5/, 60_000).then((out) => {
      expect(out).toMatch(/Status: Downloaded newer image|Image is up to date|Pull complete|Already exists/);
      expect(out).toMatch(new RegExp(`${host.replace(/[.]/g, '\\.')}/${usernames[0]}/box\\s+v1`));
    });
    // another student logs in as themself and cannot pull the first one's repository
    const two = await connect(1);
    await two.run(`echo 'wired password' | docker login -u ${usernames[1]} --password-stdin ${host}; echo rc=$?`, /rc=0/, 60_000);
    const denied = await two.run(`docker pull ${repo}; echo rc=$?`, /rc=\d+/, 60_000);
    expect(denied).toMatch(/rc=[1-9]/);
    expect(denied).toMatch(/denied|unauthori[sz]ed|not found|insufficient/i);
  }, 180_000);

  it('caps live shells per user: the newest browser wins and the oldest shell ends with a reason', async () => {
    const info = async (i: number | undefined, session: string) => {
      const res = await fetch(`http://${host}/api/terminal?session=${session}`, { headers: i === undefined ? {} : { cookie: cookies[i] } });
      return { status: res.status, message: ((await res.json()) as { message: string }).message };
    };
    expect((await info(undefined, 'w')).status).toBe(401);
    expect(await info(0, 'w')).toEqual({ status: 200, message: 'ok' });
    const max = maxShellsPerUser();
    const extras: TestTerminalClient[] = [];
    for (let i = 1; i < max; i++) extras.push(await connect(0, `extra${i}`));
    const live = () => rt().terminal.list().filter((s) => s.userId === userIds[0] && !s.exit);
    expect(live()).toHaveLength(max);
    // the first extra shell's browser goes away (closed tab, not signed out): it is the one to end
    await extras[0]!.close();
    expect((await info(0, 'one-more')).status).toBe(200); // never locked out
    const newest = await connect(0, 'one-more');
    expect(await newest.run('echo fresh-$((40+2))', /fresh-42/, 30_000)).toContain('fresh-42');
    expect(live()).toHaveLength(max);
    expect(live().map((s) => s.sessionId)).not.toContain('extra1');
    // with every shell attached, the least recently used one ends and its viewer is told why
    const another = await connect(0, 'and-another');
    await another.run('echo again-$((40+3))', /again-43/, 30_000);
    expect(live()).toHaveLength(max);
    const ended = [...clients].filter((c) => c.exit?.reason === 'replaced');
    expect(ended.length).toBeGreaterThanOrEqual(1);
    await connect(1, 'other-user-unaffected');
    expect(rt().terminal.list().filter((s) => s.userId === userIds[1] && !s.exit).length).toBeGreaterThanOrEqual(1);
  }, 120_000);
});
