// Solution views: a row each time a signed-in user opens an exercise's solution. The solution's
// text is only sent by the request that records the view (app/api/exercises/<id>/solution), so
// a student cannot read it without it being counted.
import type { Db } from '../db.ts';

export async function recordSolutionView(db: Db, userId: string, exerciseId: string, at = new Date()): Promise<void> {
  await db.solutionView.create({ data: { userId, exerciseId, viewedAt: at } });
}

export type SolutionViews = { count: number; first: Date; last: Date };

/** How often and when the user opened each exercise's solution. */
export async function solutionViewsOf(db: Db, userId: string): Promise<Map<string, SolutionViews>> {
  const rows = await db.solutionView.groupBy({
    by: ['exerciseId'],
    where: { userId },
    _count: { _all: true },
    _min: { viewedAt: true },
    _max: { viewedAt: true },
  });
  return new Map(rows.map((r) => [r.exerciseId, { count: r._count._all, first: r._min.viewedAt!, last: r._max.viewedAt! }]));
}
