import { spawn } from 'node:child_process';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { overlayUnavailableReason, mountsBelow, processesRootedIn } from '../lib/engine/executor/testing/busybox-rootfs.ts';
import type { Engine } from '../lib/engine/daemon/engine.ts';
import { EmbeddedQueue } from './embedded-queue.ts';
import { RedisQueue } from './redis-queue.ts';
import { openBuildWorker } from './build-worker.ts';
import { engineForNamespace } from '../lib/engine/daemon/namespaces.ts';
import { collect, logLines } from './queue-conformance.ts';
import type { JobEntry } from './queue.ts';
import { hasRedisServer, startRedis, type TestRedis } from './testing/redis-server.ts';

const cannotBuild = overlayUnavailableReason();
if (cannotBuild) console.warn(`skipping real builds through the build worker: ${cannotBuild}`);
if (!cannotBuild && !hasRedisServer) console.warn('skipping the workers/main.ts test: redis-server is not installed');

const DOCKERFILE = `FROM busybox
RUN echo hello-from-run > /greeting && cat /greeting
COPY app.txt /app.txt
CMD ["cat", "/app.txt"]
`;

const types = (log: JobEntry[]) => log.map((e) => e.event.type);

describe.skipIf(!!cannotBuild)('build worker: real engine builds through the queue', () => {
  let root: string;
  let ctxDir: string;
  let engine: Engine;
  let queue: EmbeddedQueue;
  let release: (() => Promise<void>) | undefined;

  beforeAll(async () => {
    root = await fs.mkdtemp(path.join(os.tmpdir(), 'lab-worker-'));
    ctxDir = path.join(root, 'ctx');
    await fs.mkdir(ctxDir);
    await fs.writeFile(path.join(ctxDir, 'Dockerfile'), DOCKERFILE);
    await fs.writeFile(path.join(ctxDir, 'app.txt'), 'v1\n');
    await fs.writeFile(path.join(ctxDir, 'Broken.Dockerfile'), 'FROM busybox\nRUN echo about to fail && exit 3\n');
    const opened = await openBuildWorker({ root: path.join(root, 'engine') });
    engine = opened.engine;
    release = opened.release;
    queue = await EmbeddedQueue.open({ root: path.join(root, 'engine') });
    await queue.startWorker(opened.handler, { concurrency: 2 });
  }, 120_000);

  afterAll(async () => {
    await queue?.close();
    await release?.();
    if (root) {
      expect(mountsBelow(root)).toEqual([]);
      await fs.rm(root, { recursive: true, force: true });
    }
  });

  it('builds, streams every engine event into the job log and tags the image', async () => {
    const id = await queue.enqueue({ owner: 'alice', contextDir: ctxDir, tags: ['wtest:1'] });
    const log = await collect(queue, id, 0, 120_000);
    expect(types(log).slice(0, 3)).toEqual(['job.queued', 'job.running', 'build.started']);
    expect(types(log).slice(-2)).toEqual(['build.done', 'job.succeeded']);
    expect(logLines(log)).toContain('hello-from-run');
    const done = log.find((e) => e.event.type === 'build.done')!.event as { imageId: string };
    const st = await queue.status(id);
    expect(st).toMatchObject({ state: 'succeeded', result: { imageId: done.imageId, tags: ['docker.io/library/wtest:1'] } });
    // the image is in the owner's namespace, not in the default one
    expect((await engineForNamespace(engine, 'alice').images.get('wtest:1')).id).toBe(done.imageId);
    expect(await engine.images.find('wtest:1')).toBeUndefined();
    expect(mountsBelow(root)).toEqual([]);

    // Same context again: the RUN step comes from the cache, the image is the same.
    const again = await collect(queue, await queue.enqueue({ owner: 'alice', contextDir: ctxDir, tags: ['wtest:1'] }), 0, 120_000);
    expect(types(again)).toContain('vertex.cached');
    expect(logLines(again)).not.toContain('hello-from-run');
    expect((again.find((e) => e.event.type === 'build.done')!.event as { imageId: string }).imageId).toBe(done.imageId);
  }, 180_000);

  it('a failing RUN ends the job failed, not retryable, pointing at the Dockerfile line', async () => {
    const id = await queue.enqueue({ owner: 'alice', contextDir: ctxDir, dockerfile: 'Broken.Dockerfile' });
    const log = await collect(queue, id, 0, 120_000);
    expect(logLines(log)).toContain('about to fail');
    expect(types(log).slice(-2)).toEqual(['build.error', 'job.failed']);
    const st = await queue.status(id);
    expect(st?.state).toBe('failed');
    expect(st?.error?.retryable).toBe(false);
    expect(st?.error?.message).toMatch(/:2: /);
  }, 180_000);
});

