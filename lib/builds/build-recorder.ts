// Records one build's trace: each event gets the next index, goes live to the viewers at once
// (LiveHub) and to the database in batches (one transaction per batch, in order).
import type { Db } from '../db.ts';
import { isTerminal, type JobEntry, type JobEvent } from '../../workers/queue.ts';
import { appendEntries } from './build-store.ts';
import type { LiveHub, LiveLog } from './live-hub.ts';

export interface RecorderOptions {
  /** Index of the first event this recorder writes (events before it are already stored). */
  base: number;
  /** Flush when this many events wait, or after flushMs. */
  batchSize?: number;
  flushMs?: number;
}

export class BuildRecorder {
  private next: number;
  private pending: JobEntry[] = [];
  private timer: NodeJS.Timeout | undefined;
  private chain: Promise<unknown> = Promise.resolve();
  private live: LiveLog;
  terminal = false;

  constructor(
    private db: Db,
    private hub: LiveHub,
    readonly buildId: string,
    private opts: RecorderOptions,
  ) {
    this.next = opts.base;
    this.live = hub.open(buildId, opts.base);
  }

  get nextIndex(): number {
    return this.next;
  }

  push(event: JobEvent): void {
    if (this.terminal) return;
    const entry = { index: this.next++, event };
    if (isTerminal(event)) this.terminal = true;
    this.live.append(entry);
    this.pending.push(entry);
    if (this.pending.length >= (this.opts.batchSize ?? 200)) this.flush();
    else this.timer ??= setTimeout(() => this.flush(), this.opts.flushMs ?? 100);
  }

  /** Writes what is pending; resolves when every earlier batch is stored. */
  flush(): Promise<unknown> {
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    const batch = this.pending;
    this.pending = [];
    if (batch.length > 0) {
      this.chain = this.chain.then(async () => {
        try {
          await appendEntries(this.db, this.buildId, batch);
        } catch (err) {
          console.error(`builds: could not store events ${batch[0].index}..${batch.at(-1)!.index} of ${this.buildId}:`, err);
        }
      });
    }
    return this.chain;
  }

  /** Stores the rest; then viewers read the database instead of the live log. */
  async finish(): Promise<void> {
    await this.flush();
    this.hub.close(this.buildId);
  }
}
