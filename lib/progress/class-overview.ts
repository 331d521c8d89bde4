// What an instructor sees: every student with steps done, cards learned and last activity.
import type { Db } from '../db.ts';

export type StudentRow = { email: string; role: string; createdAt: Date; stepsDone: number; cardsLearned: number; reviews: number; lastReview: Date | null };

export async function classOverview(db: Db): Promise<StudentRow[]> {
  const users = await db.user.findMany({
    orderBy: { createdAt: 'asc' },
    select: { id: true, email: true, role: true, createdAt: true, _count: { select: { steps: true, cards: true, reviews: true } } },
  });
  const last = await db.reviewLog.groupBy({ by: ['userId'], _max: { reviewedAt: true } });
  const lastBy = new Map(last.map((l) => [l.userId, l._max.reviewedAt]));
  return users.map((u) => ({
    email: u.email,
    role: u.role,
    createdAt: u.createdAt,
    stepsDone: u._count.steps,
    cardsLearned: u._count.cards,
    reviews: u._count.reviews,
    lastReview: lastBy.get(u.id) ?? null,
  }));
}
