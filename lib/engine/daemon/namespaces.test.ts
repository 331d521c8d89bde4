// Namespaces: two students over one engine see only their own images and cache, the base images
// are shared read-only, and one student's prune never takes the other's layers.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import fs from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { openEngine, type Engine } from './engine.ts';
import { LocalEngineApi } from './local-api.ts';
import { DEFAULT_NAMESPACE, engineForNamespace, listNamespaces, namespaceForUser, validateNamespace } from './namespaces.ts';
import { startNamespacedDaemon, type NamespacedDaemon } from './namespaced-daemon.ts';
import { makeImage } from '../registry/testing.ts';

const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'lab-ns-'));
afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));

function get(socketPath: string, p: string): Promise<{ status: number; json: unknown }> {
  return new Promise((resolve, reject) => {
    http.get({ socketPath, path: p }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, json: JSON.parse(Buffer.concat(chunks).toString('utf8') || 'null') }));
    }).on('error', reject);
  });
}

/** Makes every blob look an hour old, so prune's 60 s grace for in-flight writers does not apply. */
function ageBlobs(engine: Engine): void {
  const dir = path.join(engine.content.root, 'blobs', 'sha256');
  const old = new Date(Date.now() - 3600_000);
  for (const f of fs.readdirSync(dir)) fs.utimesSync(path.join(dir, f), old, old);
}

describe('namespace names', () => {
  it('accepts lower-case ids, refuses the rest, and keeps users out of the default namespace', () => {
    expect(validateNamespace('ck9x2abc0000')).toBe('ck9x2abc0000');
    expect(namespaceForUser('Ck9X2ABC')).toBe('ck9x2abc');
    for (const bad of ['', '-a', 'a/b', '../x', 'a'.repeat(64), 'A B']) expect(() => validateNamespace(bad)).toThrow(/not valid/);
    expect(() => namespaceForUser('default')).toThrow(/default namespace/);
  });
});

describe('namespace views over one engine', () => {
  let engine: Engine;
  let alice: Engine;
  let bob: Engine;
  let baseId: string;

  beforeAll(async () => {
    engine = await openEngine({ root: path.join(tmp, 'views'), withBuilder: false, ensureBaseImages: false });
    baseId = (await makeImage(engine.images, [{ 'bin/sh': 'base shell' }], 'busybox:latest')).id;
    alice = engineForNamespace(engine, 'alice');
    bob = engineForNamespace(engine, 'bob');
  });

  it('gives each namespace its own names; the base image shows in both', async () => {
    const a = await makeImage(alice.images, [{ 'app.txt': 'alice app' }], 'myapp:v1');
    const b = await makeImage(bob.images, [{ 'app.txt': 'bob app' }], 'myapp:v1');
    expect(a.id).not.toBe(b.id);
    expect((await alice.images.get('myapp:v1')).id).toBe(a.id);
    expect((await bob.images.get('myapp:v1')).id).toBe(b.id);
    expect(await engine.images.find('myapp:v1')).toBeUndefined();
    const names = async (e: Engine) => (await e.images.list()).flatMap((i) => i.names).sort();
    expect(await names(alice)).toEqual(['docker.io/library/busybox:latest', 'docker.io/library/myapp:v1']);
    expect(await names(bob)).toEqual(['docker.io/library/busybox:latest', 'docker.io/library/myapp:v1']);
    expect(await names(engine)).toEqual(['docker.io/library/busybox:latest']);
    // by ID or digest too: bob cannot reach alice's image although its blobs are in the shared store
    expect(await bob.images.find(a.id.slice(7, 19))).toBeUndefined();
    expect(await bob.images.find(a.id)).toBeUndefined();
    expect(await bob.images.find(a.target.digest)).toBeUndefined();
    expect(await bob.images.find(`myapp@${a.target.digest}`)).toBeUndefined();
    expect((await alice.images.get(a.target.digest)).id).toBe(a.id);
    expect((await bob.images.get(`busybox@${(await engine.images.get('busybox')).target.digest}`)).id).toBe(baseId);
    expect((await alice.images.get('busybox')).id).toBe(baseId);
    expect(engineForNamespace(engine, 'alice')).toBe(alice);
    expect(engineForNamespace(alice, DEFAULT_NAMESPACE)).toBe(engine);
    expect(await listNamespaces(engine.root)).toEqual(['alice', 'bob']);
  });

  it('refuses to remove or rename over a base image, but lets a student tag and untag it', async () => {
    const api = new LocalEngineApi(alice);
    await expect(api.removeImage('busybox:latest')).rejects.toMatchObject({ code: 'FAILED_PRECONDITION', message: expect.stringMatching(/base image/) });
    await expect(api.removeImage(baseId, { force: true })).rejects.toMatchObject({ code: 'FAILED_PRECONDITION' });
    await expect(api.tag('myapp:v1', 'busybox:latest')).rejects.toMatchObject({ code: 'FAILED_PRECONDITION', message: expect.stringMatching(/base image/) });
    await api.tag('busybox', 'mybox:1');
    expect((await alice.images.get('mybox:1')).id).toBe(baseId);
    expect(await api.removeImage('mybox:1')).toEqual([{ Untagged: 'mybox:1' }]); // not "Deleted": the base stays
    expect((await engine.images.get('busybox:latest')).id).toBe(baseId); // still there for everyone
  });

  it('prune in one namespace keeps the layers of the other', async () => {
    const a = await makeImage(alice.images, [{ 'only-alice.txt': 'x'.repeat(5000) }], 'gone:1');
    const b = await bob.images.get('myapp:v1');
    const aliceLayer = a.manifest.layers[0].digest;
    await new LocalEngineApi(alice).removeImage('gone:1');
    ageBlobs(engine);
    const r = await new LocalEngineApi(alice).prune({ all: true });
    expect(r.blobsRemoved).toContain(aliceLayer);
    for (const l of [...b.manifest.layers, b.manifest.config]) expect(await engine.content.has(l.digest)).toBe(true);
    expect((await new LocalEngineApi(bob).inspectImage('myapp:v1')).Id).toBe(b.id);
    expect((await new LocalEngineApi(bob).check()).ok).toBe(true);
    expect(await engine.images.find('busybox')).toBeDefined();
  });

  it("keeps the layers of a namespace's containers after their image is removed", async () => {
    const img = await makeImage(bob.images, [{ 'run.txt': 'y'.repeat(3000) }], 'running:1');
    const layer = img.manifest.layers[0];
    // a container record as the container manager writes it (lib/engine/container)
    const id = 'c'.repeat(64);
    fs.mkdirSync(path.join(bob.containersDir, id), { recursive: true });
    fs.writeFileSync(path.join(bob.containersDir, id, 'container.json'), JSON.stringify({
      id, name: 'calm_turing', image: 'running:1', imageId: img.id, layers: [{ digest: layer.digest, diffId: img.config.rootfs.diff_ids[0] }],
      args: ['sh'], env: [], workingDir: '/', tty: false, openStdin: false, autoRemove: false, created: new Date().toISOString(), status: 'running',
    }));
    await new LocalEngineApi(bob).removeImage('running:1');
    ageBlobs(engine);
    const r = await new LocalEngineApi(alice).prune({ all: true });
    expect(r.blobsRemoved).not.toContain(layer.digest);
    expect(await engine.content.has(layer.digest)).toBe(true);
    fs.rmSync(path.join(bob.containersDir, id), { recursive: true });
    expect((await new LocalEngineApi(bob).prune({ all: true })).blobsRemoved).toContain(layer.digest);
  });
});

