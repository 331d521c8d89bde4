// Persistence of flashcard reviews: the deck a user sees, grading, undo, and counts.
import type { Db } from '../db.ts';
import type { Flashcard } from '../content/types.ts';
import {
  grade,
  parseFields,
  pickCardFields,
  previewIntervals,
  serializeFields,
  type CardFields,
  type RatingValue,
} from './scheduler.ts';

export type DeckCard = {
  id: string;
  isNew: boolean;
  due: string | null;
  intervals: Record<RatingValue, string>;
};

export type Deck = {
  queue: DeckCard[]; // due cards (oldest first), then new cards in lesson order
  dueCount: number;
  newCount: number;
  learnedCount: number; // cards reviewed at least once
  total: number;
  canUndo: boolean;
  previews: Record<string, Record<RatingValue, string>>; // every card, for practice mode
  nextDue: string | null; // earliest future due time, when nothing is due now
};

export const LEARN_AHEAD_MS = 20 * 60_000;

export class ReviewError extends Error {
  constructor(readonly code: 'CARD_NOT_FOUND' | 'NOTHING_TO_UNDO', message: string) {
    super(message);
  }
}

export async function loadStates(db: Db, userId: string): Promise<Map<string, CardFields>> {
  const rows = await db.cardState.findMany({ where: { userId } });
  return new Map(rows.map((r) => [r.cardId, pickCardFields(r)]));
}

/** The user's deck at `now`. `first` puts one card at the front (the card just undone). */
export async function buildDeck(db: Db, userId: string, cards: Flashcard[], now = new Date(), first?: string): Promise<Deck> {
  const states = await loadStates(db, userId);
  const known = new Set(cards.map((c) => c.id));
  const due: { id: string; at: number }[] = [];
  const fresh: string[] = [];
  let learned = 0;
  for (const c of cards) {
    const s = states.get(c.id);
    if (!s) fresh.push(c.id);
    else {
      learned += 1;
      if (s.due.getTime() <= now.getTime()) due.push({ id: c.id, at: s.due.getTime() });
    }
  }
  due.sort((a, b) => a.at - b.at);
  // Learn ahead: with nothing due or new, cards in (re)learning due within 20 minutes come
  // back now instead of leaving the student waiting for a one-minute step.
  if (due.length === 0 && fresh.length === 0) {
    for (const c of cards) {
      const s = states.get(c.id);
      if (s && (s.state === 1 || s.state === 3) && s.due.getTime() <= now.getTime() + LEARN_AHEAD_MS) due.push({ id: c.id, at: s.due.getTime() });
    }
    due.sort((a, b) => a.at - b.at);
  }
  let order = [...due.map((d) => d.id), ...fresh];
  if (first && known.has(first)) order = [first, ...order.filter((id) => id !== first)];
  const queue = order.map((id) => {
    const s = states.get(id) ?? null;
    return { id, isNew: !s, due: s ? s.due.toISOString() : null, intervals: previewIntervals(s, now) };
  });
  const canUndo = (await db.reviewLog.count({ where: { userId } })) > 0;
  const previews: Deck['previews'] = {};
  let nextDue: number | null = null;
  for (const c of cards) {
    const s = states.get(c.id) ?? null;
    previews[c.id] = previewIntervals(s, now);
    if (s && s.due.getTime() > now.getTime()) nextDue = Math.min(nextDue ?? Infinity, s.due.getTime());
  }
  return {
    queue,
    dueCount: due.filter((d) => d.at <= now.getTime()).length,
    newCount: fresh.length,
    learnedCount: learned,
    total: cards.length,
    canUndo,
    previews,
    nextDue: nextDue === null ? null : new Date(nextDue).toISOString(),
  };
}

/** Grades one card and stores the new state plus a log row holding the previous state. */
export async function gradeCard(db: Db, userId: string, cardId: string, rating: RatingValue, now = new Date()) {
  const row = await db.cardState.findUnique({ where: { userId_cardId: { userId, cardId } } });
  const prev = row ? pickCardFields(row) : null;
  const { next, log } = grade(prev, rating, now);
  await db.$transaction([
    db.cardState.upsert({
      where: { userId_cardId: { userId, cardId } },
      create: { userId, cardId, ...next },
      update: next,
    }),
    db.reviewLog.create({
      data: {
        userId,
        cardId,
        rating,
        state: log.state,
        due: log.due,
        stability: log.stability,
        difficulty: log.difficulty,
        elapsedDays: log.elapsed_days,
        lastElapsedDays: log.last_elapsed_days,
        scheduledDays: log.scheduled_days,
        learningSteps: log.learning_steps,
        reviewedAt: now,
        prevCard: prev ? serializeFields(prev) : null,
      },
    }),
  ]);
  return next;
}

/** Undoes the user's most recent grade: the card gets back exactly the state it had. */
export async function undoLastReview(db: Db, userId: string): Promise<string> {
  const last = await db.reviewLog.findFirst({ where: { userId }, orderBy: [{ reviewedAt: 'desc' }, { id: 'desc' }] });
  if (!last) throw new ReviewError('NOTHING_TO_UNDO', 'There is no grade to undo.');
  const where = { userId_cardId: { userId, cardId: last.cardId } };
  await db.$transaction([
    db.reviewLog.delete({ where: { id: last.id } }),
    last.prevCard
      ? db.cardState.update({ where, data: parseFields(last.prevCard) })
      : db.cardState.delete({ where }),
  ]);
  return last.cardId;
}

/** Reviews per day for the last `days` days (UTC dates), oldest first. */
export async function reviewHistory(db: Db, userId: string, days = 14, now = new Date()) {
  const start = new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate() - (days - 1)));
  const logs = await db.reviewLog.findMany({ where: { userId, reviewedAt: { gte: start } }, select: { reviewedAt: true, rating: true } });
  const buckets = Array.from({ length: days }, (_, i) => {
    const d = new Date(start.getTime() + i * 86_400_000);
    return { date: d.toISOString().slice(0, 10), count: 0, again: 0 };
  });
  for (const l of logs) {
    const i = Math.floor((l.reviewedAt.getTime() - start.getTime()) / 86_400_000);
    if (buckets[i]) {
      buckets[i].count += 1;
      if (l.rating === 1) buckets[i].again += 1;
    }
  }
  return buckets;
}
