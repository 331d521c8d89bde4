import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { EmbeddedQueue } from './embedded-queue.ts';
import { collect, gate, queueConformance, scriptedHandler } from './queue-conformance.ts';

async function tempRoot() {
  return fs.mkdtemp(path.join(os.tmpdir(), 'lab-queue-'));
}

queueConformance('embedded', async () => {
  const root = await tempRoot();
  const queue = await EmbeddedQueue.open({ root });
  return {
    queue,
    reopen: () => EmbeddedQueue.open({ root, keepFinished: 0 }),
    cleanup: async () => {
      await queue.close();
      await fs.rm(root, { recursive: true, force: true });
    },
  };
});

describe('embedded queue files', () => {
  it('keeps an NDJSON log and an atomic status file per job', async () => {
    const root = await tempRoot();
    const queue = await EmbeddedQueue.open({ root });
    try {
      await queue.startWorker(scriptedHandler(['hello']));
      const id = await queue.enqueue({ owner: 'bob', contextDir: '/tmp/c' });
      const entries = await collect(queue, id);
      await queue.close();
      const lines = (await fs.readFile(path.join(root, 'jobs', `${id}.ndjson`), 'utf8')).trim().split('\n');
      expect(lines.map((l) => JSON.parse(l))).toEqual(entries);
      const status = JSON.parse(await fs.readFile(path.join(root, 'jobs', `${id}.json`), 'utf8'));
      expect(status).toMatchObject({ id, state: 'succeeded', job: { owner: 'bob' } });
      expect((await fs.readdir(path.join(root, 'jobs'))).filter((n) => n.endsWith('.tmp'))).toEqual([]);
    } finally {
      await queue.close();
      await fs.rm(root, { recursive: true, force: true });
    }
  });

  it('a job the previous process left running is failed (retryable) when the queue opens again', async () => {
    const root = await tempRoot();
    const first = await EmbeddedQueue.open({ root });
    const parked = gate();
    await first.startWorker(scriptedHandler(['before', 'after'], parked.opened, 1));
    const id = await first.enqueue({ owner: 'bob', contextDir: '/tmp/c' });
    for await (const e of first.subscribe(id)) if (e.event.type === 'vertex.log') break;
    // Simulate a crash: the process is gone without finishing the job (no close()).
    const second = await EmbeddedQueue.open({ root });
    try {
      const st = await second.status(id);
      expect(st).toMatchObject({ state: 'failed', error: { code: 'WORKER_LOST', retryable: true } });
      const log = await collect(second, id);
      expect(log.map((e) => e.event.type)).toEqual(['job.queued', 'job.running', 'build.started', 'vertex.started', 'vertex.log', 'job.failed']);
      const again = await second.retry(id);
      await second.startWorker(scriptedHandler(['x']));
      expect((await collect(second, again)).at(-1)!.event.type).toBe('job.succeeded');
    } finally {
      parked.open();
      await first.close();
      await second.close();
      await fs.rm(root, { recursive: true, force: true });
    }
  });

  it('deletes the logs of jobs finished longer ago than the retention when it opens', async () => {
    const root = await tempRoot();
    try {
      const q = await EmbeddedQueue.open({ root });
      await q.startWorker(scriptedHandler([]));
      const old = await q.enqueue({ owner: 'bob', contextDir: '/tmp/c' });
      await collect(q, old);
      await q.close();
      await new Promise((r) => setTimeout(r, 30));
      const q2 = await EmbeddedQueue.open({ root, retentionMs: 10 });
      expect(await q2.status(old)).toBeUndefined();
      expect(await fs.readdir(path.join(root, 'jobs'))).toEqual([]);
      await q2.close();
    } finally {
      await fs.rm(root, { recursive: true, force: true });
    }
  });
});
