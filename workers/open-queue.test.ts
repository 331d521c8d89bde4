import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openBuildQueue, queueConfigFromEnv } from './open-queue.ts';
import { hasRedisServer, startRedis, type TestRedis } from './testing/redis-server.ts';

describe('openBuildQueue', () => {
  let root: string;
  let redis: TestRedis | undefined;
  beforeAll(async () => {
    root = await fs.mkdtemp(path.join(os.tmpdir(), 'lab-openq-'));
    if (hasRedisServer) redis = await startRedis();
  });
  afterAll(async () => {
    await redis?.stop();
    await fs.rm(root, { recursive: true, force: true });
  });

  it('reads the environment: embedded with a local worker unless REDIS_URL is set', () => {
    expect(queueConfigFromEnv({ LAB_ROOT: '/x/lab' })).toEqual({ root: '/x/lab', redisUrl: undefined, concurrency: 1, runWorker: true });
    expect(queueConfigFromEnv({ LAB_ROOT: '/x/lab', REDIS_URL: 'redis://h:1', LAB_WORKER_CONCURRENCY: '3' })).toEqual({
      root: '/x/lab', redisUrl: 'redis://h:1', concurrency: 3, runWorker: false,
    });
    expect(queueConfigFromEnv({ REDIS_URL: 'redis://h:1', LAB_WORKER_EMBEDDED: '1', LAB_WORKER_CONCURRENCY: 'lots' })).toMatchObject({ runWorker: true, concurrency: 1 });
  });

  it('opens the embedded queue on LAB_ROOT/jobs', async () => {
    const q = await openBuildQueue({ root, concurrency: 1, runWorker: false });
    try {
      expect(q.queue.kind).toBe('embedded');
      expect(q.worker).toBeUndefined();
      const id = await q.queue.enqueue({ owner: 'a', contextDir: '/tmp/c' });
      expect((await fs.readdir(path.join(root, 'jobs'))).sort()).toEqual([`${id}.json`, `${id}.ndjson`]);
    } finally {
      await q.close();
    }
  });

  it.skipIf(!hasRedisServer)('opens the Redis queue when a URL is given', async () => {
    const q = await openBuildQueue({ root, redisUrl: redis!.url, concurrency: 1, runWorker: false });
    try {
      expect(q.queue.kind).toBe('redis');
      const id = await q.queue.enqueue({ owner: 'a', contextDir: '/tmp/c' });
      expect((await q.queue.status(id))?.state).toBe('queued');
    } finally {
      await q.close();
    }
  });
});
