/**
 * Builds of the web lab: every image build a student runs — from the editor's Build button or
 * typed as `docker build` in the terminal — recorded with its whole trace, shown live in the
 * trace view and replayable later.
 *
 * Terms
 *   build        One row of the Build table: who (userId), where from (source 'web' | 'terminal'),
 *                what (Dockerfile path and text as built, tags), how it went (status, image id,
 *                error code and message, times).
 *   trace        The build's ordered entries {index, event}: engine progress events
 *                (lib/engine/progress/events.ts) and the queue's job.* markers
 *                (workers/queue.ts). Indexes start at 0 without gaps; the last entry is
 *                job.succeeded or job.failed (the terminal event), for both sources.
 *   web build    startWebBuild(): checked here, then a BuildJob on the BuildQueue (owner = the
 *                user's id = their daemon namespace, context = their workspace). A pump follows
 *                the job's log (queue.subscribe) and records every entry under the same index.
 *   terminal     A `docker build` the student's shell sent to the namespaced daemon; the daemon
 *   build        calls `observer(namespace, info)` and feeds it the events; the recorder numbers
 *                them and adds the terminal marker when the build ends.
 *
 * Lifecycle
 *   queued ──► running ──► succeeded | failed
 *   A web build is queued when its row is created (before the job is enqueued), running at
 *   job.running, finished at job.succeeded / job.failed. A terminal build starts running.
 *   After a server restart, builds left queued/running are looked at once (ready): a web build
 *   whose job the queue still knows is followed again from the stored event count (the
 *   embedded queue has by then failed its own leftovers WORKER_LOST, so the log says so); any
 *   other gets a job.failed WORKER_LOST entry and status failed — never stuck "running".
 *
 * Where events live
 *   - the queue's log (embedded NDJSON file or Redis stream): the source of a web build's
 *     trace while its job exists; it survives a web server restart, so the pump can resume;
 *   - the LiveHub (live-hub.ts): the entries of the builds this process is recording, in
 *     memory until they are stored — live viewers read them, so they never wait for the DB;
 *   - the database (build-store.ts): every entry, in batches, with the status in the same
 *     transaction; replay of finished builds (queue logs are deleted after some days).
 *   subscribe() (trace-stream.ts) reads the database up to where the live log starts, then
 *   the live log, and ends after the terminal event.
 *
 * Retention
 *   A user keeps their newest `keepPerUser` finished builds (default 100); starting a build
 *   deletes older ones with their events.
 *
 * Who sees what
 *   Every read takes the user id: another user's build id is NOT_FOUND, exactly like an
 *   unknown one. Routes (app/api/builds) turn EngineError codes into HTTP statuses (http.ts).
 */
import { EngineError } from '../engine/errors.ts';
import type { BuildObserver } from '../engine/daemon/build-observer.ts';
import type { BuildDone } from '../engine/progress/events.ts';
import type { Db } from '../db.ts';
import type { BuildQueue, JobEntry, JobEvent } from '../../workers/queue.ts';
import { BuildRecorder } from './build-recorder.ts';
import { ACTIVE_STATUSES, countActive, createBuildRow, getBuild, listBuilds, newestBuildId, pruneBuilds } from './build-store.ts';
import { LiveHub } from './live-hub.ts';
import { traceEntries } from './trace-stream.ts';
import { checkDockerfilePath, checkTags, readWorkspaceDockerfile } from './web-build-input.ts';
import { MAX_BUILDS_PER_USER } from '../engine/limits.ts';

export type { BuildObserver };
export type BuildSource = 'web' | 'terminal';
export type BuildStatus = 'queued' | 'running' | 'succeeded' | 'failed';

export interface BuildSummary {
  id: string;
  source: BuildSource;
  status: BuildStatus;
  tags: string[];
  dockerfilePath: string;
  imageId?: string;
  error?: { code: string; message: string };
  eventCount: number;
  /** ISO times. */
  createdAt: string;
  startedAt?: string;
  finishedAt?: string;
  durationMs?: number;
}

export interface BuildDetail extends BuildSummary {
  dockerfileText: string;
}

export interface WebBuildInput {
  dockerfile?: string;
  tags?: string[];
  noCache?: boolean;
}

