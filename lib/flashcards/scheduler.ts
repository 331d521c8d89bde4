/**
 * Flashcard scheduling glue around ts-fsrs (the FSRS algorithm; we never compute intervals
 * ourselves).
 *
 * Terms: a *card* is content (front/back, from content/flashcards.json); a *card state* is one
 * user's FSRS memory of it (a CardState row: due, stability, difficulty, reps, lapses, state);
 * a *review* grades a card Again(1)/Hard(2)/Good(3)/Easy(4) and yields the next state plus a
 * ReviewLog row that also keeps the state before it, so the last grade can be undone exactly.
 * A card with no CardState row is *new*; it is *due* when its state's due time has passed.
 * Practice mode shows cards and previews intervals but never writes anything.
 *
 * This file is pure (no database): conversions between rows and ts-fsrs objects, previews of
 * the interval each grade would give, and their human-readable form. reviews.ts persists.
 */
import { createEmptyCard, fsrs, type Card, type Grade, type ReviewLog } from 'ts-fsrs';

export const RATINGS = [1, 2, 3, 4] as const;
export type RatingValue = (typeof RATINGS)[number];
export const RATING_LABELS: Record<RatingValue, string> = { 1: 'Again', 2: 'Hard', 3: 'Good', 4: 'Easy' };

// No fuzz: the interval a button shows is exactly the one it gives.
export const scheduler = fsrs({ enable_fuzz: false, enable_short_term: true });

/** The CardState columns that hold FSRS memory (what undo restores). */
export type CardFields = {
  due: Date;
  stability: number;
  difficulty: number;
  elapsedDays: number;
  scheduledDays: number;
  learningSteps: number;
  reps: number;
  lapses: number;
  state: number;
  lastReview: Date | null;
};

export function toFsrs(f: CardFields | null, now: Date): Card {
  if (!f) return createEmptyCard(now);
  return {
    due: f.due,
    stability: f.stability,
    difficulty: f.difficulty,
    elapsed_days: f.elapsedDays,
    scheduled_days: f.scheduledDays,
    learning_steps: f.learningSteps,
    reps: f.reps,
    lapses: f.lapses,
    state: f.state,
    last_review: f.lastReview ?? undefined,
  };
}

export function fromFsrs(c: Card): CardFields {
  return {
    due: c.due,
    stability: c.stability,
    difficulty: c.difficulty,
    elapsedDays: c.elapsed_days,
    scheduledDays: c.scheduled_days,
    learningSteps: c.learning_steps,
    reps: c.reps,
    lapses: c.lapses,
    state: c.state,
    lastReview: c.last_review ?? null,
  };
}

export function pickCardFields(row: CardFields): CardFields {
  const { due, stability, difficulty, elapsedDays, scheduledDays, learningSteps, reps, lapses, state, lastReview } = row;
  return { due, stability, difficulty, elapsedDays, scheduledDays, learningSteps, reps, lapses, state, lastReview };
}

export function serializeFields(f: CardFields): string {
  return JSON.stringify({ ...f, due: f.due.toISOString(), lastReview: f.lastReview?.toISOString() ?? null });
}

export function parseFields(json: string): CardFields {
  const o = JSON.parse(json);
  return { ...o, due: new Date(o.due), lastReview: o.lastReview ? new Date(o.lastReview) : null };
}

/** The next state and log for one grade. */
export function grade(current: CardFields | null, rating: RatingValue, now: Date): { next: CardFields; log: ReviewLog } {
  const r = scheduler.next(toFsrs(current, now), now, rating as Grade);
  return { next: fromFsrs(r.card), log: r.log };
}

/** "<1m", "10m", "3h", "4d", "2mo", "1.5y": how long until the card comes back. */
export function formatInterval(ms: number): string {
  const min = ms / 60_000;
  if (min < 1) return '<1m';
  if (min < 60) return `${Math.round(min)}m`;
  const h = min / 60;
  if (h < 24) return `${Math.round(h)}h`;
  const d = h / 24;
  if (d < 30) return `${Math.round(d)}d`;
  if (d < 365) return `${Math.round(d / 30)}mo`;
  const y = d / 365;
  return `${y < 10 ? Math.round(y * 10) / 10 : Math.round(y)}y`;
}

/** For each grade, the interval it would give from now. */
export function previewIntervals(current: CardFields | null, now: Date): Record<RatingValue, string> {
  const preview = scheduler.repeat(toFsrs(current, now), now);
  const out = {} as Record<RatingValue, string>;
  for (const r of RATINGS) out[r] = formatInterval(preview[r as Grade].card.due.getTime() - now.getTime());
  return out;
}
