// The embedded queue: jobs, workers and event logs inside the web server's process.
// Each job's log is kept in memory and appended to $LAB_ROOT/jobs/<id>.ndjson; its status is
// $LAB_ROOT/jobs/<id>.json (written atomically). One process opens a given jobs directory.
import fs from 'node:fs/promises';
import { createWriteStream, type WriteStream } from 'node:fs';
import path from 'node:path';
import { EngineError } from '../lib/engine/errors.ts';
import type { BuildEvent } from '../lib/engine/progress/events.ts';
import {
  isTerminal,
  type BuildQueue, type JobEntry, type JobEvent, type JobFailure, type JobHandler, type JobInput,
  type JobStatus, type SubscribeOptions, type WorkerHandle, type WorkerOptions,
} from './queue.ts';
import { cancelledFailure, failureOf, normalizeJob, workerLostFailure, workerName, retrySettings } from './job-common.ts';

interface JobRecord {
  status: JobStatus;
  entries: JobEntry[];
  waiters: Set<() => void>;
  out?: WriteStream;
  controller?: AbortController;
  cancelRequested?: boolean;
  statusWrite: Promise<void>;
}

interface Worker {
  handler: JobHandler;
  concurrency: number;
  active: Set<JobRecord>;
  closed: boolean;
}

export interface EmbeddedQueueOptions {
  /** $LAB_ROOT: logs go to <root>/jobs. */
  root: string;
  /** Finished jobs whose logs stay in memory (older ones are read back from disk). Default 50. */
  keepFinished?: number;
  /** Logs of jobs finished longer ago than this are deleted when the queue opens. Default 7 days. */
  retentionMs?: number;
}

export class EmbeddedQueue implements BuildQueue {
  readonly kind = 'embedded' as const;
  private readonly records = new Map<string, JobRecord>();
  private readonly pending: JobRecord[] = [];
  private readonly workers = new Set<Worker>();
  private readonly finishedOrder: string[] = [];
  private closed = false;

  private constructor(readonly dir: string, private readonly keepFinished: number) {}

  /** Opens the jobs directory; jobs a previous process left queued or running become failed (retryable). */
  static async open(opts: EmbeddedQueueOptions): Promise<EmbeddedQueue> {
    const q = new EmbeddedQueue(path.join(path.resolve(opts.root), 'jobs'), opts.keepFinished ?? 50);
    await fs.mkdir(q.dir, { recursive: true });
    await q.recoverLeftovers(opts.retentionMs ?? 7 * 24 * 3600_000);
    return q;
  }

  async enqueue(input: JobInput): Promise<string> {
    if (this.closed) throw new EngineError('UNAVAILABLE', 'the build queue is closed');
    const job = normalizeJob(input);
    if (this.records.has(job.id) || (await this.readStatus(job.id))) throw new EngineError('ALREADY_EXISTS', `build job ${job.id} already exists`);
    const rec: JobRecord = {
      status: { id: job.id, job, state: 'queued', attempts: 0, enqueuedAt: Date.now() },
      entries: [],
      waiters: new Set(),
      out: createWriteStream(this.logPath(job.id), { flags: 'a' }),
      statusWrite: Promise.resolve(),
    };
    this.records.set(job.id, rec);
    this.append(rec, { type: 'job.queued', time: Date.now(), job });
    await this.saveStatus(rec);
    this.pending.push(rec);
    this.dispatch();
    return job.id;
  }

  async status(id: string): Promise<JobStatus | undefined> {
    const rec = this.records.get(id);
    if (rec) return structuredClone(rec.status);
    return this.readStatus(id);
  }

