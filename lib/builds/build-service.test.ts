import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { backends, type TestDb } from '../site/test-db.ts';
import { EmbeddedQueue } from '../../workers/embedded-queue.ts';
import { collect, gate } from '../../workers/queue-conformance.ts';
import type { JobEntry } from '../../workers/queue.ts';
import { createBuildService } from './build-service.ts';
import { readEntries } from './build-store.ts';
import { sseResponse, traceChunks } from './sse.ts';
import { all, realisticHandler, take, until } from './testing.ts';

const types = (entries: JobEntry[]) => entries.map((e) => e.event.type);

for (const backend of backends) {
  describe(`build service (${backend.name})`, () => {
    let t: TestDb;
    let tmp: string;
    let alice: string;
    let bob: string;
    const cleanups: (() => Promise<unknown>)[] = [];

    beforeAll(async () => {
      t = await backend.make();
      tmp = await fs.mkdtemp(path.join(os.tmpdir(), 'lab-builds-'));
      alice = (await t.db.user.create({ data: { email: 'alice@example.com', passwordHash: 'x' } })).id;
      bob = (await t.db.user.create({ data: { email: 'bob@example.com', passwordHash: 'x' } })).id;
      for (const u of [alice, bob]) {
        await fs.mkdir(path.join(tmp, 'ws', u), { recursive: true });
        await fs.writeFile(path.join(tmp, 'ws', u, 'Dockerfile'), 'FROM busybox\nRUN echo hi > /hi\nCMD ["sh"]\n');
      }
    }, 60_000);

    afterAll(async () => {
      for (const c of cleanups.reverse()) await c().catch(() => undefined);
      await t?.cleanup();
      await fs.rm(tmp, { recursive: true, force: true });
    });

    /** A fresh embedded queue (own root) with the realistic handler, and a service over it. */
    // One service per database at a time, as in the server: the previous test's is closed first
    // (a new service's restart check would otherwise adopt builds the old one is recording).
    async function setup(opts: { root?: string; parked?: Promise<void>; worker?: boolean; maxActivePerUser?: number; keepPerUser?: number } = {}) {
      while (cleanups.length) await cleanups.pop()!().catch(() => undefined);
      const root = opts.root ?? (await fs.mkdtemp(path.join(tmp, 'q-')));
      const queue = await EmbeddedQueue.open({ root });
      if (opts.worker !== false) await queue.startWorker(realisticHandler(opts.parked));
      const service = createBuildService({
        db: t.db,
        queue,
        workspaceDir: async (u) => path.join(tmp, 'ws', u),
        flushMs: 5,
        maxActivePerUser: opts.maxActivePerUser,
        keepPerUser: opts.keepPerUser,
      });
      await service.ready;
      const close = async () => {
        await service.close();
        await queue.close();
      };
      cleanups.push(close);
      return { root, queue, service, close };
    }

    it('stores every entry of a web build in order, with its status, image and tags', async () => {
      const { queue, service } = await setup();
      const { id } = await service.startWebBuild(alice, { tags: ['myapp:v1'] });
      const seen = await all(service.subscribe(alice, id, 0));
      const log = await collect(queue, id);
      expect(seen).toEqual(log);
      expect(types(seen).slice(0, 3)).toEqual(['job.queued', 'job.running', 'build.started']);
      expect(seen.at(-1)!.event.type).toBe('job.succeeded');
      await until(async () => (await service.get(alice, id))?.status === 'succeeded');
      const stored = await readEntries(t.db, id, 0, undefined, 10_000);
      expect(stored).toEqual(log);
      const detail = await service.get(alice, id);
      expect(detail).toMatchObject({ source: 'web', tags: ['myapp:v1'], dockerfilePath: 'Dockerfile', eventCount: log.length, imageId: expect.stringMatching(/^sha256:a{64}$/) });
      expect(detail!.dockerfileText).toContain('RUN echo hi');
      expect(detail!.durationMs).toBeGreaterThanOrEqual(0);
      expect((await service.list(alice)).map((b) => b.id)).toContain(id);
    });

    it('a viewer that resumes at N mid-build continues without gaps or duplicates', async () => {
      const parked = gate();
      const { service } = await setup({ parked: parked.opened });
      const { id } = await service.startWebBuild(alice, {});
      const first = await take(service.subscribe(alice, id, 0), 5);
      expect(first.map((e) => e.index)).toEqual([0, 1, 2, 3, 4]);
      // The second viewer has read its first entry while the build is still parked.
      const resumed = service.subscribe(alice, id, 5)[Symbol.asyncIterator]();
      const head = await resumed.next();
      expect(head.done).toBe(false);
      parked.open();
      const tail = [head.value as JobEntry, ...(await all({ [Symbol.asyncIterator]: () => resumed }))];
      const indexes = [...first, ...tail].map((e) => e.index);
      expect(indexes).toEqual(indexes.map((_, i) => i));
      expect(tail.at(-1)!.event.type).toBe('job.succeeded');
      expect(tail.some((e) => e.event.type === 'vertex.miss')).toBe(true);
    });

    it('replays a finished build from the database after the queue and its logs are gone', async () => {
      const a = await setup();
      const { id } = await a.service.startWebBuild(alice, { tags: ['replay:1'] });
      const live = await all(a.service.subscribe(alice, id, 0));
      await until(async () => (await a.service.get(alice, id))?.status === 'succeeded');
      await a.close();
      await fs.rm(a.root, { recursive: true, force: true });
      const b = await setup({ worker: false });
      expect(await b.queue.status(id)).toBeUndefined();
      expect(await all(b.service.subscribe(alice, id, 0))).toEqual(live);
      expect(await all(b.service.subscribe(alice, id, 7))).toEqual(live.slice(7));
    });

    it('shows a build only to its owner', async () => {
      const { service } = await setup();
      const { id } = await service.startWebBuild(alice, {});
      await all(service.subscribe(alice, id, 0));
      await expect(take(service.subscribe(bob, id, 0), 1)).rejects.toMatchObject({ code: 'NOT_FOUND' });
      await expect(take(service.subscribe(bob, 'no-such-build', 0), 1)).rejects.toMatchObject({ code: 'NOT_FOUND' });
      expect(await service.get(bob, id)).toBeUndefined();
      expect((await service.list(bob)).map((b) => b.id)).not.toContain(id);
    });

    it('refuses bad input and too many builds at once with messages a student can act on', async () => {
      const parked = gate();
      const { service } = await setup({ parked: parked.opened, maxActivePerUser: 1 });
      await expect(service.startWebBuild(bob, { dockerfile: '../alice/Dockerfile' })).rejects.toMatchObject({ code: 'INVALID_INPUT' });
      await expect(service.startWebBuild(bob, { dockerfile: '/etc/passwd' })).rejects.toMatchObject({ code: 'INVALID_INPUT' });
      await expect(service.startWebBuild(bob, { dockerfile: 'Nope.Dockerfile' })).rejects.toMatchObject({ code: 'NOT_FOUND', message: expect.stringContaining('Nope.Dockerfile') });
      await expect(service.startWebBuild(bob, { tags: ['Bad Tag!'] })).rejects.toMatchObject({ code: 'INVALID_INPUT', message: expect.stringContaining('invalid reference format') });
      await fs.symlink('/etc/passwd', path.join(tmp, 'ws', bob, 'escape'));
      await expect(service.startWebBuild(bob, { dockerfile: 'escape' })).rejects.toMatchObject({ code: 'INVALID_INPUT' });
      const { id } = await service.startWebBuild(bob, {});
      await expect(service.startWebBuild(bob, {})).rejects.toMatchObject({ code: 'TOO_MANY_REQUESTS' });
      parked.open();
      await all(service.subscribe(bob, id, 0));
      await until(async () => (await service.get(bob, id))?.status === 'succeeded');
      const again = await service.startWebBuild(bob, {});
      await all(service.subscribe(bob, again.id, 0));
    });

    it('after a restart, a web build whose worker died and a terminal build end failed WORKER_LOST', async () => {
      const parked = gate();
      const a = await setup({ parked: parked.opened });
      const { id: web } = await a.service.startWebBuild(alice, {});
      await take(a.service.subscribe(alice, web, 0), 6);
      const terminal = (await t.db.build.create({ data: { userId: alice, source: 'terminal', status: 'running', eventCount: 0 } })).id;
      // The server goes away: the pump stops, the queue's job stays "running" on disk.
      await a.service.close();
      cleanups.splice(cleanups.indexOf(a.close), 1); // a "crash": a's queue is never closed
      const b = await setup({ root: a.root, worker: false });
      cleanups.push(async () => {
        parked.open();
        await a.queue.close();
      });
      for (const id of [web, terminal]) {
        await until(async () => (await b.service.get(alice, id))?.status === 'failed');
        const d = await b.service.get(alice, id);
        expect(d!.error).toMatchObject({ code: 'WORKER_LOST' });
        const entries = await all(b.service.subscribe(alice, id, 0));
        expect(entries.at(-1)!.event).toMatchObject({ type: 'job.failed', code: 'WORKER_LOST' });
        expect(entries.map((e) => e.index)).toEqual(entries.map((_, i) => i));
      }
    });

    it('records terminal builds through the observer and announces them to followers', async () => {
      const { service } = await setup({ worker: false });
      const earlier = new Set((await service.list(alice)).map((b) => b.id));
      const ac = new AbortController();
      const latest = service.subscribeLatest(alice, { signal: ac.signal })[Symbol.asyncIterator]();
      const obs = service.observer(alice, { buildId: 'daemon-1', source: 'terminal', tags: ['t:1'], dockerfilePath: 'Dockerfile', dockerfileText: 'FROM busybox\n' });
      const handler = realisticHandler();
      await handler(
        { id: 'daemon-1', owner: alice, contextDir: '/x', tags: ['t:1'], buildArgs: {}, noCache: false },
        { attempt: 1, signal: ac.signal, emit: (e) => obs.event(e) },
      );
      obs.end({ imageId: `sha256:${'a'.repeat(64)}` });
      let id = (await latest.next()).value as string;
      // The newest build at subscription time is an earlier one; the terminal build follows.
      while (earlier.has(id)) id = (await latest.next()).value as string;
      const entries = await all(service.subscribe(alice, id, 0));
      expect(types(entries)[0]).toBe('build.started');
      expect(entries.at(-1)!.event).toMatchObject({ type: 'job.succeeded', result: { tags: ['t:1'] } });
      await until(async () => (await service.get(alice, id))?.status === 'succeeded');
      expect(await service.get(alice, id)).toMatchObject({ source: 'terminal', dockerfileText: 'FROM busybox\n', eventCount: entries.length });
      ac.abort();
      expect((await latest.next()).done).toBe(true);
      // A namespace that is not a user (the CLI's `default`) is not recorded.
      const before = await t.db.build.count();
      const o2 = service.observer('default', { buildId: 'd2', source: 'terminal', tags: [], dockerfilePath: 'Dockerfile', dockerfileText: '' });
      o2.end({ error: { code: 'PARSE_ERROR', message: 'x' } });
      await new Promise((r) => setTimeout(r, 50));
      expect(await t.db.build.count()).toBe(before);
    });

    it('keeps the newest finished builds of a user and deletes older ones with their events', async () => {
      const carol = (await t.db.user.create({ data: { email: `carol-${backend.name}@example.com`, passwordHash: 'x' } })).id;
      await fs.mkdir(path.join(tmp, 'ws', carol), { recursive: true });
      await fs.writeFile(path.join(tmp, 'ws', carol, 'Dockerfile'), 'FROM busybox\n');
      const { service } = await setup({ keepPerUser: 2 });
      const ids: string[] = [];
      for (let i = 0; i < 4; i++) {
        const { id } = await service.startWebBuild(carol, {});
        await all(service.subscribe(carol, id, 0));
        await until(async () => (await service.get(carol, id))?.status === 'succeeded');
        ids.push(id);
      }
      // When the 4th started, 3 were finished: the oldest went (2 finished kept + the running one).
      await until(async () => (await service.list(carol)).length === 3);
      expect((await service.list(carol)).map((b) => b.id)).toEqual([ids[3], ids[2], ids[1]]);
      expect(await t.db.buildEvent.count({ where: { buildId: ids[0] } })).toBe(0);
      expect(await t.db.buildEvent.count({ where: { buildId: ids[1] } })).toBeGreaterThan(0);
    });

    it('streams a trace as Server-Sent Events: id = index, data = the event, then end', async () => {
      const { service } = await setup();
      const { id } = await service.startWebBuild(alice, {});
      const res = sseResponse((signal) => traceChunks(service.subscribe(alice, id, 3, { signal })));
      expect(res.headers.get('content-type')).toContain('text/event-stream');
      const text = await res.text();
      await until(async () => (await service.get(alice, id))?.status === 'succeeded');
      const blocks = text.trim().split('\n\n');
      expect(blocks[0]).toBe('retry: 2000');
      expect(blocks.at(-1)).toBe('event: end\ndata: {}');
      const entries = blocks.slice(1, -1).map((b) => {
        const [idLine, dataLine] = b.split('\n');
        return { index: Number(idLine.replace('id: ', '')), event: JSON.parse(dataLine.replace('data: ', '')) };
      });
      expect(entries).toEqual((await readEntries(t.db, id, 0)).slice(3));
    });
  });
}
