// Untrusted Dockerfile text is parsed and checked in worker threads, never on the web server's
// event loop: a small pool of reused workers (one job each at a time), each with a capped heap
// (resourceLimits) and a wall-clock timeout that terminates it; a bounded queue answers
// UNAVAILABLE when full. The frontend's own limits (lib/engine/dockerfile/limits.ts) make any
// single parse cheap; the pool is the second wall, for what those limits do not foresee.
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import type { Worker } from 'node:worker_threads';
import { EngineError, ErrorCodes } from '../engine/errors.ts';
import type { LintJob, Problem } from './dockerfile-problems.ts';

export interface LintPoolOptions {
  /** Worker threads at most (LAB_LINT_WORKERS, default 2). */
  workers: number;
  /** Jobs waiting for a worker at most (LAB_LINT_QUEUE, default 16); one more is refused. */
  queue: number;
  /** Wall-clock time of one job (LAB_LINT_TIMEOUT_MS, default 10000). */
  timeoutMs: number;
  /** Old-generation heap of one worker (LAB_LINT_WORKER_MEMORY_MB, default 256). */
  memoryMb: number;
  /** The repository root that holds lib/workspace (default: the working directory, like lib/content). */
  repoDir: string;
}

const ENV = { workers: ['LAB_LINT_WORKERS', 2], queue: ['LAB_LINT_QUEUE', 16], timeoutMs: ['LAB_LINT_TIMEOUT_MS', 10_000], memoryMb: ['LAB_LINT_WORKER_MEMORY_MB', 256] } as const;
/** A worker that has not loaded its code in this time is replaced (tsx compiles it on start). */
const BOOT_TIMEOUT_MS = 60_000;

export function lintPoolOptions(env: NodeJS.ProcessEnv = process.env): LintPoolOptions {
  const num = ([name, def]: readonly [string, number]) => {
    const n = Number(env[name]);
    return env[name] && Number.isSafeInteger(n) && n > 0 ? n : def;
  };
  return { workers: num(ENV.workers), queue: num(ENV.queue), timeoutMs: num(ENV.timeoutMs), memoryMb: num(ENV.memoryMb), repoDir: process.cwd() };
}

type Pending = { id: number; job: LintJob; resolve: (p: Problem[]) => void; reject: (e: Error) => void };
type Slot = { worker: Worker; ready: boolean; pending?: Pending; timer?: NodeJS.Timeout; failure?: EngineError };

const WORKER_FILES: readonly string[] = ['lint-worker-boot.mjs', 'lint-worker.ts'];

// The Worker constructor is taken from Node at run time, not imported: the site's bundler (Turbopack)
// treats `new Worker(path)` from 'node:worker_threads' as a bundle entry and would try to bundle the
// worker's tsx loader and esbuild's native binary into the route, which fails `next build`.
const WorkerThread: typeof Worker = process.getBuiltinModule('node:worker_threads').Worker;

export class LintPool {
  private readonly slots: Slot[] = [];
  private readonly queue: Pending[] = [];
  private nextId = 1;
  constructor(readonly opts: LintPoolOptions = lintPoolOptions()) {}

  /** Problems for one Dockerfile; rejects with EngineError RESOURCE_LIMIT, UNAVAILABLE or INTERNAL. */
  run(job: LintJob): Promise<Problem[]> {
    return new Promise((resolve, reject) => {
      const p: Pending = { id: this.nextId++, job, resolve, reject };
      const slot = this.freeSlot();
      if (slot) this.assign(slot, p);
      else if (this.queue.length >= this.opts.queue) {
        reject(new EngineError(ErrorCodes.UNAVAILABLE, 'The Dockerfile checker is busy with other students; try again in a moment.'));
      } else this.queue.push(p);
    });
  }

  /** Workers alive now (for tests and the status page). */
  get size(): number {
    return this.slots.length;
  }

