// /instructor — the classes the signed-in instructor teaches, and a form to start one.
import type { Metadata } from 'next';
import Link from 'next/link';
import { db } from '@/lib/db.ts';
import { requireUser } from '@/lib/auth/current-user.ts';
import { classesTaught } from '@/lib/classroom/classes.ts';
import { formatJoinCode } from '@/lib/classroom/join-code.ts';
import { ActionForm } from '@/components/classroom/ActionForm.tsx';
import { InstructorsOnly } from '@/components/classroom/InstructorsOnly.tsx';
import { createClassAction } from './actions.ts';

export const metadata: Metadata = { title: 'Instructor' };
export const dynamic = 'force-dynamic';

export default async function InstructorPage() {
  const user = await requireUser('/instructor');
  if (user.role !== 'instructor') return <InstructorsOnly />;
  const classes = await classesTaught(db(), user);
  const active = classes.filter((c) => !c.archived);
  const archived = classes.filter((c) => c.archived);
  return (
    <div className="flex flex-col gap-8">
      <header className="flex flex-col gap-1">
        <h1 className="text-3xl font-bold">Your classes</h1>
        <p className="max-w-prose text-[var(--muted)]">
          Start a class, give your students its join code or link, and assign exercises, lesson steps and flashcard goals
          with due dates. Each class has its own roster and gradebook; you see only the students of your classes.
        </p>
      </header>
      <section aria-labelledby="classes-h" className="flex flex-col gap-3">
        <h2 id="classes-h" className="sr-only">
          Active classes
        </h2>
        {active.length === 0 ? (
          <p className="text-[var(--muted)]" data-testid="no-classes">
            No classes yet: start one below.
          </p>
        ) : (
          <ul className="grid gap-3 sm:grid-cols-2" data-testid="class-list">
            {active.map((c) => (
              <li key={c.id} className="card flex flex-col gap-2">
                <Link href={`/instructor/classes/${c.id}`} className="text-lg font-semibold hover:underline">
                  {c.name}
                </Link>
                <p className="text-sm text-[var(--muted)]">
                  {c.students} student{c.students === 1 ? '' : 's'} · {c.assignments} assignment{c.assignments === 1 ? '' : 's'} · join code{' '}
                  {c.joinCode ? <code>{formatJoinCode(c.joinCode)}</code> : 'off'}
                </p>
              </li>
            ))}
          </ul>
        )}
      </section>
      <section aria-labelledby="new-class-h" className="flex max-w-xl flex-col gap-3">
        <h2 id="new-class-h" className="text-xl font-bold">
          Start a class
        </h2>
        <ActionForm action={createClassAction} className="flex flex-col gap-3" testId="new-class-form">
          <div className="field">
            <label htmlFor="class-name">Class name</label>
            <input id="class-name" name="name" required maxLength={80} placeholder="Containers, spring term" />
          </div>
          <button type="submit" className="btn self-start">
            Create class
          </button>
        </ActionForm>
      </section>
      {archived.length > 0 && (
        <section aria-labelledby="archived-h" className="flex flex-col gap-2">
          <h2 id="archived-h" className="text-xl font-bold">
            Archived
          </h2>
          <ul className="flex flex-col gap-1" data-testid="archived-list">
            {archived.map((c) => (
              <li key={c.id}>
                <Link href={`/instructor/classes/${c.id}`} className="hover:underline">
                  {c.name}
                </Link>{' '}
                <span className="text-sm text-[var(--muted)]">
                  ({c.students} student{c.students === 1 ? '' : 's'})
                </span>
              </li>
            ))}
          </ul>
        </section>
      )}
    </div>
  );
}