export interface BuildService {
  startWebBuild(userId: string, input: WebBuildInput): Promise<{ id: string }>;
  /** For the namespaced daemon: records terminal builds (namespace = user id). */
  observer: BuildObserver;
  /** The trace from fromIndex: stored entries, then live ones, until the terminal event. */
  subscribe(userId: string, buildId: string, fromIndex?: number, opts?: { signal?: AbortSignal }): AsyncIterable<JobEntry>;
  /** The user's newest build id (if any), then the id of each build as it starts. */
  subscribeLatest(userId: string, opts?: { signal?: AbortSignal }): AsyncIterable<string>;
  list(userId: string): Promise<BuildSummary[]>;
  get(userId: string, buildId: string): Promise<BuildDetail | undefined>;
  /** Resolves when the restart check of leftover builds is done. */
  ready: Promise<void>;
  /** Stops following jobs (they keep running in the queue; a restart resumes them). */
  close(): Promise<void>;
}

export interface BuildServiceOptions {
  db: Db;
  queue: BuildQueue;
  workspaceDir: (userId: string) => Promise<string>;
  /** Queued + running builds a user may have at once (default 2). */
  maxActivePerUser?: number;
  /** Finished builds kept per user; older ones are deleted when a new one starts (default 100). */
  keepPerUser?: number;
  /** Recorder batching (tests use small values). */
  flushMs?: number;
}

const WORKER_LOST = (message: string): JobEvent => ({ type: 'job.failed', time: Date.now(), code: 'WORKER_LOST', message, retryable: true });

