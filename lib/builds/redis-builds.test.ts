// The build service over the BullMQ queue (redis-server on a free 127.0.0.1 port): the trace
// comes through the Redis stream, and a web server restart mid-build resumes following the job
// (it is still running on its worker) instead of failing it.
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { migratedSqlite, type TestDb } from '../site/test-db.ts';
import { RedisQueue } from '../../workers/redis-queue.ts';
import { collect, gate } from '../../workers/queue-conformance.ts';
import { hasRedisServer, startRedis, type TestRedis } from '../../workers/testing/redis-server.ts';
import { createBuildService } from './build-service.ts';
import { readEntries } from './build-store.ts';
import { all, realisticHandler, take, until } from './testing.ts';

if (!hasRedisServer) console.warn('skipping the build service over Redis: redis-server is not installed (apt-get install redis-server)');

describe.skipIf(!hasRedisServer)('build service over the Redis queue', () => {
  let redis: TestRedis;
  let t: TestDb;
  let ws: string;
  let userId: string;
  const closers: (() => Promise<unknown>)[] = [];

  beforeAll(async () => {
    redis = await startRedis();
    t = await migratedSqlite();
    ws = await fs.mkdtemp(path.join(os.tmpdir(), 'lab-builds-redis-'));
    await fs.writeFile(path.join(ws, 'Dockerfile'), 'FROM busybox\nRUN echo hi > /hi\nCMD ["sh"]\n');
    userId = (await t.db.user.create({ data: { email: 'r@example.com', passwordHash: 'x' } })).id;
  }, 60_000);

  afterAll(async () => {
    for (const c of closers.reverse()) await c().catch(() => undefined);
    await t?.cleanup();
    await redis?.stop();
    await fs.rm(ws, { recursive: true, force: true });
  });

  function open(prefix: string) {
    const queue = new RedisQueue({ url: redis.url, prefix, followBlockMs: 200 });
    const service = createBuildService({ db: t.db, queue, workspaceDir: async () => ws, flushMs: 5 });
    closers.push(() => queue.close(), () => service.close());
    return { queue, service };
  }

  it('records the trace of a build run by a BullMQ worker, and resumes following it after a restart', async () => {
    const prefix = `t${randomBytes(4).toString('hex')}`;
    const parked = gate();
    const worker = new RedisQueue({ url: redis.url, prefix, followBlockMs: 200 });
    closers.push(() => worker.close());
    const handle = await worker.startWorker(realisticHandler(parked.opened));
    closers.push(() => handle.close(), async () => parked.open());

    const first = open(prefix);
    const { id } = await first.service.startWebBuild(userId, { tags: ['redis:1'] });
    await take(first.service.subscribe(userId, id, 0), 6);
    await until(async () => (await t.db.build.findUnique({ where: { id } }))!.eventCount >= 6);
    // The web server goes away mid-build; the worker keeps running the job.
    await first.service.close();
    await first.queue.close();

    const second = open(prefix);
    await second.service.ready;
    const stored = (await t.db.build.findUnique({ where: { id } }))!.eventCount;
    const resumed = all(second.service.subscribe(userId, id, stored));
    parked.open();
    const tail = await resumed;
    expect(tail[0].index).toBe(stored);
    expect(tail.at(-1)!.event.type).toBe('job.succeeded');
    await until(async () => (await second.service.get(userId, id))?.status === 'succeeded');
    expect(await readEntries(t.db, id, 0, undefined, 10_000)).toEqual(await collect(second.queue, id));
  }, 60_000);
});
