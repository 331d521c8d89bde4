// Test kit for the classroom services: accounts without password hashing (fast), a small catalog,
// and check results as the grader would report them.
import type { Db } from '../db.ts';
import type { Actor, Catalog } from './classroom.ts';
import type { CheckOutcome } from './attempts.ts';

let n = 0;

export async function makeUser(db: Db, role: 'student' | 'instructor', tag: string = role): Promise<Actor & { email: string }> {
  n += 1;
  const email = `${tag}-${n}-${Math.floor(Math.random() * 1e9)}@example.com`;
  const u = await db.user.create({ data: { email, username: email.split('@')[0].replace(/[^a-z0-9]+/g, '.'), passwordHash: 'x', role } });
  return { id: u.id, role, email };
}

export const testCatalog: Catalog = {
  exercises: [
    { id: 'optimize-a-dockerfile', title: 'Make a slow, fat Dockerfile fast and lean' },
    { id: 'find-the-secret', title: 'Recover a "deleted" secret from an image' },
  ],
  steps: [
    { slug: 'build-context', step: 1, title: 'The build context' },
    { slug: 'parsing-the-dockerfile', step: 2, title: 'Parsing the Dockerfile' },
    { slug: 'building-layers', step: 3, title: 'Building layers' },
  ],
  cards: [
    { id: 'c1', step: 'build-context' },
    { id: 'c2', step: 'build-context' },
    { id: 'c3', step: 'parsing-the-dockerfile' },
    { id: 'c4', step: 'building-layers' },
  ],
};

export function checks(...passed: boolean[]): CheckOutcome[] {
  return passed.map((p, i) => ({
    id: `check-${i + 1}`,
    title: `Check ${i + 1}`,
    passed: p,
    message: p ? 'Measured what was expected.' : 'Measured something else.',
    ...(p ? {} : { measured: '912 MB', expected: '≤ 200 MB', hint: 'Use a slim base image.', link: '/lesson/build-cache' }),
  }));
}

/** A review log row (the fields lib/flashcards writes); prevCard null marks a card's first review. */
export async function review(db: Db, userId: string, cardId: string, at: Date, first: boolean): Promise<void> {
  await db.reviewLog.create({
    data: {
      userId, cardId, rating: 3, state: 0, due: at, stability: 1, difficulty: 5, elapsedDays: 0, lastElapsedDays: 0,
      scheduledDays: 0, learningSteps: 0, reviewedAt: at, prevCard: first ? null : '{}',
    },
  });
}
