import type { Metadata } from 'next';
import Link from 'next/link';
import { db } from '@/lib/db.ts';
import { requireUser } from '@/lib/auth/current-user.ts';
import { content } from '@/lib/content/loader.ts';
import { doneSteps } from '@/lib/progress/steps.ts';
import { buildDeck, reviewHistory } from '@/lib/flashcards/reviews.ts';
import { HistoryChart } from '@/components/progress/HistoryChart.tsx';
import { studentClasses } from '@/lib/classroom/student-view.ts';
import { commentsForStudent } from '@/lib/classroom/comments.ts';
import { siteCatalog } from '@/lib/classroom/catalog.ts';
import { MyClasses } from '@/components/classroom/MyClasses.tsx';
import { leaveClassAction } from '@/app/join/actions.ts';

export const metadata: Metadata = { title: 'Progress' };

export default async function ProgressPage({ searchParams }: { searchParams: Promise<{ joined?: string }> }) {
  const user = await requireUser('/progress');
  const { steps, cards } = content();
  const [classes, comments] = await Promise.all([studentClasses(db(), user.id, siteCatalog()), commentsForStudent(db(), user.id)]);
  const [done, deck, history, reviews] = await Promise.all([
    doneSteps(db(), user.id),
    buildDeck(db(), user.id, cards),
    reviewHistory(db(), user.id, 14),
    db().reviewLog.count({ where: { userId: user.id } }),
  ]);
  const pct = Math.round((done.size / Math.max(1, steps.length)) * 100);
  return (
    <div className="flex flex-col gap-8">
      <h1 className="text-3xl font-bold">Your progress</h1>
      {(classes.length > 0 || user.role === 'student') && <MyClasses classes={classes} comments={comments} leave={leaveClassAction} joined={(await searchParams).joined === '1'} />}
      <section aria-labelledby="steps-h" className="flex flex-col gap-3">
        <h2 id="steps-h" className="text-xl font-bold">
          Lesson: <span data-testid="steps-done">{done.size}</span> of {steps.length} steps done
        </h2>
        <div className="h-3 max-w-xl overflow-hidden rounded-full bg-[var(--bg-soft)] ring-1 ring-[var(--border)]" role="progressbar" aria-valuenow={pct} aria-valuemin={0} aria-valuemax={100} aria-label="Steps done">
          <div className="h-full bg-green-600" style={{ width: `${pct}%` }} />
        </div>
        <ul className="grid gap-1 sm:grid-cols-2" data-testid="progress-steps">
          {steps.map((s) => (
            <li key={s.slug} className="flex gap-2">
              <span aria-hidden="true" className={done.has(s.slug) ? 'text-green-600' : 'text-[var(--muted)]'}>{done.has(s.slug) ? '✓' : '○'}</span>
              <Link href={`/lesson/${s.slug}`} className="hover:underline">{s.step}. {s.title}</Link>
              <span className="sr-only">{done.has(s.slug) ? '(done)' : '(not done)'}</span>
            </li>
          ))}
        </ul>
      </section>
      <section aria-labelledby="cards-h" className="flex flex-col gap-3">
        <h2 id="cards-h" className="text-xl font-bold">Flashcards</h2>
        <dl className="grid max-w-xl grid-cols-2 gap-3 sm:grid-cols-4">
          {[
            ['Learned', deck.learnedCount, 'cards-learned'],
            ['Due now', deck.dueCount, 'cards-due'],
            ['New', deck.newCount, 'cards-new'],
            ['Reviews', reviews, 'reviews-total'],
          ].map(([label, value, id]) => (
            <div key={id} className="rounded-lg border border-[var(--border)] p-3">
              <dt className="text-sm text-[var(--muted)]">{label}</dt>
              <dd className="text-2xl font-bold" data-testid={id}>{value}</dd>
            </div>
          ))}
        </dl>
        <HistoryChart days={history} />
        <p><Link href="/flashcards" className="btn">Review cards</Link></p>
      </section>
    </div>
  );
}
