// The gradebook: every student × assignment of a class as a cell (status.ts). The facts are
// loaded in batches — one grouped query per kind of fact for all students at once (plus one or
// two per flashcard assignment) — so the number of queries does not grow with the class
// (lib/classroom/gradebook-queries.test.ts counts them; bench/gradebook.ts times them).
import type { Db } from '../db.ts';
import type { Actor, Assignment, Catalog } from './classroom.ts';
import { requireTeaching } from './access.ts';
import { listAssignments } from './assignments.ts';
import { cardsCell, exerciseCell, stepsCell, type Cell, type ExerciseFacts, type SolutionFacts } from './status.ts';

export type GradebookStudent = { id: string; email: string; username: string | null; joinedAt: Date };
export type Gradebook = {
  cls: { id: string; name: string; archived: boolean };
  assignments: Assignment[];
  students: GradebookStudent[];
  /** cells.get(studentId)?.get(assignmentId) */
  cells: Map<string, Map<string, Cell>>;
  totals: Map<string, { earned: number; possible: number }>;
};

const key = (a: string, b: string) => `${a}\u0000${b}`;

/** The gradebook of a class the actor teaches. */
export async function gradebook(db: Db, actor: Actor, classId: string, catalog: Catalog, now = new Date()): Promise<Gradebook> {
  const cls = await requireTeaching(db, actor, classId);
  const [assignments, enrollments] = await Promise.all([
    listAssignments(db, [classId]),
    db.enrollment.findMany({
      where: { classId },
      orderBy: { user: { email: 'asc' } },
      select: { joinedAt: true, user: { select: { id: true, email: true, username: true } } },
    }),
  ]);
  const students = enrollments.map((e) => ({ ...e.user, joinedAt: e.joinedAt }));
  const cells = await computeCells(db, assignments, students.map((s) => s.id), catalog, now);
  const totals = new Map<string, { earned: number; possible: number }>();
  for (const s of students) {
    let earned = 0;
    let possible = 0;
    for (const a of assignments) {
      possible += a.points;
      earned += cells.get(s.id)?.get(a.id)?.score ?? 0;
    }
    totals.set(s.id, { earned: Math.round(earned * 10) / 10, possible });
  }
  return { cls: { id: cls.id, name: cls.name, archived: cls.archivedAt !== null }, assignments, students, cells, totals };
}

