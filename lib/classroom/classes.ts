// Classes from the instructor's side: create, rename, archive, the join code, co-instructors.
import { z } from 'zod';
import type { Db } from '../db.ts';
import { normalizeEmail } from '../auth/users.ts';
import { ClassroomError, type Actor, type ClassSummary } from './classroom.ts';
import { requireInstructorRole, requireTeaching, requireTeachingActive } from './access.ts';
import { newJoinCode } from './join-code.ts';

export const classNameSchema = z
  .string({ error: 'Name the class, e.g. "Containers, spring term".' })
  .trim()
  .min(1, 'Name the class, e.g. "Containers, spring term".')
  .max(80, 'Use at most 80 characters for the class name.')
  .refine((s) => !/[\u0000-\u001f\u007f]/.test(s), 'The class name cannot contain control characters.');

function parseName(name: unknown): string {
  const r = classNameSchema.safeParse(name);
  if (!r.success) throw new ClassroomError('INVALID_INPUT', r.error.issues[0].message);
  return r.data;
}

const isUniqueViolation = (err: unknown) => (err as { code?: string }).code === 'P2002';

/** Sets a fresh join code, retrying on the (unlikely) clash with another class's code. */
async function withFreshCode<T>(write: (code: string) => Promise<T>): Promise<T> {
  for (let i = 0; ; i++) {
    try {
      return await write(newJoinCode());
    } catch (err) {
      if (!isUniqueViolation(err) || i >= 4) throw err;
    }
  }
}

export async function createClass(db: Db, actor: Actor, name: unknown) {
  requireInstructorRole(actor);
  const n = parseName(name);
  return withFreshCode((joinCode) =>
    db.class.create({ data: { name: n, joinCode, instructors: { create: { userId: actor.id } } } }),
  );
}

export async function renameClass(db: Db, actor: Actor, classId: string, name: unknown) {
  await requireTeaching(db, actor, classId);
  return db.class.update({ where: { id: classId }, data: { name: parseName(name) } });
}

export async function setArchived(db: Db, actor: Actor, classId: string, archived: boolean) {
  await requireTeaching(db, actor, classId);
  return db.class.update({ where: { id: classId }, data: { archivedAt: archived ? new Date() : null } });
}

/** A new join code: the old code and link stop working at once. */
export async function regenerateJoinCode(db: Db, actor: Actor, classId: string) {
  await requireTeachingActive(db, actor, classId);
  return withFreshCode((joinCode) => db.class.update({ where: { id: classId }, data: { joinCode } }));
}

/** Switches joining off (the roster stays as it is); regenerate to switch it on again. */
export async function disableJoinCode(db: Db, actor: Actor, classId: string) {
  await requireTeaching(db, actor, classId);
  return db.class.update({ where: { id: classId }, data: { joinCode: null } });
}

/** The actor's classes, active first, each with its number of students and assignments. */
export async function classesTaught(db: Db, actor: Actor): Promise<ClassSummary[]> {
  if (actor.role !== 'instructor') return [];
  const rows = await db.class.findMany({
    where: { instructors: { some: { userId: actor.id } } },
    orderBy: [{ createdAt: 'desc' }],
    include: { _count: { select: { enrollments: true, assignments: true } } },
  });
  const list = rows.map((c) => ({
    id: c.id,
    name: c.name,
    joinCode: c.joinCode,
    archived: c.archivedAt !== null,
    createdAt: c.createdAt,
    students: c._count.enrollments,
    assignments: c._count.assignments,
  }));
  return [...list.filter((c) => !c.archived), ...list.filter((c) => c.archived)];
}

export async function instructorsOf(db: Db, actor: Actor, classId: string) {
  await requireTeaching(db, actor, classId);
  const rows = await db.classInstructor.findMany({
    where: { classId },
    orderBy: { addedAt: 'asc' },
    include: { user: { select: { id: true, email: true } } },
  });
  return rows.map((r) => ({ id: r.user.id, email: r.user.email, addedAt: r.addedAt }));
}

/** Adds another instructor account (by email) as a co-instructor of the class. */
export async function addInstructor(db: Db, actor: Actor, classId: string, email: string) {
  await requireTeaching(db, actor, classId);
  const e = normalizeEmail(String(email ?? '')).slice(0, 254);
  const user = e ? await db.user.findUnique({ where: { email: e }, select: { id: true, role: true, email: true } }) : null;
  if (!user) throw new ClassroomError('NOT_FOUND', `No account uses the email ${e || '(empty)'}. They sign up first.`);
  if (user.role !== 'instructor') throw new ClassroomError('FAILED_PRECONDITION', `${user.email} is a student account; an administrator can run \`lab user promote ${user.email}\`.`);
  if (await db.enrollment.findUnique({ where: { classId_userId: { classId, userId: user.id } } })) {
    throw new ClassroomError('FAILED_PRECONDITION', `${user.email} is a student of this class; remove them from the roster first.`);
  }
  try {
    await db.classInstructor.create({ data: { classId, userId: user.id } });
  } catch (err) {
    if (isUniqueViolation(err)) throw new ClassroomError('ALREADY_EXISTS', `${user.email} already teaches this class.`);
    throw err;
  }
  return user;
}

/** Removes a co-instructor (or the actor themself); the last instructor cannot leave. */
export async function removeInstructor(db: Db, actor: Actor, classId: string, userId: string) {
  await requireTeaching(db, actor, classId);
  return db.$transaction(async (tx) => {
    const count = await tx.classInstructor.count({ where: { classId } });
    const row = await tx.classInstructor.findUnique({ where: { classId_userId: { classId, userId } } });
    if (!row) throw new ClassroomError('NOT_FOUND', 'That account does not teach this class.');
    if (count <= 1) throw new ClassroomError('FAILED_PRECONDITION', 'A class needs at least one instructor: add another before removing this one.');
    await tx.classInstructor.delete({ where: { classId_userId: { classId, userId } } });
  });
}
