import type { Metadata } from 'next';
import Link from 'next/link';
import { db } from '@/lib/db.ts';
import { currentUser } from '@/lib/auth/current-user.ts';
import { content } from '@/lib/content/loader.ts';
import { doneSteps } from '@/lib/progress/steps.ts';
import { Markdown } from '@/components/markdown/Markdown.tsx';
import { Inline } from '@/components/markdown/Inline.tsx';

export const metadata: Metadata = { title: 'Lesson' };

export default async function LessonIndex() {
  const { course, steps, pages } = content();
  const user = await currentUser();
  const done = user ? await doneSteps(db(), user.id) : null;
  return (
    <div className="flex flex-col gap-8">
      <header className="flex flex-col gap-2">
        <h1 className="text-3xl font-bold">
          <Inline source={course.title} />
        </h1>
        <p className="text-[var(--muted)]">
          {course.level} · about {course.minutes} minutes · {steps.length} steps
        </p>
      </header>
      <Markdown source={course.intro} />
      <p className="text-sm text-[var(--muted)]">Prerequisites: {course.prerequisites}</p>
      <section aria-labelledby="steps-h">
        <h2 id="steps-h" className="mb-3 text-xl font-bold">
          Steps {done && <span className="text-base font-normal text-[var(--muted)]">({done.size} of {steps.length} done)</span>}
        </h2>
        <ol className="grid gap-3 sm:grid-cols-2" data-testid="step-cards">
          {steps.map((s) => (
            <li key={s.slug} className="rounded-lg border border-[var(--border)] p-4">
              <Link href={`/lesson/${s.slug}`} className="font-semibold hover:underline">
                {s.step}. {s.title}
              </Link>
              {done?.has(s.slug) && <span className="ml-2 text-green-600" aria-label="done">✓</span>}
              <p className="mt-1 text-sm text-[var(--muted)]">{s.summary}</p>
              <p className="mt-1 text-xs text-[var(--muted)]">{s.minutes} min</p>
            </li>
          ))}
        </ol>
      </section>
      {pages.length > 0 && (
        <section aria-labelledby="pages-h">
          <h2 id="pages-h" className="mb-3 text-xl font-bold">Around the lesson</h2>
          <ul className="flex flex-wrap gap-3">
            {pages.map((p) => (
              <li key={p.slug}>
                <Link href={`/pages/${p.slug}`} className="btn btn-ghost">
                  {p.title}
                </Link>
              </li>
            ))}
          </ul>
        </section>
      )}
    </div>
  );
}
