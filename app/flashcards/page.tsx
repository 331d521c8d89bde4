import type { Metadata } from 'next';
import { db } from '@/lib/db.ts';
import { requireUser } from '@/lib/auth/current-user.ts';
import { content } from '@/lib/content/loader.ts';
import { renderMarkdownHtml } from '@/lib/content/markdown.ts';
import { buildDeck } from '@/lib/flashcards/reviews.ts';
import { Drill, type CardView } from '@/components/flashcards/Drill.tsx';

export const metadata: Metadata = { title: 'Flashcards' };

export default async function FlashcardsPage() {
  const user = await requireUser('/flashcards');
  const { cards, steps } = content();
  const stepBySlug = new Map(steps.map((s) => [s.slug, s]));
  const views: CardView[] = await Promise.all(
    cards.map(async (c) => ({
      id: c.id,
      front: await renderMarkdownHtml(c.front),
      back: await renderMarkdownHtml(c.back),
      step: c.step,
      stepTitle: `${stepBySlug.get(c.step)?.step}. ${stepBySlug.get(c.step)?.title}`,
    })),
  );
  const deck = await buildDeck(db(), user.id, cards);
  return (
    <section className="flex flex-col gap-6">
      <h1 className="text-3xl font-bold">Flashcards</h1>
      <Drill cards={views} initialDeck={deck} />
    </section>
  );
}
