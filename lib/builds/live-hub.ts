// In-process fan-out of the builds this server is recording right now: one LiveLog per active
// build (its entries since the recorder started, kept in memory until they are all in the
// database), and per-user "a build started" notifications for the trace view's follow mode.
import type { JobEntry } from '../../workers/queue.ts';

export class LiveLog {
  readonly entries: JobEntry[] = [];
  closed = false;
  private waiters = new Set<() => void>();

  /** base: the index of the first entry this log holds (earlier ones are in the database). */
  constructor(readonly base: number) {}

  get end(): number {
    return this.base + this.entries.length;
  }

  append(entry: JobEntry): void {
    this.entries.push(entry);
    this.wake();
  }

  close(): void {
    this.closed = true;
    this.wake();
  }

  /** Entries with index >= from (only the ones this log holds). */
  since(from: number): JobEntry[] {
    return this.entries.slice(Math.max(0, from - this.base));
  }

  /** Resolves on the next append or close (or when signal aborts). */
  wait(signal?: AbortSignal): Promise<void> {
    if (this.closed || signal?.aborted) return Promise.resolve();
    return new Promise((resolve) => {
      const done = () => {
        this.waiters.delete(done);
        signal?.removeEventListener('abort', done);
        resolve();
      };
      this.waiters.add(done);
      signal?.addEventListener('abort', done, { once: true });
    });
  }

  private wake(): void {
    for (const w of [...this.waiters]) w();
  }
}

type StartListener = (buildId: string) => void;

export class LiveHub {
  private logs = new Map<string, LiveLog>();
  private starts = new Map<string, Set<StartListener>>();

  open(buildId: string, base: number): LiveLog {
    const log = new LiveLog(base);
    this.logs.set(buildId, log);
    return log;
  }

  get(buildId: string): LiveLog | undefined {
    return this.logs.get(buildId);
  }

  /** Every entry is stored: later viewers read the database. */
  close(buildId: string): void {
    const log = this.logs.get(buildId);
    this.logs.delete(buildId);
    log?.close();
  }

  get activeCount(): number {
    return this.logs.size;
  }

  started(userId: string, buildId: string): void {
    for (const l of this.starts.get(userId) ?? []) l(buildId);
  }

  onStarted(userId: string, listener: StartListener): () => void {
    let set = this.starts.get(userId);
    if (!set) this.starts.set(userId, (set = new Set()));
    set.add(listener);
    return () => {
      set.delete(listener);
      if (set.size === 0 && this.starts.get(userId) === set) this.starts.delete(userId);
    };
  }
}
