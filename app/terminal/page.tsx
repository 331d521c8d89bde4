// The lab: a sandboxed shell with `docker` in it, the workspace editor and the live build trace.
import type { Metadata } from 'next';
import { requireUser } from '@/lib/auth/current-user.ts';
import { shellProblem } from '@/lib/runtime/shell-availability.ts';
import LabLayout from '@/components/lab/lab-layout.tsx';

export const metadata: Metadata = { title: 'Terminal' };
export const dynamic = 'force-dynamic';

export default async function TerminalPage() {
  const user = await requireUser('/terminal');
  return (
    // wider than the site's text column: a terminal wants ~100 columns beside the trace
    <div className="relative left-1/2 flex w-[min(calc(100vw-2rem),110rem)] -translate-x-1/2 flex-col gap-6">
      <header className="flex flex-col gap-1">
        <h1 className="text-3xl font-bold">Terminal</h1>
        <p className="text-[var(--muted)]">
          Type the lesson&apos;s commands for real: <code>ls -a</code>, <code>docker build -t myapp:v1 .</code>,{' '}
          <code>docker history myapp:v1</code>. Your workspace is kept between visits.
        </p>
      </header>
      <LabLayout userId={user.id} shellProblem={shellProblem()} />
    </div>
  );
}
