// One behaviour suite for every BuildQueue backend (embedded-queue.test.ts, redis-queue.test.ts).
// Handlers here are scripted: they emit engine-shaped events and wait on gates, so the suite
// checks the queue (ordering, replay, follow, failure, cancel, concurrency), not the engine.
import { afterEach, describe, expect, it } from 'vitest';
import { EngineError } from '../lib/engine/errors.ts';
import type { BuildQueue, JobEntry, JobHandler, JobResult } from './queue.ts';

export interface QueueFixture {
  queue: BuildQueue;
  /** A second queue object on the same storage (another process, a restarted server). */
  reopen(): Promise<BuildQueue>;
  cleanup(): Promise<void>;
}

const RESULT: JobResult = { imageId: 'sha256:' + 'a'.repeat(64), manifestDigest: 'sha256:' + 'b'.repeat(64), tags: ['docker.io/library/t:1'], durationMs: 1 };

export function gate() {
  let open!: () => void;
  const opened = new Promise<void>((r) => (open = r));
  return { opened, open };
}

/** All entries from `from` to the terminal marker (fails after `timeoutMs`). */
export async function collect(queue: BuildQueue, id: string, from = 0, timeoutMs = 20_000): Promise<JobEntry[]> {
  const out: JobEntry[] = [];
  const signal = AbortSignal.timeout(timeoutMs);
  for await (const e of queue.subscribe(id, from, { signal })) out.push(e);
  if (signal.aborted) throw new Error(`job ${id}: no terminal event within ${timeoutMs} ms; got ${out.map((e) => e.event.type).join(', ')}`);
  return out;
}

export function logLines(entries: JobEntry[]): string[] {
  return entries.flatMap((e) => (e.event.type === 'vertex.log' ? [e.event.text] : []));
}

/** Emits build.started, one vertex with the given log lines, build.done. */
export function scriptedHandler(lines: string[], between?: Promise<void>, after = 1): JobHandler {
  return async (job, ctx) => {
    ctx.emit({ type: 'build.started', time: Date.now(), buildId: job.id, dockerfile: 'Dockerfile', tags: job.tags });
    ctx.emit({ type: 'vertex.started', time: Date.now(), vertex: 1, name: '[1/2] RUN echo' });
    for (const [i, text] of lines.entries()) {
      if (i === after && between) await between;
      ctx.emit({ type: 'vertex.log', time: Date.now(), vertex: 1, stream: 'stdout', text });
    }
    ctx.emit({ type: 'vertex.done', time: Date.now(), vertex: 1, durationMs: 1 });
    ctx.emit({ type: 'build.done', time: Date.now(), durationMs: 2, imageId: RESULT.imageId, manifestDigest: RESULT.manifestDigest, tags: job.tags });
    return { ...RESULT, tags: job.tags };
  };
}

async function until<T>(what: string, fn: () => Promise<T | undefined | false>, timeoutMs = 10_000): Promise<T> {
  const end = Date.now() + timeoutMs;
  for (;;) {
    const v = await fn();
    if (v) return v;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 25));
  }
}

