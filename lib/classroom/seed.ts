// A class full of realistic activity for tests and bench/gradebook.ts: students, assignments of
// every kind, attempts with check results, ticked steps, flashcard reviews, solution views and
// comments — written in bulk (createMany), deterministic for a given `seed`.
import { randomUUID } from 'node:crypto';
import type { Db } from '../db.ts';
import type { Catalog } from './classroom.ts';

export type SeedOptions = { students: number; assignments?: number; catalog: Catalog; name?: string; seed?: number; now?: Date };
export type SeededClass = { classId: string; instructorId: string; studentIds: string[]; assignmentIds: string[] };

/** mulberry32: a small deterministic PRNG. */
function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export async function seedClass(db: Db, o: SeedOptions): Promise<SeededClass> {
  const rnd = prng(o.seed ?? 42);
  const now = o.now ?? new Date();
  const day = 86_400_000;
  const tag = `${o.name ?? 'seed'}-${randomUUID().slice(0, 8)}`;
  const instructor = await db.user.create({ data: { email: `teacher-${tag}@example.com`, passwordHash: 'x', role: 'instructor' } });
  const cls = await db.class.create({ data: { name: `Class ${tag}`, joinCode: null, instructors: { create: { userId: instructor.id } } } });

  const studentIds = Array.from({ length: o.students }, () => randomUUID());
  await db.user.createMany({ data: studentIds.map((id, i) => ({ id, email: `s${i}-${tag}@example.com`, username: `s${i}.${tag}`, passwordHash: 'x' })) });
  await db.enrollment.createMany({ data: studentIds.map((userId) => ({ classId: cls.id, userId })) });

  // Assignments: the exercises, then lesson-step groups and flashcard goals, alternating.
  const wanted = o.assignments ?? 10;
  const { exercises, steps, cards } = o.catalog;
  const rows: { kind: string; title: string; targets: string[]; cardGoal?: number; cardMode?: string; dueAt: Date }[] = [];
  for (let i = 0; rows.length < wanted; i++) {
    const dueAt = new Date(now.getTime() + (i % 3 === 0 ? -2 : 5) * day);
    if (i < exercises.length) rows.push({ kind: 'exercise', title: exercises[i].title, targets: [exercises[i].id], dueAt });
    else if (i % 2 === 0) {
      const group = steps.slice((i * 2) % steps.length, ((i * 2) % steps.length) + 2).map((s) => s.slug);
      rows.push({ kind: 'steps', title: `Steps ${group.join(', ')}`, targets: group, dueAt });
    } else {
      const mode = i % 4 === 1 ? 'learned' : 'reviewed';
      rows.push({ kind: 'flashcards', title: `Cards ${i}`, targets: [], cardGoal: Math.min(3, cards.length), cardMode: mode, dueAt });
    }
  }
  const assignmentIds = rows.map(() => randomUUID());
  await db.assignment.createMany({
    data: rows.map((r, i) => ({ id: assignmentIds[i], classId: cls.id, kind: r.kind, title: r.title, targets: JSON.stringify(r.targets), cardGoal: r.cardGoal ?? null, cardMode: r.cardMode ?? null, dueAt: r.dueAt, points: 10, createdAt: new Date(now.getTime() - 30 * day) })),
  });

  const attempts: { id: string; userId: string; exerciseId: string; source: string; passed: boolean; score: number; checksPassed: number; checksTotal: number; createdAt: Date }[] = [];
  const checkRows: { attemptId: string; index: number; checkId: string; title: string; passed: boolean; message: string }[] = [];
  const ticks: { userId: string; stepSlug: string; doneAt: Date }[] = [];
  const reviews: { userId: string; cardId: string; reviewedAt: Date; prevCard: string | null }[] = [];
  const views: { userId: string; exerciseId: string; viewedAt: Date }[] = [];
  const comments: { classId: string; authorId: string; studentId: string; assignmentId: string; body: string }[] = [];
  const at = () => new Date(now.getTime() - Math.floor(rnd() * 10 * day));
  for (const userId of studentIds) {
    for (const ex of exercises) {
      const n = Math.floor(rnd() * 4);
      for (let k = 0; k < n; k++) {
        const total = 4;
        const ok = k === n - 1 && rnd() < 0.6 ? total : Math.floor(rnd() * total);
        const id = randomUUID();
        attempts.push({ id, userId, exerciseId: ex.id, source: 'web', passed: ok === total, score: ok / total, checksPassed: ok, checksTotal: total, createdAt: at() });
        for (let c = 0; c < total; c++) checkRows.push({ attemptId: id, index: c, checkId: `check-${c}`, title: `Check ${c}`, passed: c < ok, message: 'seeded' });
      }
      if (rnd() < 0.2) views.push({ userId, exerciseId: ex.id, viewedAt: at() });
    }
    for (const s of steps) if (rnd() < 0.5) ticks.push({ userId, stepSlug: s.slug, doneAt: at() });
    for (const c of cards) if (rnd() < 0.5) reviews.push({ userId, cardId: c.id, reviewedAt: at(), prevCard: null });
    if (rnd() < 0.3) comments.push({ classId: cls.id, authorId: instructor.id, studentId: userId, assignmentId: assignmentIds[0], body: 'Seeded comment.' });
  }
  const review = { rating: 3, state: 0, stability: 1, difficulty: 5, elapsedDays: 0, lastElapsedDays: 0, scheduledDays: 1, learningSteps: 0 };
  await db.attempt.createMany({ data: attempts });
  for (let i = 0; i < checkRows.length; i += 5000) await db.checkResult.createMany({ data: checkRows.slice(i, i + 5000) });
  await db.stepProgress.createMany({ data: ticks });
  await db.reviewLog.createMany({ data: reviews.map((r) => ({ ...review, ...r, due: r.reviewedAt })) });
  await db.solutionView.createMany({ data: views });
  await db.comment.createMany({ data: comments });
  return { classId: cls.id, instructorId: instructor.id, studentIds, assignmentIds };
}
