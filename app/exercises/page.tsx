import type { Metadata } from 'next';
import Link from 'next/link';
import { db } from '@/lib/db.ts';
import { content } from '@/lib/content/loader.ts';
import { currentUser } from '@/lib/auth/current-user.ts';
import { byExercise, studentClasses, type StudentClass } from '@/lib/classroom/student-view.ts';
import { siteCatalog } from '@/lib/classroom/catalog.ts';
import { StudentAssignments } from '@/components/classroom/StudentAssignments.tsx';
import { StatusBadge } from '@/components/classroom/StatusBadge.tsx';
import { Time } from '@/components/classroom/Time.tsx';
import { LocalTimes } from '@/components/classroom/LocalTimes.tsx';

export const metadata: Metadata = { title: 'Exercises' };

export default async function ExercisesPage() {
  const { exercises, steps } = content();
  const user = await currentUser();
  const classes: StudentClass[] = user ? await studentClasses(db(), user.id, siteCatalog()) : [];
  const assigned = byExercise(classes);
  const stepTitle = new Map(steps.map((s) => [s.slug, `${s.step}. ${s.title}`]));
  return (
    <section className="flex flex-col gap-6">
      <h1 className="text-3xl font-bold">Exercises</h1>
      {classes.some((c) => c.assignments.length > 0) && (
        <section aria-labelledby="assigned-h" className="flex flex-col gap-3" data-testid="assigned">
          <h2 id="assigned-h" className="text-xl font-bold">
            Assigned to you
          </h2>
          {classes
            .filter((c) => c.assignments.length > 0)
            .map((c) => (
              <div key={c.id} className="flex flex-col gap-1">
                <h3 className="text-sm font-semibold text-[var(--muted)]">{c.name}</h3>
                <StudentAssignments items={c.assignments} caption={`Assignments of ${c.name}`} />
              </div>
            ))}
          <h2 className="mt-2 text-xl font-bold">All exercises</h2>
        </section>
      )}
      <ul className="grid gap-3 sm:grid-cols-2">
        {exercises.map((e) => (
          <li key={e.id} className="rounded-lg border border-[var(--border)] p-4">
            <Link href={`/exercises/${e.id}`} className="font-semibold hover:underline">{e.title}</Link>
            <p className="mt-1 text-xs uppercase tracking-wide text-[var(--muted)]">{e.kind} · {stepTitle.get(e.step) ?? e.step}</p>
            <p className="mt-2 text-sm text-[var(--muted)]">{e.summary}</p>
            {(assigned.get(e.id) ?? []).map(({ assignment: a, cell, className }) => (
              <p key={a.id} className="mt-2 flex flex-wrap items-center gap-2 text-sm" data-testid="exercise-assignment">
                <StatusBadge status={cell.status} />
                <span>
                  {className}
                  {a.dueAt && (
                    <>
                      {' · due '}
                      <Time at={a.dueAt} />
                    </>
                  )}
                </span>
              </p>
            ))}
          </li>
        ))}
      </ul>
      <LocalTimes />
    </section>
  );
}
