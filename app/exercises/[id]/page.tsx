import type { Metadata } from 'next';
import Link from 'next/link';
import { notFound } from 'next/navigation';
import { findExercise, findStep } from '@/lib/content/loader.ts';
import { Markdown } from '@/components/markdown/Markdown.tsx';
import { SolutionReveal } from '@/components/classroom/SolutionReveal.tsx';
import { currentUser } from '@/lib/auth/current-user.ts';

type Params = { params: Promise<{ id: string }> };

export async function generateMetadata({ params }: Params): Promise<Metadata> {
  return { title: findExercise((await params).id)?.title ?? 'Exercise not found' };
}

export default async function ExercisePage({ params }: Params) {
  const ex = findExercise((await params).id);
  if (!ex) notFound();
  const step = findStep(ex.step);
  return (
    <article className="flex max-w-3xl flex-col gap-6">
      <p className="text-sm text-[var(--muted)]">
        <Link href="/exercises" className="hover:underline">Exercises</Link> · {ex.kind}
        {step && (
          <>
            {' · from '}
            <Link href={`/lesson/${step.slug}`} className="underline">step {step.step}: {step.title}</Link>
          </>
        )}
      </p>
      <h1 className="text-3xl font-bold">{ex.title}</h1>
      <p className="text-lg text-[var(--muted)]">{ex.summary}</p>
      <section aria-labelledby="task-h">
        <h2 id="task-h" className="mb-2 text-xl font-bold">Task</h2>
        <Markdown source={ex.task} />
      </section>
      {ex.hints && (
        <details className="rounded-lg border border-[var(--border)] p-4">
          <summary className="cursor-pointer font-semibold">Hints</summary>
          <div className="mt-3"><Markdown source={ex.hints} /></div>
        </details>
      )}
      <SolutionReveal exerciseId={ex.id} signedIn={(await currentUser()) !== null} />
    </article>
  );
}
