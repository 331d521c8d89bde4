// docker push / pull from a shell that has no engine of its own (LAB_ROOT=/nonexistent, as in
// the sandbox): the CLI (bin/lab.mjs, spawned) asks its namespace's daemon socket, the daemon
// talks to a loopback registry with the login the CLI sent or the one the web app gives it.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import http from 'node:http';
import { randomBytes } from 'node:crypto';
import fs from 'node:fs/promises';
import path from 'node:path';
import { openEngine, type Engine } from './engine.ts';
import { engineForNamespace } from './namespaces.ts';
import { startNamespacedDaemon, type NamespacedDaemon } from './namespaced-daemon.ts';
import { FileAuthenticator } from '../registry/auth/file-authenticator.ts';
import { saveCredentials } from '../registry/client/credentials.ts';
import { makeImage, runLab, startOurs, tempDir } from '../registry/testing.ts';


describe('push and pull through the namespaced daemon', () => {
  let dir: string;
  let reg: Awaited<ReturnType<typeof startOurs>>;
  let engine: Engine;
  let daemon: NamespacedDaemon;
  let savedConfig: string | undefined;
  const alice = { username: 'alice', password: 'pw-alice' };

  /** The CLI as the sandboxed shell runs it: only the socket, the home dir's config and no state dir. */
  const lab = async (ns: string, args: string[], config: string) =>
    runLab(args, { ...process.env, LAB_ROOT: '/nonexistent', LAB_HOST: `unix://${await daemon.socketFor(ns)}`, LAB_CONFIG: config, HOME: dir });

  beforeAll(async () => {
    dir = await tempDir('lab-ns-transfer-');
    const users = path.join(dir, 'users.json');
    await FileAuthenticator.addUser(users, { username: 'alice', role: 'student', password: alice.password });
    reg = await startOurs({ auth: { authenticator: new FileAuthenticator(users), secret: randomBytes(32) } });
    // The daemon's own user has a stored login: a namespace must never get to use it.
    savedConfig = process.env.LAB_CONFIG;
    process.env.LAB_CONFIG = path.join(dir, 'server-config.json');
    await saveCredentials(reg.host, alice, process.env.LAB_CONFIG);
    await saveCredentials(reg.host, alice, path.join(dir, 'alice-config.json'));
    engine = await openEngine({ root: path.join(dir, 'engine'), withBuilder: false, ensureBaseImages: false });
    daemon = await startNamespacedDaemon({
      engine,
      socketDir: path.join(dir, 'sockets'),
      // the web app's stored login for namespace "bob" (here: alice's account)
      registryCredentials: async (ns, host) => (ns === 'bob' && host === reg.host ? alice : undefined),
      labRegistry: [reg.host], // plays the lab's own registry: the one loopback registry the egress policy lets through
    });
  });

  afterAll(async () => {
    if (savedConfig === undefined) delete process.env.LAB_CONFIG;
    else process.env.LAB_CONFIG = savedConfig;
    await daemon?.close();
    await reg?.close();
    await fs.rm(dir, { recursive: true, force: true });
  });

  it('pushes with the login the CLI sends and pulls into another namespace with the web app\'s', async () => {
    const name = `${reg.host}/alice/app:v1`;
    const img = await makeImage(engineForNamespace(engine, 'alice').images, [{ 'app.txt': 'hello from alice' }], name);
    const push = await lab('alice', ['push', '--insecure', name], path.join(dir, 'alice-config.json'));
    expect(push.err).toBe('');
    expect(push.code).toBe(0);
    expect(push.out).toMatch(/The push refers to repository \[127\.0\.0\.1:\d+\/alice\/app\]/);
    expect(push.out).toMatch(/v1: digest: sha256:[a-f0-9]{64}/);

    expect(await engineForNamespace(engine, 'bob').images.find(name)).toBeUndefined();
    const pull = await lab('bob', ['pull', '--insecure', name], path.join(dir, 'no-config.json'));
    expect(pull.err).toBe('');
    expect(pull.code).toBe(0);
    expect(pull.out).toContain(`Status: Downloaded image for ${name}`);
    expect((await engineForNamespace(engine, 'bob').images.get(name)).id).toBe(img.id);
    const images = await lab('bob', ['images'], path.join(dir, 'no-config.json'));
    expect(images.out).toContain(`${reg.host}/alice/app`);
  }, 60_000);

  it('without any login for the namespace the registry refuses, even though the daemon user has one', async () => {
    const name = `${reg.host}/alice/app:v1`;
    const pull = await lab('carol', ['pull', '--insecure', name], path.join(dir, 'no-config.json'));
    expect(pull.code).not.toBe(0);
    expect(pull.err).toMatch(/401|unauthori[sz]ed|denied|authentication/i);
    expect(await engineForNamespace(engine, 'carol').images.find(name)).toBeUndefined();
  }, 60_000);

  it('checks a login through the daemon (POST /auth), for docker login in a shell without network', async () => {
    const post = async (body: unknown) => {
      const socketPath = await daemon.socketFor('alice');
      return new Promise<{ status: number; json: { Status?: string; code?: string } }>((resolve, reject) => {
        const req = http.request({ socketPath, method: 'POST', path: '/auth?insecure=1' }, (res) => {
          let text = '';
          res.on('data', (c) => (text += c));
          res.on('end', () => resolve({ status: res.statusCode ?? 0, json: JSON.parse(text) }));
        });
        req.on('error', reject);
        req.end(JSON.stringify(body));
      });
    };
    expect(await post({ ...alice, serveraddress: reg.host })).toEqual({ status: 200, json: { Status: 'Login Succeeded' } });
    const bad = await post({ username: 'alice', password: 'wrong', serveraddress: reg.host });
    expect(bad.status).toBe(401);
    expect(bad.json.code).toBe('UNAUTHORIZED');
    expect((await post({ username: 'alice' })).status).toBe(400);
  });

  it('docker login in the shell: the CLI checks through the daemon and stores the login in its own config', async () => {
    const config = path.join(dir, 'shell-login.json');
    const bad = await lab('alice', ['login', '--insecure', '-u', 'alice', '-p', 'wrong', reg.host], config);
    expect(bad.code).toBe(1);
    expect(bad.err).toMatch(/Error response from daemon: .*incorrect username or password/);
    await expect(fs.access(config)).rejects.toThrow();
    const ok = await lab('alice', ['login', '--insecure', '-u', 'alice', '-p', alice.password, reg.host], config);
    expect(ok.out).toContain('Login Succeeded');
    expect(ok.code).toBe(0);
    expect(JSON.parse(await fs.readFile(config, 'utf8'))).toHaveProperty(['auths', reg.host]);
  }, 60_000);
});
