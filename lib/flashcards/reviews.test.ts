import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { backends, type TestDb } from '../site/test-db.ts';
import { createUser } from '../auth/users.ts';
import type { Flashcard } from '../content/types.ts';
import { buildDeck, gradeCard, reviewHistory, undoLastReview } from './reviews.ts';
import { pickCardFields } from './scheduler.ts';

const cards: Flashcard[] = ['a', 'b', 'c'].map((id) => ({ id: `card-${id}`, step: 'build-context', front: 'Q', back: 'A', origin: 'lab' }));
const t0 = new Date('2026-03-01T09:00:00Z');

describe.each(backends)('reviews on $name', ({ make }) => {
  let t: TestDb;
  let userId: string;
  let otherId: string;
  beforeAll(async () => {
    t = await make();
    userId = (await createUser(t.db, 'rev@example.com', 'a long password')).id;
    otherId = (await createUser(t.db, 'other@example.com', 'a long password')).id;
  });
  afterAll(async () => {
    await t?.cleanup();
  });

  it('starts with every card new, in lesson order', async () => {
    const deck = await buildDeck(t.db, userId, cards, t0);
    expect(deck.queue.map((c) => c.id)).toEqual(['card-a', 'card-b', 'card-c']);
    expect([deck.newCount, deck.dueCount, deck.learnedCount, deck.canUndo]).toEqual([3, 0, 0, false]);
  });

  it('grading stores state and a log; the card leaves the queue until due', async () => {
    await gradeCard(t.db, userId, 'card-a', 3, t0);
    const deck = await buildDeck(t.db, userId, cards, t0);
    expect(deck.queue.map((c) => c.id)).toEqual(['card-b', 'card-c']);
    expect([deck.newCount, deck.learnedCount, deck.canUndo]).toEqual([2, 1, true]);
    const later = new Date(t0.getTime() + 86_400_000);
    const dueDeck = await buildDeck(t.db, userId, cards, later);
    expect(dueDeck.queue[0]).toMatchObject({ id: 'card-a', isNew: false });
    expect(dueDeck.dueCount).toBe(1);
    // Another user is untouched.
    expect((await buildDeck(t.db, otherId, cards, later)).learnedCount).toBe(0);
  });

  it('undo restores the previous state exactly, and then removes a first review', async () => {
    const key = { userId_cardId: { userId, cardId: 'card-a' } };
    const before = pickCardFields((await t.db.cardState.findUniqueOrThrow({ where: key }))!);
    await gradeCard(t.db, userId, 'card-a', 1, new Date(t0.getTime() + 3_600_000));
    const after = pickCardFields(await t.db.cardState.findUniqueOrThrow({ where: key }));
    expect(after).not.toEqual(before);
    expect(await undoLastReview(t.db, userId)).toBe('card-a');
    expect(pickCardFields(await t.db.cardState.findUniqueOrThrow({ where: key }))).toEqual(before);
    expect(await undoLastReview(t.db, userId)).toBe('card-a');
    expect(await t.db.cardState.findUnique({ where: key })).toBeNull();
    await expect(undoLastReview(t.db, userId)).rejects.toMatchObject({ code: 'NOTHING_TO_UNDO' });
    const deck = await buildDeck(t.db, userId, cards, t0, 'card-c');
    expect(deck.queue[0].id).toBe('card-c');
    expect(deck.learnedCount).toBe(0);
  });

  it('learns ahead: with nothing due or new, a card in learning comes back early', async () => {
    const few = cards.slice(0, 1);
    const u = (await createUser(t.db, 'ahead@example.com', 'a long password')).id;
    await gradeCard(t.db, u, 'card-a', 1, t0); // Again: due again in a minute or so
    const soon = await buildDeck(t.db, u, few, new Date(t0.getTime() + 1000));
    expect(soon.queue.map((c) => c.id)).toEqual(['card-a']);
    expect(soon.dueCount).toBe(0);
    await gradeCard(t.db, u, 'card-a', 4, new Date(t0.getTime() + 2000)); // Easy: days away
    expect((await buildDeck(t.db, u, few, new Date(t0.getTime() + 3000))).queue).toEqual([]);
  });

  it('counts reviews per day for the history chart', async () => {
    await gradeCard(t.db, userId, 'card-b', 3, t0);
    await gradeCard(t.db, userId, 'card-c', 1, t0);
    await gradeCard(t.db, userId, 'card-b', 3, new Date(t0.getTime() + 2 * 86_400_000));
    const h = await reviewHistory(t.db, userId, 7, new Date(t0.getTime() + 2 * 86_400_000));
    expect(h).toHaveLength(7);
    expect(h.at(-1)).toMatchObject({ date: '2026-03-03', count: 1, again: 0 });
    expect(h.at(-3)).toMatchObject({ date: '2026-03-01', count: 2, again: 1 });
  });
});