export function createBuildService(opts: BuildServiceOptions): BuildService {
  const { db, queue } = opts;
  const hub = new LiveHub();
  const maxActive = opts.maxActivePerUser ?? MAX_BUILDS_PER_USER; // counts terminal builds too (countActive)
  const stop = new AbortController();
  const pumps = new Set<Promise<void>>();
  const userLocks = new Map<string, Promise<unknown>>();
  const prune = (userId: string) =>
    void pruneBuilds(db, userId, opts.keepPerUser ?? 100).catch((err) => console.error('builds: pruning old builds failed:', err));

  /** Runs fn after the user's previous startWebBuild check (the limit is check-then-create). */
  function withUserLock<T>(userId: string, fn: () => Promise<T>): Promise<T> {
    const prev = userLocks.get(userId) ?? Promise.resolve();
    const run = prev.then(fn, fn);
    const tail = run.catch(() => undefined);
    userLocks.set(userId, tail);
    void tail.then(() => userLocks.get(userId) === tail && userLocks.delete(userId));
    return run;
  }

  /** Follows a job's log from the recorder's next index into the recorder. */
  function pump(rec: BuildRecorder, jobId: string): void {
    const p = (async () => {
      try {
        for await (const entry of queue.subscribe(jobId, rec.nextIndex, { signal: stop.signal })) {
          if (entry.index < rec.nextIndex) continue;
          if (entry.index > rec.nextIndex) throw new Error(`queue log skipped from ${rec.nextIndex} to ${entry.index}`);
          rec.push(entry.event);
        }
      } catch (err) {
        if (!stop.signal.aborted) console.error(`builds: following job ${jobId} failed:`, err);
      }
      if (!rec.terminal && !stop.signal.aborted) rec.push(WORKER_LOST('The build queue lost this job; start the build again.'));
      await rec.finish();
    })();
    pumps.add(p);
    void p.finally(() => pumps.delete(p));
  }

  async function recover(): Promise<void> {
    const stale = await db.build.findMany({ where: { status: { in: ACTIVE_STATUSES } }, select: { id: true, source: true, jobId: true, eventCount: true } });
    for (const b of stale) {
      if (hub.get(b.id)) continue;
      const job = b.source === 'web' && b.jobId ? await queue.status(b.jobId).catch(() => undefined) : undefined;
      const rec = new BuildRecorder(db, hub, b.id, { base: b.eventCount, flushMs: opts.flushMs });
      if (job) pump(rec, b.jobId!);
      else {
        rec.push(WORKER_LOST('The server stopped during this build; start it again.'));
        await rec.finish();
      }
    }
  }
  const ready = recover().catch((err) => console.error('builds: restart check failed:', err));

  async function startWebBuild(userId: string, input: WebBuildInput): Promise<{ id: string }> {
    const dockerfilePath = checkDockerfilePath(input.dockerfile);
    const tags = checkTags(input.tags);
    const contextDir = await opts.workspaceDir(userId);
    const dockerfileText = await readWorkspaceDockerfile(contextDir, dockerfilePath);
    const id = await withUserLock(userId, async () => {
      const active = await countActive(db, userId);
      if (active >= maxActive) {
        throw new EngineError('TOO_MANY_REQUESTS', `You already have ${active} builds queued or running (limit ${maxActive}); wait for one to finish.`);
      }
      return createBuildRow(db, { userId, source: 'web', status: 'queued', tags, dockerfilePath, dockerfileText });
    });
    const rec = new BuildRecorder(db, hub, id, { base: 0, flushMs: opts.flushMs });
    try {
      await queue.enqueue({ id, owner: userId, contextDir, dockerfile: dockerfilePath, tags, noCache: input.noCache ?? false });
      await db.build.update({ where: { id }, data: { jobId: id } });
    } catch (err) {
      rec.push({ type: 'job.failed', time: Date.now(), code: 'UNAVAILABLE', message: `The build queue refused the build: ${(err as Error).message}`, retryable: true });
      await rec.finish();
      throw err;
    }
    hub.started(userId, id);
    pump(rec, id);
    prune(userId);
    return { id };
  }

  const observer: BuildObserver = (namespace, info) => {
    const startedAt = new Date();
    let done: BuildDone | undefined;
    const created = (async () => {
      const user = await db.user.findUnique({ where: { id: namespace }, select: { id: true } });
      if (!user) return undefined; // e.g. the CLI's standalone `default` namespace
      return createBuildRow(db, {
        userId: user.id,
        source: 'terminal',
        status: 'running',
        startedAt,
        jobId: info.buildId,
        tags: info.tags,
        dockerfilePath: info.dockerfilePath,
        dockerfileText: info.dockerfileText,
      });
    })();
    // The row id is needed before the row exists: events are numbered and shown from the start.
    const pending: JobEvent[] = [];
    let rec: BuildRecorder | undefined;
    let ended: JobEvent | undefined;
    void created.then(
      (id) => {
        if (!id) return;
        rec = new BuildRecorder(db, hub, id, { base: 0, flushMs: opts.flushMs });
        hub.started(namespace, id);
        prune(namespace);
        for (const e of pending) rec.push(e);
        if (ended) void rec.finish();
      },
      (err) => console.error('builds: could not record a terminal build:', err),
    );
    const push = (e: JobEvent) => (rec ? rec.push(e) : pending.push(e));
    return {
      event(e) {
        if (e.type === 'build.done') done = e;
        push(e);
      },
      end(outcome) {
        const time = Date.now();
        ended = outcome.error
          ? { type: 'job.failed', time, code: outcome.error.code, message: outcome.error.message, retryable: false }
          : {
              type: 'job.succeeded',
              time,
              result: {
                imageId: outcome.imageId ?? done?.imageId ?? '',
                manifestDigest: done?.manifestDigest ?? '',
                tags: done?.tags ?? info.tags,
                durationMs: done?.durationMs ?? time - startedAt.getTime(),
              },
            };
        push(ended);
        if (rec) void rec.finish();
      },
    };
  };

  async function* subscribe(userId: string, buildId: string, fromIndex = 0, o: { signal?: AbortSignal } = {}): AsyncGenerator<JobEntry> {
    const row = await db.build.findFirst({ where: { id: buildId, userId }, select: { id: true } });
    if (!row) throw new EngineError('NOT_FOUND', 'There is no such build among yours.');
    yield* traceEntries(db, hub, buildId, fromIndex, { signal: o.signal });
  }

  async function* subscribeLatest(userId: string, o: { signal?: AbortSignal } = {}): AsyncGenerator<string> {
    const queued: string[] = [];
    let wake: (() => void) | undefined;
    const off = hub.onStarted(userId, (id) => {
      queued.push(id);
      wake?.();
    });
    const abort = () => wake?.();
    o.signal?.addEventListener('abort', abort);
    stop.signal.addEventListener('abort', abort);
    try {
      const newest = await newestBuildId(db, userId);
      if (newest && !queued.includes(newest)) yield newest;
      while (!o.signal?.aborted && !stop.signal.aborted) {
        const id = queued.shift();
        if (id) {
          yield id;
          continue;
        }
        await new Promise<void>((r) => (wake = r));
        wake = undefined;
      }
    } finally {
      off();
      o.signal?.removeEventListener('abort', abort);
      stop.signal.removeEventListener('abort', abort);
    }
  }

  return {
    startWebBuild,
    observer,
    subscribe,
    subscribeLatest,
    list: (userId) => listBuilds(db, userId),
    get: (userId, buildId) => getBuild(db, userId, buildId),
    ready,
    async close() {
      stop.abort();
      await Promise.allSettled([...pumps]);
    },
  };
}
