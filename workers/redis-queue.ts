// The scale-out queue: jobs in BullMQ, each job's log in a Redis stream, its status in a hash.
// Any number of processes (web servers, `workers/main.ts` on any host) open it on one Redis.
//
// Keys (prefix "lab" by default)
//   <p>:job:<id>         hash: status (JobStatus JSON), seq (entries so far), terminal, cancel
//   <p>:job:<id>:log     stream: entry with index i has the id 0-(i+1), field e = event JSON
//   <p>:cancel           pub/sub channel: job ids to abort on whichever worker runs them
//   BullMQ's own keys under <p>:<queueName>.
// Two Lua scripts keep the log consistent: no entry is appended after the terminal marker,
// and exactly one terminal marker is written (a worker, cancel() and the reconciliation of a
// dead worker's job can race; the first wins).
import { Queue, Worker, type Job } from 'bullmq';
import { Redis } from 'ioredis';
import { EngineError } from '../lib/engine/errors.ts';
import type { BuildEvent } from '../lib/engine/progress/events.ts';
import type {
  BuildJob, BuildQueue, JobEntry, JobEvent, JobFailure, JobHandler, JobInput, JobMarker, JobResult,
  JobStatus, SubscribeOptions, WorkerHandle, WorkerOptions,
} from './queue.ts';
import { cancelledFailure, failureOf, normalizeJob, workerLostFailure, workerName, retrySettings } from './job-common.ts';

export interface RedisQueueOptions {
  /** redis://host:port/db */
  url: string;
  prefix?: string;
  queueName?: string;
  /** A worker that stops renewing its lock for this long is considered dead (default 30 s). */
  lockDurationMs?: number;
  /** How often workers look for jobs of dead workers (default 30 s). */
  stalledIntervalMs?: number;
  /** Times a job is run again after its worker died before it fails WORKER_LOST (default 1). */
  maxStalledCount?: number;
  /** Logs and status of finished jobs expire after this (default 7 days). */
  retentionSeconds?: number;
  /** How long one blocking read of a follower waits before it checks the job's status (ms). */
  followBlockMs?: number;
}

const APPEND = `
if redis.call('HGET', KEYS[1], 'terminal') then return -1 end
local n = 0
for i = 1, #ARGV do
  n = redis.call('HINCRBY', KEYS[1], 'seq', 1)
  redis.call('XADD', KEYS[2], '0-' .. n, 'e', ARGV[i])
end
return n`;

const TRANSITION = `
if redis.call('HGET', KEYS[1], 'terminal') then return 0 end
redis.call('HSET', KEYS[1], 'status', ARGV[1])
local n = redis.call('HINCRBY', KEYS[1], 'seq', 1)
redis.call('XADD', KEYS[2], '0-' .. n, 'e', ARGV[2])
if ARGV[3] ~= '0' then
  redis.call('HSET', KEYS[1], 'terminal', '1')
  redis.call('EXPIRE', KEYS[1], tonumber(ARGV[3]))
  redis.call('EXPIRE', KEYS[2], tonumber(ARGV[3]))
end
return 1`;

type ScriptRedis = Redis & {
  labAppend(hash: string, stream: string, ...events: string[]): Promise<number>;
  labTransition(hash: string, stream: string, status: string, marker: string, ttl: string): Promise<number>;
};

export class RedisQueue implements BuildQueue {
  readonly kind = 'redis' as const;
  private readonly redis: ScriptRedis;
  private readonly queue: Queue;
  private readonly queueConn: Redis;
  private readonly prefix: string;
  private readonly queueName: string;
  private readonly workers = new Set<WorkerHandle>();
  private readonly followers = new Set<Redis>();

  constructor(readonly opts: RedisQueueOptions) {
    this.prefix = opts.prefix ?? 'lab';
    this.queueName = opts.queueName ?? 'builds';
    this.redis = this.connect() as ScriptRedis;
    this.redis.defineCommand('labAppend', { numberOfKeys: 2, lua: APPEND });
    this.redis.defineCommand('labTransition', { numberOfKeys: 2, lua: TRANSITION });
    this.queueConn = this.connect();
    this.queue = new Queue(this.queueName, { connection: this.queueConn, prefix: this.prefix });
  }

  async enqueue(input: JobInput): Promise<string> {
    const job = normalizeJob(input);
    const status: JobStatus = { id: job.id, job, state: 'queued', attempts: 0, enqueuedAt: Date.now() };
    const created = await this.redis.hsetnx(this.hashKey(job.id), 'status', JSON.stringify(status));
    if (!created) throw new EngineError('ALREADY_EXISTS', `build job ${job.id} already exists`);
    await this.transition(status, { type: 'job.queued', time: status.enqueuedAt, job });
    await this.queue.add('build', job, {
      jobId: bullId(job.id),
      attempts: 1,
      removeOnComplete: { age: 3600 },
      removeOnFail: { age: 24 * 3600 },
    });
    return job.id;
  }