describe('namespaced daemon sockets', () => {
  let engine: Engine;
  let daemon: NamespacedDaemon;
  const socketDir = path.join(tmp, 'sockets');

  beforeAll(async () => {
    engine = await openEngine({ root: path.join(tmp, 'sock-root'), withBuilder: false, ensureBaseImages: false });
    await makeImage(engine.images, [{ 'bin/sh': 'base' }], 'busybox:latest');
    await makeImage(engineForNamespace(engine, 'alice').images, [{ a: 'a' }], 'alice-app:1');
    await makeImage(engineForNamespace(engine, 'bob').images, [{ b: 'b' }], 'bob-app:1');
    daemon = await startNamespacedDaemon({ engine, socketDir });
  });
  afterAll(() => daemon?.close());

  it('answers each namespace only on its own socket', async () => {
    const [sa, sb] = await Promise.all([daemon.socketFor('alice'), daemon.socketFor('bob')]);
    expect(sa).toBe(path.join(socketDir, 'alice', 'lab.sock'));
    expect(await daemon.socketFor('alice')).toBe(sa);
    const tags = async (s: string) => ((await get(s, '/images/json')).json as { RepoTags: string[] }[]).flatMap((i) => i.RepoTags).sort();
    expect(await tags(sa)).toEqual(['alice-app:1', 'busybox:latest']);
    expect(await tags(sb)).toEqual(['bob-app:1', 'busybox:latest']);
    expect((await get(sb, '/images/alice-app:1/json')).status).toBe(404);
    expect(fs.statSync(sa).mode & 0o777).toBe(0o666);
    expect(fs.statSync(path.dirname(sa)).mode & 0o777).toBe(0o755);
    expect(fs.statSync(socketDir).mode & 0o777).toBe(0o755);
  });

  it('refuses an invalid namespace and removes the sockets on close', async () => {
    await expect(daemon.socketFor('../etc')).rejects.toMatchObject({ code: 'INVALID_INPUT' });
    const s = await daemon.socketFor('carol');
    expect(fs.existsSync(s)).toBe(true);
    await daemon.close();
    expect(fs.existsSync(s)).toBe(false);
    await expect(daemon.socketFor('carol')).rejects.toMatchObject({ code: 'UNAVAILABLE' });
  });
});

describe('namespace index updates', () => {
  it('serialises concurrent tags from two engines opened on one root (no lost names)', async () => {
    const root = path.join(tmp, 'two-engines');
    const e1 = await openEngine({ root, withBuilder: false, ensureBaseImages: false });
    const e2 = await openEngine({ root, withBuilder: false, ensureBaseImages: false });
    const img = await makeImage(engineForNamespace(e1, 'dana').images, [{ f: 'x' }], 'src:1');
    const views = [engineForNamespace(e1, 'dana'), engineForNamespace(e2, 'dana')];
    await Promise.all(Array.from({ length: 20 }, (_, i) => views[i % 2].images.tag('src:1', `t${i}:1`)));
    const names = (await views[0].images.get(img.id)).names;
    expect(names).toHaveLength(21);
  });
});
