'use server';
// Flashcard server actions: grade and undo for the signed-in user; each returns the fresh deck.
import { z } from 'zod';
import { db } from '@/lib/db.ts';
import { requireUser } from '@/lib/auth/current-user.ts';
import { content, findCard } from '@/lib/content/loader.ts';
import { buildDeck, gradeCard, ReviewError, undoLastReview, type Deck } from '@/lib/flashcards/reviews.ts';

export type DeckResult = { deck?: Deck; error?: string; undone?: string };

const gradeInput = z.object({ cardId: z.string().min(1).max(100), rating: z.number().int().min(1).max(4) });

export async function gradeAction(cardId: unknown, rating: unknown): Promise<DeckResult> {
  const user = await requireUser('/flashcards');
  const parsed = gradeInput.safeParse({ cardId, rating });
  if (!parsed.success) return { error: 'That grade was malformed: use Again, Hard, Good or Easy.' };
  if (!findCard(parsed.data.cardId)) return { error: `There is no flashcard “${parsed.data.cardId}”.` };
  await gradeCard(db(), user.id, parsed.data.cardId, parsed.data.rating as 1 | 2 | 3 | 4);
  return { deck: await buildDeck(db(), user.id, content().cards) };
}

export async function undoAction(): Promise<DeckResult> {
  const user = await requireUser('/flashcards');
  try {
    const cardId = await undoLastReview(db(), user.id);
    return { deck: await buildDeck(db(), user.id, content().cards, new Date(), cardId), undone: cardId };
  } catch (err) {
    if (err instanceof ReviewError) return { error: err.message };
    throw err;
  }
}
