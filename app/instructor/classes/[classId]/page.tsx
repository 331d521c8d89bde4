// /instructor/classes/<id> — the gradebook: every student × assignment with status, best result,
// attempts, last activity, solution views and comments; CSV export.
import type { Metadata } from 'next';
import Link from 'next/link';
import { db } from '@/lib/db.ts';
import { gradebook } from '@/lib/classroom/gradebook.ts';
import { siteCatalog } from '@/lib/classroom/catalog.ts';
import type { Assignment } from '@/lib/classroom/classroom.ts';
import type { Cell } from '@/lib/classroom/status.ts';
import { InstructorsOnly } from '@/components/classroom/InstructorsOnly.tsx';
import { ClassHeader } from '@/components/classroom/ClassHeader.tsx';
import { StatusBadge } from '@/components/classroom/StatusBadge.tsx';
import { Time } from '@/components/classroom/Time.tsx';
import { LocalTimes } from '@/components/classroom/LocalTimes.tsx';
import { JoinInfo } from '@/components/classroom/JoinInfo.tsx';
import { KIND_LABEL } from '@/components/classroom/labels.ts';
import { classPage, siteOrigin } from '../../class-page.ts';

export const metadata: Metadata = { title: 'Gradebook' };
export const dynamic = 'force-dynamic';

type Params = { params: Promise<{ classId: string }> };

function CellView({ cell, a, href }: { cell: Cell; a: Assignment; href: string }) {
  return (
    <div className="flex flex-col items-start gap-0.5">
      <Link href={href} className="no-underline">
        <StatusBadge status={cell.status} />
      </Link>
      <span className="text-xs text-[var(--muted)]">
        {cell.best}
        {a.kind === 'exercise' && cell.attempts ? ` · ${cell.attempts} attempt${cell.attempts === 1 ? '' : 's'}` : ''}
      </span>
      {cell.lastActivityAt && (
        <span className="text-xs text-[var(--muted)]">
          last <Time at={cell.lastActivityAt} short />
        </span>
      )}
      {cell.solution && (
        <span className={`text-xs ${cell.solutionBeforePass ? 'font-semibold text-amber-700 dark:text-amber-300' : 'text-[var(--muted)]'}`} data-testid="solution-viewed">
          solution opened {cell.solution.count}×{cell.solutionBeforePass ? ' before passing' : ''}
        </span>
      )}
      {cell.comments > 0 && (
        <span className="text-xs text-[var(--muted)]">
          {cell.comments} comment{cell.comments === 1 ? '' : 's'}
        </span>
      )}
    </div>
  );
}

export default async function GradebookPage({ params }: Params) {
  const { classId } = await params;
  const { user, cls } = await classPage(classId, `/instructor/classes/${encodeURIComponent(classId)}`);
  if (!cls) return <InstructorsOnly />;
  const g = await gradebook(db(), user, cls.id, siteCatalog());
  const base = `/instructor/classes/${cls.id}`;
  return (
    <div className="flex flex-col gap-6">
      <ClassHeader cls={cls} />
      <div className="flex flex-wrap items-center justify-between gap-3">
        <p className="text-[var(--muted)]">
          {g.students.length} student{g.students.length === 1 ? '' : 's'} · {g.assignments.length} assignment{g.assignments.length === 1 ? '' : 's'}
        </p>
        {g.students.length > 0 && g.assignments.length > 0 && (
          <p className="flex flex-wrap gap-2">
            <a href={`${base}/gradebook.csv`} className="btn btn-ghost" download data-testid="export-csv">
              Export CSV
            </a>
            <a href={`${base}/gradebook.csv?layout=points`} className="btn btn-ghost" download>
              Points per student (CSV)
            </a>
          </p>
        )}
      </div>
      {g.students.length === 0 ? (
        <section className="card flex flex-col gap-2" aria-labelledby="empty-h">
          <h2 id="empty-h" className="font-semibold">
            No students yet
          </h2>
          <JoinInfo joinCode={cls.archivedAt ? null : cls.joinCode} origin={await siteOrigin()} />
        </section>
      ) : g.assignments.length === 0 ? (
        <p className="card">
          Nothing assigned yet. <Link href={`${base}/assignments`} className="underline">Assign an exercise, lesson steps or a flashcard goal</Link>.
        </p>
      ) : (
        <div className="table-wrap rounded-lg border border-[var(--border)]">
          <table className="data-table" data-testid="gradebook">
            <caption className="sr-only">Gradebook of {cls.name}: one row per student, one column per assignment</caption>
            <thead>
              <tr>
                <th scope="col" className="sticky left-0 z-10 min-w-[12rem] bg-[var(--bg-soft)]">
                  Student
                </th>
                {g.assignments.map((a) => (
                  <th scope="col" key={a.id} className="min-w-[10rem]">
                    <span className="block text-[var(--fg)]">{a.title}</span>
                    <span className="block font-normal">
                      {KIND_LABEL[a.kind]} · {a.points} pt
                    </span>
                    <span className="block font-normal">
                      {a.dueAt ? <>due <Time at={a.dueAt} short /></> : 'no due date'}
                    </span>
                  </th>
                ))}
                <th scope="col">Total</th>
              </tr>
            </thead>
            <tbody>
              {g.students.map((s) => {
                const t = g.totals.get(s.id);
                return (
                  <tr key={s.id} data-testid="gradebook-row">
                    <th scope="row" className="sticky left-0 z-10 bg-[var(--bg)]">
                      <Link href={`${base}/students/${s.id}`}>{s.email}</Link>
                    </th>
                    {g.assignments.map((a) => (
                      <td key={a.id}>
                        <CellView cell={g.cells.get(s.id)!.get(a.id)!} a={a} href={`${base}/students/${s.id}#a-${a.id}`} />
                      </td>
                    ))}
                    <td className="whitespace-nowrap">
                      {t?.earned ?? 0} / {t?.possible ?? 0}
                    </td>
                  </tr>
                );
              })}
            </tbody>
            <tfoot>
              <tr>
                <th scope="row" className="sticky left-0 z-10 bg-[var(--bg-soft)] text-sm">
                  Class
                </th>
                {g.assignments.map((a) => {
                  const count = (st: string) => g.students.filter((s) => g.cells.get(s.id)!.get(a.id)!.status === st).length;
                  return (
                    <td key={a.id} className="bg-[var(--bg-soft)] text-xs text-[var(--muted)]" data-testid="assignment-summary">
                      {count('passed')} passed · {count('late')} late
                      <br />
                      {count('in-progress')} in progress · {count('failed')} failed
                    </td>
                  );
                })}
                <td className="bg-[var(--bg-soft)]" />
              </tr>
            </tfoot>
          </table>
        </div>
      )}
      <LocalTimes />
    </div>
  );
}