export function queueConformance(name: string, setup: () => Promise<QueueFixture>) {
  describe(`BuildQueue conformance: ${name}`, () => {
    let fx: QueueFixture | undefined;
    const open = async () => (fx = await setup());
    afterEach(async () => {
      await fx?.cleanup();
      fx = undefined;
    });
    const job = (extra: object = {}) => ({ owner: 'alice', contextDir: '/tmp/ctx', tags: ['t:1'], ...extra });

    it('runs a job queued -> running -> succeeded with a gapless log', async () => {
      const { queue } = await open();
      const id = await queue.enqueue({ owner: 'alice', contextDir: '/tmp/ctx' });
      expect((await queue.status(id))?.state).toBe('queued');
      const seen: unknown[] = [];
      await queue.startWorker(async (j, ctx) => (seen.push(j), scriptedHandler(['a', 'b'])(j, ctx)));
      const entries = await collect(queue, id);
      expect(entries.map((e) => e.index)).toEqual(entries.map((_, i) => i));
      expect(entries.map((e) => e.event.type)).toEqual([
        'job.queued', 'job.running', 'build.started', 'vertex.started', 'vertex.log', 'vertex.log', 'vertex.done', 'build.done', 'job.succeeded',
      ]);
      expect(seen).toEqual([{ id, owner: 'alice', contextDir: '/tmp/ctx', tags: [], buildArgs: {}, noCache: false }]);
      const st = await queue.status(id);
      expect(st).toMatchObject({ state: 'succeeded', attempts: 1, result: { imageId: RESULT.imageId } });
      expect(st!.worker).toMatch(/:\d+$/);
      expect(st!.enqueuedAt <= st!.startedAt! && st!.startedAt! <= st!.finishedAt!).toBe(true);
    });

    it('replays a finished job from the start or from any index, also from another queue object', async () => {
      const { queue, reopen } = await open();
      await queue.startWorker(scriptedHandler(['one', 'two', 'three']));
      const id = await queue.enqueue(job());
      const all = await collect(queue, id);
      expect(logLines(all)).toEqual(['one', 'two', 'three']);
      expect(await collect(queue, id)).toEqual(all);
      expect(await collect(queue, id, 4)).toEqual(all.slice(4));
      const other = await reopen();
      try {
        expect(await collect(other, id)).toEqual(all);
        expect((await other.status(id))?.state).toBe('succeeded');
      } finally {
        await other.close();
      }
    });

    it('a subscriber joining mid-build gets all earlier events, then the live ones', async () => {
      const { queue } = await open();
      const g = gate();
      await queue.startWorker(scriptedHandler(['early', 'late-1', 'late-2'], g.opened, 1));
      const id = await queue.enqueue(job());
      const first = collect(queue, id);
      // Wait until "early" is in the log and the handler is parked on the gate.
      await until('the early line', async () => {
        for await (const e of queue.subscribe(id, 0, { signal: AbortSignal.timeout(300) })) {
          if (e.event.type === 'vertex.log' && e.event.text === 'early') return true;
        }
        return false;
      });
      const late: JobEntry[] = [];
      const it2 = queue.subscribe(id, 0)[Symbol.asyncIterator]();
      for (;;) {
        const n = await it2.next();
        late.push(n.value as JobEntry);
        if (n.value.event.type === 'vertex.log') break;
      }
      expect((await queue.status(id))?.state).toBe('running');
      g.open();
      for (let n = await it2.next(); !n.done; n = await it2.next()) late.push(n.value);
      const all = await first;
      expect(late).toEqual(all);
      expect(logLines(late)).toEqual(['early', 'late-1', 'late-2']);
    });

    it('fails a job with the error code; retryable only for errors worth running again', async () => {
      const { queue } = await open();
      let calls = 0;
      await queue.startWorker(async (j, ctx) => {
        calls++;
        if (j.target === 'bad') throw new EngineError('UNKNOWN_INSTRUCTION', 'unknown instruction: RUNN', { range: { start: 3, end: 3 } });
        if (j.target === 'flaky' && calls < 3) throw new Error('disk vanished');
        return scriptedHandler(['ok'])(j, ctx);
      });
      const bad = await queue.enqueue(job({ target: 'bad' }));
      const badLog = await collect(queue, bad);
      expect(badLog.at(-1)!.event).toMatchObject({ type: 'job.failed', code: 'UNKNOWN_INSTRUCTION', retryable: false });
      expect((await queue.status(bad))?.error?.message).toContain('Dockerfile:3');
      await expect(queue.retry(bad)).rejects.toMatchObject({ code: 'FAILED_PRECONDITION' });

      const flaky = await queue.enqueue(job({ target: 'flaky' }));
      expect((await collect(queue, flaky)).at(-1)!.event).toMatchObject({ type: 'job.failed', code: 'INTERNAL', retryable: true, message: 'disk vanished' });
      const again = await queue.retry(flaky);
      expect(again).not.toBe(flaky);
      expect((await collect(queue, again)).at(-1)!.event.type).toBe('job.succeeded');
      expect((await queue.status(again))?.job).toMatchObject({ target: 'flaky', owner: 'alice' });
    });

    it('cancel: a queued job never runs, a running job is aborted, a finished one stays', async () => {
      const { queue } = await open();
      const queued = await queue.enqueue(job());
      expect(await queue.cancel(queued)).toBe(true);
      expect((await collect(queue, queued)).map((e) => e.event.type)).toEqual(['job.queued', 'job.failed']);
      expect(await queue.status(queued)).toMatchObject({ state: 'failed', error: { code: 'CANCELLED', retryable: false } });

      const ran: string[] = [];
      const started = gate();
      await queue.startWorker(async (j, ctx) => {
        ran.push(j.id);
        ctx.emit({ type: 'build.started', time: Date.now(), buildId: j.id, dockerfile: 'Dockerfile', tags: [] });
        started.open();
        await new Promise((_, reject) => ctx.signal.addEventListener('abort', () => reject(ctx.signal.reason)));
        throw new Error('unreachable');
      });
      const running = await queue.enqueue(job());
      await started.opened;
      await until('running state', async () => (await queue.status(running))?.state === 'running');
      expect(await queue.cancel(running)).toBe(true);
      const log = await collect(queue, running);
      expect(log.at(-1)!.event).toMatchObject({ type: 'job.failed', code: 'CANCELLED', retryable: false });
      expect(ran).toEqual([running]);
      expect(await queue.cancel(running)).toBe(false);
    });

    it('keeps every event of a flood in order', async () => {
      const { queue } = await open();
      const lines = Array.from({ length: 3000 }, (_, i) => `line ${i}`);
      await queue.startWorker(scriptedHandler(lines));
      const id = await queue.enqueue(job());
      const log = await collect(queue, id);
      expect(logLines(log)).toEqual(lines);
      expect(log.map((e) => e.index)).toEqual(log.map((_, i) => i));
    });

    it("runs up to the worker's concurrency at once", async () => {
      const { queue } = await open();
      let now = 0;
      let max = 0;
      await queue.startWorker(async (j, ctx) => {
        max = Math.max(max, ++now);
        await new Promise((r) => setTimeout(r, 300));
        now--;
        return scriptedHandler([])(j, ctx);
      }, { concurrency: 2 });
      const ids = await Promise.all([1, 2, 3].map(() => queue.enqueue(job())));
      for (const id of ids) expect((await collect(queue, id)).at(-1)!.event.type).toBe('job.succeeded');
      expect(max).toBe(2);
    });

    it('rejects unknown ids, invalid jobs and duplicate ids', async () => {
      const { queue } = await open();
      expect(await queue.status('nope')).toBeUndefined();
      await expect(collect(queue, 'nope')).rejects.toMatchObject({ code: 'NOT_FOUND' });
      await expect(queue.enqueue({ owner: '', contextDir: '/x' })).rejects.toMatchObject({ code: 'INVALID_INPUT' });
      await expect(queue.enqueue({ owner: 'a', contextDir: 'relative/dir' })).rejects.toMatchObject({ code: 'INVALID_INPUT' });
      await queue.enqueue(job({ id: 'fixed-1' }));
      await expect(queue.enqueue(job({ id: 'fixed-1' }))).rejects.toMatchObject({ code: 'ALREADY_EXISTS' });
    });
  });
}
