// Comments: an instructor's note to one student of their class, optionally on one assignment
// and/or one attempt. The student reads them on /progress; the class's instructors on the
// student's page.
import { z } from 'zod';
import type { Db } from '../db.ts';
import { ClassroomError, type Actor } from './classroom.ts';
import { requireStudentOf, requireTeaching } from './access.ts';

export const commentBodySchema = z
  .string({ error: 'Write the comment first.' })
  .trim()
  .min(1, 'Write the comment first.')
  .max(2000, 'Keep a comment under 2000 characters.');

export type CommentView = {
  id: string;
  classId: string;
  className: string;
  author: string;
  authorId: string;
  studentId: string;
  assignmentId: string | null;
  assignmentTitle: string | null;
  attemptId: string | null;
  body: string;
  createdAt: Date;
};

export async function addComment(
  db: Db,
  actor: Actor,
  input: { classId: string; studentId: string; body: unknown; assignmentId?: string | null; attemptId?: string | null },
): Promise<CommentView> {
  await requireStudentOf(db, actor, input.classId, input.studentId);
  const body = commentBodySchema.safeParse(input.body);
  if (!body.success) throw new ClassroomError('INVALID_INPUT', body.error.issues[0].message);
  if (input.assignmentId) {
    const a = await db.assignment.findFirst({ where: { id: input.assignmentId, classId: input.classId }, select: { id: true } });
    if (!a) throw new ClassroomError('NOT_FOUND', 'There is no such assignment in this class.');
  }
  if (input.attemptId) {
    const a = await db.attempt.findFirst({ where: { id: input.attemptId, userId: input.studentId }, select: { id: true } });
    if (!a) throw new ClassroomError('NOT_FOUND', 'There is no such attempt of this student.');
  }
  const row = await db.comment.create({
    data: {
      classId: input.classId,
      studentId: input.studentId,
      authorId: actor.id,
      assignmentId: input.assignmentId || null,
      attemptId: input.attemptId || null,
      body: body.data,
    },
    include: include,
  });
  return toView(row);
}

/** Deletes a comment of a class the actor teaches (any instructor of the class may). */
export async function deleteComment(db: Db, actor: Actor, commentId: string): Promise<void> {
  const row = typeof commentId === 'string' && commentId.length <= 64 ? await db.comment.findUnique({ where: { id: commentId } }) : null;
  if (!row) throw new ClassroomError('NOT_FOUND', 'There is no such comment.');
  await requireTeaching(db, actor, row.classId);
  await db.comment.delete({ where: { id: commentId } });
}

const include = {
  author: { select: { email: true } },
  class: { select: { name: true } },
  assignment: { select: { title: true } },
} as const;

type Row = {
  id: string; classId: string; authorId: string; studentId: string; assignmentId: string | null; attemptId: string | null; body: string; createdAt: Date;
  author: { email: string }; class: { name: string }; assignment: { title: string } | null;
};

function toView(r: Row): CommentView {
  return {
    id: r.id,
    classId: r.classId,
    className: r.class.name,
    author: r.author.email,
    authorId: r.authorId,
    studentId: r.studentId,
    assignmentId: r.assignmentId,
    assignmentTitle: r.assignment?.title ?? null,
    attemptId: r.attemptId,
    body: r.body,
    createdAt: r.createdAt,
  };
}

/** Comments to one student in one class, newest first (the instructor checks access first). */
export async function commentsOn(db: Db, actor: Actor, classId: string, studentId: string): Promise<CommentView[]> {
  await requireStudentOf(db, actor, classId, studentId);
  const rows = await db.comment.findMany({ where: { classId, studentId }, orderBy: { createdAt: 'desc' }, include, take: 200 });
  return rows.map(toView);
}

/** Comments addressed to the user in the classes they are still in, newest first. */
export async function commentsForStudent(db: Db, userId: string): Promise<CommentView[]> {
  const rows = await db.comment.findMany({
    where: { studentId: userId, class: { archivedAt: null, enrollments: { some: { userId } } } },
    orderBy: { createdAt: 'desc' },
    include,
    take: 200,
  });
  return rows.map(toView);
}
