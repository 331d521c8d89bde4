// /builds — the signed-in user's builds (from the Build button and from the terminal), newest first.
import type { Metadata } from 'next';
import Link from 'next/link';
import { requireUser } from '@/lib/auth/current-user.ts';
import { db } from '@/lib/db.ts';
import { listBuilds } from '@/lib/builds/build-store.ts';
import { formatDuration } from '@/lib/builds/trace-model.ts';

export const metadata: Metadata = { title: 'Builds' };
export const dynamic = 'force-dynamic';

const when = (iso: string) => iso.slice(0, 16).replace('T', ' ') + ' UTC';

export default async function BuildsPage() {
  const user = await requireUser('/builds');
  const builds = await listBuilds(db(), user.id);
  return (
    <div className="flex flex-col gap-6">
      <header className="flex flex-col gap-1">
        <h1 className="text-3xl font-bold">Your builds</h1>
        <p className="text-[var(--muted)]">
          Every build you started, from the editor&apos;s Build button or as <code>docker build</code> in the{' '}
          <Link href="/terminal" className="underline">
            terminal
          </Link>
          . Open one to replay its trace.
        </p>
      </header>
      {builds.length === 0 ? (
        <p className="text-[var(--muted)]">No builds yet.</p>
      ) : (
        <div className="overflow-x-auto">
          <table className="w-full text-left text-sm" data-testid="builds-table">
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
      )}
    </div>
  );
}
