// A list of graded attempts, newest first: when, from where, how many checks passed, and each
// check's result with what was measured and expected; links to the builds the grader ran.
// Shown to instructors on a student's page (and usable on the student's own exercise page).
import Link from 'next/link';
import type { AttemptRecord } from '@/lib/classroom/attempts.ts';
import { Time } from './Time.tsx';

const SOURCE: Record<AttemptRecord['source'], string> = { web: 'Check button', terminal: 'terminal', cli: 'lab CLI' };

export function AttemptList({ attempts, empty = 'No attempts yet.' }: { attempts: AttemptRecord[]; empty?: string }) {
  if (attempts.length === 0) return <p className="text-sm text-[var(--muted)]">{empty}</p>;
  return (
    <ol className="flex flex-col gap-2" data-testid="attempts">
      {attempts.map((a) => (
        <li key={a.id} id={`attempt-${a.id}`} className="rounded-md border border-[var(--border)]">
          <details>
            <summary className="flex cursor-pointer flex-wrap items-center gap-x-3 gap-y-1 px-3 py-2 text-sm">
              <span className={`badge ${a.passed ? 'badge-passed' : 'badge-failed'}`}>{a.passed ? 'passed' : 'failed'}</span>
              <span>
                {a.checksPassed}/{a.checksTotal} checks
              </span>
              <Time at={a.createdAt} className="text-[var(--muted)]" />
              <span className="text-[var(--muted)]">from the {SOURCE[a.source]}</span>
              {a.durationMs !== null && <span className="text-[var(--muted)]">{(a.durationMs / 1000).toFixed(1)} s</span>}
            </summary>
            <div className="flex flex-col gap-2 border-t border-[var(--border)] px-3 py-2 text-sm">
              {a.error && (
                <p className="form-error">
                  {a.error.code}: {a.error.message}
                </p>
              )}
              <ul className="flex flex-col gap-2">
                {a.checks.map((c) => (
                  <li key={c.id} className="flex gap-2">
                    <span aria-hidden="true" className={c.passed ? 'text-green-700 dark:text-green-400' : 'text-red-700 dark:text-red-400'}>
                      {c.passed ? '✓' : '✗'}
                    </span>
                    <span className="sr-only">{c.passed ? 'passed:' : 'failed:'}</span>
                    <span className="flex flex-col">
                      <span className="font-medium">{c.title}</span>
                      <span className="text-[var(--muted)]">{c.message}</span>
                      {(c.measured || c.expected) && (
                        <span className="text-[var(--muted)]">
                          {c.measured && <>measured {c.measured}</>}
                          {c.measured && c.expected && ' · '}
                          {c.expected && <>expected {c.expected}</>}
                        </span>
                      )}
                      {c.hint && <span>Hint: {c.hint}</span>}
                      {c.link && /^\/(?!\/)/.test(c.link) && (
                        <Link href={c.link} className="underline">
                          Read about it
                        </Link>
                      )}
                    </span>
                  </li>
                ))}
              </ul>
              {(a.imageDigest || a.buildIds.length > 0) && (
                <p className="text-[var(--muted)]">
                  {a.imageDigest && (
                    <>
                      image <code title={a.imageDigest}>{a.imageDigest.slice(0, 19)}…</code>{' '}
                    </>
                  )}
                  {a.buildIds.map((id, i) => (
                    <span key={id}>
                      {i === 0 ? 'builds: ' : ', '}
                      <Link href={`/builds/${id}`} className="underline">
                        {id.slice(0, 10)}
                      </Link>
                    </span>
                  ))}
                </p>
              )}
            </div>
          </details>
        </li>
      ))}
    </ol>
  );
}
