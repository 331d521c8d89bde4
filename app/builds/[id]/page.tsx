// /builds/<id> — replay of one of the user's builds: the trace (live if it is still running)
// beside the Dockerfile it was built from. An instructor of a class the owner is in may open it
// read-only (lib/classroom/access.ts: buildOwnerFor); anyone else gets 404.
import type { Metadata } from 'next';
import Link from 'next/link';
import { notFound } from 'next/navigation';
import { requireUser } from '@/lib/auth/current-user.ts';
import { db } from '@/lib/db.ts';
import { getBuild } from '@/lib/builds/build-store.ts';
import { buildOwnerFor } from '@/lib/classroom/access.ts';
import TraceView from '@/components/lab/trace-view.tsx';
import TraceViewDockerfile from '@/components/lab/trace-view-dockerfile.tsx';

export const metadata: Metadata = { title: 'Build' };
export const dynamic = 'force-dynamic';

export default async function BuildPage({ params }: { params: Promise<{ id: string }> }) {
  const { id } = await params;
  const user = await requireUser(`/builds/${encodeURIComponent(id)}`);
  const access = await buildOwnerFor(db(), user, id);
  const build = access && (await getBuild(db(), access.ownerId, id));
  if (!access || !build) notFound();
  const owner = access.asInstructor ? await db().user.findUnique({ where: { id: access.ownerId }, select: { email: true } }) : null;
  return (
    <div className="flex flex-col gap-6">
      <header className="flex flex-col gap-1">
        <p className="text-sm">
          {owner ? (
            <span data-testid="build-owner" className="block rounded-md border border-[var(--border)] bg-[var(--bg-soft)] px-3 py-2">
              A build of <strong>{owner.email}</strong>, shown to you read-only as their instructor ·{' '}
              <Link href="/instructor" className="underline">
                your classes
              </Link>
            </span>
          ) : (
            <Link href="/builds" className="underline">
              Your builds
            </Link>
          )}
        </p>
        <h1 className="text-3xl font-bold">{build.tags.length ? build.tags.join(', ') : 'Untagged build'}</h1>
        <p className="text-[var(--muted)]">
          Started {build.createdAt.slice(0, 19).replace('T', ' ')} UTC from the {build.source === 'web' ? 'Build button' : 'terminal'}.
        </p>
      </header>
      <div className="grid gap-6 lg:grid-cols-[minmax(0,3fr)_minmax(0,2fr)]">
        <TraceView buildId={build.id} />
        <TraceViewDockerfile path={build.dockerfilePath} text={build.dockerfileText} />
      </div>
    </div>
  );
}
