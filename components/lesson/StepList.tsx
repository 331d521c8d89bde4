import Link from 'next/link';
import type { Step } from '@/lib/content/types.ts';

type Props = { steps: Step[]; done: Set<string> | null; current?: string };

/** The ordered steps with a tick for each one the user marked done (null: signed out). */
export function StepList({ steps, done, current }: Props) {
  return (
    <ol className="flex flex-col gap-1" data-testid="step-list">
      {steps.map((s) => {
        const isDone = done?.has(s.slug) ?? false;
        const here = s.slug === current;
        return (
          <li key={s.slug}>
            <Link
              href={`/lesson/${s.slug}`}
              aria-current={here ? 'page' : undefined}
              className={`flex items-start gap-2 rounded-md px-2 py-1.5 hover:bg-[var(--bg-soft)] ${here ? 'bg-[var(--bg-soft)] font-semibold' : ''}`}
            >
              <span
                aria-label={done ? (isDone ? 'done' : 'not done') : undefined}
                className={`mt-0.5 inline-flex h-5 w-5 shrink-0 items-center justify-center rounded-full border text-xs ${isDone ? 'border-green-600 bg-green-600 text-white' : 'border-[var(--border)]'}`}
              >
                {isDone ? '✓' : s.step}
              </span>
              <span>{s.title}</span>
            </Link>
          </li>
        );
      })}
    </ol>
  );
}
