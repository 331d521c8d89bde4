'use client';
// "Show the solution": the solution is fetched when the reader opens it (POST, see
// app/api/exercises/[id]/solution), so each opening by a signed-in student is recorded on the
// server — the text is not in the page to be read without it.
import { useRef, useState } from 'react';

type Segment = { kind: 'html'; html: string } | { kind: 'diagram'; name: string };
type State = { phase: 'closed' | 'loading' | 'shown' | 'error'; segments?: Segment[]; error?: string };

export function SolutionReveal({ exerciseId, signedIn }: { exerciseId: string; signedIn: boolean }) {
  const [state, setState] = useState<State>({ phase: 'closed' });
  const request = useRef(0);
  async function open() {
    const n = ++request.current;
    setState((s) => ({ ...s, phase: 'loading' }));
    try {
      const res = await fetch(`/api/exercises/${encodeURIComponent(exerciseId)}/solution`, { method: 'POST' });
      const body = (await res.json()) as { segments?: Segment[]; error?: string };
      if (n !== request.current) return;
      if (!res.ok || !body.segments) setState({ phase: 'error', error: body.error ?? `The server answered ${res.status}.` });
      else setState({ phase: 'shown', segments: body.segments });
    } catch {
      if (n === request.current) setState({ phase: 'error', error: 'Could not reach the lab. Check your connection and open it again.' });
    }
  }
  return (
    <details
      className="rounded-lg border border-[var(--border)] p-4"
      data-testid="solution"
      onToggle={(e) => {
        if ((e.currentTarget as HTMLDetailsElement).open) void open();
        else request.current++;
      }}
    >
      <summary className="cursor-pointer font-semibold">Show the solution</summary>
      {signedIn && <p className="mt-2 text-sm text-[var(--muted)]">Opening it is recorded: your instructor sees when you looked.</p>}
      <div className="mt-3" aria-live="polite">
        {state.phase === 'loading' && <p className="text-[var(--muted)]">Loading the solution…</p>}
        {state.phase === 'error' && (
          <p role="alert" className="form-error">
            {state.error}
          </p>
        )}
        {state.phase === 'shown' && (
          <div className="prose">
            {state.segments!.map((s, i) =>
              s.kind === 'html' ? (
                <div key={i} className="contents-flow" dangerouslySetInnerHTML={{ __html: s.html }} />
              ) : (
                <p key={i} className="text-[var(--muted)]">(A diagram, “{s.name}”, belongs here: see the lesson step.)</p>
              ),
            )}
          </div>
        )}
      </div>
    </details>
  );
}