  async *subscribe(id: string, fromIndex = 0, opts: SubscribeOptions = {}): AsyncIterable<JobEntry> {
    const rec = this.records.get(id) ?? (await this.loadFromDisk(id));
    if (!rec) throw new EngineError('NOT_FOUND', `no build job ${id}`);
    let i = Math.max(0, fromIndex);
    let wake: (() => void) | undefined;
    const onAbort = () => wake?.();
    opts.signal?.addEventListener('abort', onAbort, { once: true });
    try {
      for (;;) {
        while (i < rec.entries.length) {
          const entry = rec.entries[i++];
          yield entry;
          if (isTerminal(entry.event)) return;
        }
        if (isFinished(rec) || opts.signal?.aborted) return;
        await new Promise<void>((resolve) => {
          wake = resolve;
          rec.waiters.add(resolve);
        });
      }
    } finally {
      opts.signal?.removeEventListener('abort', onAbort);
      if (wake) rec.waiters.delete(wake);
    }
  }

  async cancel(id: string): Promise<boolean> {
    const rec = this.records.get(id);
    if (!rec || isFinished(rec)) return false;
    if (rec.status.state === 'queued') {
      this.pending.splice(this.pending.indexOf(rec), 1);
      await this.finish(rec, { error: cancelledFailure() });
      return true;
    }
    rec.cancelRequested = true;
    rec.controller?.abort(new EngineError('CANCELLED', 'the build was cancelled'));
    return true;
  }

  async retry(id: string): Promise<string> {
    return this.enqueue(retrySettings(id, await this.status(id)));
  }

  async startWorker(handler: JobHandler, opts: WorkerOptions = {}): Promise<WorkerHandle> {
    const worker: Worker = { handler, concurrency: Math.max(1, opts.concurrency ?? 1), active: new Set(), closed: false };
    this.workers.add(worker);
    this.dispatch();
    return {
      close: async () => {
        worker.closed = true;
        this.workers.delete(worker);
        for (const rec of worker.active) rec.controller?.abort(new EngineError('WORKER_LOST', 'the worker was stopped'));
        while (worker.active.size) await new Promise((r) => setTimeout(r, 10));
      },
    };
  }

  async close(): Promise<void> {
    this.closed = true;
    for (const w of [...this.workers]) {
      w.closed = true;
      for (const rec of w.active) rec.controller?.abort(new EngineError('WORKER_LOST', 'the queue was closed'));
    }
    while ([...this.workers].some((w) => w.active.size)) await new Promise((r) => setTimeout(r, 10));
    this.workers.clear();
    for (const rec of this.records.values()) {
      await rec.statusWrite;
      await endStream(rec);
    }
  }

  private dispatch(): void {
    for (const w of this.workers) {
      while (!w.closed && w.active.size < w.concurrency && this.pending.length) {
        const rec = this.pending.shift()!;
        w.active.add(rec);
        void this.run(w, rec).finally(() => {
          w.active.delete(rec);
          this.dispatch();
        });
      }
    }
  }

  private async run(w: Worker, rec: JobRecord): Promise<void> {
    const st = rec.status;
    const controller = new AbortController();
    rec.controller = controller;
    st.state = 'running';
    st.attempts++;
    st.startedAt = Date.now();
    st.worker = workerName();
    this.append(rec, { type: 'job.running', time: st.startedAt, attempt: st.attempts, worker: st.worker });
    await this.saveStatus(rec);
    const emit = (event: BuildEvent) => {
      if (!isFinished(rec)) this.append(rec, event);
    };
    try {
      const result = await w.handler(structuredClone(st.job), { attempt: st.attempts, signal: controller.signal, emit });
      if (rec.cancelRequested) await this.finish(rec, { error: cancelledFailure() });
      else await this.finish(rec, { result });
    } catch (err) {
      const reason = controller.signal.aborted ? controller.signal.reason : err;
      await this.finish(rec, { error: rec.cancelRequested ? cancelledFailure() : failureOf(reason) });
    }
  }

  private async finish(rec: JobRecord, end: { result?: JobStatus['result']; error?: JobFailure }): Promise<void> {
    const st = rec.status;
    st.finishedAt = Date.now();
    if (end.error) {
      st.state = 'failed';
      st.error = end.error;
      this.append(rec, { type: 'job.failed', time: st.finishedAt, ...end.error });
    } else {
      st.state = 'succeeded';
      st.result = end.result;
      this.append(rec, { type: 'job.succeeded', time: st.finishedAt, result: end.result! });
    }
    rec.controller = undefined;
    await this.saveStatus(rec);
    await endStream(rec);
    this.finishedOrder.push(st.id);
    this.evict();
  }

