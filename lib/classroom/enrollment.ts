// Students in classes: joining with a code (or the link /join/<code>), leaving, being removed,
// and the roster an instructor sees.
import type { Db } from '../db.ts';
import { ClassroomError, type Actor } from './classroom.ts';
import { requireStudentOf, requireTeaching } from './access.ts';
import { formatJoinCode, normalizeJoinCode } from './join-code.ts';

export type JoinPreview = { id: string; name: string; archived: boolean; enrolled: boolean; teaches: boolean; instructors: string[] };

const badCode = (typed: string) =>
  new ClassroomError(
    'NOT_FOUND',
    `No class has the join code ${typed}. Check it with your instructor: codes look like ABCD-2345, and a code stops working when the instructor changes or switches it off.`,
  );

async function classForCode(db: Db, input: string) {
  const code = normalizeJoinCode(input);
  if (!code) {
    throw new ClassroomError('INVALID_INPUT', 'A join code has 8 letters and digits, like ABCD-2345 (the dash is optional).');
  }
  const cls = await db.class.findUnique({ where: { joinCode: code } });
  if (!cls) throw badCode(formatJoinCode(code));
  return cls;
}

/** What the join page shows before the student confirms. */
export async function previewJoin(db: Db, actor: Actor, input: string): Promise<JoinPreview> {
  const cls = await classForCode(db, input);
  const [enrolled, instructors] = await Promise.all([
    db.enrollment.findUnique({ where: { classId_userId: { classId: cls.id, userId: actor.id } }, select: { id: true } }),
    db.classInstructor.findMany({ where: { classId: cls.id }, orderBy: { addedAt: 'asc' }, select: { userId: true, user: { select: { email: true } } } }),
  ]);
  return {
    id: cls.id,
    name: cls.name,
    archived: cls.archivedAt !== null,
    enrolled: enrolled !== null,
    teaches: instructors.some((i) => i.userId === actor.id),
    instructors: instructors.map((i) => i.user.email),
  };
}

/** Enrolls the actor in the class with this join code. */
export async function joinClass(db: Db, actor: Actor, input: string) {
  const cls = await classForCode(db, input);
  if (cls.archivedAt) throw new ClassroomError('FAILED_PRECONDITION', `“${cls.name}” is archived and takes no new students. Ask your instructor for the code of the current class.`);
  const teaches = await db.classInstructor.findUnique({ where: { classId_userId: { classId: cls.id, userId: actor.id } } });
  if (teaches) throw new ClassroomError('FAILED_PRECONDITION', `You teach “${cls.name}”: instructors do not join their own class.`);
  try {
    await db.enrollment.create({ data: { classId: cls.id, userId: actor.id } });
  } catch (err) {
    if ((err as { code?: string }).code === 'P2002') throw new ClassroomError('ALREADY_EXISTS', `You are already in “${cls.name}”.`);
    throw err;
  }
  return { id: cls.id, name: cls.name };
}

/** The actor leaves a class they are in. */
export async function leaveClass(db: Db, actor: Actor, classId: string) {
  const { count } = await db.enrollment.deleteMany({ where: { classId: String(classId ?? ''), userId: actor.id } });
  if (count === 0) throw new ClassroomError('NOT_FOUND', 'You are not in that class.');
}

/** An instructor removes a student from the roster. */
export async function removeStudent(db: Db, actor: Actor, classId: string, studentId: string) {
  const { enrollment } = await requireStudentOf(db, actor, classId, studentId);
  await db.enrollment.delete({ where: { id: enrollment.id } });
}

/** The classes the user is in (archived ones too, marked), with their instructors. */
export async function classesJoined(db: Db, userId: string) {
  const rows = await db.enrollment.findMany({
    where: { userId },
    orderBy: { joinedAt: 'asc' },
    include: { class: { include: { instructors: { orderBy: { addedAt: 'asc' }, include: { user: { select: { email: true } } } } } } },
  });
  return rows.map((e) => ({
    id: e.class.id,
    name: e.class.name,
    archived: e.class.archivedAt !== null,
    joinedAt: e.joinedAt,
    instructors: e.class.instructors.map((i) => i.user.email),
  }));
}

export type RosterRow = {
  id: string;
  email: string;
  username: string | null;
  joinedAt: Date;
  stepsDone: number;
  cardsLearned: number;
  reviews: number;
  attempts: number;
  lastReview: Date | null;
};

/** The class's students with their overall activity (a fixed number of queries). */
export async function roster(db: Db, actor: Actor, classId: string): Promise<RosterRow[]> {
  await requireTeaching(db, actor, classId);
  const rows = await db.enrollment.findMany({
    where: { classId },
    orderBy: { user: { email: 'asc' } },
    select: {
      joinedAt: true,
      user: { select: { id: true, email: true, username: true, _count: { select: { steps: true, cards: true, reviews: true, attempts: true } } } },
    },
  });
  const ids = rows.map((r) => r.user.id);
  const last = ids.length
    ? await db.reviewLog.groupBy({ by: ['userId'], where: { userId: { in: ids } }, _max: { reviewedAt: true } })
    : [];
  const lastBy = new Map(last.map((l) => [l.userId, l._max.reviewedAt]));
  return rows.map((r) => ({
    id: r.user.id,
    email: r.user.email,
    username: r.user.username,
    joinedAt: r.joinedAt,
    stepsDone: r.user._count.steps,
    cardsLearned: r.user._count.cards,
    reviews: r.user._count.reviews,
    attempts: r.user._count.attempts,
    lastReview: lastBy.get(r.user.id) ?? null,
  }));
}
