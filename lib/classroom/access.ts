// Who may see what (see classroom.ts). Every check answers NOT_FOUND for "not yours" exactly as
// for "does not exist", so guessing ids tells nobody anything.
import type { Db } from '../db.ts';
import { ClassroomError, type Actor } from './classroom.ts';

export const NO_CLASS = 'There is no such class among the classes you teach.';
export const NO_STUDENT = 'There is no such student in this class.';

export function requireInstructorRole(actor: Actor): void {
  if (actor.role !== 'instructor') {
    throw new ClassroomError('FORBIDDEN', 'Only instructors manage classes. An administrator can run `lab user promote EMAIL`.');
  }
}

/** The class when the actor is an instructor who teaches it (archived or not). */
export async function requireTeaching(db: Db, actor: Actor, classId: string) {
  requireInstructorRole(actor);
  if (typeof classId !== 'string' || classId.length === 0 || classId.length > 64) throw new ClassroomError('NOT_FOUND', NO_CLASS);
  const row = await db.class.findFirst({ where: { id: classId, instructors: { some: { userId: actor.id } } } });
  if (!row) throw new ClassroomError('NOT_FOUND', NO_CLASS);
  return row;
}

/** Like requireTeaching, and refuses changes to an archived class. */
export async function requireTeachingActive(db: Db, actor: Actor, classId: string) {
  const row = await requireTeaching(db, actor, classId);
  if (row.archivedAt) throw new ClassroomError('FAILED_PRECONDITION', `“${row.name}” is archived: unarchive it on its settings page first.`);
  return row;
}

/** The student's enrollment in a class the actor teaches. */
export async function requireStudentOf(db: Db, actor: Actor, classId: string, studentId: string) {
  const cls = await requireTeaching(db, actor, classId);
  const enrollment =
    typeof studentId === 'string' && studentId.length > 0 && studentId.length <= 64
      ? await db.enrollment.findUnique({
          where: { classId_userId: { classId, userId: studentId } },
          include: { user: { select: { id: true, email: true, username: true } } },
        })
      : null;
  if (!enrollment) throw new ClassroomError('NOT_FOUND', NO_STUDENT);
  return { cls, enrollment, student: enrollment.user };
}

/** True when the viewer is an instructor of some class the student is enrolled in. */
export async function teachesStudent(db: Db, viewer: Actor, studentId: string): Promise<boolean> {
  if (viewer.role !== 'instructor') return false;
  const e = await db.enrollment.findFirst({
    where: { userId: studentId, class: { instructors: { some: { userId: viewer.id } } } },
    select: { id: true },
  });
  return e !== null;
}

/**
 * Whose build this is, when the viewer may read it: the owner always; an instructor of a class
 * the owner is enrolled in, read-only. Anyone else (and unknown ids) gets undefined.
 */
export async function buildOwnerFor(db: Db, viewer: Actor, buildId: string): Promise<{ ownerId: string; asInstructor: boolean } | undefined> {
  if (typeof buildId !== 'string' || buildId.length === 0 || buildId.length > 64) return undefined;
  const build = await db.build.findUnique({ where: { id: buildId }, select: { userId: true } });
  if (!build) return undefined;
  if (build.userId === viewer.id) return { ownerId: build.userId, asInstructor: false };
  return (await teachesStudent(db, viewer, build.userId)) ? { ownerId: build.userId, asInstructor: true } : undefined;
}
