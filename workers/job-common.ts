// Helpers both queue backends share: job validation, ids, failure classification.
import { randomBytes } from 'node:crypto';
import os from 'node:os';
import path from 'node:path';
import { z } from 'zod';
import { EngineError, RETRYABLE, type ErrorCode } from '../lib/engine/errors.ts';
import type { BuildJob, JobFailure, JobInput, JobStatus } from './queue.ts';

const jobSchema = z.object({
  id: z.string().regex(/^[A-Za-z0-9][A-Za-z0-9_.-]{0,127}$/, 'job ids are letters, digits, _ . - (max 128)'),
  owner: z.string().min(1),
  contextDir: z.string().min(1),
  dockerfile: z.string().min(1).optional(),
  tags: z.array(z.string().min(1)),
  buildArgs: z.record(z.string(), z.string()),
  target: z.string().min(1).optional(),
  noCache: z.boolean(),
});

export function newJobId(): string {
  return `${Date.now().toString(36)}-${randomBytes(6).toString('hex')}`;
}

/** Fills defaults and checks the job; INVALID_INPUT with the first problem otherwise. */
export function normalizeJob(input: JobInput): BuildJob {
  const parsed = jobSchema.safeParse({
    tags: [],
    buildArgs: {},
    noCache: false,
    ...input,
    id: input.id ?? newJobId(),
  });
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new EngineError('INVALID_INPUT', `build job: ${issue.path.join('.') || 'job'}: ${issue.message}`);
  }
  const job = parsed.data as BuildJob;
  if (!path.isAbsolute(job.contextDir)) throw new EngineError('INVALID_INPUT', `build job: contextDir must be an absolute path, got ${job.contextDir}`);
  // Drop undefined optionals so the JSON is the same in every backend.
  for (const k of ['dockerfile', 'target'] as const) if (job[k] === undefined) delete job[k];
  return job;
}

export function failureOf(err: unknown): JobFailure {
  if (err instanceof EngineError) {
    return { code: err.code, message: err.describe(), retryable: RETRYABLE.has(err.code) };
  }
  const e = err as { code?: unknown; message?: unknown };
  if (e && typeof e.code === 'string' && typeof e.message === 'string' && /^[A-Z_]+$/.test(e.code)) {
    return { code: e.code, message: e.message, retryable: RETRYABLE.has(e.code as ErrorCode) };
  }
  return { code: 'INTERNAL', message: err instanceof Error ? err.message : String(err), retryable: true };
}

export function cancelledFailure(): JobFailure {
  return { code: 'CANCELLED', message: 'the build was cancelled', retryable: false };
}

export function workerLostFailure(detail: string): JobFailure {
  return { code: 'WORKER_LOST', message: `the worker running this build stopped (${detail}); run it again`, retryable: true };
}

export function workerName(): string {
  return `${os.hostname()}:${process.pid}`;
}

/**
 * The job settings for a retry of `st` (a new job with the same settings), or an error when the
 * job is unknown or did not fail retryably. Both queues enqueue what this returns.
 */
export function retrySettings(id: string, st: JobStatus | undefined): Omit<BuildJob, 'id'> {
  if (!st) throw new EngineError('NOT_FOUND', `no build job ${id}`);
  if (st.state !== 'failed' || !st.error?.retryable) {
    throw new EngineError('FAILED_PRECONDITION', `build job ${id} is ${st.state}${st.error ? ` (${st.error.code})` : ''}: only a job that failed retryably can be retried`);
  }
  const { id: _old, ...job } = st.job;
  return job;
}
