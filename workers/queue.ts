/**
 * The build queue: how a build started from the web (the Build button, later the graders)
 * reaches a build worker, and how its trace comes back to any number of viewers.
 *
 * Terms
 *   job        A BuildJob: who asked (owner), the context directory on the workers' host, the
 *              Dockerfile path inside it (or none for "Dockerfile"), tags, build args, target
 *              stage, no-cache. Jobs are plain JSON so that they can travel through Redis.
 *   worker     A loop that takes queued jobs and runs each with a JobHandler (build-worker.ts
 *              runs a real engine build). A queue may have several workers, each with a
 *              concurrency (jobs it runs at once).
 *   entry      One element of a job's event log: {index, event}. Indexes start at 0 and have no
 *              gaps. An event is either a build progress event of the engine
 *              (lib/engine/progress/events.ts) or a job lifecycle marker (`job.*` below).
 *   attempt    One run of a job by a worker (1-based). A job is run again when a worker died
 *              while running it and the backend retries it, or when a user retries it
 *              (retry() enqueues a copy as a new job).
 *
 * Lifecycle
 *   enqueue ──► queued ──► running ──► succeeded
 *                  ▲           │
 *                  │           └─────► failed  {code, message, retryable}
 *                  └── (the worker died; the backend runs it again, attempt + 1)
 *   The log of a job reads:
 *     job.queued, job.running{attempt:1}, build.started ... build.done, job.succeeded
 *   or ends with job.failed{code, message, retryable}. A retried attempt appears as a second
 *   job.running{attempt:2} followed by the build's events again from build.started.
 *   failed.retryable says whether running the same job again may succeed: a worker that died
 *   (WORKER_LOST), an unavailable resource or an internal error are retryable; a Dockerfile
 *   error, a failing RUN or a cancel (CANCELLED) are not.
 *   A job is never left "running" by a dead worker: the embedded queue marks its own leftover
 *   running jobs failed (WORKER_LOST) when it opens; the Redis queue relies on BullMQ's
 *   stalled-job check (the job's lock expires, another worker retries it or fails it) and
 *   reconciles its status hash with BullMQ's state whenever it is read.
 *
 * Events and replay
 *   subscribe(id, fromIndex) yields every entry from fromIndex on — first the ones already
 *   recorded, then the new ones as they arrive — and ends after the job's terminal marker
 *   (job.succeeded or job.failed). A viewer that reloads the page passes the index it had
 *   seen and continues without gaps or duplicates; a viewer that opens a finished build
 *   replays it from 0. Logs are kept after the job ends (NDJSON file per job in the embedded
 *   queue, a Redis stream in the BullMQ queue).
 *
 * Implementations
 *   embedded-queue.ts  in-process, no service to start; the default beside the web server.
 *   redis-queue.ts     BullMQ on Redis; any number of workers on any number of hosts.
 *   Both pass the same conformance suite (queue-conformance.ts).
 */
import type { BuildEvent } from '../lib/engine/progress/events.ts';

export interface BuildJob {
  id: string;
  owner: string;
  /** Absolute path of the build context on the worker's host. */
  contextDir: string;
  /** Dockerfile path inside the context (default "Dockerfile"). */
  dockerfile?: string;
  tags: string[];
  buildArgs: Record<string, string>;
  target?: string;
  noCache: boolean;
}

/** What enqueue() takes: the id is assigned by the queue when absent. */
export type JobInput = Omit<BuildJob, 'id' | 'tags' | 'buildArgs' | 'noCache'> &
  Partial<Pick<BuildJob, 'id' | 'tags' | 'buildArgs' | 'noCache'>>;

export type JobState = 'queued' | 'running' | 'succeeded' | 'failed';

export interface JobResult {
  imageId: string;
  manifestDigest: string;
  tags: string[];
  durationMs: number;
}

export interface JobFailure {
  code: string;
  message: string;
  /** Running the same job again may succeed. */
  retryable: boolean;
}

export interface JobStatus {
  id: string;
  job: BuildJob;
  state: JobState;
  /** Attempts started so far. */
  attempts: number;
  enqueuedAt: number;
  startedAt?: number;
  finishedAt?: number;
  /** Which worker runs / ran the last attempt (host:pid). */
  worker?: string;
  result?: JobResult;
  error?: JobFailure;
}

export type JobMarker =
  | { type: 'job.queued'; time: number; job: BuildJob }
  | { type: 'job.running'; time: number; attempt: number; worker: string }
  | { type: 'job.succeeded'; time: number; result: JobResult }
  | ({ type: 'job.failed'; time: number } & JobFailure);

export type JobEvent = BuildEvent | JobMarker;

export interface JobEntry {
  index: number;
  event: JobEvent;
}

export interface JobContext {
  attempt: number;
  /** Aborted by cancel() (and when the worker closes). */
  signal: AbortSignal;
  /** Forwards one build event to the job's log; never throws. */
  emit(event: BuildEvent): void;
}

/** Runs one job; resolves with its result or rejects (EngineError codes decide retryable). */
export type JobHandler = (job: BuildJob, ctx: JobContext) => Promise<JobResult>;

export interface WorkerOptions {
  /** Jobs this worker runs at once (default 1). */
  concurrency?: number;
}

export interface WorkerHandle {
  /** Stops taking jobs; running ones are aborted (embedded) or left to the backend's retry. */
  close(): Promise<void>;
}

export interface SubscribeOptions {
  /** Ends the iteration early (a viewer that went away). */
  signal?: AbortSignal;
}

export interface BuildQueue {
  readonly kind: 'embedded' | 'redis';
  /** Records the job as queued; returns its id. */
  enqueue(job: JobInput): Promise<string>;
  /** Undefined when no such job is known. */
  status(id: string): Promise<JobStatus | undefined>;
  /** Entries from fromIndex, then live ones, until the terminal marker. NOT_FOUND for unknown ids. */
  subscribe(id: string, fromIndex?: number, opts?: SubscribeOptions): AsyncIterable<JobEntry>;
  /** Queued: never runs; running: its signal is aborted. Either way it ends failed CANCELLED.
   *  False when the job had already finished. */
  cancel(id: string): Promise<boolean>;
  /** Enqueues a copy of a failed job under a new id; FAILED_PRECONDITION unless it failed retryably. */
  retry(id: string): Promise<string>;
  /** Starts a worker loop in this process. */
  startWorker(handler: JobHandler, opts?: WorkerOptions): Promise<WorkerHandle>;
  close(): Promise<void>;
}

export function isTerminal(event: JobEvent): boolean {
  return event.type === 'job.succeeded' || event.type === 'job.failed';
}
