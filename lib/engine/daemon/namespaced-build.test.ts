// Real builds through two namespaces' sockets: the build observer hears every build, each
// namespace gets its own image and cache, and one namespace's prune leaves the other's intact.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import fs from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { openEngine, type Engine } from './engine.ts';
import { LocalEngineApi } from './local-api.ts';
import { takeWriteLease } from '../content-store/write-leases.ts';
import { engineForNamespace } from './namespaces.ts';
import { startNamespacedDaemon, type BuildInfo, type NamespacedDaemon } from './namespaced-daemon.ts';
import { openContext } from '../build-context/index.ts';
import { overlayUnavailableReason, mountsBelow } from '../executor/testing/busybox-rootfs.ts';
import type { BuildEvent } from '../progress/events.ts';

const cannotBuild = overlayUnavailableReason();
if (cannotBuild) console.warn(`namespaced build tests skipped: ${cannotBuild}`);

type Observed = { ns: string; info: BuildInfo; events: BuildEvent[]; outcome?: { imageId?: string; error?: { code: string; message: string } } };

/** POST /build with the directory as the context tar; resolves with the NDJSON events. */
async function build(socketPath: string, dir: string, tag: string, dockerfile = 'Dockerfile'): Promise<BuildEvent[]> {
  const body = (await openContext(dir)).tar();
  return new Promise((resolve, reject) => {
    const req = http.request({ socketPath, method: 'POST', path: `/build?t=${encodeURIComponent(tag)}&dockerfile=${dockerfile}` }, (res) => {
      let text = '';
      res.on('data', (c) => (text += c));
      res.on('end', () => resolve(text.split('\n').filter(Boolean).map((l) => JSON.parse(l) as BuildEvent)));
    });
    req.on('error', reject);
    body.pipe(req);
  });
}

function ageBlobs(engine: Engine): void {
  const dir = path.join(engine.content.root, 'blobs', 'sha256');
  const old = new Date(Date.now() - 3600_000);
  for (const f of fs.readdirSync(dir)) fs.utimesSync(path.join(dir, f), old, old);
}