  async close(): Promise<void> {
    const slots = this.slots.splice(0);
    for (const p of this.queue.splice(0)) p.reject(new EngineError(ErrorCodes.CANCELLED, 'the Dockerfile checker stopped'));
    await Promise.all(slots.map((s) => s.worker.terminate()));
  }

  private freeSlot(): Slot | undefined {
    const idle = this.slots.find((s) => !s.pending);
    if (idle) return idle;
    if (this.slots.length < this.opts.workers) return this.spawn();
    return undefined;
  }

  private spawn(): Slot {
    const dir = path.join(this.opts.repoDir, 'lib', 'workspace');
    const [boot, entry] = WORKER_FILES.map((f) => path.join(dir, f));
    const worker = new WorkerThread(boot, {
      workerData: { entry: pathToFileURL(entry).href },
      resourceLimits: { maxOldGenerationSizeMb: this.opts.memoryMb, maxYoungGenerationSizeMb: 16, stackSizeMb: 4 },
    });
    worker.unref(); // an idle checker never keeps the server alive
    const slot: Slot = { worker, ready: false };
    this.slots.push(slot);
    slot.timer = setTimeout(() => this.kill(slot, new EngineError(ErrorCodes.UNAVAILABLE, 'The Dockerfile checker did not start; try again.')), BOOT_TIMEOUT_MS);
    worker.on('message', (m: { ready?: true; id?: number; problems?: Problem[]; error?: string }) => {
      if (m.ready) {
        slot.ready = true;
        clearTimeout(slot.timer);
        if (slot.pending) this.post(slot);
        return;
      }
      const p = slot.pending;
      if (!p || m.id !== p.id) return;
      clearTimeout(slot.timer);
      slot.pending = undefined;
      if (m.problems) p.resolve(m.problems);
      else p.reject(new EngineError(ErrorCodes.INTERNAL, `the Dockerfile checker failed: ${m.error ?? 'no answer'}`));
      this.drain(slot);
    });
    worker.on('error', (err: Error & { code?: string }) => {
      slot.failure ??=
        err.code === 'ERR_WORKER_OUT_OF_MEMORY'
          ? new EngineError(ErrorCodes.RESOURCE_LIMIT, `checking this Dockerfile needed more than ${this.opts.memoryMb} MiB of memory; it was stopped (limit set by LAB_LINT_WORKER_MEMORY_MB)`)
          : new EngineError(ErrorCodes.INTERNAL, 'the Dockerfile checker failed; try again', { cause: err });
    });
    worker.on('exit', () => {
      clearTimeout(slot.timer);
      const i = this.slots.indexOf(slot);
      if (i >= 0) this.slots.splice(i, 1);
      const p = slot.pending;
      slot.pending = undefined;
      p?.reject(slot.failure ?? new EngineError(ErrorCodes.WORKER_LOST, 'the Dockerfile checker stopped; try again'));
      const next = this.queue.shift();
      if (next) {
        const s = this.freeSlot();
        if (s) this.assign(s, next);
        else this.queue.unshift(next);
      }
    });
    return slot;
  }

  private assign(slot: Slot, p: Pending): void {
    slot.pending = p;
    if (slot.ready) this.post(slot);
  }

  private post(slot: Slot): void {
    const p = slot.pending!;
    const secs = this.opts.timeoutMs / 1000;
    const limit = `checking this Dockerfile took longer than ${secs} s; it was stopped (limit set by LAB_LINT_TIMEOUT_MS)`;
    slot.timer = setTimeout(() => this.kill(slot, new EngineError(ErrorCodes.RESOURCE_LIMIT, limit)), this.opts.timeoutMs);
    slot.worker.postMessage({ id: p.id, job: p.job });
  }

  private kill(slot: Slot, why: EngineError): void {
    slot.failure ??= why;
    void slot.worker.terminate();
  }

  private drain(slot: Slot): void {
    const next = this.queue.shift();
    if (next) this.assign(slot, next);
  }
}

let shared: LintPool | undefined;
/** The process's pool, created on first use. */
export function lintPool(): LintPool {
  shared ??= new LintPool();
  return shared;
}
