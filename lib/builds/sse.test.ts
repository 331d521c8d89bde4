import { describe, expect, it } from 'vitest';
import { resumeIndex, sseEntry, sseResponse } from './sse.ts';

describe('SSE formatting', () => {
  it('resumes after Last-Event-ID, or at ?from=N, whichever is later', () => {
    const u = (q: string) => new URL(`http://x/api/builds/b/events${q}`);
    expect(resumeIndex(u(''), new Headers())).toBe(0);
    expect(resumeIndex(u('?from=5'), new Headers())).toBe(5);
    expect(resumeIndex(u('?from=5'), new Headers({ 'last-event-id': '9' }))).toBe(10);
    expect(resumeIndex(u('?from=50'), new Headers({ 'last-event-id': '9' }))).toBe(50);
    expect(resumeIndex(u('?from=-3'), new Headers({ 'last-event-id': 'junk' }))).toBe(0);
  });

  it('keeps an event on one data line even when its text has newlines', () => {
    const s = sseEntry({ index: 4, event: { type: 'vertex.log', time: 1, vertex: 2, stream: 'stdout', text: 'a\nb' } });
    expect(s.split('\n')).toEqual(['id: 4', 'data: {"type":"vertex.log","time":1,"vertex":2,"stream":"stdout","text":"a\\nb"}', '', '']);
  });

  it('stops the producer when the client goes away', async () => {
    const client = new AbortController();
    let producerSignal: AbortSignal | undefined;
    const res = sseResponse(async function* (signal) {
      producerSignal = signal;
      yield 'data: 1\n\n';
      await new Promise((r) => signal.addEventListener('abort', r));
    }, { signal: client.signal });
    const reader = res.body!.getReader();
    const first = new TextDecoder().decode((await reader.read()).value);
    expect(first).toContain('retry:');
    client.abort();
    expect(producerSignal?.aborted).toBe(true);
    await reader.cancel();
  });

  it('ends with a trace-error event a student can read when the trace fails', async () => {
    const res = sseResponse(async function* () {
      yield sseEntry({ index: 0, event: { type: 'job.running', time: 1, attempt: 1, worker: 'w' } });
      throw Object.assign(new Error('There is no such build among yours.'), { name: 'EngineError', code: 'NOT_FOUND' });
    });
    const text = await res.text();
    expect(text.trim().split('\n\n').slice(1)).toEqual([
      'id: 0\ndata: {"type":"job.running","time":1,"attempt":1,"worker":"w"}',
      'event: trace-error\ndata: {"message":"There is no such build among yours."}',
    ]);
  });
});
