// A student's assignments of one class: what, where to do it, due date, status and result.
import Link from 'next/link';
import type { StudentAssignment } from '@/lib/classroom/student-view.ts';
import type { Assignment } from '@/lib/classroom/classroom.ts';
import { StatusBadge } from './StatusBadge.tsx';
import { Time } from './Time.tsx';
import { KIND_LABEL } from './labels.ts';

export function assignmentHref(a: Assignment): string {
  if (a.kind === 'exercise') return `/exercises/${a.targets[0]}`;
  if (a.kind === 'steps') return `/lesson/${a.targets[0]}`;
  return '/flashcards';
}

export function StudentAssignments({ items, caption }: { items: StudentAssignment[]; caption: string }) {
  if (items.length === 0) return <p className="text-sm text-[var(--muted)]">Nothing assigned yet.</p>;
  return (
    <div className="table-wrap">
      <table className="data-table" data-testid="my-assignments">
        <caption className="sr-only">{caption}</caption>
        <thead>
          <tr>
            <th scope="col">Assignment</th>
            <th scope="col">Due</th>
            <th scope="col">Status</th>
            <th scope="col">Result</th>
          </tr>
        </thead>
        <tbody>
          {items.map(({ assignment: a, cell }) => (
            <tr key={a.id} data-testid="my-assignment">
              <th scope="row">
                <Link href={assignmentHref(a)}>{a.title}</Link>
                <span className="block text-xs font-normal text-[var(--muted)]">
                  {KIND_LABEL[a.kind]} · {a.points} point{a.points === 1 ? '' : 's'}
                </span>
              </th>
              <td>
                <Time at={a.dueAt} />
              </td>
              <td>
                <StatusBadge status={cell.status} />
              </td>
              <td className="text-sm">
                {cell.best}
                {cell.attempts ? ` · ${cell.attempts} attempt${cell.attempts === 1 ? '' : 's'}` : ''}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
