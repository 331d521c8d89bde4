// A table of builds, newest first, each linking to its trace on /builds/<id>: the user's own on
// /builds, a student's on their instructor's page.
import Link from 'next/link';
import type { BuildSummary } from '@/lib/builds/build-service.ts';
import { formatDuration } from '@/lib/builds/trace-model.ts';

const when = (iso: string) => iso.slice(0, 16).replace('T', ' ') + ' UTC';

export function BuildsTable({ builds, testId = 'builds-table' }: { builds: BuildSummary[]; testId?: string }) {
  return (
    <div className="overflow-x-auto">
      <table className="w-full text-left text-sm" data-testid={testId}>
        <thead className="text-[var(--muted)]">
          <tr>
            <th className="py-1 pr-4 font-medium">When</th>
            <th className="py-1 pr-4 font-medium">From</th>
            <th className="py-1 pr-4 font-medium">Tags</th>
            <th className="py-1 pr-4 font-medium">Status</th>
            <th className="py-1 pr-4 font-medium">Duration</th>
            <th className="py-1 font-medium">
              <span className="sr-only">Trace</span>
            </th>
          </tr>
        </thead>
        <tbody>
          {builds.map((b) => (
            <tr key={b.id} className="border-t border-[var(--border)]">
              <td className="py-1 pr-4 whitespace-nowrap">{when(b.createdAt)}</td>
              <td className="py-1 pr-4">{b.source}</td>
              <td className="py-1 pr-4">{b.tags.length ? <code>{b.tags.join(', ')}</code> : <span className="text-[var(--muted)]">none</span>}</td>
              <td className="py-1 pr-4" title={b.error ? `${b.error.code}: ${b.error.message}` : undefined}>
                {b.status}
                {b.error && <span className="text-[var(--muted)]"> ({b.error.code})</span>}
              </td>
              <td className="py-1 pr-4">{b.durationMs !== undefined ? formatDuration(b.durationMs) : '—'}</td>
              <td className="py-1">
                <Link href={`/builds/${b.id}`} className="underline">
                  trace
                </Link>
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
