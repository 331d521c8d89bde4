import type { Metadata } from 'next';
import { db } from '@/lib/db.ts';
import { requireUser } from '@/lib/auth/current-user.ts';
import { content } from '@/lib/content/loader.ts';
import { classOverview } from '@/lib/progress/class-overview.ts';

export const metadata: Metadata = { title: 'Instructor' };

export default async function InstructorPage() {
  const user = await requireUser('/instructor');
  if (user.role !== 'instructor') {
    return (
      <section className="flex flex-col gap-3" data-testid="forbidden">
        <h1 className="text-3xl font-bold">Instructors only</h1>
        <p className="text-[var(--muted)]">
          This page shows every student&apos;s progress, so only instructors may open it. An administrator can run{' '}
          <code>lab user promote EMAIL</code>.
        </p>
      </section>
    );
  }
  const { steps, cards } = content();
  const rows = await classOverview(db());
  return (
    <section className="flex flex-col gap-6">
      <h1 className="text-3xl font-bold">Class overview</h1>
      <div className="table-wrap prose max-w-none">
        <table data-testid="class-table">
          <thead>
            <tr>
              <th>Account</th>
              <th>Role</th>
              <th>Steps done (of {steps.length})</th>
              <th>Cards learned (of {cards.length})</th>
              <th>Reviews</th>
              <th>Last review</th>
            </tr>
          </thead>
          <tbody>
            {rows.map((r) => (
              <tr key={r.email}>
                <td>{r.email}</td>
                <td>{r.role}</td>
                <td>{r.stepsDone}</td>
                <td>{r.cardsLearned}</td>
                <td>{r.reviews}</td>
                <td>{r.lastReview ? r.lastReview.toISOString().slice(0, 16).replace('T', ' ') : '—'}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </section>
  );
}
