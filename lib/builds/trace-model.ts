// What the trace view shows, computed from a build's entries alone (no React here, so it is
// testable and the view stays a thin renderer). reduceTrace mutates the state in place: a long
// build has thousands of log lines and the view re-renders once per animation frame.
import type { LayerSummary } from '../engine/progress/events.ts';
import { familiarName, humanSize as progressSize } from '../engine/progress/format.ts';
import { humanSize } from '../engine/image/human-units.ts';
import type { JobEntry } from '../../workers/queue.ts';

/** The events a trace is made of, as the SSE stream sends them (the queue's job events). */
export type { JobEvent } from '../../workers/queue.ts';
import type { BuildStatus } from './build-service.ts';

export type StepStatus = 'running' | 'cached' | 'done' | 'error';

export interface TraceStep {
  key: string;
  vertex?: number;
  /** "[2/4]" or "[builder 2/4]" for Dockerfile steps. */
  position?: string;
  /** The instruction as written, or the vertex name ("[internal] load build context"). */
  text: string;
  internal: boolean;
  /** A metadata instruction (ENV, CMD...): no vertex, no layer. */
  metadata: boolean;
  line?: number;
  status: StepStatus;
  /** Why the step ran (vertex.miss); undefined for cached steps. */
  missReason?: string;
  startedAt?: number;
  durationMs?: number;
  layer?: LayerSummary;
  error?: { code: string; message: string };
  logs: { stream: 'stdout' | 'stderr'; text: string }[];
  /** Progress lines by id ("transferring context: 15.2MB"), latest text. */
  progress: Record<string, string>;
}

export interface TraceState {
  status: BuildStatus;
  nextIndex: number;
  attempt: number;
  dockerfile: string;
  tags: string[];
  steps: TraceStep[];
  imageId?: string;
  durationMs?: number;
  startedAt?: number;
  error?: { code: string; message: string; line?: number; retryable?: boolean };
}

export const MAX_LOG_LINES_PER_STEP = 2000;

export function initialTrace(): TraceState {
  return { status: 'queued', nextIndex: 0, attempt: 0, dockerfile: 'Dockerfile', tags: [], steps: [] };
}

function stepOf(state: TraceState, vertex: number): TraceStep | undefined {
  for (let i = state.steps.length - 1; i >= 0; i--) if (state.steps[i].vertex === vertex) return state.steps[i];
  return undefined;
}

/** Applies one entry; entries already applied (index below nextIndex) are ignored. */
export function reduceTrace(state: TraceState, entry: JobEntry): TraceState {
  if (entry.index < state.nextIndex) return state;
  state.nextIndex = entry.index + 1;
  const e = entry.event;
  switch (e.type) {
    case 'job.queued':
      state.status = 'queued';
      state.tags = e.job.tags;
      state.dockerfile = e.job.dockerfile ?? 'Dockerfile';
      break;
    case 'job.running':
      // A retried attempt runs the build again from the start.
      state.attempt = e.attempt;
      state.status = 'running';
      state.steps = [];
      state.error = undefined;
      break;
    case 'build.started':
      state.status = 'running';
      state.startedAt = e.time;
      state.dockerfile = e.dockerfile;
      if (state.tags.length === 0) state.tags = e.tags.map(familiarName); // as typed (job.queued) reads better
      state.steps = [];
      break;
    case 'vertex.started': {
      const pos = e.step ? `[${e.step.stageName ? `${e.step.stageName} ` : ''}${e.step.index}/${e.step.total}]` : undefined;
      state.steps.push({
        key: `v${e.vertex}`,
        vertex: e.vertex,
        position: pos,
        text: e.instruction ?? e.name,
        internal: !!e.internal || !e.step,
        metadata: false,
        line: e.range?.start,
        status: 'running',
        startedAt: e.time,
        logs: [],
        progress: {},
      });
      break;
    }
    case 'vertex.status': {
      const s = stepOf(state, e.vertex);
      // Transfers carry their size in `current` ("transferring context: 16.96MB" is the lesson on .dockerignore),
      // written as the terminal's --progress=plain writes the same line.
      if (s) s.progress[e.id] = e.current !== undefined ? `${e.text} ${progressSize(e.current)}` : e.text;
      break;
    }
    case 'vertex.log': {
      const s = stepOf(state, e.vertex);
      if (s && s.logs.length < MAX_LOG_LINES_PER_STEP) s.logs.push({ stream: e.stream, text: e.text });
      break;
    }
    case 'vertex.miss': {
      const s = stepOf(state, e.vertex);
      if (s) s.missReason = e.reason;
      break;
    }
    case 'vertex.cached': {
      const s = stepOf(state, e.vertex);
      if (s) Object.assign(s, { status: 'cached', durationMs: e.time - (s.startedAt ?? e.time) });
      break;
    }
    case 'vertex.done': {
      const s = stepOf(state, e.vertex);
      if (s) Object.assign(s, { status: 'done', durationMs: e.durationMs, layer: e.layer });
      break;
    }
    case 'vertex.error': {
      const s = stepOf(state, e.vertex);
      if (s) Object.assign(s, { status: 'error', durationMs: e.durationMs, error: { code: e.code, message: e.message }, line: s.line ?? e.range?.start });
      break;
    }
    case 'step.metadata':
      state.steps.push({
        key: `m${entry.index}`,
        // Like BuildKit, only filesystem steps are numbered [n/N].
        text: e.instruction,
        internal: false,
        metadata: true,
        line: e.range?.start,
        status: 'done',
        logs: [],
        progress: {},
      });
      break;
    case 'build.done':
      state.imageId = e.imageId;
      state.durationMs = e.durationMs;
      break;
    case 'build.error':
      state.durationMs = e.durationMs;
      state.error = { code: e.code, message: e.message, line: e.range?.start };
      break;
    case 'job.succeeded':
      state.status = 'succeeded';
      state.imageId = e.result.imageId || state.imageId;
      state.durationMs ??= e.result.durationMs;
      break;
    case 'job.failed':
      state.status = 'failed';
      // The build's own error (with its Dockerfile line) says more than the job's summary.
      state.error = state.error ?? { code: e.code, message: e.message, retryable: e.retryable };
      for (const s of state.steps) if (s.status === 'running') s.status = 'error';
      break;
  }
  return state;
}

/** Layer sizes as `docker history` prints them (3 significant digits): 2.05kB, 15.2MB. */
export function formatSize(bytes: number): string {
  return humanSize(bytes, 3);
}

export function formatDuration(ms: number): string {
  if (ms < 60_000) return `${(ms / 1000).toFixed(1)}s`;
  const s = Math.round(ms / 1000);
  return `${Math.floor(s / 60)}m ${String(s % 60).padStart(2, '0')}s`;
}

// The terminal's renderers and the trace view print references and digests the same way.
export { familiarName, shortId as shortDigest } from '../engine/progress/format.ts';