  private append(rec: JobRecord, event: JobEvent): void {
    const entry: JobEntry = { index: rec.entries.length, event };
    rec.entries.push(entry);
    rec.out?.write(`${JSON.stringify(entry)}\n`);
    const waiters = [...rec.waiters];
    rec.waiters.clear();
    for (const wake of waiters) wake();
  }

  private saveStatus(rec: JobRecord): Promise<void> {
    const snapshot = JSON.stringify(rec.status);
    const file = this.statusPath(rec.status.id);
    rec.statusWrite = rec.statusWrite.then(() => writeAtomic(file, snapshot)).catch(() => undefined);
    return rec.statusWrite;
  }

  private evict(): void {
    while (this.finishedOrder.length > this.keepFinished) {
      const id = this.finishedOrder.shift()!;
      const rec = this.records.get(id);
      if (rec && rec.waiters.size === 0) this.records.delete(id);
    }
  }

  private async readStatus(id: string): Promise<JobStatus | undefined> {
    if (!/^[A-Za-z0-9][A-Za-z0-9_.-]*$/.test(id)) return undefined;
    const text = await fs.readFile(this.statusPath(id), 'utf8').catch(() => undefined);
    return text ? (JSON.parse(text) as JobStatus) : undefined;
  }

  private async loadFromDisk(id: string): Promise<JobRecord | undefined> {
    const status = await this.readStatus(id);
    if (!status) return undefined;
    return { status, entries: await readLog(this.logPath(id)), waiters: new Set(), statusWrite: Promise.resolve() };
  }

  private async recoverLeftovers(retentionMs: number): Promise<void> {
    for (const name of await fs.readdir(this.dir)) {
      if (!name.endsWith('.json')) continue;
      const id = name.slice(0, -'.json'.length);
      const status = await this.readStatus(id).catch(() => undefined);
      if (status?.finishedAt && Date.now() - status.finishedAt > retentionMs) {
        await fs.rm(this.logPath(id), { force: true });
        await fs.rm(this.statusPath(id), { force: true });
        continue;
      }
      const rec = await this.loadFromDisk(id);
      if (!rec || isFinished(rec)) continue;
      rec.out = createWriteStream(this.logPath(rec.status.id), { flags: 'a' });
      await this.finish(rec, { error: workerLostFailure(`the server stopped while the job was ${rec.status.state}`) });
    }
  }

  private logPath(id: string) {
    return path.join(this.dir, `${id}.ndjson`);
  }

  private statusPath(id: string) {
    return path.join(this.dir, `${id}.json`);
  }
}

function isFinished(rec: JobRecord): boolean {
  return rec.status.state === 'succeeded' || rec.status.state === 'failed';
}

async function endStream(rec: JobRecord): Promise<void> {
  const out = rec.out;
  if (!out) return;
  rec.out = undefined;
  await new Promise<void>((resolve) => out.end(() => resolve()));
}

async function writeAtomic(file: string, text: string): Promise<void> {
  const tmp = `${file}.${process.pid}.${Math.random().toString(36).slice(2)}.tmp`;
  await fs.writeFile(tmp, text);
  await fs.rename(tmp, file);
}

/** Reads an NDJSON log; a torn last line (the process died mid-write) is dropped. */
async function readLog(file: string): Promise<JobEntry[]> {
  const text = await fs.readFile(file, 'utf8').catch(() => '');
  const entries: JobEntry[] = [];
  for (const line of text.split('\n')) {
    if (!line) continue;
    try {
      const entry = JSON.parse(line) as JobEntry;
      if (entry.index === entries.length) entries.push(entry);
    } catch {
      break;
    }
  }
  return entries;
}