  async status(id: string): Promise<JobStatus | undefined> {
    const [raw, terminal] = await this.redis.hmget(this.hashKey(id), 'status', 'terminal');
    if (!raw) return undefined;
    const st = JSON.parse(raw) as JobStatus;
    if (terminal) return st;
    return this.reconcile(st);
  }

  async *subscribe(id: string, fromIndex = 0, opts: SubscribeOptions = {}): AsyncIterable<JobEntry> {
    if (!(await this.redis.exists(this.hashKey(id)))) throw new EngineError('NOT_FOUND', `no build job ${id}`);
    const conn = this.connect();
    this.followers.add(conn);
    const stop = () => conn.disconnect();
    opts.signal?.addEventListener('abort', stop, { once: true });
    let seq = Math.max(0, fromIndex); // entries with stream id > 0-seq are still to come
    try {
      while (!opts.signal?.aborted) {
        const res = (await conn.xread('COUNT', 500, 'BLOCK', this.opts.followBlockMs ?? 1000, 'STREAMS', this.logKey(id), `0-${seq}`).catch((err) => {
          if (opts.signal?.aborted) return null;
          throw err;
        })) as [string, [string, string[]][]][] | null;
        if (!res) {
          // Quiet: make sure the job is not owned by a dead worker (reconcile appends the end).
          const st = await this.status(id);
          if (!st) return;
          continue;
        }
        for (const [sid, fields] of res[0][1]) {
          seq = Number(sid.split('-')[1]);
          const event = JSON.parse(fields[1]) as JobEvent;
          yield { index: seq - 1, event };
          if (event.type === 'job.succeeded' || event.type === 'job.failed') return;
        }
      }
    } finally {
      opts.signal?.removeEventListener('abort', stop);
      this.followers.delete(conn);
      conn.disconnect();
    }
  }

  async cancel(id: string): Promise<boolean> {
    const st = await this.status(id);
    if (!st || st.state === 'succeeded' || st.state === 'failed') return false;
    await this.redis.hset(this.hashKey(id), 'cancel', '1');
    await this.redis.publish(this.cancelChannel(), id);
    if (st.state === 'queued') {
      const bjob = await this.queue.getJob(bullId(id));
      await bjob?.remove().catch(() => undefined); // already taken by a worker: it sees the cancel flag
      await this.finish(st, { error: cancelledFailure() });
    }
    return true;
  }

  async retry(id: string): Promise<string> {
    return this.enqueue(retrySettings(id, await this.status(id)));
  }

  async startWorker(handler: JobHandler, wopts: WorkerOptions = {}): Promise<WorkerHandle> {
    const connection = this.connect();
    const sub = this.connect();
    const worker = new Worker(this.queueName, (bjob: Job, _token?: string, signal?: AbortSignal) => this.process(bjob, handler, signal), {
      connection,
      prefix: this.prefix,
      concurrency: Math.max(1, wopts.concurrency ?? 1),
      lockDuration: this.opts.lockDurationMs ?? 30_000,
      stalledInterval: this.opts.stalledIntervalMs ?? 30_000,
      maxStalledCount: this.opts.maxStalledCount ?? 1,
    });
    worker.on('error', () => undefined); // connection hiccups: ioredis reconnects
    worker.on('failed', (bjob) => {
      if (bjob) void this.status((bjob.data as BuildJob).id).catch(() => undefined); // reconcile stalled-out jobs
    });
    await sub.subscribe(this.cancelChannel());
    sub.on('message', (_channel: string, id: string) => worker.cancelJob(bullId(id), 'cancelled'));
    await worker.waitUntilReady();
    const handle: WorkerHandle = {
      close: async () => {
        this.workers.delete(handle);
        sub.disconnect();
        await worker.close();
        connection.disconnect();
      },
    };
    this.workers.add(handle);
    return handle;
  }

  async close(): Promise<void> {
    for (const w of [...this.workers]) await w.close();
    for (const f of this.followers) f.disconnect();
    await this.queue.close();
    this.queueConn.disconnect(); // BullMQ does not close a connection it was given
    this.redis.disconnect();
  }

