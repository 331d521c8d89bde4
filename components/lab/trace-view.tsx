'use client';
// The build trace: one build's steps, live while it runs and replayed when it is done — CACHED or
// MISS (and why), duration, layer size and digest, the log of each step, each step linked to its
// Dockerfile line. The events come from /api/builds/<id>/events (SSE: EventSource resumes after
// the last id it saw on reconnect); with follow="latest" the view switches to each new build of
// the user, including the ones typed in the terminal (/api/builds/latest/stream).
// Clicking `line N` dispatches window CustomEvent('lab:goto-line', {detail: {path, line}}):
// the editor (and the Dockerfile listing on /builds/<id>) open that line.
import { useEffect, useReducer, useRef, useState } from 'react';
import { formatDuration, formatSize, initialTrace, reduceTrace, shortDigest, type JobEvent, type TraceState, type TraceStep } from '@/lib/builds/trace-model.ts';

type Conn = 'connecting' | 'live' | 'ended' | 'reconnecting' | 'error';

export function gotoLine(path: string, line: number): void {
  window.dispatchEvent(new CustomEvent('lab:goto-line', { detail: { path, line } }));
}

/** Follows the user's newest build id (SSE `event: build`). */
function useLatestBuild(enabled: boolean): string | undefined {
  const [id, setId] = useState<string>();
  useEffect(() => {
    if (!enabled) return;
    const es = new EventSource('/api/builds/latest/stream');
    es.addEventListener('build', (ev) => setId((JSON.parse((ev as MessageEvent).data) as { id: string }).id));
    return () => es.close();
  }, [enabled]);
  return id;
}

/** The trace of one build, live. Re-renders at most once per animation frame. */
function useTrace(buildId: string | undefined): { trace: TraceState; conn: Conn; problem?: string } {
  const model = useRef<TraceState>(initialTrace());
  const [, bump] = useReducer((n: number) => n + 1, 0);
  const [conn, setConn] = useState<Conn>('connecting');
  const [problem, setProblem] = useState<string>();
  useEffect(() => {
    model.current = initialTrace();
    setProblem(undefined);
    bump();
    if (!buildId) return;
    setConn('connecting');
    let frame = 0;
    const render = () => {
      if (!frame) frame = requestAnimationFrame(() => ((frame = 0), bump()));
    };
    const es = new EventSource(`/api/builds/${encodeURIComponent(buildId)}/events?from=0`);
    es.onopen = () => setConn('live');
    es.onmessage = (ev) => {
      reduceTrace(model.current, { index: Number(ev.lastEventId), event: JSON.parse(ev.data) as JobEvent });
      render();
    };
    es.addEventListener('end', () => {
      es.close();
      setConn('ended');
      render();
    });
    es.addEventListener('trace-error', (ev) => {
      es.close();
      setConn('error');
      setProblem((JSON.parse((ev as MessageEvent).data) as { message: string }).message);
    });
    es.onerror = () => {
      if (es.readyState === EventSource.CLOSED) {
        setConn('error');
        setProblem('This build could not be loaded (it may not be yours, or you were signed out).');
      } else setConn('reconnecting');
    };
    return () => {
      es.close();
      if (frame) cancelAnimationFrame(frame);
    };
  }, [buildId]);
  return { trace: model.current, conn, problem };
}

function LineLink({ path, line }: { path: string; line: number }) {
  return (
    <button
      type="button"
      onClick={() => gotoLine(path, line)}
      className="shrink-0 rounded px-1 text-xs text-[var(--accent)] underline decoration-dotted hover:decoration-solid"
      title={`Open ${path} at line ${line}`}
    >
      line {line}
    </button>
  );
}

const BADGE: Record<TraceStep['status'], string> = {
  running: 'border-amber-500 text-amber-700 dark:text-amber-300',
  cached: 'border-emerald-600 text-emerald-700 dark:text-emerald-300',
  done: 'border-sky-600 text-sky-700 dark:text-sky-300',
  error: 'border-red-600 text-red-700 dark:text-red-300',
};

