// Records one build's trace: each event gets the next index, goes live to the viewers at once
// (LiveHub) and to the database in batches (one transaction per batch, in order).
import type { Db } from '../db.ts';
import { isTerminal, type JobEntry, type JobEvent } from '../../workers/queue.ts';
import { appendEntries } from './build-store.ts';
import type { LiveHub, LiveLog } from './live-hub.ts';
import { envLimit, formatBytes } from '../engine/limits.ts';

/** Log text stored (and shown live) per build; past it log lines are dropped and counted. */
export const MAX_BUILD_LOG_BYTES = envLimit('LAB_MAX_BUILD_LOG_BYTES', 4 * 1024 * 1024);
/** One log line; longer lines are cut. */
export const MAX_BUILD_LOG_LINE_BYTES = envLimit('LAB_MAX_BUILD_LOG_LINE_BYTES', 16 * 1024);

export interface RecorderOptions {
  /** Index of the first event this recorder writes (events before it are already stored). */
  base: number;
  /** Flush when this many events wait, or after flushMs. */
  batchSize?: number;
  flushMs?: number;
  /** Defaults: MAX_BUILD_LOG_BYTES, MAX_BUILD_LOG_LINE_BYTES. */
  maxLogBytes?: number;
  maxLineBytes?: number;
}

export class BuildRecorder {
  private next: number;
  private pending: JobEntry[] = [];
  private timer: NodeJS.Timeout | undefined;
  private chain: Promise<unknown> = Promise.resolve();
  private live: LiveLog;
  terminal = false;
  private logBytes = 0;
  private dropped = { lines: 0, bytes: 0, vertex: 0 };

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
    if (event.type === 'vertex.log') {
      const kept = this.boundLog(event);
      if (!kept) return;
      event = kept;
    }
    if (isTerminal(event) && this.dropped.lines > 0) {
      // the one marker: how much output this build's stored (and live) log does not have
      const d = this.dropped;
      this.dropped = { lines: 0, bytes: 0, vertex: 0 };
      this.record({ type: 'vertex.log', time: Date.now(), vertex: d.vertex, stream: 'stderr',
        text: `[log truncated: ${d.lines} more lines (${formatBytes(d.bytes)}) were not kept: the build log limit is ${formatBytes(this.maxLogBytes)} (LAB_MAX_BUILD_LOG_BYTES)]` });
    }
    this.record(event);
  }

  private record(event: JobEvent): void {
    const entry = { index: this.next++, event };
    if (isTerminal(event)) this.terminal = true;
    this.live.append(entry);
    this.pending.push(entry);
    if (this.pending.length >= (this.opts.batchSize ?? 200)) this.flush();
    else this.timer ??= setTimeout(() => this.flush(), this.opts.flushMs ?? 100);
  }

  private get maxLogBytes(): number {
    return this.opts.maxLogBytes ?? MAX_BUILD_LOG_BYTES;
  }

  /** The line as kept (cut to the line limit), or undefined once the build's log is full. */
  private boundLog(event: Extract<JobEvent, { type: 'vertex.log' }>): typeof event | undefined {
    const maxLine = this.opts.maxLineBytes ?? MAX_BUILD_LOG_LINE_BYTES;
    let text = event.text;
    if (Buffer.byteLength(text) > maxLine) text = `${Buffer.from(text).subarray(0, maxLine).toString('utf8')}… [line cut at ${formatBytes(maxLine)}]`;
    const size = Buffer.byteLength(text) + 1;
    if (this.logBytes + size > this.maxLogBytes) {
      this.dropped.lines++;
      this.dropped.bytes += size;
      this.dropped.vertex = event.vertex;
      return undefined;
    }
    this.logBytes += size;
    return text === event.text ? event : { ...event, text };
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
