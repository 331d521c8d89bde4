import type { Metadata } from 'next';
import Link from 'next/link';
import { notFound } from 'next/navigation';
import { db } from '@/lib/db.ts';
import { currentUser } from '@/lib/auth/current-user.ts';
import { content, findStep } from '@/lib/content/loader.ts';
import { doneSteps } from '@/lib/progress/steps.ts';
import { Markdown } from '@/components/markdown/Markdown.tsx';
import { StepList } from '@/components/lesson/StepList.tsx';
import { StepDoneButton } from '@/components/lesson/StepDoneButton.tsx';

type Params = { params: Promise<{ slug: string }> };

export async function generateMetadata({ params }: Params): Promise<Metadata> {
  const step = findStep((await params).slug);
  return { title: step ? `${step.step}. ${step.title}` : 'Step not found' };
}

export default async function StepPage({ params }: Params) {
  const { slug } = await params;
  const step = findStep(slug);
  if (!step) notFound();
  const { steps, cards } = content();
  const user = await currentUser();
  const done = user ? await doneSteps(db(), user.id) : null;
  const i = steps.indexOf(step);
  const prev = steps[i - 1];
  const next = steps[i + 1];
  const stepCards = cards.filter((c) => c.step === step.slug).length;
  return (
    <div className="grid gap-8 lg:grid-cols-[16rem_1fr]">
      <nav aria-label="Lesson steps" className="lg:sticky lg:top-4 lg:self-start">
        <p className="mb-2 text-sm font-semibold text-[var(--muted)]">
          <Link href="/lesson" className="hover:underline">Lesson</Link>
          {done && ` · ${done.size}/${steps.length} done`}
        </p>
        <StepList steps={steps} done={done} current={step.slug} />
      </nav>
      <article className="min-w-0">
        <header className="mb-6 flex flex-col gap-1">
          <p className="text-sm text-[var(--muted)]">
            Step {step.step} of {steps.length} · {step.minutes} min
          </p>
          <h1 className="text-3xl font-bold">{step.title}</h1>
          <p className="text-lg text-[var(--muted)]">{step.summary}</p>
        </header>
        <Markdown source={step.body} />
        <footer className="mt-10 flex flex-col gap-6 border-t border-[var(--border)] pt-6">
          {user ? (
            <StepDoneButton slug={step.slug} done={done?.has(step.slug) ?? false} />
          ) : (
            <p className="text-[var(--muted)]">
              <Link href={`/signin?next=/lesson/${step.slug}`} className="underline">Sign in</Link> to tick steps off and keep your progress.
            </p>
          )}
          <p className="text-sm text-[var(--muted)]">
            <Link href="/terminal" className="underline">Try it in the terminal</Link>: a real shell where <code>docker</code> builds with the lab&apos;s engine.
          </p>
          {stepCards > 0 && (
            <p className="text-sm text-[var(--muted)]">
              {stepCards} flashcard{stepCards === 1 ? '' : 's'} come from this step. <Link href="/flashcards" className="underline">Drill them</Link>.
            </p>
          )}
          <nav aria-label="Previous and next step" className="flex justify-between gap-4">
            {prev ? (
              <Link href={`/lesson/${prev.slug}`} rel="prev" className="btn btn-ghost">
                ← {prev.step}. {prev.title}
              </Link>
            ) : (
              <span />
            )}
            {next ? (
              <Link href={`/lesson/${next.slug}`} rel="next" className="btn btn-ghost">
                {next.step}. {next.title} →
              </Link>
            ) : (
              <Link href="/pages/takeaways" className="btn btn-ghost">Takeaways →</Link>
            )}
          </nav>
        </footer>
      </article>
    </div>
  );
}