function StepRow({ step, dockerfile }: { step: TraceStep; dockerfile: string }) {
  const cacheWord = step.metadata ? 'CONFIG' : step.status === 'cached' ? 'CACHED' : step.missReason ? 'MISS' : step.status === 'running' ? 'RUNNING' : step.status === 'error' ? 'ERROR' : 'DONE';
  const progress = Object.values(step.progress);
  return (
    <li data-testid="trace-step" data-status={step.status} className="rounded-md border border-[var(--border)] p-2 text-sm">
      <div className="flex flex-wrap items-baseline gap-x-2 gap-y-1">
        {step.position && <span className="font-mono text-xs text-[var(--muted)]">{step.position}</span>}
        <code className="min-w-0 flex-1 break-all">{step.text}</code>
        {step.line !== undefined && <LineLink path={dockerfile} line={step.line} />}
      </div>
      <div className="mt-1 flex flex-wrap items-center gap-x-3 gap-y-1 text-xs text-[var(--muted)]">
        <span className={`rounded border px-1 font-semibold ${BADGE[step.status]}`}>{cacheWord}</span>
        {step.missReason && <span>{step.missReason}</span>}
        {step.metadata && <span>image config only, no layer</span>}
        {step.durationMs !== undefined && !step.metadata && <span>{formatDuration(step.durationMs)}</span>}
        {step.layer && (
          <span title={`${step.layer.digest}; ${formatSize(step.layer.size)} compressed, as pushed to a registry`} data-testid="layer-size">
            {/* the files' size, as `docker history` shows it; the blob's compressed size is in the title */}
            layer {formatSize(step.layer.contentSize ?? step.layer.size)} <code>{shortDigest(step.layer.digest)}</code>
          </span>
        )}
        {step.status === 'done' && !step.layer && !step.metadata && <span>{/^FROM\s/i.test(step.text) ? 'base image' : 'no filesystem change'}</span>}
      </div>
      {step.error && (
        <p className="mt-1 text-xs text-red-700 dark:text-red-300">
          {step.error.code}: {step.error.message}
        </p>
      )}
      {progress.length > 0 && <p className="mt-1 text-xs text-[var(--muted)]">{progress.join(' · ')}</p>}
      {step.logs.length > 0 && (
        <details className="mt-1" open={step.status === 'running' || step.status === 'error'}>
          <summary className="cursor-pointer text-xs text-[var(--muted)]">log ({step.logs.length} lines)</summary>
          <pre className="mt-1 max-h-48 overflow-auto rounded bg-[var(--code-bg)] p-2 text-xs">
            {step.logs.map((l, i) => (
              <div key={i} className={l.stream === 'stderr' ? 'text-red-700 dark:text-red-300' : undefined}>
                {l.text}
              </div>
            ))}
          </pre>
        </details>
      )}
    </li>
  );
}

function InternalRow({ step }: { step: TraceStep }) {
  const progress = Object.values(step.progress);
  return (
    <li data-testid="trace-internal" data-status={step.status} className="break-all px-2 text-xs text-[var(--muted)]">
      {step.text}
      {progress.length > 0 && <> — {progress.join(' · ')}</>}
      {step.durationMs !== undefined && <> ({formatDuration(step.durationMs)})</>}
    </li>
  );
}

export default function TraceView({ buildId, follow }: { buildId?: string; follow?: 'latest' }) {
  const latest = useLatestBuild(follow === 'latest' && !buildId);
  const id = buildId ?? latest;
  const { trace, conn, problem } = useTrace(id);
  const title = trace.tags.length ? trace.tags.join(', ') : id ? `build ${id.slice(-8)}` : 'Build trace';
  return (
    <section data-testid="trace-view" aria-label="Build trace" aria-live="polite" className="flex flex-col gap-3">
      <header className="flex flex-wrap items-center gap-2">
        <h2 className="text-sm font-semibold">{title}</h2>
        {id && (
          <span data-testid="trace-build-status" data-status={trace.status} className={`rounded border px-1 text-xs font-semibold ${trace.status === 'failed' ? BADGE.error : trace.status === 'succeeded' ? BADGE.done : BADGE.running}`}>
            {trace.status}
          </span>
        )}
        {trace.durationMs !== undefined && <span className="text-xs text-[var(--muted)]">{formatDuration(trace.durationMs)}</span>}
        {conn === 'reconnecting' && <span className="text-xs text-[var(--muted)]">reconnecting…</span>}
        {id && !buildId && (
          <a href={`/builds/${id}`} className="ml-auto text-xs text-[var(--accent)] underline">
            open
          </a>
        )}
      </header>
      {!id && (
        <p className="text-sm text-[var(--muted)]">
          No build yet. Run <code>docker build -t myapp:v1 .</code> in the terminal or press Build: its steps show here, cached or rebuilt,
          with how long each took and the layer it made.
        </p>
      )}
      {problem && (
        <p role="alert" className="form-error text-sm">
          {problem}
        </p>
      )}
      {trace.error && (
        <div role="alert" className="form-error text-sm">
          <strong>{trace.error.code}</strong>: {trace.error.message}
          {trace.error.line !== undefined && (
            <>
              {' '}
              (<LineLink path={trace.dockerfile} line={trace.error.line} />)
            </>
          )}
          {trace.error.retryable && <> — this can succeed if you build again.</>}
        </div>
      )}
      {trace.steps.length > 0 && (
        <ol className="flex flex-col gap-2">
          {trace.steps.map((s) => (s.internal ? <InternalRow key={s.key} step={s} /> : <StepRow key={s.key} step={s} dockerfile={trace.dockerfile} />))}
        </ol>
      )}
      {trace.imageId && trace.status === 'succeeded' && (
        <p className="text-xs text-[var(--muted)]">
          image <code title={trace.imageId}>{shortDigest(trace.imageId)}</code>
        </p>
      )}
    </section>
  );
}
