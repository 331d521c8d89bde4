// /builds — the signed-in user's builds (from the Build button and from the terminal), newest first.
import type { Metadata } from 'next';
import Link from 'next/link';
import { requireUser } from '@/lib/auth/current-user.ts';
import { db } from '@/lib/db.ts';
import { listBuilds } from '@/lib/builds/build-store.ts';
import { BuildsTable } from '@/components/lab/builds-table.tsx';

export const metadata: Metadata = { title: 'Builds' };
export const dynamic = 'force-dynamic';

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
        <BuildsTable builds={builds} />
      )}
    </div>
  );
}
