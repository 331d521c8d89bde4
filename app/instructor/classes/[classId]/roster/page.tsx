// /instructor/classes/<id>/roster — who is in the class, their overall activity, how to let
// more in, and removing a student.
import type { Metadata } from 'next';
import Link from 'next/link';
import { db } from '@/lib/db.ts';
import { roster } from '@/lib/classroom/enrollment.ts';
import { content } from '@/lib/content/loader.ts';
import { InstructorsOnly } from '@/components/classroom/InstructorsOnly.tsx';
import { ClassHeader } from '@/components/classroom/ClassHeader.tsx';
import { ActionForm } from '@/components/classroom/ActionForm.tsx';
import { JoinInfo } from '@/components/classroom/JoinInfo.tsx';
import { Time } from '@/components/classroom/Time.tsx';
import { LocalTimes } from '@/components/classroom/LocalTimes.tsx';
import { removeStudentAction } from '../../../actions.ts';
import { classPage, siteOrigin } from '../../../class-page.ts';

export const metadata: Metadata = { title: 'Roster' };
export const dynamic = 'force-dynamic';

export default async function RosterPage({ params }: { params: Promise<{ classId: string }> }) {
  const { classId } = await params;
  const { user, cls } = await classPage(classId, `/instructor/classes/${encodeURIComponent(classId)}/roster`);
  if (!cls) return <InstructorsOnly />;
  const rows = await roster(db(), user, cls.id);
  const { steps, cards } = content();
  const base = `/instructor/classes/${cls.id}`;
  return (
    <div className="flex flex-col gap-8">
      <ClassHeader cls={cls} />
      <section aria-labelledby="join-h" className="card flex flex-col gap-2">
        <h2 id="join-h" className="font-semibold">
          Let students in
        </h2>
        <JoinInfo joinCode={cls.archivedAt ? null : cls.joinCode} origin={await siteOrigin()} />
      </section>
      <section aria-labelledby="roster-h" className="flex flex-col gap-3">
        <h2 id="roster-h" className="text-xl font-bold">
          {rows.length} student{rows.length === 1 ? '' : 's'}
        </h2>
        {rows.length > 0 && (
          <div className="table-wrap rounded-lg border border-[var(--border)]">
            <table className="data-table" data-testid="class-table">
              <thead>
                <tr>
                  <th scope="col">Student</th>
                  <th scope="col">Joined</th>
                  <th scope="col">Steps done (of {steps.length})</th>
                  <th scope="col">Cards learned (of {cards.length})</th>
                  <th scope="col">Reviews</th>
                  <th scope="col">Last review</th>
                  <th scope="col">Attempts</th>
                  <th scope="col">
                    <span className="sr-only">Actions</span>
                  </th>
                </tr>
              </thead>
              <tbody>
                {rows.map((r) => (
                  <tr key={r.id}>
                    <th scope="row">
                      <Link href={`${base}/students/${r.id}`}>{r.email}</Link>
                      {r.username && <span className="block text-xs font-normal text-[var(--muted)]">{r.username}</span>}
                    </th>
                    <td>
                      <Time at={r.joinedAt} />
                    </td>
                    <td>{r.stepsDone}</td>
                    <td>{r.cardsLearned}</td>
                    <td>{r.reviews}</td>
                    <td>
                      <Time at={r.lastReview} />
                    </td>
                    <td>{r.attempts}</td>
                    <td>
                      <ActionForm action={removeStudentAction} confirm={`Remove ${r.email} from ${cls.name}? Their work stays theirs; you stop seeing it.`} messages="inline">
                        <input type="hidden" name="classId" value={cls.id} />
                        <input type="hidden" name="studentId" value={r.id} />
                        <button type="submit" className="text-sm text-red-700 underline dark:text-red-300" aria-label={`Remove ${r.email}`}>
                          Remove
                        </button>
                      </ActionForm>
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        )}
      </section>
      <LocalTimes />
    </div>
  );
}
