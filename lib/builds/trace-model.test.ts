import { describe, expect, it } from 'vitest';
import type { JobEntry, JobEvent } from '../../workers/queue.ts';
import { familiarName, formatDuration, formatSize, initialTrace, reduceTrace, shortDigest } from './trace-model.ts';
import { realisticHandler } from './testing.ts';

async function recordedBuild(): Promise<JobEntry[]> {
  const events: JobEvent[] = [{ type: 'job.queued', time: 1, job: { id: 'j', owner: 'u', contextDir: '/c', tags: ['app:1'], buildArgs: {}, noCache: false } }];
  events.push({ type: 'job.running', time: 2, attempt: 1, worker: 'h:1' });
  const result = await realisticHandler()(
    { id: 'j', owner: 'u', contextDir: '/c', tags: ['app:1'], buildArgs: {}, noCache: false },
    { attempt: 1, signal: new AbortController().signal, emit: (e) => events.push(e) },
  );
  events.push({ type: 'job.succeeded', time: 3, result });
  return events.map((event, index) => ({ index, event }));
}

describe('trace model', () => {
  it('turns a build into steps: cached or missed with the reason, duration, layer, Dockerfile line', async () => {
    const entries = await recordedBuild();
    const s = initialTrace();
    for (const e of entries.slice(0, 9)) reduceTrace(s, e);
    expect(s.status).toBe('running');
    const run = s.steps.find((x) => x.text === 'RUN echo hi > /hi')!;
    expect(run).toMatchObject({ status: 'running', position: '[2/2]', line: 2, missReason: 'no earlier build of this step' });
    for (const e of entries) reduceTrace(s, e);
    expect(s.status).toBe('succeeded');
    expect(s.tags).toEqual(['app:1']);
    expect(s.steps.map((x) => [x.text, x.status, x.internal, x.metadata])).toEqual([
      ['[internal] load build definition from Dockerfile', 'done', true, false],
      ['FROM busybox', 'cached', false, false],
      ['RUN echo hi > /hi', 'done', false, false],
      ['CMD ["sh"]', 'done', false, true],
    ]);
    expect(run).toMatchObject({ status: 'done', durationMs: 12, layer: { size: 2048 } });
    expect(run.logs.map((l) => l.text)).toEqual(['line 0', 'line 1', 'line 2']);
    expect(s.imageId).toMatch(/^sha256:a{64}$/);
  });

  it('shows the size of a transfer and keeps the tags as typed', () => {
    const s = initialTrace();
    const events: JobEvent[] = [
      { type: 'job.queued', time: 1, job: { id: 'j', owner: 'u', contextDir: '/c', tags: ['myapp:v1'], buildArgs: {}, noCache: false } },
      { type: 'build.started', time: 2, buildId: 'b', dockerfile: 'Dockerfile', tags: ['docker.io/library/myapp:v1'] },
      { type: 'vertex.started', time: 2, vertex: 1, name: '[internal] load build context', internal: true },
      { type: 'vertex.status', time: 3, vertex: 1, id: 'context', text: 'transferring context:', current: 16_964_231, done: true },
    ];
    events.forEach((event, index) => reduceTrace(s, { index, event }));
    expect(s.tags).toEqual(['myapp:v1']);
    expect(Object.values(s.steps[0].progress)).toEqual(['transferring context: 16.96MB']);
  });

  it('ignores entries it already applied (a resumed stream) and restarts on a retried attempt', async () => {
    const entries = await recordedBuild();
    const s = initialTrace();
    for (const e of entries.slice(0, 10)) reduceTrace(s, e);
    for (const e of entries.slice(5)) reduceTrace(s, e);
    expect(s.steps.find((x) => x.text.startsWith('RUN'))!.logs).toHaveLength(3);
    reduceTrace(s, { index: entries.length, event: { type: 'job.running', time: 9, attempt: 2, worker: 'h:2' } });
    expect(s).toMatchObject({ attempt: 2, status: 'running', steps: [] });
  });

  it('keeps the build error with its Dockerfile line and marks the running step failed', () => {
    const s = initialTrace();
    const events: JobEvent[] = [
      { type: 'build.started', time: 1, buildId: 'b', dockerfile: 'Dockerfile', tags: [] },
      { type: 'vertex.started', time: 1, vertex: 1, name: '[1/2] RUN false', instruction: 'RUN false', step: { stage: 0, index: 2, total: 2, globalIndex: 2, globalTotal: 2 }, range: { start: 4, end: 4 } },
      { type: 'build.error', time: 2, durationMs: 5, code: 'RUN_FAILED', message: 'exit code 1', range: { start: 4, end: 4 } },
      { type: 'job.failed', time: 3, code: 'RUN_FAILED', message: 'build failed', retryable: false },
    ];
    events.forEach((event, index) => reduceTrace(s, { index, event }));
    expect(s.status).toBe('failed');
    expect(s.error).toEqual({ code: 'RUN_FAILED', message: 'exit code 1', line: 4 });
    expect(s.steps[0]).toMatchObject({ status: 'error', line: 4 });
  });

  it('prints sizes, durations and digests the way docker does', () => {
    expect([formatSize(512), formatSize(2048), formatSize(15_200_000), formatSize(1_234_000_000)]).toEqual(['512B', '2.05kB', '15.2MB', '1.23GB']);
    expect([formatDuration(420), formatDuration(12_340), formatDuration(63_000)]).toEqual(['0.4s', '12.3s', '1m 03s']);
    expect(['docker.io/library/myapp:v1', 'docker.io/me/app:1', 'localhost:5000/app:1'].map(familiarName)).toEqual(['myapp:v1', 'me/app:1', 'localhost:5000/app:1']);
    expect(shortDigest(`sha256:${'0123456789abcdef'.repeat(4)}`)).toBe('0123456789ab');
  });
});
