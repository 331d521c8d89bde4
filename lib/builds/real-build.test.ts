// The build service over a real engine build (root, runc, OverlayFS, busybox-static): what the
// trace view would show from the stored events of a real build, and a second build's cache hit.
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { overlayUnavailableReason, mountsBelow } from '../engine/executor/testing/busybox-rootfs.ts';
import { migratedSqlite, type TestDb } from '../site/test-db.ts';
import { EmbeddedQueue } from '../../workers/embedded-queue.ts';
import { openBuildWorker } from '../../workers/build-worker.ts';
import { createBuildService, type BuildService } from './build-service.ts';
import { readEntries } from './build-store.ts';
import { initialTrace, reduceTrace, type TraceState } from './trace-model.ts';
import { all, until } from './testing.ts';

const cannotBuild = overlayUnavailableReason();
if (cannotBuild) console.warn(`skipping real builds through the build service: ${cannotBuild}`);

describe.skipIf(!!cannotBuild)('build service: real engine builds', () => {
  let t: TestDb;
  let root: string;
  let queue: EmbeddedQueue;
  let service: BuildService;
  let release: (() => Promise<void>) | undefined;
  let userId: string;

  beforeAll(async () => {
    t = await migratedSqlite();
    root = await fs.mkdtemp(path.join(os.tmpdir(), 'lab-builds-real-'));
    const ws = path.join(root, 'ws');
    await fs.mkdir(ws);
    await fs.writeFile(path.join(ws, 'Dockerfile'), 'FROM busybox\nRUN echo made > /made.txt\nCMD ["cat", "/made.txt"]\n');
    await fs.writeFile(path.join(ws, 'Broken.Dockerfile'), 'FROM busybox\n\nRUN echo about to fail && exit 3\n');
    userId = (await t.db.user.create({ data: { email: 'real@example.com', passwordHash: 'x' } })).id;
    const opened = await openBuildWorker({ root: path.join(root, 'engine') });
    release = opened.release;
    queue = await EmbeddedQueue.open({ root: path.join(root, 'engine') });
    await queue.startWorker(opened.handler);
    service = createBuildService({ db: t.db, queue, workspaceDir: async () => ws, flushMs: 10 });
  }, 120_000);

  afterAll(async () => {
    await service?.close();
    await queue?.close();
    await release?.();
    await t?.cleanup();
    if (root) {
      expect(mountsBelow(root)).toEqual([]);
      await fs.rm(root, { recursive: true, force: true });
    }
  });

  async function build(input: Parameters<BuildService['startWebBuild']>[1]): Promise<TraceState> {
    const { id } = await service.startWebBuild(userId, input);
    await all(service.subscribe(userId, id, 0), 120_000);
    await until(async () => ['succeeded', 'failed'].includes((await service.get(userId, id))?.status ?? ''), 10_000);
    const trace = initialTrace();
    for (const e of await readEntries(t.db, id, 0, undefined, 100_000)) reduceTrace(trace, e);
    return trace;
  }

  it('stores a real build: the RUN step misses, makes a layer and links to line 2; the next build takes it from the cache', async () => {
    const first = await build({ tags: ['real:1'] });
    expect(first.status).toBe('succeeded');
    const run = first.steps.find((s) => s.text.startsWith('RUN'))!;
    expect(run).toMatchObject({ status: 'done', line: 2, position: '[2/2]' });
    expect(run.missReason).toBeTruthy();
    expect(run.layer?.size).toBeGreaterThan(0);
    expect(first.steps.find((s) => s.text.startsWith('CMD'))).toMatchObject({ metadata: true, line: 3 });
    const second = await build({ tags: ['real:2'] });
    const again = second.steps.find((s) => s.text.startsWith('RUN'))!;
    expect(again.status).toBe('cached');
    expect(again.missReason).toBeUndefined();
    expect(second.imageId).toBe(first.imageId);
  }, 180_000);

  it('a failing RUN ends the build failed with the Dockerfile line of the step', async () => {
    const trace = await build({ dockerfile: 'Broken.Dockerfile' });
    expect(trace.status).toBe('failed');
    expect(trace.error?.line).toBe(3);
    const run = trace.steps.find((s) => s.text.startsWith('RUN'))!;
    expect(run.status).toBe('error');
    expect(run.logs.map((l) => l.text)).toContain('about to fail');
  }, 180_000);
});
