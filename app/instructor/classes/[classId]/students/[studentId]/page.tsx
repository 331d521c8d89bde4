// /instructor/classes/<id>/students/<studentId> — one student of the class: each assignment's
// standing with the attempts behind it, solution views, builds (read-only traces), comments.
import type { Metadata } from 'next';
import Link from 'next/link';
import { db } from '@/lib/db.ts';
import { listAssignments } from '@/lib/classroom/assignments.ts';
import { attemptsFor, type AttemptRecord } from '@/lib/classroom/attempts.ts';
import { commentsOn } from '@/lib/classroom/comments.ts';
import { computeCells } from '@/lib/classroom/gradebook.ts';
import { solutionViewsOf } from '@/lib/classroom/solution-views.ts';
import { siteCatalog } from '@/lib/classroom/catalog.ts';
import { listBuilds } from '@/lib/builds/build-store.ts';
import { BuildsTable } from '@/components/lab/builds-table.tsx';
import { InstructorsOnly } from '@/components/classroom/InstructorsOnly.tsx';
import { ClassHeader } from '@/components/classroom/ClassHeader.tsx';
import { StatusBadge } from '@/components/classroom/StatusBadge.tsx';
import { AttemptList } from '@/components/classroom/AttemptList.tsx';
import { CommentForm } from '@/components/classroom/CommentForm.tsx';
import { ActionForm } from '@/components/classroom/ActionForm.tsx';
import { Time } from '@/components/classroom/Time.tsx';
import { LocalTimes } from '@/components/classroom/LocalTimes.tsx';
import { KIND_LABEL } from '@/components/classroom/labels.ts';
import { addCommentAction, deleteCommentAction } from '../../../../actions.ts';
import { studentPage } from '../../../../class-page.ts';

export const metadata: Metadata = { title: 'Student' };
export const dynamic = 'force-dynamic';

type Params = { params: Promise<{ classId: string; studentId: string }> };

