// Replay-then-live reading of one build's trace: stored events from the database, then the
// in-memory live log of a build this server is recording, until the terminal event. Indexes are
// shared by both sources, so the switch between them has no gaps and no duplicates.
import type { Db } from '../db.ts';
import { isTerminal, type JobEntry } from '../../workers/queue.ts';
import { readEntries } from './build-store.ts';
import type { LiveHub } from './live-hub.ts';

export interface TraceStreamOptions {
  signal?: AbortSignal;
  /** How often to look at the database for a build nobody here records (default 500 ms). */
  pollMs?: number;
}

function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    const t = setTimeout(done, ms);
    function done() {
      clearTimeout(t);
      signal?.removeEventListener('abort', done);
      resolve();
    }
    signal?.addEventListener('abort', done, { once: true });
  });
}

/** The caller has checked that the build exists and belongs to the viewer. */
export async function* traceEntries(db: Db, hub: LiveHub, buildId: string, from: number, opts: TraceStreamOptions = {}): AsyncGenerator<JobEntry> {
  const { signal } = opts;
  let next = Math.max(0, Math.floor(from));
  while (!signal?.aborted) {
    const live = hub.get(buildId);
    if (live) {
      // Older entries than the live log holds are in the database already.
      while (next < live.base && !signal?.aborted) {
        const stored = await readEntries(db, buildId, next, live.base);
        if (stored.length === 0) break;
        for (const e of stored) {
          yield e;
          next = e.index + 1;
          if (isTerminal(e.event)) return;
        }
      }
      next = Math.max(next, live.base);
      for (;;) {
        for (const e of live.since(next)) {
          yield e;
          next = e.index + 1;
          if (isTerminal(e.event)) return;
        }
        if (live.closed || signal?.aborted) break;
        await live.wait(signal);
      }
      continue;
    }
    const stored = await readEntries(db, buildId, next);
    for (const e of stored) {
      yield e;
      next = e.index + 1;
      if (isTerminal(e.event)) return;
    }
    if (stored.length > 0) continue; // there may be more pages
    const row = await db.build.findUnique({ where: { id: buildId }, select: { status: true, eventCount: true } });
    if (!row || ((row.status === 'succeeded' || row.status === 'failed') && next >= row.eventCount)) return;
    if (!hub.get(buildId)) await sleep(opts.pollMs ?? 500, signal);
  }
}
