import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RedisQueue, type RedisQueueOptions } from './redis-queue.ts';
import { collect, logLines, queueConformance, scriptedHandler } from './queue-conformance.ts';
import { hasRedisServer, startRedis, type TestRedis } from './testing/redis-server.ts';

if (!hasRedisServer) console.warn('skipping the Redis queue tests: redis-server is not installed (apt-get install redis-server)');

let redis: TestRedis | undefined;
beforeAll(async () => {
  if (hasRedisServer) redis = await startRedis();
});
afterAll(async () => {
  await redis?.stop();
});

// Conformance runs keep BullMQ's default 30 s lock (a busy CI machine must not make a live
// worker look dead); the kill tests shorten it so that a dead worker is noticed in seconds.
const follow: Partial<RedisQueueOptions> = { followBlockMs: 300 };
const fast: Partial<RedisQueueOptions> = { lockDurationMs: 3000, stalledIntervalMs: 1000, followBlockMs: 300 };
const newPrefix = () => `t${randomBytes(4).toString('hex')}`;

describe.skipIf(!hasRedisServer)('redis queue', () => {
  queueConformance('redis (BullMQ)', async () => {
    const prefix = newPrefix();
    const queue = new RedisQueue({ url: redis!.url, prefix, ...follow });
    return {
      queue,
      reopen: async () => new RedisQueue({ url: redis!.url, prefix, ...follow }),
      cleanup: () => queue.close(),
    };
  });

  describe('a worker killed with SIGKILL mid-build', () => {
    const children: ChildProcess[] = [];
    afterAll(() => {
      for (const c of children) if (c.exitCode === null) c.kill('SIGKILL');
    });

    async function startDoomedWorker(prefix: string, opts: Partial<RedisQueueOptions>): Promise<ChildProcess> {
      const child = spawn(process.execPath, ['--import', 'tsx', path.join(import.meta.dirname, 'testing/crash-worker.ts'), redis!.url, prefix, JSON.stringify(opts)], {
        stdio: ['ignore', 'pipe', 'inherit'],
      });
      children.push(child);
      await new Promise<void>((resolve, reject) => {
        child.stdout!.on('data', (d) => d.toString().includes('ready') && resolve());
        child.once('exit', (code) => reject(new Error(`crash worker exited early (${code})`)));
      });
      return child;
    }

    async function killWhenRunning(queue: RedisQueue, id: string, child: ChildProcess) {
      for await (const e of queue.subscribe(id)) {
        if (e.event.type === 'vertex.log' && e.event.text === `child ${child.pid} running`) break;
      }
      expect((await queue.status(id))?.state).toBe('running');
      const exited = new Promise((r) => child.once('exit', r));
      child.kill('SIGKILL');
      await exited;
    }

    it('is retried by another worker (BullMQ stalled-job check)', async () => {
      const prefix = newPrefix();
      const opts = { ...fast, maxStalledCount: 1 };
      const queue = new RedisQueue({ url: redis!.url, prefix, ...opts });
      try {
        const child = await startDoomedWorker(prefix, opts);
        const id = await queue.enqueue({ owner: 'alice', contextDir: '/tmp/ctx' });
        await killWhenRunning(queue, id, child);
        // No live worker yet: once the dead one's lock expires the job reads as queued again.
        const deadline = Date.now() + 15_000;
        while ((await queue.status(id))?.state !== 'queued' && Date.now() < deadline) await new Promise((r) => setTimeout(r, 200));
        expect((await queue.status(id))?.state).toBe('queued');
        await queue.startWorker(scriptedHandler(['second attempt']));
        const log = await collect(queue, id);
        const runs = log.flatMap((e) => (e.event.type === 'job.running' ? [e.event] : []));
        expect(runs.map((r) => r.attempt)).toEqual([1, 2]);
        expect(runs[0].worker).toMatch(new RegExp(`:${child.pid}$`));
        expect(runs[1].worker).toMatch(new RegExp(`:${process.pid}$`));
        expect(logLines(log)).toEqual([`child ${child.pid} running`, 'second attempt']);
        expect(await queue.status(id)).toMatchObject({ state: 'succeeded', attempts: 2 });
      } finally {
        await queue.close();
      }
    });

    it('ends failed and retryable (WORKER_LOST) when no more retries are allowed, never stuck running', async () => {
      const prefix = newPrefix();
      const opts = { ...fast, maxStalledCount: 0 };
      const queue = new RedisQueue({ url: redis!.url, prefix, ...opts });
      try {
        const child = await startDoomedWorker(prefix, opts);
        const id = await queue.enqueue({ owner: 'alice', contextDir: '/tmp/ctx' });
        await killWhenRunning(queue, id, child);
        let called = false;
        await queue.startWorker(async (j, ctx) => ((called = true), scriptedHandler([])(j, ctx)));
        const log = await collect(queue, id);
        expect(log.at(-1)!.event).toMatchObject({ type: 'job.failed', code: 'WORKER_LOST', retryable: true });
        expect(called).toBe(false);
        expect(await queue.status(id)).toMatchObject({ state: 'failed', attempts: 1, error: { code: 'WORKER_LOST' } });
        const again = await queue.retry(id);
        expect((await collect(queue, again)).at(-1)!.event.type).toBe('job.succeeded');
      } finally {
        await queue.close();
      }
    });
  });
});