  /** The BullMQ processor: never throws, so BullMQ's own retries are only for dead workers. */
  private async process(bjob: Job, handler: JobHandler, signal?: AbortSignal): Promise<void> {
    const job = bjob.data as BuildJob;
    const [raw, terminal, cancel] = await this.redis.hmget(this.hashKey(job.id), 'status', 'terminal', 'cancel');
    if (!raw || terminal) return;
    const prev = JSON.parse(raw) as JobStatus;
    if (cancel) return void (await this.finish(prev, { error: cancelledFailure() }));
    const st: JobStatus = { ...prev, state: 'running', attempts: prev.attempts + 1, startedAt: Date.now(), worker: workerName() };
    await this.transition(st, { type: 'job.running', time: st.startedAt!, attempt: st.attempts, worker: st.worker! });
    const controller = new AbortController();
    const abort = () => controller.abort(new EngineError('CANCELLED', 'the build was cancelled'));
    if (signal?.aborted) abort();
    signal?.addEventListener('abort', abort, { once: true });
    // Events are batched: one script call carries whatever accumulated while the last one ran.
    const buffer: string[] = [];
    let flushing: Promise<void> | undefined;
    const flush = async () => {
      while (buffer.length) await this.append(job.id, buffer.splice(0, 500)).catch(() => undefined);
      flushing = undefined;
    };
    const emit = (event: BuildEvent) => {
      buffer.push(JSON.stringify(event));
      flushing ??= flush();
    };
    let end: { result?: JobResult; error?: JobFailure };
    try {
      end = { result: await handler(structuredClone(job), { attempt: st.attempts, signal: controller.signal, emit }) };
    } catch (err) {
      end = { error: failureOf(controller.signal.aborted ? controller.signal.reason : err) };
    }
    signal?.removeEventListener('abort', abort);
    await flushing;
    if (await this.redis.hget(this.hashKey(job.id), 'cancel')) end = { error: cancelledFailure() };
    await this.finish(st, end);
  }

  /** A job BullMQ gave up on (or lost) while our hash still says queued/running ends WORKER_LOST. */
  private async reconcile(st: JobStatus): Promise<JobStatus> {
    const bjob = await this.queue.getJob(bullId(st.id));
    const state = bjob ? await bjob.getState() : 'unknown';
    // enqueue() writes the hash just before adding the BullMQ job: a young queued job may be unknown.
    const young = st.state === 'queued' && Date.now() - st.enqueuedAt < 10_000;
    if (state === 'failed' || state === 'completed' || (state === 'unknown' && !young)) {
      const why = state === 'failed' ? bjob?.failedReason || 'its lock expired' : `the queue has it ${state}`;
      await this.finish(st, { error: workerLostFailure(why) });
      const again = await this.redis.hget(this.hashKey(st.id), 'status');
      return again ? (JSON.parse(again) as JobStatus) : st;
    }
    // A dead worker's job that BullMQ put back in the queue waits for its next attempt; so does
    // one whose worker's lock expired before any live worker's stalled check noticed it.
    if (st.state === 'running' && (state === 'waiting' || state === 'prioritized' || state === 'delayed')) return { ...st, state: 'queued' };
    if (st.state === 'running' && state === 'active' && !(await this.redis.exists(this.bullLockKey(st.id)))) return { ...st, state: 'queued' };
    return st;
  }

  private async finish(st: JobStatus, end: { result?: JobResult; error?: JobFailure }): Promise<void> {
    const time = Date.now();
    const done: JobStatus = end.error
      ? { ...st, state: 'failed', finishedAt: time, error: end.error }
      : { ...st, state: 'succeeded', finishedAt: time, result: end.result };
    const marker: JobMarker = end.error ? { type: 'job.failed', time, ...end.error } : { type: 'job.succeeded', time, result: end.result! };
    await this.transition(done, marker, this.opts.retentionSeconds ?? 7 * 24 * 3600);
  }

  private async transition(st: JobStatus, marker: JobMarker, ttlSeconds = 0): Promise<boolean> {
    const r = await this.redis.labTransition(this.hashKey(st.id), this.logKey(st.id), JSON.stringify(st), JSON.stringify(marker), String(ttlSeconds));
    return r === 1;
  }

  private async append(id: string, events: string[]): Promise<void> {
    await this.redis.labAppend(this.hashKey(id), this.logKey(id), ...events);
  }

  private connect(): Redis {
    const r = new Redis(this.opts.url, { maxRetriesPerRequest: null });
    r.on('error', () => undefined); // reported through the failing commands
    return r;
  }

  private hashKey(id: string) {
    return `${this.prefix}:job:${id}`;
  }
  private logKey(id: string) {
    return `${this.prefix}:job:${id}:log`;
  }
  private bullLockKey(id: string) {
    return `${this.prefix}:${this.queueName}:${bullId(id)}:lock`;
  }
  private cancelChannel() {
    return `${this.prefix}:cancel`;
  }
}

function bullId(id: string): string {
  return `build.${id}`;
}