/** Cells for these users × assignments (no access check: callers decide who may see them). */
export async function computeCells(db: Db, assignments: Assignment[], userIds: string[], catalog: Catalog, now: Date): Promise<Map<string, Map<string, Cell>>> {
  const out = new Map<string, Map<string, Cell>>(userIds.map((u) => [u, new Map()]));
  if (userIds.length === 0 || assignments.length === 0) return out;
  const users = { in: userIds };
  const exerciseIds = [...new Set(assignments.filter((a) => a.kind === 'exercise').flatMap((a) => a.targets))];
  const stepSlugs = [...new Set(assignments.filter((a) => a.kind === 'steps').flatMap((a) => a.targets))];
  const cardAssignments = assignments.filter((a) => a.kind === 'flashcards');

  const ex = exerciseIds.length ? { userId: users, exerciseId: { in: exerciseIds } } : null;
  const [attempts, passes, views, ticks, comments, cards] = await Promise.all([
    ex ? db.attempt.groupBy({ by: ['userId', 'exerciseId'], where: ex, _count: { _all: true }, _max: { createdAt: true, score: true } }) : [],
    ex ? db.attempt.groupBy({ by: ['userId', 'exerciseId'], where: { ...ex, passed: true }, _min: { createdAt: true } }) : [],
    ex ? db.solutionView.groupBy({ by: ['userId', 'exerciseId'], where: ex, _count: { _all: true }, _min: { viewedAt: true } }) : [],
    stepSlugs.length ? db.stepProgress.findMany({ where: { userId: users, stepSlug: { in: stepSlugs } }, select: { userId: true, stepSlug: true, doneAt: true } }) : [],
    db.comment.groupBy({ by: ['studentId', 'assignmentId'], where: { studentId: users, assignmentId: { in: assignments.map((a) => a.id) } }, _count: { _all: true } }),
    Promise.all(cardAssignments.map((a) => cardCounts(db, a, userIds, catalog, now))),
  ]);

  const exFacts = new Map<string, ExerciseFacts>();
  for (const r of attempts) {
    exFacts.set(key(r.userId, r.exerciseId), { attempts: r._count._all, lastAt: r._max.createdAt, bestScore: r._max.score ?? 0, firstPassAt: null });
  }
  for (const r of passes) {
    const f = exFacts.get(key(r.userId, r.exerciseId));
    if (f) f.firstPassAt = r._min.createdAt;
  }
  const solFacts = new Map<string, SolutionFacts>(views.map((r) => [key(r.userId, r.exerciseId), { count: r._count._all, first: r._min.viewedAt! }]));
  const tickAt = new Map(ticks.map((t) => [key(t.userId, t.stepSlug), t.doneAt]));
  const commentCount = new Map(comments.map((c) => [key(c.studentId, c.assignmentId ?? ''), c._count._all]));
  const cardFacts = new Map(cardAssignments.map((a, i) => [a.id, cards[i]]));

  for (const u of userIds) {
    const row = out.get(u)!;
    for (const a of assignments) {
      const n = commentCount.get(key(u, a.id)) ?? 0;
      if (a.kind === 'exercise') {
        const k = key(u, a.targets[0] ?? '');
        row.set(a.id, exerciseCell(a, exFacts.get(k), solFacts.get(k), n, now));
      } else if (a.kind === 'steps') {
        let done = 0;
        let lastDoneAt: Date | null = null;
        for (const s of a.targets) {
          const t = tickAt.get(key(u, s));
          if (!t) continue;
          done++;
          if (!lastDoneAt || t > lastDoneAt) lastDoneAt = t;
        }
        row.set(a.id, stepsCell(a, { done, total: a.targets.length, lastDoneAt }, n, now));
      } else {
        const f = cardFacts.get(a.id)?.get(u);
        row.set(a.id, cardsCell(a, { count: f?.count ?? 0, countByDue: f?.countByDue ?? null, lastAt: f?.lastAt ?? null }, n, now));
      }
    }
  }
  return out;
}

/**
 * Per user: reviews since the assignment opened (`reviewed`) or cards ever learned — a card is
 * learned by its first review, the log row with no previous state (`learned`) — and, once the
 * due date has passed, the same count up to the due date.
 */
async function cardCounts(db: Db, a: Assignment, userIds: string[], catalog: Catalog, now: Date) {
  const cardIds = a.targets.length ? catalog.cards.filter((c) => a.targets.includes(c.step)).map((c) => c.id) : null;
  const base = {
    userId: { in: userIds },
    ...(cardIds ? { cardId: { in: cardIds } } : {}),
    ...(a.cardMode === 'learned' ? { prevCard: null } : { reviewedAt: { gte: a.opensAt ?? a.createdAt } }),
  };
  const dueCounted = a.dueAt !== null && now.getTime() > a.dueAt.getTime();
  const [all, byDue] = await Promise.all([
    db.reviewLog.groupBy({ by: ['userId'], where: base, _count: { _all: true }, _max: { reviewedAt: true } }),
    dueCounted ? db.reviewLog.groupBy({ by: ['userId'], where: { ...base, AND: [{ reviewedAt: { lte: a.dueAt! } }] }, _count: { _all: true } }) : [],
  ]);
  const due = new Map(byDue.map((r) => [r.userId, r._count._all]));
  return new Map(all.map((r) => [r.userId, { count: r._count._all, countByDue: dueCounted ? (due.get(r.userId) ?? 0) : null, lastAt: r._max.reviewedAt }]));
}
