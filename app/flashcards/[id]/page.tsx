import type { Metadata } from 'next';
import Link from 'next/link';
import { notFound } from 'next/navigation';
import { findCard, findStep } from '@/lib/content/loader.ts';
import { Markdown } from '@/components/markdown/Markdown.tsx';

type Params = { params: Promise<{ id: string }> };

export async function generateMetadata({ params }: Params): Promise<Metadata> {
  return { title: findCard((await params).id) ? 'Flashcard' : 'Card not found' };
}

/** One card, question and answer, with a link to its lesson step (no scheduling here). */
export default async function CardPage({ params }: Params) {
  const card = findCard((await params).id);
  if (!card) notFound();
  const step = findStep(card.step);
  return (
    <article className="flex max-w-2xl flex-col gap-6">
      <p className="text-sm text-[var(--muted)]">
        <Link href="/flashcards" className="hover:underline">Flashcards</Link> · {card.id}
      </p>
      <section className="rounded-xl border border-[var(--border)] p-6">
        <h1 className="mb-3 text-sm font-semibold uppercase text-[var(--muted)]">Question</h1>
        <Markdown source={card.front} />
      </section>
      <details className="rounded-xl border border-[var(--border)] p-6">
        <summary className="cursor-pointer font-semibold">Show the answer</summary>
        <div className="mt-3"><Markdown source={card.back} /></div>
      </details>
      {step && (
        <Link href={`/lesson/${step.slug}`} className="underline">
          From step {step.step}: {step.title}
        </Link>
      )}
    </article>
  );
}