describe.skipIf(!!cannotBuild || !hasRedisServer)('workers/main.ts against Redis', () => {
  let redis: TestRedis;
  let root: string;
  beforeAll(async () => {
    redis = await startRedis();
    root = await fs.mkdtemp(path.join(os.tmpdir(), 'lab-worker-main-'));
  });
  afterAll(async () => {
    await redis?.stop();
    if (root) {
      expect(mountsBelow(root)).toEqual([]);
      await fs.rm(root, { recursive: true, force: true });
    }
  });

  it('a worker process started from REDIS_URL runs a real build and exits cleanly on SIGTERM', async () => {
    const ctxDir = path.join(root, 'ctx');
    await fs.mkdir(ctxDir);
    await fs.writeFile(path.join(ctxDir, 'Dockerfile'), DOCKERFILE);
    await fs.writeFile(path.join(ctxDir, 'app.txt'), 'main\n');
    const env = { ...process.env, REDIS_URL: redis.url, LAB_ROOT: path.join(root, 'engine'), LAB_QUEUE_PREFIX: 'maintest' };
    const child = spawn(process.execPath, ['--import', 'tsx', path.join(import.meta.dirname, 'main.ts')], { env, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    child.stdout!.on('data', (d) => (out += d));
    child.stderr!.on('data', (d) => (out += d));
    const exited = new Promise<number | null>((r) => child.once('exit', (code) => r(code)));
    const queue = new RedisQueue({ url: redis.url, prefix: 'maintest' });
    try {
      const id = await queue.enqueue({ owner: 'bob', contextDir: ctxDir, tags: ['mainbuild:1'] });
      const log = await collect(queue, id, 0, 150_000);
      expect(types(log).at(-1)).toBe('job.succeeded');
      expect(logLines(log)).toContain('hello-from-run');
      expect((await queue.status(id))?.worker).toMatch(new RegExp(`:${child.pid}$`));
      expect(out).toContain('ready');
    } finally {
      await queue.close();
      child.kill('SIGTERM');
    }
    expect(await exited).toBe(0);
  }, 200_000);
});

describe.skipIf(!!cannotBuild || !hasRedisServer)('a Redis build worker killed with SIGKILL during RUN', () => {
  let redis: TestRedis;
  let root: string;
  beforeAll(async () => {
    redis = await startRedis();
    root = await fs.mkdtemp(path.join(os.tmpdir(), 'lab-worker-kill-'));
  });
  afterAll(async () => {
    await redis?.stop();
    if (root) await fs.rm(root, { recursive: true, force: true });
  });

  it('leaves no container or mount once the next worker opens, and the build is retried to success', async () => {
    const ctxDir = path.join(root, 'ctx');
    await fs.mkdir(ctxDir);
    await fs.writeFile(path.join(ctxDir, 'Dockerfile'), 'FROM busybox\nRUN echo sleeping-now && sleep 3 && echo woke-up\n');
    const engineRoot = path.join(root, 'engine');
    const fast = { lockDurationMs: 3000, stalledIntervalMs: 1000 };
    const env = { ...process.env, REDIS_URL: redis.url, LAB_ROOT: engineRoot, LAB_QUEUE_PREFIX: 'kill', LAB_QUEUE_LOCK_MS: '3000', LAB_QUEUE_STALLED_MS: '1000' };
    const child = spawn(process.execPath, ['--import', 'tsx', path.join(import.meta.dirname, 'main.ts')], { env, stdio: ['ignore', 'ignore', 'ignore'] });
    const exited = new Promise((r) => child.once('exit', r));
    const queue = new RedisQueue({ url: redis.url, prefix: 'kill', ...fast });
    let release: (() => Promise<void>) | undefined;
    try {
      const id = await queue.enqueue({ owner: 'bob', contextDir: ctxDir, tags: ['killed:1'] });
      for await (const e of queue.subscribe(id, 0, { signal: AbortSignal.timeout(150_000) })) {
        if (e.event.type === 'vertex.log' && e.event.text === 'sleeping-now') break;
      }
      child.kill('SIGKILL');
      await exited;
      // The dead worker left its step's snapshot mounted (and the container's sleep running)...
      const leftMounts = mountsBelow(engineRoot);
      expect(leftMounts.length).toBeGreaterThan(0);
      // ...a second worker on the same LAB_ROOT sweeps them when it opens the engine.
      const opened = await openBuildWorker({ root: engineRoot });
      release = opened.release;
      expect(processesRootedIn(engineRoot)).toEqual([]);
      expect(mountsBelow(engineRoot)).toEqual([]);
      await queue.startWorker(opened.handler);
      const log = await collect(queue, id, 0, 150_000);
      const runs = log.flatMap((e) => (e.event.type === 'job.running' ? [e.event.attempt] : []));
      expect(runs).toEqual([1, 2]);
      expect(logLines(log).filter((l) => l === 'sleeping-now')).toHaveLength(2);
      expect(logLines(log)).toContain('woke-up');
      expect(types(log).at(-1)).toBe('job.succeeded');
      expect(mountsBelow(engineRoot)).toEqual([]);
    } finally {
      if (child.exitCode === null) child.kill('SIGKILL');
      await queue.close();
      await release?.();
    }
  }, 300_000);
});

describe('openBuildWorker with an engine the process already opened', () => {
  it('builds with that engine (one set of stores per process) and holds the root lock until release', async () => {
    const { openEngine } = await import('../lib/engine/daemon/engine.ts');
    const root = await fs.mkdtemp(path.join(os.tmpdir(), 'lab-worker-shared-'));
    try {
      const engine = await openEngine({ root, withBuilder: false, ensureBaseImages: false });
      const opened = await openBuildWorker({ root, engine });
      expect(opened.engine).toBe(engine);
      expect((await fs.readFile(path.join(root, 'worker.pid'), 'utf8')).trim()).toBe(String(process.pid));
      await opened.release();
      await expect(fs.access(path.join(root, 'worker.pid'))).rejects.toThrow();
    } finally {
      await fs.rm(root, { recursive: true, force: true });
    }
  });
});