describe.skipIf(!!cannotBuild)('builds in namespaces', () => {
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'lab-ns-build-'));
  let engine: Engine;
  let daemon: NamespacedDaemon;
  const observed: Observed[] = [];

  const context = (who: string) => {
    const dir = path.join(tmp, `ctx-${who}`);
    fs.mkdirSync(dir, { recursive: true });
    fs.writeFileSync(path.join(dir, 'Dockerfile'), `FROM busybox\nRUN echo ${who} > /who\nCOPY a.txt /a.txt\n`);
    fs.writeFileSync(path.join(dir, 'Broken.Dockerfile'), 'FROM busybox\nRUN exit 7\n');
    fs.writeFileSync(path.join(dir, 'a.txt'), `${who}'s file\n`);
    return dir;
  };

  beforeAll(async () => {
    engine = await openEngine({ root: path.join(tmp, 'root') });
    daemon = await startNamespacedDaemon({
      engine,
      socketDir: path.join(tmp, 'sockets'),
      observeBuild: (ns, info) => {
        const o: Observed = { ns, info, events: [] };
        observed.push(o);
        return { event: (e) => o.events.push(e), end: (outcome) => (o.outcome = outcome) };
      },
    });
  }, 120_000);

  afterAll(async () => {
    await daemon?.close();
    expect(mountsBelow(tmp)).toEqual([]);
    fs.rmSync(tmp, { recursive: true, force: true });
  });

  it('builds into the namespace of the socket and tells the observer', async () => {
    const events = await build(await daemon.socketFor('alice'), context('alice'), 'app:1');
    const done = events.at(-1) as Extract<BuildEvent, { type: 'build.done' }>;
    expect(done.type).toBe('build.done');
    expect((await engineForNamespace(engine, 'alice').images.get('app:1')).id).toBe(done.imageId);
    expect(await engineForNamespace(engine, 'bob').images.find('app:1')).toBeUndefined();
    expect(await engine.images.find('app:1')).toBeUndefined();

    expect(observed).toHaveLength(1);
    const [o] = observed;
    expect(o.ns).toBe('alice');
    expect(o.info).toMatchObject({ source: 'terminal', tags: ['app:1'], dockerfilePath: 'Dockerfile', dockerfileText: fs.readFileSync(path.join(tmp, 'ctx-alice', 'Dockerfile'), 'utf8') });
    expect(o.info.buildId).toMatch(/^[a-f0-9]{24}$/);
    expect(o.events.map((e) => e.type)).toEqual(events.map((e) => e.type));
    expect(o.outcome).toEqual({ imageId: done.imageId });
  }, 120_000);

  it('tells the observer how a failed build ended', async () => {
    const events = await build(await daemon.socketFor('alice'), context('alice'), 'broken:1', 'Broken.Dockerfile');
    expect(events.at(-1)?.type).toBe('build.error');
    const o = observed.at(-1)!;
    expect(o.info.dockerfileText).toBe('FROM busybox\nRUN exit 7\n');
    expect(o.outcome?.error?.code).toBe((events.at(-1) as { code: string }).code);
  }, 120_000);

  it("prune in one namespace keeps the other's image, layers and build cache", async () => {
    const bobEvents = await build(await daemon.socketFor('bob'), context('bob'), 'app:1');
    expect(bobEvents.at(-1)?.type).toBe('build.done');
    const alice = engineForNamespace(engine, 'alice');
    const bob = engineForNamespace(engine, 'bob');
    const aliceImg = await alice.images.get('app:1');
    const bobImg = await bob.images.get('app:1');
    const aliceOnly = aliceImg.manifest.layers.map((l) => l.digest).filter((d) => !bobImg.manifest.layers.some((b) => b.digest === d));
    expect(aliceOnly.length).toBeGreaterThan(0);
    // df: each namespace sees its own image and cache records (plus the base image), not the other's
    const dfAlice = await new LocalEngineApi(alice).diskUsage();
    const dfBob = await new LocalEngineApi(bob).diskUsage();
    expect(dfAlice.images.map((i) => i.id).sort()).toEqual([aliceImg.id, (await engine.images.get('busybox')).id].sort());
    expect(dfBob.images.map((i) => i.id)).not.toContain(aliceImg.id);
    expect(dfAlice.buildCache.length).toBeGreaterThan(0);
    const aliceCache = new Set(await alice.cache.roots());
    expect((await bob.cache.roots()).some((d) => aliceOnly.includes(d))).toBe(false);
    expect(aliceOnly.some((d) => aliceCache.has(d))).toBe(true);

    await new LocalEngineApi(alice).removeImage('app:1');
    ageBlobs(engine);
    const r = await new LocalEngineApi(alice).prune({ all: true });
    for (const d of aliceOnly) expect(r.blobsRemoved).toContain(d);
    expect(await alice.cache.roots()).toEqual([]);

    expect((await new LocalEngineApi(bob).inspectImage('app:1')).Id).toBe(bobImg.id);
    expect((await new LocalEngineApi(bob).check()).ok).toBe(true);
    for (const d of await bob.cache.roots()) expect(await engine.content.has(d)).toBe(true);
    // bob's cache records survived: the same build again is all CACHED
    const again = await build(await daemon.socketFor('bob'), context('bob'), 'app:1');
    expect(again.some((e) => e.type === 'vertex.cached')).toBe(true);
    expect((again.at(-1) as { imageId: string }).imageId).toBe(bobImg.id);
  }, 180_000);

  // docker builder prune (no -a) removes the cache no image uses and reclaims it at once: the
  // RECLAIMABLE of `docker system df` (docs: builder prune "Remove build cache"; -a "all unused
  // build cache, not just dangling ones"). Young blobs are spared only while a build writes.
  it('builder prune right after a multi-stage build reclaims what system df called reclaimable', async () => {
    const dir = path.join(tmp, 'ctx-carol');
    fs.mkdirSync(dir, { recursive: true });
    fs.writeFileSync(path.join(dir, 'Dockerfile'), 'FROM busybox AS b\nRUN head -c 300000 /dev/urandom > /big\nRUN echo x > /small\nFROM busybox\nCOPY --from=b /small /s\n');
    const events = await build(await daemon.socketFor('carol'), dir, 'ms:1');
    expect(events.at(-1)?.type).toBe('build.done');
    const carol = new LocalEngineApi(engineForNamespace(engine, 'carol'));
    const df = await carol.diskUsage();
    expect(df.buildCacheReclaimable).toBeGreaterThan(300_000);
    // while another build holds a write lease, the fresh blobs are spared
    const end = await takeWriteLease(engine.content.root);
    try {
      expect((await carol.prune()).reclaimedBytes).toBe(0);
    } finally {
      await end();
    }
    // the records went with the first prune; their blobs go now, with nothing writing
    const r = await carol.prune();
    expect(r.reclaimedBytes).toBeGreaterThan(300_000);
    expect((await carol.diskUsage()).buildCacheReclaimable).toBe(0);
    expect((await carol.check()).ok).toBe(true);
  }, 180_000);
});