export default async function StudentPage({ params }: Params) {
  const { classId, studentId } = await params;
  const { user, found } = await studentPage(classId, studentId, `/instructor/classes/${encodeURIComponent(classId)}/students/${encodeURIComponent(studentId)}`);
  if (!found) return <InstructorsOnly />;
  const { cls, enrollment, student } = found;
  const catalog = siteCatalog();
  const assignments = await listAssignments(db(), [cls.id]);
  const [cells, attempts, views, builds, comments] = await Promise.all([
    computeCells(db(), assignments, [student.id], catalog, new Date()),
    attemptsFor(db(), student.id, undefined, { take: 200 }),
    solutionViewsOf(db(), student.id),
    listBuilds(db(), student.id, 20),
    commentsOn(db(), user, cls.id, student.id),
  ]);
  const byExercise = new Map<string, AttemptRecord[]>();
  for (const a of attempts) byExercise.set(a.exerciseId, [...(byExercise.get(a.exerciseId) ?? []), a]);
  const assigned = new Set(assignments.filter((a) => a.kind === 'exercise').map((a) => a.targets[0]));
  const others = [...byExercise.keys()].filter((id) => !assigned.has(id));
  const exerciseTitle = new Map(catalog.exercises.map((e) => [e.id, e.title]));
  const base = `/instructor/classes/${cls.id}`;
  const commentFormProps = { action: addCommentAction, classId: cls.id, studentId: student.id };

  return (
    <div className="flex flex-col gap-8">
      <ClassHeader cls={cls} title={student.email} />
      <p className="-mt-4 text-[var(--muted)]">
        {student.username && <>registry name <code>{student.username}</code> · </>}
        joined <Time at={enrollment.joinedAt} />
      </p>

      <section aria-labelledby="assignments-h" className="flex flex-col gap-4">
        <h2 id="assignments-h" className="text-xl font-bold">
          Assignments
        </h2>
        {assignments.length === 0 && <p className="text-[var(--muted)]">Nothing assigned yet.</p>}
        {assignments.map((a) => {
          const cell = cells.get(student.id)!.get(a.id)!;
          const view = a.kind === 'exercise' ? views.get(a.targets[0]) : undefined;
          return (
            <article key={a.id} id={`a-${a.id}`} className="card flex scroll-mt-4 flex-col gap-3" data-testid="student-assignment">
              <header className="flex flex-wrap items-center justify-between gap-2">
                <h3 className="font-semibold">{a.title}</h3>
                <StatusBadge status={cell.status} />
              </header>
              <p className="text-sm text-[var(--muted)]">
                {KIND_LABEL[a.kind]} · {cell.best} · {cell.score}/{a.points} points · {a.dueAt ? <>due <Time at={a.dueAt} /></> : 'no due date'}
                {cell.lastActivityAt && (
                  <>
                    {' · last activity '}
                    <Time at={cell.lastActivityAt} />
                  </>
                )}
              </p>
              {view && (
                <p className={`text-sm ${cell.solutionBeforePass ? 'font-semibold text-amber-700 dark:text-amber-300' : ''}`}>
                  Opened the solution {view.count === 1 ? 'once' : `${view.count}×`} ({view.count === 1 ? 'at' : 'first'} <Time at={view.first} />
                  {view.count > 1 && (
                    <>
                      , last <Time at={view.last} />
                    </>
                  )}
                  )
                  {cell.solutionBeforePass ? ' — before passing.' : '.'}
                </p>
              )}
              {a.kind === 'exercise' && <AttemptList attempts={byExercise.get(a.targets[0]) ?? []} />}
              <details>
                <summary className="cursor-pointer text-sm font-semibold text-[var(--accent)]">Comment on this assignment</summary>
                <CommentForm {...commentFormProps} assignmentId={a.id} attempts={a.kind === 'exercise' ? (byExercise.get(a.targets[0]) ?? []).slice(0, 20) : []} idPrefix={a.id} />
              </details>
            </article>
          );
        })}
      </section>

      {others.length > 0 && (
        <section aria-labelledby="other-h" className="flex flex-col gap-3">
          <h2 id="other-h" className="text-xl font-bold">
            Other exercises
          </h2>
          {others.map((id) => (
            <div key={id} className="flex flex-col gap-2">
              <h3 className="font-semibold">{exerciseTitle.get(id) ?? id}</h3>
              <AttemptList attempts={byExercise.get(id)!} />
            </div>
          ))}
        </section>
      )}

      <section aria-labelledby="builds-h" className="flex flex-col gap-3">
        <h2 id="builds-h" className="text-xl font-bold">
          Builds
        </h2>
        {builds.length === 0 ? (
          <p className="text-[var(--muted)]">No builds yet.</p>
        ) : (
          <BuildsTable builds={builds} testId="student-builds" />
        )}
      </section>

      <section aria-labelledby="comments-h" className="flex flex-col gap-3">
        <h2 id="comments-h" className="text-xl font-bold">
          Comments
        </h2>
        {comments.length === 0 ? (
          <p className="text-[var(--muted)]">No comments yet.</p>
        ) : (
          <ul className="flex flex-col gap-2" data-testid="comments">
            {comments.map((c) => (
              <li key={c.id} className="card flex flex-col gap-1">
                <p className="text-sm text-[var(--muted)]">
                  {c.author} · <Time at={c.createdAt} />
                  {c.assignmentTitle && <> · on “{c.assignmentTitle}”</>}
                  {c.attemptId && (
                    <>
                      {' · '}
                      <a href={`#attempt-${c.attemptId}`} className="underline">
                        attempt
                      </a>
                    </>
                  )}
                </p>
                <p className="whitespace-pre-wrap">{c.body}</p>
                <ActionForm action={deleteCommentAction} confirm="Delete this comment?" messages="inline">
                  <input type="hidden" name="classId" value={cls.id} />
                  <input type="hidden" name="commentId" value={c.id} />
                  <button type="submit" className="text-sm underline">
                    Delete
                  </button>
                </ActionForm>
              </li>
            ))}
          </ul>
        )}
        <h3 className="font-semibold">General comment</h3>
        <CommentForm {...commentFormProps} idPrefix="general" />
      </section>
      <p>
        <Link href={base} className="underline">
          Back to the gradebook
        </Link>
      </p>
      <LocalTimes />
    </div>
  );
}
