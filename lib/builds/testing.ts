// Test fixtures for the builds service: a job handler that emits the event sequence of a real
// two-step build (cached FROM, a RUN that misses with a reason, logs, a layer), optionally
// parked halfway, and small helpers.
import type { BuildEvent } from '../engine/progress/events.ts';
import type { JobHandler } from '../../workers/queue.ts';

export const FAKE_RESULT = {
  imageId: `sha256:${'a'.repeat(64)}`,
  manifestDigest: `sha256:${'b'.repeat(64)}`,
};

/** Emits a realistic build; waits for `parked` after the first log line when given. */
export function realisticHandler(parked?: Promise<void>, logLines = 3): JobHandler {
  return async (job, ctx) => {
    const t = () => Date.now();
    const step = (index: number, globalIndex: number) => ({ stage: 0, index, total: 2, globalIndex, globalTotal: 3 });
    const emit = (e: BuildEvent) => ctx.emit(e);
    emit({ type: 'build.started', time: t(), buildId: job.id, dockerfile: job.dockerfile ?? 'Dockerfile', tags: job.tags });
    emit({ type: 'vertex.started', time: t(), vertex: 1, name: '[internal] load build definition from Dockerfile', internal: true });
    emit({ type: 'vertex.done', time: t(), vertex: 1, durationMs: 1 });
    emit({ type: 'vertex.started', time: t(), vertex: 2, name: '[1/2] FROM docker.io/library/busybox:latest', step: step(1, 1), instruction: 'FROM busybox', range: { start: 1, end: 1 } });
    emit({ type: 'vertex.cached', time: t(), vertex: 2, resultId: 'sha256:1111' });
    emit({ type: 'vertex.started', time: t(), vertex: 3, name: '[2/2] RUN echo hi > /hi', step: step(2, 2), instruction: 'RUN echo hi > /hi', range: { start: 2, end: 2 } });
    emit({ type: 'vertex.miss', time: t(), vertex: 3, reason: 'no earlier build of this step' });
    for (let i = 0; i < logLines; i++) {
      emit({ type: 'vertex.log', time: t(), vertex: 3, stream: 'stdout', text: `line ${i}` });
      if (i === 0 && parked) await parked;
    }
    emit({ type: 'vertex.done', time: t(), vertex: 3, durationMs: 12, layer: { digest: `sha256:${'c'.repeat(64)}`, diffId: `sha256:${'d'.repeat(64)}`, size: 2048 } });
    emit({ type: 'step.metadata', time: t(), step: { ...step(3, 3), total: 3 }, instruction: 'CMD ["sh"]', range: { start: 3, end: 3 } });
    emit({ type: 'build.done', time: t(), durationMs: 20, ...FAKE_RESULT, tags: job.tags });
    return { ...FAKE_RESULT, tags: job.tags, durationMs: 20 };
  };
}

export async function take<T>(it: AsyncIterable<T>, n: number): Promise<T[]> {
  const out: T[] = [];
  if (n <= 0) return out;
  for await (const x of it) {
    out.push(x);
    if (out.length >= n) break;
  }
  return out;
}

export async function all<T>(it: AsyncIterable<T>, timeoutMs = 15_000): Promise<T[]> {
  const out: T[] = [];
  const timer = new Promise<never>((_, rej) => setTimeout(() => rej(new Error(`no end within ${timeoutMs} ms after ${out.length} items`)), timeoutMs).unref());
  const run = (async () => {
    for await (const x of it) out.push(x);
    return out;
  })();
  return Promise.race([run, timer]);
}

export async function until(check: () => Promise<boolean> | boolean, timeoutMs = 10_000): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > end) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 20));
  }
}
