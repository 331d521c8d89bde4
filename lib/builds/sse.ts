// Server-Sent Events for the builds routes, kept out of app/ so it is testable without Next.
// A trace entry is `id: <index>` + `data: <JSON event>`; the stream ends with `event: end` after
// the terminal event (EventSource would otherwise reconnect). Comments keep proxies from
// closing an idle stream. A reconnecting EventSource sends Last-Event-ID: we resume after it.
import { engineErrorLike } from './http.ts';
import type { JobEntry } from '../../workers/queue.ts';

export const SSE_HEADERS = {
  'content-type': 'text/event-stream; charset=utf-8',
  'cache-control': 'no-cache, no-transform',
  connection: 'keep-alive',
  'x-accel-buffering': 'no',
} as const;

export function sseEntry(entry: JobEntry): string {
  return `id: ${entry.index}\ndata: ${JSON.stringify(entry.event)}\n\n`;
}

export function sseEvent(name: string, data: unknown): string {
  return `event: ${name}\ndata: ${JSON.stringify(data)}\n\n`;
}

/** The first index to send: ?from=N, or one past Last-Event-ID when the browser reconnects. */
export function resumeIndex(url: URL, headers: Headers): number {
  const from = Number.parseInt(url.searchParams.get('from') ?? '0', 10);
  const last = Number.parseInt(headers.get('last-event-id') ?? '', 10);
  return Math.max(Number.isFinite(from) && from > 0 ? from : 0, Number.isFinite(last) && last >= 0 ? last + 1 : 0);
}

export interface SseOptions {
  /** Aborted when the client goes away (request.signal). */
  signal?: AbortSignal;
  heartbeatMs?: number;
  /** Written first: `retry:` tells EventSource how soon to reconnect. */
  retryMs?: number;
}

/**
 * A streaming Response from chunks, pulled one at a time (a slow client slows the producer
 * instead of filling memory). The producer gets its own signal, aborted when the client
 * disconnects or the stream is cancelled, so subscriptions end with the connection.
 */
export function sseResponse(produce: (signal: AbortSignal) => AsyncIterable<string>, opts: SseOptions = {}): Response {
  const ac = new AbortController();
  const abort = () => ac.abort();
  opts.signal?.addEventListener('abort', abort, { once: true });
  const enc = new TextEncoder();
  const chunks = produce(ac.signal)[Symbol.asyncIterator]();
  let beat: NodeJS.Timeout | undefined;
  let closed = false;
  const finish = () => {
    closed = true;
    clearInterval(beat);
    opts.signal?.removeEventListener('abort', abort);
  };
  const body = new ReadableStream<Uint8Array>({
    start(controller) {
      controller.enqueue(enc.encode(`retry: ${opts.retryMs ?? 2000}\n\n`));
      beat = setInterval(() => {
        if (!closed && !ac.signal.aborted) controller.enqueue(enc.encode(': keep-alive\n\n'));
      }, opts.heartbeatMs ?? 15_000);
    },
    async pull(controller) {
      if (closed) return;
      try {
        const next = await chunks.next();
        if (closed) return;
        if (next.done || ac.signal.aborted) {
          finish();
          controller.close();
        } else controller.enqueue(enc.encode(next.value));
      } catch (err) {
        if (closed) return;
        const known = engineErrorLike(err);
        if (!known) console.error('builds: SSE stream failed:', err);
        controller.enqueue(enc.encode(sseEvent('trace-error', { message: known ? known.message : 'The trace could not be read.' })));
        finish();
        controller.close();
      }
    },
    cancel() {
      finish();
      ac.abort();
      void chunks.return?.();
    },
  });
  return new Response(body, { headers: SSE_HEADERS });
}

/** One build's trace as SSE chunks: entries, then `event: end`. */
export async function* traceChunks(entries: AsyncIterable<JobEntry>): AsyncGenerator<string> {
  for await (const e of entries) yield sseEntry(e);
  yield sseEvent('end', {});
}
