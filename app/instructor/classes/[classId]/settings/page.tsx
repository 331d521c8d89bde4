// /instructor/classes/<id>/settings — name, join code (new code / switch off), co-instructors,
// archive.
import type { Metadata } from 'next';
import { db } from '@/lib/db.ts';
import { instructorsOf } from '@/lib/classroom/classes.ts';
import { InstructorsOnly } from '@/components/classroom/InstructorsOnly.tsx';
import { ClassHeader } from '@/components/classroom/ClassHeader.tsx';
import { ActionForm } from '@/components/classroom/ActionForm.tsx';
import { JoinInfo } from '@/components/classroom/JoinInfo.tsx';
import {
  addInstructorAction,
  archiveClassAction,
  disableCodeAction,
  regenerateCodeAction,
  removeInstructorAction,
  renameClassAction,
} from '../../../actions.ts';
import { classPage, siteOrigin } from '../../../class-page.ts';

export const metadata: Metadata = { title: 'Class settings' };
export const dynamic = 'force-dynamic';

export default async function SettingsPage({ params }: { params: Promise<{ classId: string }> }) {
  const { classId } = await params;
  const { user, cls } = await classPage(classId, `/instructor/classes/${encodeURIComponent(classId)}/settings`);
  if (!cls) return <InstructorsOnly />;
  const instructors = await instructorsOf(db(), user, cls.id);
  const hidden = <input type="hidden" name="classId" value={cls.id} />;
  return (
    <div className="flex flex-col gap-8">
      <ClassHeader cls={cls} />

      <section aria-labelledby="name-h" className="flex max-w-xl flex-col gap-3">
        <h2 id="name-h" className="text-xl font-bold">
          Name
        </h2>
        <ActionForm action={renameClassAction} className="flex flex-col gap-3" testId="rename-form">
          {hidden}
          <div className="field">
            <label htmlFor="rename">Class name</label>
            <input id="rename" name="name" defaultValue={cls.name} maxLength={80} required />
          </div>
          <button type="submit" className="btn self-start">
            Rename
          </button>
        </ActionForm>
      </section>

      <section aria-labelledby="code-h" className="flex flex-col gap-3">
        <h2 id="code-h" className="text-xl font-bold">
          Join code
        </h2>
        {cls.archivedAt ? <p className="text-[var(--muted)]">An archived class takes no new students.</p> : <JoinInfo joinCode={cls.joinCode} origin={await siteOrigin()} />}
        {!cls.archivedAt && (
          <div className="flex flex-wrap gap-3">
            <ActionForm action={regenerateCodeAction} confirm={cls.joinCode ? 'Make a new code? The current code and link stop working.' : undefined} messages="inline" className="flex flex-col gap-2">
              {hidden}
              <button type="submit" className="btn btn-ghost">
                {cls.joinCode ? 'Make a new code' : 'Switch joining on (new code)'}
              </button>
            </ActionForm>
            {cls.joinCode && (
              <ActionForm action={disableCodeAction} messages="inline" className="flex flex-col gap-2">
                {hidden}
                <button type="submit" className="btn btn-ghost">
                  Switch joining off
                </button>
              </ActionForm>
            )}
          </div>
        )}
      </section>

      <section aria-labelledby="teachers-h" className="flex max-w-xl flex-col gap-3">
        <h2 id="teachers-h" className="text-xl font-bold">
          Instructors
        </h2>
        <ul className="flex flex-col gap-2" data-testid="instructors">
          {instructors.map((i) => (
            <li key={i.id} className="flex flex-wrap items-center gap-3">
              <span>
                {i.email}
                {i.id === user.id && <span className="text-[var(--muted)]"> (you)</span>}
              </span>
              {instructors.length > 1 && (
                <ActionForm action={removeInstructorAction} confirm={i.id === user.id ? 'Stop teaching this class? You will lose access to it.' : `Remove ${i.email} from this class?`} messages="inline">
                  {hidden}
                  <input type="hidden" name="userId" value={i.id} />
                  <button type="submit" className="text-sm underline" aria-label={`Remove ${i.email} as instructor`}>
                    {i.id === user.id ? 'Leave' : 'Remove'}
                  </button>
                </ActionForm>
              )}
            </li>
          ))}
        </ul>
        <ActionForm action={addInstructorAction} className="flex flex-col gap-3" resetOnSuccess>
          {hidden}
          <div className="field">
            <label htmlFor="co-email">Add a co-instructor (their account email)</label>
            <input id="co-email" name="email" type="email" maxLength={254} placeholder="colleague@example.com" />
          </div>
          <button type="submit" className="btn btn-ghost self-start">
            Add instructor
          </button>
        </ActionForm>
      </section>

      <section aria-labelledby="archive-h" className="flex max-w-xl flex-col gap-3">
        <h2 id="archive-h" className="text-xl font-bold">
          {cls.archivedAt ? 'Archived' : 'Archive'}
        </h2>
        <p className="text-[var(--muted)]">
          {cls.archivedAt
            ? 'Students cannot join and no longer see this class; its gradebook stays here for you.'
            : 'When the term is over: students can no longer join and the class leaves their lists. You keep the gradebook and can unarchive it.'}
        </p>
        <ActionForm action={archiveClassAction} messages="inline" className="flex flex-col gap-2">
          {hidden}
          <input type="hidden" name="archived" value={cls.archivedAt ? 'false' : 'true'} />
          <button type="submit" className="btn btn-ghost self-start">
            {cls.archivedAt ? 'Unarchive' : 'Archive class'}
          </button>
        </ActionForm>
      </section>
    </div>
  );
}
