// /instructor/classes/<id>/assignments — what the class has to do, with dates and points; edit,
// delete, and the form for a new assignment.
import type { Metadata } from 'next';
import Link from 'next/link';
import { db } from '@/lib/db.ts';
import { listAssignments } from '@/lib/classroom/assignments.ts';
import { siteCatalog } from '@/lib/classroom/catalog.ts';
import { InstructorsOnly } from '@/components/classroom/InstructorsOnly.tsx';
import { ClassHeader } from '@/components/classroom/ClassHeader.tsx';
import { ActionForm } from '@/components/classroom/ActionForm.tsx';
import { AssignmentForm } from '@/components/classroom/AssignmentForm.tsx';
import { DateTimeField } from '@/components/classroom/DateTimeField.tsx';
import { Time } from '@/components/classroom/Time.tsx';
import { LocalTimes } from '@/components/classroom/LocalTimes.tsx';
import { KIND_LABEL } from '@/components/classroom/labels.ts';
import { createAssignmentAction, deleteAssignmentAction, updateAssignmentAction } from '../../../actions.ts';
import { classPage } from '../../../class-page.ts';

export const metadata: Metadata = { title: 'Assignments' };
export const dynamic = 'force-dynamic';

export default async function AssignmentsPage({ params }: { params: Promise<{ classId: string }> }) {
  const { classId } = await params;
  const { cls } = await classPage(classId, `/instructor/classes/${encodeURIComponent(classId)}/assignments`);
  if (!cls) return <InstructorsOnly />;
  const assignments = await listAssignments(db(), [cls.id]);
  const catalog = siteCatalog();
  const targetNames = new Map<string, string>([
    ...catalog.exercises.map((e) => [e.id, e.title] as [string, string]),
    ...catalog.steps.map((s) => [s.slug, `${s.step}. ${s.title}`] as [string, string]),
  ]);
  return (
    <div className="flex flex-col gap-8">
      <ClassHeader cls={cls} />
      <section aria-labelledby="list-h" className="flex flex-col gap-3">
        <h2 id="list-h" className="text-xl font-bold">
          Assigned
        </h2>
        {assignments.length === 0 ? (
          <p className="text-[var(--muted)]">Nothing assigned yet.</p>
        ) : (
          <ul className="flex flex-col gap-3" data-testid="assignment-list">
            {assignments.map((a) => (
              <li key={a.id} className="card flex flex-col gap-2" data-testid="assignment">
                <div className="flex flex-wrap items-baseline justify-between gap-2">
                  <h3 className="font-semibold">{a.title}</h3>
                  <span className="text-sm text-[var(--muted)]">
                    {KIND_LABEL[a.kind]} · {a.points} point{a.points === 1 ? '' : 's'}
                  </span>
                </div>
                <p className="text-sm text-[var(--muted)]">
                  {a.kind === 'exercise' && (
                    <Link href={`/exercises/${a.targets[0]}`} className="underline">
                      {targetNames.get(a.targets[0]) === a.title ? 'Open the exercise' : `Exercise: ${targetNames.get(a.targets[0]) ?? a.targets[0]}`}
                    </Link>
                  )}
                  {a.kind === 'steps' &&
                    a.targets.map((t, i) => (
                      <span key={t}>
                        {i > 0 && ' · '}
                        <Link href={`/lesson/${t}`} className="underline">
                          {targetNames.get(t) ?? t}
                        </Link>
                      </span>
                    ))}
                  {a.kind === 'flashcards' &&
                    `${a.cardGoal} cards ${a.cardMode === 'learned' ? 'learned (ever)' : 'reviewed since it opens'}${a.targets.length ? `, from steps ${a.targets.map((t) => targetNames.get(t)?.split('.')[0] ?? t).join(', ')}` : ''}`}
                </p>
                <p className="text-sm">
                  {a.dueAt ? <>Due <Time at={a.dueAt} /></> : 'No due date'}
                  {a.opensAt && (
                    <>
                      {' · opens '}
                      <Time at={a.opensAt} />
                    </>
                  )}
                </p>
                <div className="flex flex-wrap items-start gap-3">
                  <details className="grow">
                    <summary className="cursor-pointer text-sm font-semibold text-[var(--accent)]">Edit dates, points or title</summary>
                    <ActionForm action={updateAssignmentAction} className="mt-3 flex flex-col gap-3">
                      <input type="hidden" name="classId" value={cls.id} />
                      <input type="hidden" name="assignmentId" value={a.id} />
                      <div className="field">
                        <label htmlFor={`t-${a.id}`}>Title</label>
                        <input id={`t-${a.id}`} name="title" defaultValue={a.title} maxLength={120} />
                      </div>
                      <div className="grid gap-3 sm:grid-cols-[minmax(0,1fr)_minmax(0,1fr)_7rem]">
                        <DateTimeField id={`o-${a.id}`} name="opensAt" label="Opens" defaultIso={a.opensAt?.toISOString()} />
                        <DateTimeField id={`d-${a.id}`} name="dueAt" label="Due" defaultIso={a.dueAt?.toISOString()} />
                        <div className="field">
                          <label htmlFor={`p-${a.id}`}>Points</label>
                          <input id={`p-${a.id}`} name="points" type="number" min={0} max={1000} defaultValue={a.points} />
                        </div>
                      </div>
                      <button type="submit" className="btn self-start">
                        Save
                      </button>
                    </ActionForm>
                  </details>
                  <ActionForm action={deleteAssignmentAction} confirm={`Delete “${a.title}”? Its gradebook column goes; attempts stay with the students.`} messages="inline">
                    <input type="hidden" name="classId" value={cls.id} />
                    <input type="hidden" name="assignmentId" value={a.id} />
                    <button type="submit" className="text-sm text-red-700 underline dark:text-red-300" aria-label={`Delete ${a.title}`}>
                      Delete
                    </button>
                  </ActionForm>
                </div>
              </li>
            ))}
          </ul>
        )}
      </section>
      <section aria-labelledby="new-h" className="flex flex-col gap-3">
        <h2 id="new-h" className="text-xl font-bold">
          New assignment
        </h2>
        {cls.archivedAt ? (
          <p className="text-[var(--muted)]">This class is archived: unarchive it on the Settings tab to assign more.</p>
        ) : (
          <AssignmentForm action={createAssignmentAction} classId={cls.id} exercises={catalog.exercises} steps={catalog.steps} />
        )}
      </section>
      <LocalTimes />
    </div>
  );
}
